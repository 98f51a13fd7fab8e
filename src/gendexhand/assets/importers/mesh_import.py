"""Mesh files (OBJ, STL, PLY, GLB/glTF, OFF) into rigid assets, one asset per file.

A sidecar ``<name>.yaml`` next to a mesh may override some fields of the asset it becomes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from gendexhand.assets.importers.common import (
    DEFAULT_OPTIONS,
    ImportOptions,
    Progress,
    fresh_target,
    new_asset_id,
    write_asset,
)
from gendexhand.assets.importers.licence import first_line, source_licence
from gendexhand.assets.importers.meshes import (
    MESH_SUFFIXES,
    Pieces,
    convex_pieces,
    export_mesh,
    hull_volume,
    load_mesh,
    rotate_yaw,
)
from gendexhand.errors import AssetError

GRASPABLE_MAX_WIDTH = 0.12
"""An object is graspable if some horizontal width is at most this (m) and it is not huge."""

OVERRIDABLE = frozenset(
    {"name", "category", "description", "mass", "graspable", "rgba", "fixed", "grasps", "parts"}
)
"""The asset fields a sidecar ``<mesh>.yaml`` may set."""


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


def _export_collision(
    pieces: Pieces, centre: np.ndarray, target: Path, density: float
) -> list[dict[str, Any]]:
    """Write the convex pieces, centred, as ``meshes/collision_<k>.obj``; their mass entries."""
    collision: list[dict[str, Any]] = []
    volumes = [hull_volume(v, f) for v, f in pieces]
    for k, ((v, f), vol) in enumerate(zip(pieces, volumes, strict=True)):
        rel = f"meshes/collision_{k}.obj"
        export_mesh(v - centre, f, target / rel)
        collision.append({"mesh": rel, "mass": float(max(vol, 1e-9) * density)})
    return collision


def _sidecar_overrides(path: Path) -> dict[str, Any]:
    """The fields ``<mesh>.yaml`` next to ``path`` overrides (none if there is no such file)."""
    sidecar = path.with_suffix(".yaml")
    overrides = yaml.safe_load(sidecar.read_text()) if sidecar.is_file() else {}
    if not isinstance(overrides, dict):
        raise AssetError(f"{sidecar}: must be a mapping of asset fields")
    unknown = set(overrides) - OVERRIDABLE
    if unknown:
        raise AssetError(f"{sidecar}: fields that cannot be overridden: {sorted(unknown)}")
    return overrides


def import_mesh_file(
    path: Path,
    into: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Import one mesh file as a rigid asset; return its asset folder."""
    license_text, license_from = source_licence(path, options)
    asset_id = new_asset_id(path.stem)
    mesh = load_mesh(path, options)
    mesh.vertices = rotate_yaw(np.asarray(mesh.vertices), options.yaw_deg)
    pieces = convex_pieces(mesh, options, progress)
    all_pts = np.vstack([v for v, _ in pieces])
    lo, hi = all_pts.min(axis=0), all_pts.max(axis=0)
    centre, size = (lo + hi) / 2, hi - lo
    target = fresh_target(into, asset_id, overwrite)
    collision = _export_collision(pieces, centre, target, options.density)
    export_mesh(
        np.asarray(mesh.vertices) - centre, np.asarray(mesh.faces), target / "meshes/visual.obj"
    )
    mass = sum(float(c["mass"]) for c in collision)
    graspable = bool(min(size[0], size[1]) <= GRASPABLE_MAX_WIDTH and max(size) <= 0.35)
    overrides = _sidecar_overrides(path)
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
            f"imported from {path.name}; licence ({license_from}): {first_line(license_text)}"
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
    if "mass" in overrides:
        factor = float(overrides["mass"]) / mass
        for c in collision:
            c["mass"] = float(c["mass"]) * factor
    data.update(overrides)
    write_asset(target, data, license_text)
    return target


def mesh_files(folder: Path) -> list[Path]:
    """The mesh files directly in ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in MESH_SUFFIXES)


def import_mesh_folder(
    folder: Path,
    into: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
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
