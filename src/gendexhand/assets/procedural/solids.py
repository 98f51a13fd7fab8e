"""Rigid solids built from one or a few primitives: blocks, balls and fruit."""

from __future__ import annotations

import itertools

import numpy as np

from gendexhand.assets.model import AssetInfo, GraspFrame
from gendexhand.assets.procedural.geometry import (
    DOWN,
    PX,
    PY,
    body_part,
    side_grasp,
    solid,
    top_grasp,
)
from gendexhand.assets.shapes import Maker, Rgba


def _ball(asset_id: str, name: str, desc: str, radius: float, mass: float, rgba: Rgba) -> AssetInfo:
    d = 2 * radius
    return AssetInfo(
        asset_id,
        name,
        "ball" if "ball" in asset_id else "fruit",
        desc,
        (d, d, d),
        mass,
        True,
        rgba,
        solid(lambda m: m.sphere(radius), mass),
        parts=(body_part((d, d, d)),),
        grasps=(top_grasp("body", 0.0, "power"), side_grasp("body", (0, 0, 0))),
    )


def _block(
    asset_id: str,
    name: str,
    category: str,
    desc: str,
    size: tuple[float, float, float],
    mass: float,
    rgba: Rgba,
    fingers: tuple[float, float, float] = PX,
) -> AssetInfo:
    half = (size[0] / 2, size[1] / 2, size[2] / 2)
    return AssetInfo(
        asset_id,
        name,
        category,
        desc,
        size,
        mass,
        True,
        rgba,
        solid(lambda m: m.box(half), mass),
        parts=(body_part(size),),
        grasps=(GraspFrame("body_top", "body", (0, 0, 0), DOWN, fingers, "pinch", 0.08, "flip"),),
    )


def _apple() -> AssetInfo:
    size = (0.08, 0.08, 0.08)
    return AssetInfo(
        "apple",
        "apple",
        "fruit",
        "A round red apple, 8 cm across.",
        size,
        0.15,
        True,
        (0.8, 0.1, 0.1, 1),
        solid(lambda m: m.sphere(0.04), 0.15),
        parts=(body_part(size),),
        grasps=(top_grasp("body", 0.0, "power"), side_grasp("body", (0, 0, 0))),
    )


def _pear() -> AssetInfo:
    def add(m: Maker) -> None:
        m.sphere(0.035, (0, 0, -0.015))
        m.sphere(0.022, (0, 0, 0.028))

    size = (0.07, 0.07, 0.1)
    return AssetInfo(
        "pear",
        "pear",
        "fruit",
        "A pear, 7 cm across and 10 cm tall, narrow at the top.",
        size,
        0.17,
        True,
        (0.75, 0.8, 0.25, 1),
        solid(add, 0.17),
        parts=(body_part(size),),
        grasps=(top_grasp("body", 0.0, "power"), side_grasp("body", (0, 0, -0.015))),
    )


def _banana_points() -> np.ndarray:
    """Centre line of the banana (an arc in the xy plane), centred on its bounding box."""
    radius, r_tube = 0.12, 0.018
    angles = np.linspace(np.deg2rad(-50), np.deg2rad(50), 5)
    pts = np.column_stack([radius * np.cos(angles), radius * np.sin(angles), np.zeros(5)])
    lo, hi = pts.min(axis=0) - r_tube, pts.max(axis=0) + r_tube
    return pts - (lo + hi) / 2


def _banana() -> AssetInfo:
    pts = _banana_points()
    r = 0.018
    extent = pts.max(axis=0) - pts.min(axis=0) + 2 * r

    def add(m: Maker) -> None:
        for a, b in itertools.pairwise(pts):
            m.capsule(r, a, b)

    size = (float(extent[0]), float(extent[1]), float(extent[2]))
    mid = pts[2]
    return AssetInfo(
        "banana",
        "banana",
        "fruit",
        "A curved banana about 20 cm long, lying on its side.",
        size,
        0.12,
        True,
        (0.95, 0.85, 0.2, 1),
        solid(add, 0.12),
        parts=(body_part(size),),
        grasps=(
            GraspFrame(
                "body_top", "body", (float(mid[0]), 0.0, 0.0), DOWN, PX, "power", 0.08, "flip"
            ),
        ),
    )


def blocks() -> list[AssetInfo]:
    """Boxes of every size, in catalog order."""
    return [
        _block(
            "cube",
            "cube",
            "block",
            "A 5 cm wooden cube.",
            (0.05, 0.05, 0.05),
            0.08,
            (0.8, 0.6, 0.3, 1),
        ),
        _block(
            "small_cube",
            "small cube",
            "block",
            "A 3 cm toy block.",
            (0.03, 0.03, 0.03),
            0.02,
            (0.2, 0.6, 0.9, 1),
        ),
        _block(
            "plank",
            "wooden plank",
            "block",
            "A 20 × 4 × 2 cm wooden plank lying along x.",
            (0.2, 0.04, 0.02),
            0.1,
            (0.85, 0.7, 0.45, 1),
            fingers=PY,
        ),
        _block(
            "sponge",
            "sponge",
            "household",
            "A light 9 × 6 × 3 cm kitchen sponge.",
            (0.09, 0.06, 0.03),
            0.02,
            (0.95, 0.85, 0.2, 1),
            fingers=PY,
        ),
        _block(
            "box",
            "cereal box",
            "box",
            "A narrow box, 15 × 6 × 20 cm.",
            (0.15, 0.06, 0.2),
            0.3,
            (0.9, 0.7, 0.2, 1),
        ),
        _block(
            "book",
            "book",
            "household",
            "A 22 × 15 × 3 cm book lying flat.",
            (0.22, 0.15, 0.03),
            0.45,
            (0.5, 0.15, 0.15, 1),
            fingers=PY,
        ),
    ]


def balls_and_fruit() -> list[AssetInfo]:
    """Balls and fruit, in catalog order."""
    return [
        _ball(
            "tennis_ball",
            "tennis ball",
            "A tennis ball, 6.7 cm across.",
            0.0335,
            0.058,
            (0.8, 0.9, 0.2, 1),
        ),
        _ball(
            "golf_ball",
            "golf ball",
            "A golf ball, 4.3 cm across.",
            0.0214,
            0.046,
            (0.95, 0.95, 0.95, 1),
        ),
        _ball(
            "orange", "orange", "A round orange, 7.4 cm across.", 0.037, 0.14, (1.0, 0.55, 0.1, 1)
        ),
        _apple(),
        _pear(),
        _banana(),
    ]
