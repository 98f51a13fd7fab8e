"""The procedural part of the catalog: everyday objects and furniture built from primitives.

Each builder works at scale 1 with the origin at the centre of the bounding box (see
:mod:`gendexhand.assets.model`). The declared sizes are checked against the built geometry by the
contract tests, so a builder and its metadata cannot drift apart.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import mujoco
import numpy as np

from gendexhand.assets.model import AssetInfo, GraspFrame, GraspKind, JointInfo, Part
from gendexhand.assets.shapes import Maker, Rgba

J = mujoco.mjtJoint
DOWN = (0.0, 0.0, -1.0)
PX, PY, PZ = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
NX, NY = (-1.0, 0.0, 0.0), (0.0, -1.0, 0.0)
METAL: Rgba = (0.75, 0.75, 0.78, 1)


def _top_grasp(part: str, z: float, kind: GraspKind = "pinch") -> GraspFrame:
    """Palm above, facing down; round objects allow any yaw."""
    return GraspFrame(f"{part}_top", part, (0.0, 0.0, z), DOWN, PX, kind, 0.08, "z")


def _side_grasp(part: str, pos: tuple[float, float, float]) -> GraspFrame:
    """Palm facing +x, fingers wrapping horizontally around a vertical shape (any yaw)."""
    return GraspFrame(f"{part}_side", part, pos, PX, PY, "power", 0.08, "z")


def _body_part(size: tuple[float, float, float], name: str = "body") -> Part:
    return Part(name, "body", (0, 0, 0), (size[0] / 2, size[1] / 2, size[2] / 2))


def _solid(add: Callable[[Maker], None], mass: float) -> Callable[[Rgba], mujoco.MjSpec]:
    def build(rgba: Rgba) -> mujoco.MjSpec:
        m = Maker(rgba)
        add(m)
        return m.finish(mass)

    return build


# --- rigid objects ---------------------------------------------------------------------------


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
        _solid(lambda m: m.sphere(radius), mass),
        parts=(_body_part((d, d, d)),),
        grasps=(_top_grasp("body", 0.0, "power"), _side_grasp("body", (0, 0, 0))),
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
        _solid(lambda m: m.box(half), mass),
        parts=(_body_part(size),),
        grasps=(GraspFrame("body_top", "body", (0, 0, 0), DOWN, fingers, "pinch", 0.08, "flip"),),
    )


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
        _solid(lambda m: m.cylinder(radius, height / 2), mass),
        parts=(_body_part(size),),
        grasps=(_side_grasp("body", (0, 0, 0)), _top_grasp("body", 0.0)),
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
        _solid(lambda m: m.sphere(0.04), 0.15),
        parts=(_body_part(size),),
        grasps=(_top_grasp("body", 0.0, "power"), _side_grasp("body", (0, 0, 0))),
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
        _solid(add, 0.17),
        parts=(_body_part(size),),
        grasps=(_top_grasp("body", 0.0, "power"), _side_grasp("body", (0, 0, -0.015))),
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
        _solid(add, 0.12),
        parts=(_body_part(size),),
        grasps=(
            GraspFrame(
                "body_top", "body", (float(mid[0]), 0.0, 0.0), DOWN, PX, "power", 0.08, "flip"
            ),
        ),
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
        _solid(add, 0.25),
        parts=(
            Part("body", "body", (0, 0, body_z), (r, r, body_half), description="main cylinder"),
            Part("neck", "neck", (0, 0, neck_z), (neck_r, neck_r, neck_half)),
        ),
        grasps=(
            _side_grasp("body", (0, 0, body_z + 0.04)),
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
        _solid(add, 0.3),
        parts=(
            Part("body", "body", (0, off, 0), (r_out, r_out, height / 2)),
            Part("handle", "handle", (0, y_bar, 0), (0.006, 0.006, 0.031)),
            Part("rim", "rim", (0, off, height / 2 - 0.003), (r_out, r_out, 0.003)),
            Part("interior", "interior", (0, off, wall / 2), (r_in, r_in, height / 2 - wall / 2)),
        ),
        grasps=(
            GraspFrame("handle_side", "handle", (0, y_bar, 0), NY, PX, "hook", 0.08, "flip"),
            GraspFrame("body_side", "body", (0, off, 0), PX, PY, "power", 0.08, "none"),
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
        _solid(add, 0.03),
        parts=(
            Part("body", "body", (0, 0, 0), (r_top, r_top, height / 2)),
            Part("rim", "rim", (0, 0, height / 2 - 0.003), (r_top + wall, r_top + wall, 0.003)),
            Part("interior", "interior", (0, 0, wall / 2), (r_bot, r_bot, height / 2 - wall / 2)),
        ),
        grasps=(_side_grasp("body", (0, 0, 0)),),
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
        _solid(add, 0.3),
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
        _solid(add, 0.4),
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
        _solid(add, mass),
        parts=(
            _body_part(size),
            Part("rim", "rim", (0, 0, size[2] / 2 - 0.003), (size[0] / 2, size[1] / 2, 0.003)),
            Part("interior", "interior", (0, 0, cz), inner),
        ),
        grasps=grasps if graspable else (),
    )


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
        _solid(add, 0.45),
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
        _solid(add, 0.1),
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
        _solid(add, 0.02),
        parts=(_body_part(size),),
        grasps=(GraspFrame("body_top", "body", (0, 0, 0), DOWN, PY, "pinch", 0.08, "flip"),),
    )


# --- articulated -----------------------------------------------------------------------------

WOOD: Rgba = (0.72, 0.55, 0.38, 1)
DOOR_HANDLE_STANDOFF = 0.035


def _bar_handle(
    m: Maker,
    body: mujoco.MjsBody,
    face_x: float,
    y: float,
    z: float,
    half_len: float,
    vertical: bool,
) -> None:
    """A bar handle standing off a face at x = ``face_x`` (front faces −x), two short posts."""
    x_bar = face_x - DOOR_HANDLE_STANDOFF
    d = np.array([0, 0, half_len]) if vertical else np.array([0, half_len, 0])
    c = np.array([x_bar, y, z])
    m.capsule(0.008, c - d, c + d, rgba=METAL, body=body)
    for sign in (-1, 1):
        end = c + sign * 0.8 * d
        m.capsule(0.006, end, (face_x, end[1], end[2]), rgba=METAL, body=body)


def _cabinet() -> AssetInfo:
    """Carcass open at −x with a door hinged on its −y edge; a vertical handle near +y."""
    hx, hy, hz, wall, door_t = 0.15, 0.2, 0.225, 0.015, 0.015
    front = -(hx + DOOR_HANDLE_STANDOFF + door_t + 0.008)  # handle's far edge
    cx = -(front + hx) / 2  # shift so the bounding box is centred in x
    hinge = (cx - hx - door_t, -hy, 0.0)
    handle_y = 2 * hy - 0.04  # along the door from the hinge

    def build(rgba: Rgba) -> mujoco.MjSpec:
        m = Maker(rgba)
        m.open_box((hx - wall, hy - wall, hz - wall), wall, (cx, 0, 0), "-x")
        door = m.body("door", hinge)
        door.add_joint(
            name="door_hinge",
            type=J.mjJNT_HINGE,
            axis=[0, 0, 1],
            range=[0, 1.75],
            damping=0.3,
            frictionloss=0.05,
            armature=0.01,
        )
        m.box((door_t / 2, hy, hz), (door_t / 2, hy, 0), body=door)
        _bar_handle(m, door, 0.0, handle_y, 0.0, 0.06, vertical=True)
        return m.finish(4.0)

    handle_x = -DOOR_HANDLE_STANDOFF
    return AssetInfo(
        "cabinet",
        "cabinet",
        "furniture",
        "A 45 cm tall cabinet with one door hinged on its −y edge (the robot's right) and a "
        "vertical bar handle near the +y edge; the door swings out towards −x (the robot).",
        (2 * hx + door_t + DOOR_HANDLE_STANDOFF + 0.008, 2 * hy, 2 * hz),
        4.0,
        False,
        WOOD,
        build,
        parts=(
            Part("carcass", "body", (cx, 0, 0), (hx, hy, hz)),
            Part("interior", "interior", (cx, 0, 0), (hx - wall, hy - wall, hz - wall)),
            Part("door", "door", (door_t / 2, hy, 0), (door_t / 2, hy, hz), body="door"),
            Part("handle", "handle", (handle_x, handle_y, 0), (0.008, 0.008, 0.06), body="door"),
        ),
        joints=(
            JointInfo(
                "door_hinge",
                "hinge",
                (0.0, 1.75),
                0.0,
                1.57,
                "door hinge: 0 closed, 1.57 open (90°)",
                "door",
            ),
        ),
        grasps=(
            GraspFrame(
                "handle_side", "handle", (handle_x, handle_y, 0), PX, PY, "power", 0.1, "flip"
            ),
        ),
        fixed=True,
    )


def _drawer() -> AssetInfo:
    """A chest open at −x holding one drawer that slides out towards −x."""
    hx, hy, hz, wall = 0.16, 0.17, 0.09, 0.012
    front_t, dwall, travel = 0.012, 0.008, 0.22
    reach = front_t + DOOR_HANDLE_STANDOFF + 0.008  # front plate and handle, ahead of the chest
    cx = reach / 2  # centres the bounding box in x
    # drawer frame: on the chest's front plane; its box runs from x = 0 back into the chest
    length = 2 * hx - wall - 0.006
    bhy, bhz = hy - wall - 0.003, hz - wall - 0.003
    cavity = (length / 2 - dwall, bhy - dwall, bhz - dwall / 2)
    cavity_c = (length / 2, 0.0, dwall / 2)

    def build(rgba: Rgba) -> mujoco.MjSpec:
        m = Maker(rgba)
        m.open_box((hx - wall, hy - wall, hz - wall), wall, (cx, 0, 0), "-x")
        drawer = m.body("drawer", (cx - hx, 0, 0))
        drawer.add_joint(
            name="drawer_slide",
            type=J.mjJNT_SLIDE,
            axis=[-1, 0, 0],
            range=[0, travel],
            damping=2.0,
            frictionloss=0.1,
            armature=0.01,
        )
        m.open_box(cavity, dwall, cavity_c, "+z", body=drawer)
        m.box((front_t / 2, hy, hz), (-front_t / 2, 0, 0), body=drawer)
        _bar_handle(m, drawer, -front_t, 0.0, 0.02, 0.07, vertical=False)
        return m.finish(3.0)

    handle = (-front_t - DOOR_HANDLE_STANDOFF, 0.0, 0.02)
    return AssetInfo(
        "drawer",
        "chest of drawers",
        "furniture",
        "An 18 cm tall chest with one drawer that slides out towards −x by up to 22 cm; "
        "a horizontal bar handle on its front. Things put into the open drawer travel with it.",
        (2 * hx + reach, 2 * hy, 2 * hz),
        3.0,
        False,
        WOOD,
        build,
        parts=(
            Part("carcass", "body", (cx, 0, 0), (hx, hy, hz)),
            Part("drawer", "drawer", (length / 2, 0, 0), (length / 2, bhy, bhz), body="drawer"),
            Part("interior", "interior", cavity_c, cavity, body="drawer"),
            Part("handle", "handle", handle, (0.008, 0.07, 0.008), body="drawer"),
        ),
        joints=(
            JointInfo(
                "drawer_slide",
                "slide",
                (0.0, travel),
                0.0,
                travel,
                f"drawer slide: 0 closed, {travel} fully open (metres)",
                "drawer",
            ),
        ),
        grasps=(GraspFrame("handle_side", "handle", handle, PX, PZ, "power", 0.1, "flip"),),
        fixed=True,
    )


def _storage_box() -> AssetInfo:
    """An open box with a lid hinged along its +x top edge; a small handle at the lid's front."""
    hx, hy, hz, wall, lid_t = 0.12, 0.09, 0.06, 0.008, 0.01
    knob = 0.025
    # bbox: x from -(hx + knob) to hx; z from -hz to hz + lid_t
    cx, cz = knob / 2, -lid_t / 2

    def build(rgba: Rgba) -> mujoco.MjSpec:
        m = Maker(rgba)
        m.open_box((hx - wall, hy - wall, hz - wall / 2), wall, (cx, 0, cz + wall / 2), "+z")
        lid = m.body("lid", (cx + hx, 0, cz + hz))
        lid.add_joint(
            name="lid_hinge",
            type=J.mjJNT_HINGE,
            axis=[0, 1, 0],
            range=[0, 1.9],
            damping=0.05,
            frictionloss=0.01,
            armature=0.005,
        )
        m.box((hx, hy, lid_t / 2), (-hx, 0, lid_t / 2), body=lid)
        m.box((knob / 2, 0.03, 0.005), (-2 * hx - knob / 2, 0, lid_t / 2), rgba=METAL, body=lid)
        return m.finish(0.8)

    tab = (-2 * 0.12 - knob / 2, 0.0, lid_t / 2)
    return AssetInfo(
        "storage_box",
        "storage box",
        "container",
        "A 24 × 18 × 13 cm box whose lid is hinged at the back (+x) edge; lift the tab at the "
        "front (−x) to open it.",
        (2 * hx + knob, 2 * hy, 2 * hz + lid_t),
        0.8,
        False,
        (0.3, 0.55, 0.35, 1),
        build,
        parts=(
            Part("body", "body", (cx, 0, cz), (hx, hy, hz)),
            Part(
                "interior",
                "interior",
                (cx, 0, cz + wall / 2),
                (hx - wall, hy - wall, hz - wall / 2),
            ),
            Part("lid", "lid", (-hx, 0, lid_t / 2), (hx, hy, lid_t / 2), body="lid"),
            Part("handle", "handle", tab, (knob / 2, 0.03, 0.005), body="lid"),
        ),
        joints=(
            JointInfo(
                "lid_hinge",
                "hinge",
                (0.0, 1.9),
                0.0,
                1.57,
                "lid hinge: 0 closed, 1.57 open (upright)",
                "lid",
            ),
        ),
        grasps=(GraspFrame("handle_top", "handle", tab, DOWN, PX, "pinch", 0.08, "none"),),
        fixed=True,
    )


def procedural_assets() -> list[AssetInfo]:
    """Every procedural asset, in catalog order."""
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
        _hammer(),
        _screwdriver(),
        _marker(),
        _cabinet(),
        _drawer(),
        _storage_box(),
    ]
