"""Containers: bottles and cans, open vessels (mug, cup, bowl, plate) and trays."""

from __future__ import annotations

from gendexhand.assets.model import AssetInfo, GraspFrame, Part
from gendexhand.assets.procedural.geometry import (
    DOWN,
    NY,
    PX,
    PY,
    body_part,
    side_grasp,
    solid,
    top_grasp,
)
from gendexhand.assets.shapes import Maker, Rgba


def _cylinder_obj(
    asset_id: str, name: str, desc: str, radius: float, height: float, mass: float, rgba: Rgba
) -> AssetInfo:
    size = (2 * radius, 2 * radius, height)
    return AssetInfo(
        asset_id,
        name,
        "container",
        desc,
        size,
        mass,
        True,
        rgba,
        solid(lambda m: m.cylinder(radius, height / 2), mass),
        parts=(body_part(size),),
        grasps=(side_grasp("body", (0, 0, 0)), top_grasp("body", 0.0)),
    )


def _bottle() -> AssetInfo:
    r, body_half, neck_r, neck_half = 0.033, 0.08, 0.013, 0.03
    total_half = body_half + neck_half
    body_z = body_half - total_half
    neck_z = 2 * body_half + neck_half - total_half

    def add(m: Maker) -> None:
        m.cylinder(r, body_half, (0, 0, body_z))
        m.cylinder(neck_r, neck_half, (0, 0, neck_z))

    return AssetInfo(
        "bottle",
        "bottle",
        "container",
        "A 22 cm bottle with a 6.6 cm body and a narrow neck; grasp it by the body.",
        (0.066, 0.066, 0.22),
        0.25,
        True,
        (0.2, 0.5, 0.8, 1),
        solid(add, 0.25),
        parts=(
            Part("body", "body", (0, 0, body_z), (r, r, body_half), description="main cylinder"),
            Part("neck", "neck", (0, 0, neck_z), (neck_r, neck_r, neck_half)),
        ),
        grasps=(
            side_grasp("body", (0, 0, body_z + 0.04)),
            GraspFrame("neck_side", "neck", (0, 0, neck_z), PX, PY, "pinch", 0.08, "z"),
        ),
    )


def _mug() -> AssetInfo:
    r_in, wall, height, off = 0.037, 0.005, 0.095, -0.015
    r_out = r_in + wall

    def add(m: Maker) -> None:
        m.cylinder(r_out, wall / 2, (0, off, -height / 2 + wall / 2))
        m.ring(-height / 2 + wall, height / 2, r_in, r_in, wall, 16, (0, off))
        y_bar = off + r_out + 0.025
        m.capsule(0.006, (0, y_bar, -0.025), (0, y_bar, 0.025), rgba=None)
        m.capsule(0.006, (0, off + r_out - 0.002, 0.03), (0, y_bar, 0.025))
        m.capsule(0.006, (0, off + r_out - 0.002, -0.03), (0, y_bar, -0.025))

    y_bar = off + r_out + 0.025
    return AssetInfo(
        "mug",
        "mug",
        "container",
        "A 9.5 cm mug, 8.4 cm across, with a handle on its +y side; open at the top.",
        (0.084, 0.115, 0.095),
        0.3,
        True,
        (0.95, 0.95, 0.9, 1),
        solid(add, 0.3),
        parts=(
            Part("body", "body", (0, off, 0), (r_out, r_out, height / 2)),
            Part("handle", "handle", (0, y_bar, 0), (0.006, 0.006, 0.031)),
            Part("rim", "rim", (0, off, height / 2 - 0.003), (r_out, r_out, 0.003)),
            Part("interior", "interior", (0, off, wall / 2), (r_in, r_in, height / 2 - wall / 2)),
        ),
        grasps=(
            GraspFrame("handle_side", "handle", (0, y_bar, 0), NY, PX, "hook", 0.08, "flip"),
            GraspFrame("body_side", "body", (0, off, 0.025), PX, PY, "power", 0.08, "z"),
            GraspFrame(
                "rim_top", "rim", (-r_out, off, height / 2), DOWN, PX, "pinch", 0.08, "none"
            ),
        ),
    )


def _cup() -> AssetInfo:
    r_bot, r_top, wall, height = 0.028, 0.038, 0.004, 0.1

    def add(m: Maker) -> None:
        m.cylinder(r_bot + wall, wall / 2, (0, 0, -height / 2 + wall / 2))
        m.ring(-height / 2 + wall, height / 2, r_bot, r_top, wall, 16)

    return AssetInfo(
        "cup",
        "paper cup",
        "container",
        "A tapered cup, 10 cm tall, 7.6 cm across the rim; open at the top.",
        (0.085, 0.085, 0.1),
        0.03,
        True,
        (0.95, 0.95, 0.95, 1),
        solid(add, 0.03),
        parts=(
            Part("body", "body", (0, 0, 0), (r_top, r_top, height / 2)),
            Part("rim", "rim", (0, 0, height / 2 - 0.003), (r_top + wall, r_top + wall, 0.003)),
            Part("interior", "interior", (0, 0, wall / 2), (r_bot, r_bot, height / 2 - wall / 2)),
        ),
        grasps=(side_grasp("body", (0, 0, 0)),),
    )


def _bowl() -> AssetInfo:
    radius, height, wall = 0.09, 0.06, 0.006
    base_r = 0.6 * radius

    def add(m: Maker) -> None:
        m.cylinder(base_r, wall / 2, (0, 0, -height / 2 + wall / 2))
        m.ring(-height / 2 + wall, height / 2, base_r - wall, radius - wall, wall, 16)

    return AssetInfo(
        "bowl",
        "bowl",
        "container",
        "An open bowl 18 cm across and 6 cm deep; things can be put into it.",
        (0.18, 0.18, 0.06),
        0.3,
        True,
        (0.9, 0.9, 0.85, 1),
        solid(add, 0.3),
        parts=(
            Part("body", "body", (0, 0, 0), (radius, radius, height / 2)),
            Part("rim", "rim", (0, 0, height / 2 - 0.004), (radius, radius, 0.004)),
            Part(
                "interior",
                "interior",
                (0, 0, wall / 2),
                (base_r, base_r, height / 2 - wall / 2),
                description="the cavity above the base disk",
            ),
        ),
        grasps=(
            GraspFrame(
                "rim_top", "rim", (-radius + wall, 0, height / 2), DOWN, PX, "pinch", 0.08, "z"
            ),
        ),
    )


def _plate() -> AssetInfo:
    radius, base_r, height, wall = 0.12, 0.08, 0.025, 0.006

    def add(m: Maker) -> None:
        m.cylinder(base_r, wall / 2, (0, 0, -height / 2 + wall / 2))
        m.ring(-height / 2 + wall, height / 2, base_r - wall, radius - wall, wall, 20)

    return AssetInfo(
        "plate",
        "plate",
        "container",
        "A shallow plate 23 cm across; things rest on it.",
        (0.234, 0.234, 0.028),
        0.4,
        True,
        (0.95, 0.95, 1.0, 1),
        solid(add, 0.4),
        parts=(
            Part("body", "body", (0, 0, 0), (radius, radius, height / 2)),
            Part("rim", "rim", (0, 0, height / 2 - 0.003), (radius, radius, 0.003)),
            Part("interior", "interior", (0, 0, wall / 2), (base_r, base_r, height / 2)),
        ),
        grasps=(
            GraspFrame(
                "rim_top", "rim", (-radius + wall, 0, height / 2), DOWN, PX, "pinch", 0.08, "z"
            ),
        ),
    )


def _tray(
    asset_id: str,
    name: str,
    desc: str,
    inner: tuple[float, float, float],
    wall: float,
    mass: float,
    rgba: Rgba,
    graspable: bool,
) -> AssetInfo:
    hx, hy, hz = inner
    size = (2 * (hx + wall), 2 * (hy + wall), 2 * hz + wall)
    cz = wall / 2

    def add(m: Maker) -> None:
        m.open_box(inner, wall, (0, 0, cz))

    grasps = (
        GraspFrame(
            "rim_top", "rim", (-hx - wall / 2, 0, size[2] / 2), DOWN, PX, "pinch", 0.08, "none"
        ),
    )
    return AssetInfo(
        asset_id,
        name,
        "container",
        desc,
        size,
        mass,
        graspable,
        rgba,
        solid(add, mass),
        parts=(
            body_part(size),
            Part("rim", "rim", (0, 0, size[2] / 2 - 0.003), (size[0] / 2, size[1] / 2, 0.003)),
            Part("interior", "interior", (0, 0, cz), inner),
        ),
        grasps=grasps if graspable else (),
    )


def containers() -> list[AssetInfo]:
    """Every rigid container, in catalog order."""
    return [
        _bottle(),
        _cylinder_obj(
            "can", "soda can", "A 12 cm drink can.", 0.033, 0.12, 0.2, (0.7, 0.7, 0.75, 1)
        ),
        _cylinder_obj(
            "chips_can",
            "chips can",
            "A 23 cm cylindrical snack can, 7.6 cm across.",
            0.038,
            0.23,
            0.2,
            (0.8, 0.2, 0.2, 1),
        ),
        _mug(),
        _cup(),
        _bowl(),
        _plate(),
        _tray(
            "tray",
            "tray",
            "A flat 30 × 20 cm tray with 3 cm walls.",
            (0.144, 0.094, 0.014),
            0.006,
            0.5,
            (0.3, 0.3, 0.35, 1),
            graspable=True,
        ),
        _tray(
            "basket",
            "basket",
            "An open 26 × 20 × 12 cm basket; things can be put into it.",
            (0.122, 0.092, 0.056),
            0.008,
            0.6,
            (0.6, 0.45, 0.3, 1),
            graspable=False,
        ),
    ]
