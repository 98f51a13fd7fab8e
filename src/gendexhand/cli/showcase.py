"""A scene holding one asset alone on a table, framed by close cameras (``assets render``)."""

from __future__ import annotations

from gendexhand.assets.catalog import get_asset
from gendexhand.config.loading import parse_scene
from gendexhand.config.scene import SceneConfig

SHOWCASE_POS = (0.4, 0.0)


def showcase_config(
    asset_id: str, scale: float = 1.0, joints: dict[str, float] | None = None, **extra: object
) -> SceneConfig:
    """``asset_id`` resting on a 1.6 × 1.2 m table; the floating hand waits up and to the side.

    Cameras ``close`` (from the front, where the robot stands) and ``close_side`` (from its left)
    frame the asset.
    ``extra`` goes into the object entry (``fixed``, ``mass``, ``rgba``…).
    """
    asset = get_asset(asset_id)
    size = max(asset.size) * scale
    lookat = [SHOWCASE_POS[0], SHOWCASE_POS[1], 0.75 + asset.size[2] * scale / 2]
    distance = 2 * size + 0.15
    data = {
        "task": {"name": f"asset_{asset_id}", "description": asset.description},
        "embodiment": {"name": "floating_shadow", "base_pos": [-0.5, 0.5, 1.3]},
        "table": {"size": [1.6, 1.2]},
        "objects": [
            {
                "asset": asset_id,
                "pos": list(SHOWCASE_POS),
                "scale": scale,
                "joints": joints or {},
                **extra,
            }
        ],
        "cameras": [
            {
                "name": "close",
                "lookat": lookat,
                "distance": distance,
                "azimuth": -25,
                "elevation": -30,
            },
            {
                "name": "close_side",
                "lookat": lookat,
                "distance": distance,
                "azimuth": 60,
                "elevation": -25,
            },
        ],
        "views": ["close", "close_side", "top"],
    }
    return parse_scene(data, f"<showcase of {asset_id}>")
