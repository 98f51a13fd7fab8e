"""Randomised initial conditions: the scene of one episode, drawn from its seed."""

from __future__ import annotations

import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.plan.schema import PlanConfig


def randomized_scene(plan: PlanConfig, base: SceneConfig, seed: int) -> SceneConfig:
    """``base`` with each randomised object moved and resized by uniform noise drawn from
    ``seed``: per randomised object, in scene order, x, y, yaw, then the scale if it varies."""
    rng = np.random.default_rng(seed)
    objects = []
    for obj in base.objects:
        noise = plan.randomize.get(obj.instance)
        if noise is None:
            objects.append(obj)
            continue
        dx, dy = (float(rng.uniform(-r, r)) for r in noise.xy)
        dyaw = float(rng.uniform(-noise.yaw_deg, noise.yaw_deg))
        pos = list(obj.pos)
        pos[0] += dx
        pos[1] += dy
        euler = (obj.euler_deg[0], obj.euler_deg[1], obj.euler_deg[2] + dyaw)
        update: dict[str, object] = {"pos": tuple(pos), "euler_deg": euler}
        if noise.scale > 0.0:
            update["scale"] = obj.scale * (1.0 + float(rng.uniform(-noise.scale, noise.scale)))
        objects.append(obj.model_copy(update=update))
    return base.model_copy(update={"objects": objects, "seed": seed})
