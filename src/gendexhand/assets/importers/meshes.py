"""Triangle meshes: reading them in metres with z up, convex decomposition (cached), export."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from gendexhand.assets.importers.common import ImportOptions, Progress, cache_dir
from gendexhand.errors import AssetError

MESH_SUFFIXES = (".obj", ".stl", ".ply", ".glb", ".gltf", ".off")

Pieces = list[tuple[np.ndarray, np.ndarray]]
"""Convex pieces as (vertices, faces) arrays."""


def trimesh_module() -> Any:
    try:
        import trimesh
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise AssetError("mesh import needs the 'trimesh' package: pip install trimesh") from exc
    return trimesh


def load_mesh(path: Path, options: ImportOptions) -> Any:
    """One triangle mesh from ``path`` in metres, z up."""
    trimesh = trimesh_module()
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


def coacd_settings(options: ImportOptions) -> dict[str, object]:
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


def convex_pieces(mesh: Any, options: ImportOptions, progress: Progress | None = None) -> Pieces:
    """Convex pieces (vertices, faces) covering ``mesh``: its hull if it is convex, else CoACD."""
    trimesh = trimesh_module()
    hull = mesh.convex_hull
    if mesh.is_watertight and hull.volume > 0 and mesh.volume / hull.volume > 0.98:
        return [(np.asarray(hull.vertices), np.asarray(hull.faces))]
    settings = coacd_settings(options)
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


def hull_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Volume of a closed, outward-oriented triangle mesh (divergence theorem)."""
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    return float(abs(np.einsum("ij,ij->i", a, np.cross(b, c)).sum()) / 6)


def export_mesh(vertices: np.ndarray, faces: np.ndarray, path: Path) -> None:
    """Write one triangle mesh to ``path`` (format from the suffix), creating its folder."""
    trimesh = trimesh_module()
    path.parent.mkdir(parents=True, exist_ok=True)
    trimesh.Trimesh(vertices, faces, process=False).export(path)


def rotate_yaw(points: np.ndarray, yaw_deg: float) -> np.ndarray:
    """``points`` (rows) turned by ``yaw_deg`` about z."""
    c, s = np.cos(np.deg2rad(yaw_deg)), np.sin(np.deg2rad(yaw_deg))
    return points @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]).T
