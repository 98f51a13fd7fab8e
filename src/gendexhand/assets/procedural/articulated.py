"""Articulated furniture: a cabinet with a hinged door, a chest with a drawer, a lidded box.

Each is fixed by default and declares its joints with their closed and open values.
"""

from __future__ import annotations

import mujoco
import numpy as np

from gendexhand.assets.model import AssetInfo, GraspFrame, JointInfo, Part
from gendexhand.assets.procedural.geometry import DOWN, METAL, PX, PY, PZ, J
from gendexhand.assets.shapes import Maker, Rgba

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
        grasps=(
            GraspFrame("handle_side", "handle", handle, PX, PZ, "power", 0.1, "flip"),
            # from above, the fingers over the bar: a low handle the palm cannot face
            GraspFrame("handle_top", "handle", handle, DOWN, PX, "power", 0.08, "flip"),
        ),
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


def articulated() -> list[AssetInfo]:
    """Every articulated procedural asset, in catalog order."""
    return [_cabinet(), _drawer(), _storage_box()]
