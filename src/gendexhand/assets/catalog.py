"""The asset catalog: built-in procedural objects, the kitchen appliances, and imported assets.

Imported assets (``gendexhand assets import``) live in asset folders, each holding an
``asset.yaml`` and its meshes. The catalog reads the user library
(``$GENDEXHAND_ASSET_DIR``, else ``$XDG_DATA_HOME/gendexhand/assets``, else
``~/.local/share/gendexhand/assets``). Built-in ids cannot be overridden.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from gendexhand.assets.kitchen import kitchen_assets
from gendexhand.assets.model import AssetInfo
from gendexhand.assets.procedural import procedural_assets
from gendexhand.errors import AssetError, unknown_name_message


def user_library_dir() -> Path:
    """Where imported assets go unless ``--into`` says otherwise."""
    if env := os.environ.get("GENDEXHAND_ASSET_DIR"):
        return Path(env).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "gendexhand" / "assets"


@cache
def builtin_assets() -> dict[str, AssetInfo]:
    assets = procedural_assets() + kitchen_assets()
    out: dict[str, AssetInfo] = {}
    for asset in assets:
        if asset.id in out:
            raise AssetError(f"duplicate built-in asset id {asset.id!r}")
        out[asset.id] = asset
    return out


@cache
def _catalog(library: Path) -> dict[str, AssetInfo]:
    from gendexhand.assets.library import load_library

    out = dict(builtin_assets())
    for asset in load_library(library):
        if asset.id in out:
            raise AssetError(
                f"imported asset id {asset.id!r} in {library} clashes with a built-in asset; "
                "rename its folder or the id in its asset.yaml"
            )
        out[asset.id] = asset
    return out


def catalog() -> dict[str, AssetInfo]:
    """Every asset a scene may use, by id (built-in first, then the user library)."""
    return _catalog(user_library_dir())


def reload_catalog() -> None:
    """Forget the cached user library (after an import, or when the library folder changed)."""
    _catalog.cache_clear()


def asset_ids() -> list[str]:
    return sorted(catalog())


def get_asset(asset_id: str) -> AssetInfo:
    """The catalog entry for ``asset_id``; an unknown id names the closest ones."""
    assets = catalog()
    if asset_id not in assets:
        raise AssetError(
            unknown_name_message("asset id", asset_id, assets, "gendexhand assets list")
        )
    return assets[asset_id]


CATEGORY_SIZES: dict[str, tuple[float, float]] = {
    "block": (0.015, 0.30),
    "household": (0.05, 0.40),
    "box": (0.05, 0.50),
    "ball": (0.02, 0.12),
    "fruit": (0.04, 0.30),
    "container": (0.05, 0.45),
    "tool": (0.08, 0.45),
    "furniture": (0.25, 1.50),
    "appliance": (0.30, 1.00),
}
"""Category → the plausible range (m) of an object's largest side, as real things of that kind
come; a scaled instance outside it looks wrong (a microwave three times too big)."""
DEFAULT_SIZES = (0.01, 1.5)
"""The range of a category not listed (a user's imported asset)."""


def plausible_size(category: str) -> tuple[float, float]:
    """The plausible range (m) of the largest side of an object of ``category``."""
    return CATEGORY_SIZES.get(category, DEFAULT_SIZES)
