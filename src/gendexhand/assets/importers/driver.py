"""The import driver: pick the importer for whatever path is given."""

from __future__ import annotations

from pathlib import Path

from gendexhand.assets.importers.common import DEFAULT_OPTIONS, ImportOptions, Progress
from gendexhand.assets.importers.mesh_import import import_mesh_file, import_mesh_folder
from gendexhand.assets.importers.meshes import MESH_SUFFIXES
from gendexhand.assets.importers.partnet import import_partnet
from gendexhand.errors import AssetError


def import_path(
    path: Path,
    into: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
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
