"""PartNet-Mobility objects (``mobility.urdf``, meshes, ``semantics.txt``) as articulated assets.

Each link becomes a body with its convex pieces and visual meshes, movable joints become hinges
and slides, and the labels of ``semantics.txt`` name the parts; handles get a grasp frame.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gendexhand.assets.importers.common import (
    DEFAULT_OPTIONS,
    ImportOptions,
    Progress,
    asset_id_for,
    fresh_target,
    new_asset_id,
    write_asset,
)
from gendexhand.assets.importers.licence import first_line, source_licence
from gendexhand.assets.importers.meshes import (
    Pieces,
    convex_pieces,
    export_mesh,
    hull_volume,
    rotate_yaw,
    trimesh_module,
)
from gendexhand.assets.importers.urdf import (
    UrdfJoint,
    UrdfTree,
    movable_joint,
    origin,
    quat,
    read_urdf,
)
from gendexhand.errors import AssetError

PART_KINDS = {
    "door": "door",
    "drawer": "drawer",
    "handle": "handle",
    "lid": "lid",
    "button": "button",
    "knob": "button",
    "rim": "rim",
}


def read_semantics(folder: Path) -> dict[str, str]:
    """``semantics.txt``: ``<link> <motion> <label>`` per line → link → label."""
    path = folder / "semantics.txt"
    labels: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            words = line.split()
            if len(words) >= 3:
                labels[words[0]] = words[2]
    return labels


def _part_kind(label: str) -> str:
    for key, kind in PART_KINDS.items():
        if key in label:
            return kind
    return "body"


@dataclass
class _Articulation:
    """The ``asset.yaml`` entries the links add up to, and their total mass."""

    bodies: list[dict[str, object]] = field(
        default_factory=lambda: [{"name": "root", "collision": [], "visual": []}]
    )
    parts: list[dict[str, object]] = field(default_factory=list)
    joints: list[dict[str, object]] = field(default_factory=list)
    grasps: list[dict[str, object]] = field(default_factory=list)
    mass: float = 0.0
    used_names: set[str] = field(default_factory=set)

    def unique_part_name(self, name: str) -> str:
        while name in self.used_names:
            name += "_"
        self.used_names.add(name)
        return name


def _link_pieces(
    tree: UrdfTree, options: ImportOptions, progress: Progress | None
) -> dict[str, Pieces]:
    """Convex pieces of every link (in its own frame), in tree order."""
    pieces: dict[str, Pieces] = {}
    for k, name in enumerate(tree.order, 1):
        link = tree.links[name]
        if progress:
            progress(f"[{k}/{len(tree.order)}] link {name}: {len(link.meshes)} mesh(es)")
        if not link.meshes:
            pieces[name] = []
            continue
        trimesh = trimesh_module()
        merged = trimesh.util.concatenate([trimesh.Trimesh(v, f) for v, f in link.meshes])
        pieces[name] = convex_pieces(merged, options, progress)
    return pieces


def _bounds(
    tree: UrdfTree, pieces: dict[str, Pieces], yaw: np.ndarray, urdf: Path
) -> tuple[np.ndarray, np.ndarray]:
    """(centre, size) of the bounding box of every piece in the asset frame."""
    pts = []
    for name in tree.order:
        t = yaw @ tree.world[name]
        for v, _ in pieces[name]:
            pts.append(v @ t[:3, :3].T + t[:3, 3])
    if not pts:
        raise AssetError(f"{urdf}: no link has a mesh")
    allpts = np.vstack(pts)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    return (lo + hi) / 2, hi - lo


def _part_and_grasp(
    part_name: str, label: str, body_name: str, pieces: Pieces
) -> tuple[dict[str, object], dict[str, object] | None]:
    """The part entry over a link's pieces, and a grasp frame if it is a handle."""
    lp = np.vstack([v for v, _ in pieces])
    plo, phi = lp.min(axis=0), lp.max(axis=0)
    part: dict[str, object] = {
        "name": part_name,
        "kind": _part_kind(label),
        "body": body_name,
        "pos": [float(v) for v in (plo + phi) / 2],
        "half_size": [float(v) for v in (phi - plo) / 2],
        "description": label,
    }
    if _part_kind(label) != "handle":
        return part, None
    grasp: dict[str, object] = {
        "name": f"{part_name}_grasp",
        "part": part_name,
        "pos": [float(v) for v in (plo + phi) / 2],
        "approach": [1.0, 0, 0],
        "fingers": [0, 1.0, 0],
        "kind": "power",
        "standoff": 0.1,
        "symmetry": "flip",
    }
    return part, grasp


def _joint_entries(
    joint: UrdfJoint, label: str, part_name: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The body's ``joint`` entry and the catalog's joint info (closed, opened, meaning)."""
    jname = asset_id_for(joint.name)
    rng = joint.range
    entry: dict[str, object] = {
        "name": jname,
        "type": joint.kind,
        "axis": [float(v) for v in joint.axis],
        "range": list(rng) if rng else None,
    }
    info_range = rng or (-np.pi, np.pi)
    closed = 0.0 if info_range[0] <= 0 <= info_range[1] else info_range[0]
    opened = max(info_range, key=lambda v: abs(v - closed))
    info: dict[str, object] = {
        "name": jname,
        "kind": joint.kind,
        "range": [float(v) for v in info_range],
        "closed": float(closed),
        "opened": float(opened),
        "meaning": f"{label} {joint.kind}: {closed:g} closed, {opened:g} open",
        "part": part_name,
    }
    return entry, info


def _add_link(
    art: _Articulation,
    name: str,
    tree: UrdfTree,
    pieces: Pieces,
    labels: dict[str, str],
    top: np.ndarray,
    target: Path,
    options: ImportOptions,
) -> None:
    """Add link ``name`` as a body (meshes written under ``target``), its part, grasp, joint."""
    unit = options.unit_scale
    body_name = asset_id_for(name)
    if name == tree.root:
        pos, rot = top[:3, 3], top[:3, :3]
        parent = "root"
    else:
        t = origin(tree.joints[name].find("origin"), unit)
        pos, rot = t[:3, 3], t[:3, :3]
        parent = asset_id_for(tree.parents[name])
    collision: list[dict[str, object]] = []
    visual: list[str] = []
    body: dict[str, object] = {
        "name": body_name,
        "parent": parent,
        "pos": [float(v) for v in pos],
        "quat": quat(rot),
        "collision": collision,
        "visual": visual,
    }
    for k, (v, f) in enumerate(pieces):
        rel = f"meshes/{body_name}_c{k}.obj"
        export_mesh(v, f, target / rel)
        mass = max(hull_volume(v, f), 1e-9) * options.density
        art.mass += mass
        collision.append({"mesh": rel, "mass": float(mass)})
    for k, (v, f) in enumerate(tree.links[name].meshes):
        rel = f"meshes/{body_name}_v{k}.obj"
        export_mesh(v, f, target / rel)
        visual.append(rel)
    label = labels.get(name, body_name)
    part_name = art.unique_part_name(asset_id_for(label))
    if pieces:
        part, grasp = _part_and_grasp(part_name, label, body_name, pieces)
        art.parts.append(part)
        if grasp is not None:
            art.grasps.append(grasp)
    if name != tree.root:
        joint = movable_joint(tree.joints[name], f"joint_{body_name}", unit)
        if joint is not None:
            body["joint"], info = _joint_entries(joint, label, part_name)
            art.joints.append(info)
    art.bodies.append(body)


def _category(folder: Path, default: str) -> str:
    """``model_cat`` of ``meta.json`` in lower case, if the folder has one."""
    meta = folder / "meta.json"
    if not meta.is_file():
        return default
    return str(json.loads(meta.read_text()).get("model_cat", default)).lower()


def _asset_data(
    folder: Path,
    asset_id: str,
    size: np.ndarray,
    art: _Articulation,
    category: str,
    source: str,
) -> dict[str, object]:
    # joints must name parts that exist; links without meshes get none
    known = {p["name"] for p in art.parts}
    joints = [j for j in art.joints if j["part"] in known]
    return {
        "format": 1,
        "id": asset_id,
        "name": f"{category} {folder.name}",
        "category": category,
        "description": (
            f"PartNet-Mobility object {folder.name} ({category}), "
            f"{size[0]:.2f} × {size[1]:.2f} × {size[2]:.2f} m; parts: "
            + ", ".join(str(p["name"]) for p in art.parts)
        ),
        "size": [float(v) for v in size],
        "mass": float(art.mass),
        "graspable": False,
        "rgba": [0.75, 0.72, 0.68, 1.0],
        "source": source,
        "fixed": bool(joints),
        "bodies": art.bodies,
        "parts": art.parts,
        "joints": joints,
        "grasps": art.grasps,
    }


def import_partnet(
    folder: Path,
    into: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    overwrite: bool = False,
    progress: Progress | None = None,
    asset_id: str | None = None,
) -> Path:
    """Import a PartNet-Mobility object folder as an articulated asset; return its folder."""
    urdf = folder / "mobility.urdf"
    if not urdf.is_file():
        raise AssetError(f"{folder}: no mobility.urdf (not a PartNet-Mobility object folder)")
    license_text, license_from = source_licence(folder, options)
    tree = read_urdf(urdf, options)
    labels = read_semantics(folder)
    yaw = np.eye(4)
    yaw[:3, :3] = rotate_yaw(np.eye(3), options.yaw_deg)
    pieces = _link_pieces(tree, options, progress)
    centre, size = _bounds(tree, pieces, yaw, urdf)
    asset_id = asset_id or new_asset_id(f"partnet_{folder.name}")
    target = fresh_target(into, asset_id, overwrite)
    top = yaw.copy()
    top[:3, 3] -= centre
    art = _Articulation()
    for name in tree.order:
        _add_link(art, name, tree, pieces[name], labels, top, target, options)
    source = f"PartNet-Mobility {folder.name}; licence ({license_from}): {first_line(license_text)}"
    data = _asset_data(folder, asset_id, size, art, _category(folder, options.category), source)
    write_asset(target, data, license_text)
    return target
