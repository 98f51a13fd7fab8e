"""Importers: a folder of meshes, or a PartNet-Mobility object, into asset folders of the library.

* **Meshes** (OBJ, STL, PLY, GLB/glTF): each file becomes one rigid asset. A convex mesh is kept as
  its hull; a concave one is split into convex pieces with CoACD, so a cup stays open.
* **PartNet-Mobility** (a folder with ``mobility.urdf`` and its meshes): each link becomes a body,
  revolute/prismatic/continuous joints become hinges and slides with their limits, and the labels
  of ``semantics.txt`` name the parts (door, drawer, handle, lid, …).

Decompositions are cached by the hash of the mesh and the settings (``$GENDEXHAND_CACHE``, else
``$XDG_CACHE_HOME/gendexhand``, else ``~/.cache/gendexhand``), so a re-import is quick. Every
imported asset carries its source and licence: a ``LICENSE*``/``COPYING*``/``license.txt`` file
found next to the source, or the text given with ``--license``; without either the import stops.
Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from gendexhand.errors import AssetError

MESH_SUFFIXES = (".obj", ".stl", ".ply", ".glb", ".gltf", ".off")
LICENSE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING", "license.txt", "license")
ID_RE = re.compile(r"[^a-z0-9_]+")
GRASPABLE_MAX_WIDTH = 0.12
"""An object is graspable if some horizontal width is at most this (m) and it is not huge."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ImportOptions:
    density: float = 500.0
    """kg/m³ for the mass of imported meshes."""
    unit_scale: float = 1.0
    """Multiply coordinates by this (0.001 for meshes in millimetres)."""
    up: str = "auto"
    """Up axis of the source: ``z``, ``y``, or ``auto`` (y for glTF/GLB, z otherwise)."""
    yaw_deg: float = 0.0
    """Turn about z after import (the catalog's convention: fronts face −x)."""
    license: str | None = None
    """Licence text when the source folder has no licence file."""
    category: str = "imported"
    threshold: float = 0.05
    """CoACD concavity threshold (smaller: more, tighter pieces)."""
    max_hulls: int = 16
    quality: str = "default"
    """``default`` or ``fast`` (coarser CoACD search)."""


def cache_dir() -> Path:
    if env := os.environ.get("GENDEXHAND_CACHE"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gendexhand"


def asset_id_for(name: str) -> str:
    """A catalog id from a file or folder name: lower case, digits, underscores."""
    ident = ID_RE.sub("_", name.lower()).strip("_")
    if not ident or not ident[0].isalpha():
        ident = f"obj_{ident}"
    return ident


def _new_asset_id(name: str) -> str:
    """:func:`asset_id_for`, with ``_imported`` appended if a built-in asset has that id."""
    from gendexhand.assets.catalog import builtin_assets

    ident = asset_id_for(name)
    return f"{ident}_imported" if ident in builtin_assets() else ident


# --- meshes ----------------------------------------------------------------------------------


def _trimesh() -> Any:
    try:
        import trimesh
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise AssetError("mesh import needs the 'trimesh' package: pip install trimesh") from exc
    return trimesh


def load_mesh(path: Path, options: ImportOptions) -> Any:
    """One triangle mesh from ``path`` in metres, z up."""
    trimesh = _trimesh()
    try:
        mesh = trimesh.load(path, force="mesh", process=True)
    except Exception as exc:  # trimesh raises many kinds
        raise AssetError(f"{path}: cannot read mesh: {exc}") from exc
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise AssetError(f"{path}: holds no triangles")
    mesh = mesh.copy()
    up = options.up if options.up != "auto" else ("y" if path.suffix in (".glb", ".gltf") else "z")
    if up == "y":
        mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    elif up != "z":
        raise AssetError(f"up axis must be 'z', 'y' or 'auto', got {options.up!r}")
    mesh.apply_scale(options.unit_scale)
    return mesh


def _coacd_settings(options: ImportOptions) -> dict[str, object]:
    settings: dict[str, object] = {
        "threshold": options.threshold,
        "max_convex_hull": options.max_hulls,
        "seed": 0,
    }
    if options.quality == "fast":
        settings.update(mcts_iterations=60, resolution=1000, preprocess_resolution=30)
    elif options.quality != "default":
        raise AssetError(f"quality must be 'default' or 'fast', got {options.quality!r}")
    return settings


def convex_pieces(
    mesh: Any, options: ImportOptions, progress: Progress | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Convex pieces (vertices, faces) covering ``mesh``: its hull if it is convex, else CoACD."""
    trimesh = _trimesh()
    hull = mesh.convex_hull
    if mesh.is_watertight and hull.volume > 0 and mesh.volume / hull.volume > 0.98:
        return [(np.asarray(hull.vertices), np.asarray(hull.faces))]
    settings = _coacd_settings(options)
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(mesh.vertices, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(mesh.faces, dtype=np.int64).tobytes())
    digest.update(repr(sorted(settings.items())).encode())
    cached = cache_dir() / "coacd" / f"{digest.hexdigest()[:32]}.npz"
    if cached.is_file():
        with np.load(cached) as npz:
            n = len(npz.files) // 2
            return [(npz[f"v{k}"], npz[f"f{k}"]) for k in range(n)]
    import coacd

    coacd.set_log_level("error")
    if progress:
        progress(f"  convex decomposition ({len(mesh.faces)} triangles)…")
    parts = coacd.run_coacd(coacd.Mesh(mesh.vertices, mesh.faces), **settings)
    pieces = []
    for v, f in parts:
        piece = trimesh.Trimesh(np.asarray(v), np.asarray(f)).convex_hull
        if piece.volume > 1e-12:
            pieces.append((np.asarray(piece.vertices), np.asarray(piece.faces)))
    if not pieces:
        raise AssetError("convex decomposition produced no pieces with volume")
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp.npz")
    arrays: dict[str, Any] = {}
    for k, (v, f) in enumerate(pieces):
        arrays[f"v{k}"], arrays[f"f{k}"] = v, f
    np.savez(tmp, **arrays)
    tmp.replace(cached)
    return pieces


def _hull_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Volume of a closed, outward-oriented triangle mesh (divergence theorem)."""
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    return float(abs(np.einsum("ij,ij->i", a, np.cross(b, c)).sum()) / 6)


def _license_text(source: Path, options: ImportOptions) -> tuple[str, str]:
    """(licence text, where it came from) for a source file or folder."""
    folder = source if source.is_dir() else source.parent
    for name in LICENSE_NAMES:
        if (folder / name).is_file():
            return (folder / name).read_text(errors="replace"), f"{name} next to the source"
    if options.license:
        return options.license, "given with --license"
    raise AssetError(
        f"{source}: no licence found (looked for {', '.join(LICENSE_NAMES)} in {folder}); "
        "give the source's licence with --license TEXT so it travels with the asset"
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:120]


def _export(vertices: np.ndarray, faces: np.ndarray, path: Path) -> None:
    trimesh = _trimesh()
    path.parent.mkdir(parents=True, exist_ok=True)
    trimesh.Trimesh(vertices, faces, process=False).export(path)


def _write_asset(target: Path, data: dict[str, object], license_text: str) -> None:
    """Write ``asset.yaml`` and the licence; meshes are already under ``target/meshes``."""
    (target / "LICENSE.source.txt").write_text(license_text)
    data["license_file"] = "LICENSE.source.txt"
    tmp = target / "asset.yaml.tmp"
    tmp.write_text(yaml.safe_dump(data, sort_keys=False))
    tmp.replace(target / "asset.yaml")


def _fresh_target(into: Path, asset_id: str, overwrite: bool) -> Path:
    target = into / asset_id
    if target.exists():
        if not overwrite:
            raise AssetError(f"{target} exists; pass --overwrite to replace it")
        shutil.rmtree(target)
    (target / "meshes").mkdir(parents=True)
    return target


def _yaw(points: np.ndarray, yaw_deg: float) -> np.ndarray:
    c, s = np.cos(np.deg2rad(yaw_deg)), np.sin(np.deg2rad(yaw_deg))
    return points @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]).T


def _auto_grasps(size: np.ndarray) -> list[dict[str, object]]:
    """A top grasp closing across the narrower horizontal side, and a side grasp if tall."""
    across_x = size[0] <= size[1]
    fingers = [0.0, 1.0, 0.0] if not across_x else [1.0, 0.0, 0.0]
    grasps: list[dict[str, object]] = [
        {
            "name": "body_top",
            "part": "body",
            "pos": [0.0, 0.0, 0.0],
            "approach": [0, 0, -1.0],
            "fingers": fingers,
            "kind": "power",
            "standoff": 0.08,
            "symmetry": "flip",
        },
    ]
    if size[2] >= 0.06 and size[1] <= GRASPABLE_MAX_WIDTH:
        grasps.append(
            {
                "name": "body_side",
                "part": "body",
                "pos": [0.0, 0.0, 0.0],
                "approach": [1.0, 0, 0],
                "fingers": [0, 1.0, 0],
                "kind": "power",
                "standoff": 0.08,
                "symmetry": "flip",
            }
        )
    return grasps


def import_mesh_file(
    path: Path,
    into: Path,
    options: ImportOptions = ImportOptions(),
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Import one mesh file as a rigid asset; return its asset folder."""
    license_text, license_from = _license_text(path, options)
    asset_id = _new_asset_id(path.stem)
    mesh = load_mesh(path, options)
    mesh.vertices = _yaw(np.asarray(mesh.vertices), options.yaw_deg)
    pieces = convex_pieces(mesh, options, progress)
    all_pts = np.vstack([v for v, _ in pieces])
    lo, hi = all_pts.min(axis=0), all_pts.max(axis=0)
    centre, size = (lo + hi) / 2, hi - lo
    target = _fresh_target(into, asset_id, overwrite)
    collision: list[dict[str, Any]] = []
    volumes = [_hull_volume(v, f) for v, f in pieces]
    for k, ((v, f), vol) in enumerate(zip(pieces, volumes, strict=True)):
        rel = f"meshes/collision_{k}.obj"
        _export(v - centre, f, target / rel)
        collision.append({"mesh": rel, "mass": float(max(vol, 1e-9) * options.density)})
    _export(
        np.asarray(mesh.vertices) - centre, np.asarray(mesh.faces), target / "meshes/visual.obj"
    )
    mass = sum(float(c["mass"]) for c in collision)
    graspable = bool(min(size[0], size[1]) <= GRASPABLE_MAX_WIDTH and max(size) <= 0.35)
    sidecar = path.with_suffix(".yaml")
    overrides = yaml.safe_load(sidecar.read_text()) if sidecar.is_file() else {}
    if not isinstance(overrides, dict):
        raise AssetError(f"{sidecar}: must be a mapping of asset fields")
    data: dict[str, object] = {
        "format": 1,
        "id": asset_id,
        "name": path.stem.replace("_", " "),
        "category": options.category,
        "description": (
            f"Imported from {path.name}: {size[0] * 100:.1f} × {size[1] * 100:.1f} × "
            f"{size[2] * 100:.1f} cm, {len(pieces)} convex piece(s)."
        ),
        "size": [float(v) for v in size],
        "mass": mass,
        "graspable": graspable,
        "rgba": [0.7, 0.7, 0.7, 1.0],
        "source": (
            f"imported from {path.name}; licence ({license_from}): {_first_line(license_text)}"
        ),
        "fixed": False,
        "bodies": [{"name": "root", "collision": collision, "visual": ["meshes/visual.obj"]}],
        "parts": [
            {
                "name": "body",
                "kind": "body",
                "pos": [0.0, 0.0, 0.0],
                "half_size": [float(v) / 2 for v in size],
            }
        ],
        "grasps": _auto_grasps(size) if graspable else [],
    }
    unknown = set(overrides) - {
        "name",
        "category",
        "description",
        "mass",
        "graspable",
        "rgba",
        "fixed",
        "grasps",
        "parts",
    }
    if unknown:
        raise AssetError(f"{sidecar}: fields that cannot be overridden: {sorted(unknown)}")
    if "mass" in overrides:
        factor = float(overrides["mass"]) / mass
        for c in collision:
            c["mass"] = float(c["mass"]) * factor
    data.update(overrides)
    _write_asset(target, data, license_text)
    return target


def mesh_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in MESH_SUFFIXES)


def import_mesh_folder(
    folder: Path,
    into: Path,
    options: ImportOptions = ImportOptions(),
    overwrite: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Import every mesh file in ``folder`` (not recursive)."""
    files = mesh_files(folder)
    if not files:
        raise AssetError(f"{folder}: no mesh files ({', '.join(MESH_SUFFIXES)})")
    out = []
    for k, path in enumerate(files, 1):
        if progress:
            progress(f"[{k}/{len(files)}] {path.name}")
        out.append(import_mesh_file(path, into, options, overwrite, progress))
    return out


# --- PartNet-Mobility ------------------------------------------------------------------------


def _floats(text: str | None, n: int, default: float = 0.0) -> np.ndarray:
    if not text:
        return np.full(n, default)
    values = [float(v) for v in text.split()]
    if len(values) != n:
        raise AssetError(f"expected {n} numbers, got {text!r}")
    return np.array(values)


def _rpy_matrix(rpy: np.ndarray) -> np.ndarray:
    r, p, y = rpy
    rx = np.array([[1, 0, 0], [0, np.cos(r), -np.sin(r)], [0, np.sin(r), np.cos(r)]])
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])
    rz = np.array([[np.cos(y), -np.sin(y), 0], [np.sin(y), np.cos(y), 0], [0, 0, 1]])
    return rz @ ry @ rx


def _origin(elem: ET.Element | None, unit: float) -> np.ndarray:
    """4×4 transform of a URDF ``<origin>`` (identity if absent)."""
    t = np.eye(4)
    if elem is not None:
        t[:3, :3] = _rpy_matrix(_floats(elem.get("rpy"), 3))
        t[:3, 3] = _floats(elem.get("xyz"), 3) * unit
    return t


def _quat(rot: np.ndarray) -> list[float]:
    import mujoco

    q = np.zeros(4)
    mujoco.mju_mat2Quat(q, np.ascontiguousarray(rot).flatten())
    return [float(v) for v in q]


@dataclass
class _Link:
    name: str
    meshes: list[tuple[np.ndarray, np.ndarray]]
    """Triangle meshes in the link frame."""


def _link_meshes(
    link: ET.Element, folder: Path, options: ImportOptions, tag: str
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for item in link.findall(tag):
        geom = item.find("geometry/mesh")
        if geom is None or not geom.get("filename"):
            continue
        path = folder / geom.get("filename", "")
        if not path.is_file():
            raise AssetError(
                f"{folder / 'mobility.urdf'}: link {link.get('name')!r} names a "
                f"missing mesh {geom.get('filename')!r}"
            )
        mesh = load_mesh(path, ImportOptions(unit_scale=options.unit_scale, up="z"))
        scale = _floats(geom.get("scale"), 3, 1.0)
        t = _origin(item.find("origin"), options.unit_scale)
        v = (np.asarray(mesh.vertices) * scale) @ t[:3, :3].T + t[:3, 3]
        yield v, np.asarray(mesh.faces)


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


PART_KINDS = {
    "door": "door",
    "drawer": "drawer",
    "handle": "handle",
    "lid": "lid",
    "button": "button",
    "knob": "button",
    "rim": "rim",
}


def _part_kind(label: str) -> str:
    for key, kind in PART_KINDS.items():
        if key in label:
            return kind
    return "body"


def import_partnet(
    folder: Path,
    into: Path,
    options: ImportOptions = ImportOptions(),
    overwrite: bool = False,
    progress: Progress | None = None,
    asset_id: str | None = None,
) -> Path:
    """Import a PartNet-Mobility object folder as an articulated asset; return its folder."""
    urdf = folder / "mobility.urdf"
    if not urdf.is_file():
        raise AssetError(f"{folder}: no mobility.urdf (not a PartNet-Mobility object folder)")
    license_text, license_from = _license_text(folder, options)
    try:
        robot = ET.parse(urdf).getroot()
    except ET.ParseError as exc:
        raise AssetError(f"{urdf}: not valid XML: {exc}") from exc
    unit = options.unit_scale
    labels = read_semantics(folder)
    links = {
        link.get("name", ""): _Link(
            link.get("name", ""),
            list(_link_meshes(link, folder, options, "collision"))
            or list(_link_meshes(link, folder, options, "visual")),
        )
        for link in robot.findall("link")
    }
    children: dict[str, ET.Element] = {}
    parent_link: dict[str, str] = {}
    for j in robot.findall("joint"):
        child_elem, parent_elem = j.find("child"), j.find("parent")
        if child_elem is None or parent_elem is None:
            raise AssetError(f"{urdf}: joint {j.get('name')!r} lacks <parent> or <child>")
        children[child_elem.get("link", "")] = j
        parent_link[child_elem.get("link", "")] = parent_elem.get("link", "")
    roots = [n for n in links if n not in children]
    if len(roots) != 1:
        raise AssetError(f"{urdf}: expected one root link, found {roots}")
    # world transform of every link at the zero configuration, in a tree order
    order, world = [roots[0]], {roots[0]: np.eye(4)}
    parent_of: dict[str, str] = {}
    while len(order) < len(links):
        grew = False
        for child, j in children.items():
            parent = parent_link[child]
            if child not in world and parent in world:
                world[child] = world[parent] @ _origin(j.find("origin"), unit)
                parent_of[child] = parent
                order.append(child)
                grew = True
        if not grew:
            raise AssetError(f"{urdf}: joints do not connect every link to {roots[0]!r}")
    yaw = np.eye(4)
    yaw[:3, :3] = _yaw(np.eye(3), options.yaw_deg)
    # pieces per link (link frame), and the bounding box of everything in the asset frame
    pieces: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    pts = []
    for k, name in enumerate(order, 1):
        link = links[name]
        if progress:
            progress(f"[{k}/{len(order)}] link {name}: {len(link.meshes)} mesh(es)")
        if not link.meshes:
            pieces[name] = []
            continue
        trimesh = _trimesh()
        merged = trimesh.util.concatenate([trimesh.Trimesh(v, f) for v, f in link.meshes])
        pieces[name] = convex_pieces(merged, options, progress)
        t = yaw @ world[name]
        for v, _ in pieces[name]:
            pts.append(v @ t[:3, :3].T + t[:3, 3])
    if not pts:
        raise AssetError(f"{urdf}: no link has a mesh")
    allpts = np.vstack(pts)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    centre, size = (lo + hi) / 2, hi - lo
    asset_id = asset_id or _new_asset_id(f"partnet_{folder.name}")
    target = _fresh_target(into, asset_id, overwrite)
    bodies: list[dict[str, object]] = [{"name": "root", "collision": [], "visual": []}]
    top = yaw.copy()
    top[:3, 3] -= centre
    parts: list[dict[str, object]] = []
    joint_infos: list[dict[str, object]] = []
    grasps: list[dict[str, object]] = []
    total_mass = 0.0
    used_names: set[str] = set()
    for name in order:
        body_name = asset_id_for(name)
        if name == roots[0]:
            pos, rot = top[:3, 3], top[:3, :3]
            parent = "root"
        else:
            j = children[name]
            t = _origin(j.find("origin"), unit)
            pos, rot = t[:3, 3], t[:3, :3]
            parent = asset_id_for(parent_of[name])
        body: dict[str, object] = {
            "name": body_name,
            "parent": parent,
            "pos": [float(v) for v in pos],
            "quat": _quat(rot),
            "collision": [],
            "visual": [],
        }
        for k, (v, f) in enumerate(pieces[name]):
            rel = f"meshes/{body_name}_c{k}.obj"
            _export(v, f, target / rel)
            mass = max(_hull_volume(v, f), 1e-9) * options.density
            total_mass += mass
            body["collision"].append({"mesh": rel, "mass": float(mass)})  # type: ignore[attr-defined]
        for k, (v, f) in enumerate(links[name].meshes):
            rel = f"meshes/{body_name}_v{k}.obj"
            _export(v, f, target / rel)
            body["visual"].append(rel)  # type: ignore[attr-defined]
        label = labels.get(name, body_name)
        part_name = asset_id_for(label)
        while part_name in used_names:
            part_name += "_"
        used_names.add(part_name)
        if pieces[name]:
            lp = np.vstack([v for v, _ in pieces[name]])
            plo, phi = lp.min(axis=0), lp.max(axis=0)
            parts.append(
                {
                    "name": part_name,
                    "kind": _part_kind(label),
                    "body": body_name,
                    "pos": [float(v) for v in (plo + phi) / 2],
                    "half_size": [float(v) for v in (phi - plo) / 2],
                    "description": label,
                }
            )
            if _part_kind(label) == "handle":
                grasps.append(
                    {
                        "name": f"{part_name}_grasp",
                        "part": part_name,
                        "pos": [float(v) for v in (plo + phi) / 2],
                        "approach": [1.0, 0, 0],
                        "fingers": [0, 1.0, 0],
                        "kind": "power",
                        "standoff": 0.1,
                        "symmetry": "flip",
                    }
                )
        if name != roots[0]:
            j = children[name]
            kind = j.get("type", "fixed")
            if kind in ("revolute", "continuous", "prismatic"):
                axis = _floats(j.find("axis").get("xyz") if j.find("axis") is not None else None, 3)  # type: ignore[union-attr]
                if not np.any(axis):
                    axis = np.array([1.0, 0, 0])
                axis = axis / np.linalg.norm(axis)
                lim = j.find("limit")
                scale = unit if kind == "prismatic" else 1.0
                rng = None
                if kind != "continuous" and lim is not None:
                    rng = (float(lim.get("lower", 0)) * scale, float(lim.get("upper", 0)) * scale)
                jname = asset_id_for(j.get("name", f"joint_{body_name}"))
                jtype = "slide" if kind == "prismatic" else "hinge"
                body["joint"] = {
                    "name": jname,
                    "type": jtype,
                    "axis": [float(v) for v in axis],
                    "range": list(rng) if rng else None,
                }
                info_range = rng or (-np.pi, np.pi)
                closed = 0.0 if info_range[0] <= 0 <= info_range[1] else info_range[0]
                opened = max(info_range, key=lambda v: abs(v - closed))
                joint_infos.append(
                    {
                        "name": jname,
                        "kind": jtype,
                        "range": [float(v) for v in info_range],
                        "closed": float(closed),
                        "opened": float(opened),
                        "meaning": f"{label} {jtype}: {closed:g} closed, {opened:g} open",
                        "part": part_name,
                    }
                )
        bodies.append(body)
    # joints must name parts that exist; links without meshes get none
    known = {p["name"] for p in parts}
    joint_infos = [j for j in joint_infos if j["part"] in known]
    meta = folder / "meta.json"
    category = options.category
    if meta.is_file():
        import json

        category = str(json.loads(meta.read_text()).get("model_cat", category)).lower()
    data: dict[str, object] = {
        "format": 1,
        "id": asset_id,
        "name": f"{category} {folder.name}",
        "category": category,
        "description": (
            f"PartNet-Mobility object {folder.name} ({category}), "
            f"{size[0]:.2f} × {size[1]:.2f} × {size[2]:.2f} m; parts: "
            + ", ".join(str(p["name"]) for p in parts)
        ),
        "size": [float(v) for v in size],
        "mass": float(total_mass),
        "graspable": False,
        "rgba": [0.75, 0.72, 0.68, 1.0],
        "source": f"PartNet-Mobility {folder.name}; licence ({license_from}): "
        f"{_first_line(license_text)}",
        "fixed": bool(joint_infos),
        "bodies": bodies,
        "parts": parts,
        "joints": joint_infos,
        "grasps": grasps,
    }
    _write_asset(target, data, license_text)
    return target


def import_path(
    path: Path,
    into: Path,
    options: ImportOptions = ImportOptions(),
    overwrite: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Import whatever ``path`` is: a PartNet-Mobility folder, a mesh folder, or a mesh file."""
    if not path.exists():
        raise AssetError(f"{path}: no such file or folder")
    if path.is_dir() and (path / "mobility.urdf").is_file():
        return [import_partnet(path, into, options, overwrite, progress)]
    if path.is_dir():
        return import_mesh_folder(path, into, options, overwrite, progress)
    if path.suffix.lower() in MESH_SUFFIXES:
        return [import_mesh_file(path, into, options, overwrite, progress)]
    raise AssetError(
        f"{path}: not a mesh ({', '.join(MESH_SUFFIXES)}), a folder of meshes, or a "
        "PartNet-Mobility folder (with mobility.urdf)"
    )
