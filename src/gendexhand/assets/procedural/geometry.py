"""Shared vocabulary of the procedural assets: axes, colours, grasp frames, one-part solids.

Each builder works at scale 1 with the origin at the centre of the bounding box (see
:mod:`gendexhand.assets.model`).
"""

from __future__ import annotations

from collections.abc import Callable

import mujoco

from gendexhand.assets.model import GraspFrame, GraspKind, Part
from gendexhand.assets.shapes import Maker, Rgba

J = mujoco.mjtJoint
DOWN = (0.0, 0.0, -1.0)
PX, PY, PZ = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
NX, NY = (-1.0, 0.0, 0.0), (0.0, -1.0, 0.0)
METAL: Rgba = (0.75, 0.75, 0.78, 1)


def top_grasp(part: str, z: float, kind: GraspKind = "pinch") -> GraspFrame:
    """Palm above, facing down; round objects allow any yaw."""
    return GraspFrame(f"{part}_top", part, (0.0, 0.0, z), DOWN, PX, kind, 0.08, "z")


def side_grasp(part: str, pos: tuple[float, float, float]) -> GraspFrame:
    """Palm facing +x, fingers wrapping horizontally around a vertical shape (any yaw)."""
    return GraspFrame(f"{part}_side", part, pos, PX, PY, "power", 0.08, "z")


def body_part(size: tuple[float, float, float], name: str = "body") -> Part:
    return Part(name, "body", (0, 0, 0), (size[0] / 2, size[1] / 2, size[2] / 2))


def solid(add: Callable[[Maker], None], mass: float) -> Callable[[Rgba], mujoco.MjSpec]:
    def build(rgba: Rgba) -> mujoco.MjSpec:
        m = Maker(rgba)
        add(m)
        return m.finish(mass)

    return build
