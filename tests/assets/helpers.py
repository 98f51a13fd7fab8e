"""Scenes and measurements the asset tests share."""

from __future__ import annotations

import mujoco
import numpy as np

from gendexhand.assets import get_asset, instance_spec
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.scene import Scene, build_scene
from tests.conftest import minimal_config


def alone(asset_id: str, scale: float = 1.0, **extra: object) -> Scene:
    """The asset alone on the table, in front of a floating hand kept out of the way."""
    obj = {"asset": asset_id, "pos": [0.4, 0.0], "scale": scale, **extra}
    size = max(get_asset(asset_id).size) * scale
    close = {
        "name": "close",
        "lookat": [0.4, 0, 0.75 + size / 2],
        "distance": 2 * size + 0.15,
        "azimuth": 200,
        "elevation": -35,
    }
    config = minimal_config(
        "floating_shadow", table={"size": [1.6, 1.2]}, objects=[obj], cameras=[close]
    )
    # the hand floats up and to the side, out of reach of swinging doors
    data = config.model_dump()
    data["embodiment"]["base_pos"] = (-0.5, 0.5, 1.3)
    return build_scene(type(config).model_validate(data))


def standalone(asset_id: str, scale: float = 1.0, mass: float | None = None) -> mujoco.MjModel:
    """The asset alone in its own model, compiled."""
    return instance_spec(get_asset(asset_id), scale, mass=mass).compile()


def bounds_at_rest(model: mujoco.MjModel) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) corners of the collision geometry of ``model`` at its rest pose."""
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    return collision_bounds(model, data, range(model.ngeom))


def in_region(scene: Scene, obj: str, region_site: str) -> bool:
    """Whether ``obj``'s centre lies inside the box of site ``region_site``."""
    m, d = scene.model, scene.data
    site = m.site(region_site).id
    local = d.site_xmat[site].reshape(3, 3).T @ (
        d.xpos[scene.objects[obj].body] - d.site_xpos[site]
    )
    return bool(np.all(np.abs(local) <= m.site_size[site]))


def run(scene: Scene, seconds: float) -> None:
    """Step the physics for ``seconds``."""
    for _ in range(round(seconds / scene.model.opt.timestep)):
        mujoco.mj_step(scene.model, scene.data)
