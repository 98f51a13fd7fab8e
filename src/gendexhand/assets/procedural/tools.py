"""Hand tools lying flat along x: hammer, screwdriver, marker pen."""

from __future__ import annotations

import numpy as np

from gendexhand.assets.model import AssetInfo, GraspFrame, Part
from gendexhand.assets.procedural.geometry import DOWN, METAL, PY, body_part, solid
from gendexhand.assets.shapes import Maker


def _hammer() -> AssetInfo:
    def add(m: Maker) -> None:
        m.cylinder(0.014, 0.12, (-0.02, 0, 0), euler=(0, np.pi / 2, 0), rgba=(0.6, 0.4, 0.2, 1))
        m.box((0.02, 0.05, 0.014), (0.12, 0, 0), rgba=METAL)

    return AssetInfo(
        "hammer",
        "hammer",
        "tool",
        "A 28 cm hammer lying flat: wooden handle along x, head at +x.",
        (0.28, 0.1, 0.028),
        0.45,
        True,
        (0.6, 0.4, 0.2, 1),
        solid(add, 0.45),
        parts=(
            Part("handle", "handle", (-0.02, 0, 0), (0.12, 0.014, 0.014)),
            Part("head", "body", (0.12, 0, 0), (0.02, 0.05, 0.014)),
        ),
        grasps=(
            GraspFrame("handle_top", "handle", (-0.06, 0, 0), DOWN, PY, "power", 0.08, "flip"),
        ),
    )


def _screwdriver() -> AssetInfo:
    def add(m: Maker) -> None:
        m.cylinder(0.014, 0.05, (-0.05, 0, 0), euler=(0, np.pi / 2, 0))
        m.cylinder(0.003, 0.05, (0.05, 0, 0), euler=(0, np.pi / 2, 0), rgba=METAL)

    return AssetInfo(
        "screwdriver",
        "screwdriver",
        "tool",
        "A 20 cm screwdriver lying flat: handle at −x, steel shaft at +x.",
        (0.2, 0.028, 0.028),
        0.1,
        True,
        (0.9, 0.3, 0.1, 1),
        solid(add, 0.1),
        parts=(
            Part("handle", "handle", (-0.05, 0, 0), (0.05, 0.014, 0.014)),
            Part("shaft", "body", (0.05, 0, 0), (0.05, 0.003, 0.003)),
        ),
        grasps=(
            GraspFrame("handle_top", "handle", (-0.05, 0, 0), DOWN, PY, "power", 0.08, "flip"),
        ),
    )


def _marker() -> AssetInfo:
    def add(m: Maker) -> None:
        m.capsule(0.009, (-0.06, 0, 0), (0.06, 0, 0))

    size = (0.138, 0.018, 0.018)
    return AssetInfo(
        "marker",
        "marker pen",
        "tool",
        "A 14 cm marker pen lying along x.",
        size,
        0.02,
        True,
        (0.1, 0.3, 0.9, 1),
        solid(add, 0.02),
        parts=(body_part(size),),
        grasps=(GraspFrame("body_top", "body", (0, 0, 0), DOWN, PY, "pinch", 0.08, "flip"),),
    )


def tools() -> list[AssetInfo]:
    """Every tool, in catalog order."""
    return [_hammer(), _screwdriver(), _marker()]
