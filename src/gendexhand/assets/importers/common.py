"""What every importer shares: the options, asset ids, and writing an asset folder."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from gendexhand.errors import AssetError

ID_RE = re.compile(r"[^a-z0-9_]+")

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


DEFAULT_OPTIONS = ImportOptions()
"""The options an importer uses when none are given."""


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


def new_asset_id(name: str) -> str:
    """:func:`asset_id_for`, with ``_imported`` appended if a built-in asset has that id."""
    from gendexhand.assets.catalog import builtin_assets

    ident = asset_id_for(name)
    return f"{ident}_imported" if ident in builtin_assets() else ident


def fresh_target(into: Path, asset_id: str, overwrite: bool) -> Path:
    target = into / asset_id
    if target.exists():
        if not overwrite:
            raise AssetError(f"{target} exists; pass --overwrite to replace it")
        shutil.rmtree(target)
    (target / "meshes").mkdir(parents=True)
    return target


def write_asset(target: Path, data: dict[str, object], license_text: str) -> None:
    """Write ``asset.yaml`` and the licence; meshes are already under ``target/meshes``."""
    (target / "LICENSE.source.txt").write_text(license_text)
    data["license_file"] = "LICENSE.source.txt"
    tmp = target / "asset.yaml.tmp"
    tmp.write_text(yaml.safe_dump(data, sort_keys=False))
    tmp.replace(target / "asset.yaml")
