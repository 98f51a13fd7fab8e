"""Articulated appliances from the kitchen scene that gymnasium-robotics ships (Apache-2.0).

Their MJCF fragments are read as they are, inside a body that turns their front (−y in the
kitchen files) to face −x and moves the centre of their collision box to the origin. Visual meshes
keep no mass; the collision primitives carry the files' own masses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mujoco

from gendexhand.assets.model import AssetInfo, GraspFrame, JointInfo, Part
from gendexhand.assets.shapes import Rgba
from gendexhand.packaged import gymnasium_robotics_assets

SOURCE = (
    "gymnasium-robotics kitchen_franka/kitchen_assets (Copyright 2020 Google LLC, Apache-2.0; "
    "package MIT, Farama Foundation), read from the installed package"
)
YAW = -1.5707963267948966  # kitchen front −y → our front −x
# handles are vertical bars facing −y in the kitchen frame: approach +y, fingers along ∓x
APPROACH = (0.0, 1.0, 0.0)
FINGERS = (-1.0, 0.0, 0.0)


def _kitchen_dir() -> Path:
    return gymnasium_robotics_assets() / "kitchen_franka" / "kitchen_assets"


def _loader(item: str, centre: tuple[float, float, float]) -> Callable[[Rgba], mujoco.MjSpec]:
    """A builder for ``item`` (e.g. ``microwave``): the fragment under a turned, centred body."""

    def build(rgba: Rgba) -> mujoco.MjSpec:
        base = _kitchen_dir()
        items = base / "item_assets"
        # the kitchen frame's centre of the collision box, after the turn, goes to the origin
        offset = (-centre[1], centre[0], -centre[2])
        xml = f"""<mujoco model="{item}">
  <compiler angle="radian" meshdir="{items}" texturedir="{base / "textures"}"/>
  <include file="{items / f"{item}_asset.xml"}"/>
  <worldbody><body name="root"><body name="kitchen" pos="{offset[0]} {offset[1]} {offset[2]}"
      euler="0 0 {YAW}"><include file="{items / f"{item}_chain.xml"}"/></body></body></worldbody>
</mujoco>"""
        spec = mujoco.MjSpec.from_string(xml)
        for geom in spec.geoms:
            if not (geom.contype or geom.conaffinity):
                geom.mass = 0.0  # visual meshes
        for site in list(spec.sites):
            spec.delete(site)  # the kitchen's own sites; ours come from the catalog
        del rgba  # the files' materials are kept
        return spec

    return build


#: The kitchen appliances, in catalog order: plain data read by :func:`kitchen_assets`.
KITCHEN_ASSETS: tuple[AssetInfo, ...] = (
    AssetInfo(
        "microwave",
        "microwave",
        "appliance",
        "A 69 cm wide microwave oven; its door is hinged on the −y side (the robot's right) "
        "and swings out towards −x; pull the vertical handle near the +y side.",
        (0.526, 0.69, 0.377),
        3.26,
        False,
        (0.2, 0.2, 0.2, 1),
        _loader("microwave", (0.0, -0.041, 0.1885)),
        parts=(
            Part("body", "body", (0.0, 0.0, 0.187), (0.345, 0.221, 0.187), body="microroot"),
            Part(
                "interior",
                "interior",
                (-0.08, -0.008, 0.192),
                (0.207, 0.168, 0.144),
                body="microroot",
            ),
            Part("door", "door", (0.259, -0.026, 0), (0.259, 0.024, 0.185), body="microdoorroot"),
            Part("handle", "handle", (0.475, -0.108, 0), (0.02, 0.02, 0.13), body="microdoorroot"),
        ),
        joints=(
            JointInfo(
                "microwave",
                "hinge",
                (-2.094, 0.0),
                0.0,
                -1.57,
                "door hinge: 0 closed, -1.57 open (90°), -2.09 wide open",
                "door",
            ),
        ),
        grasps=(
            GraspFrame(
                "handle_side",
                "handle",
                (0.475, -0.108, 0),
                APPROACH,
                FINGERS,
                "power",
                0.1,
                "flip",
            ),
        ),
        source=SOURCE,
        fixed=True,
    ),
    AssetInfo(
        "slide_cabinet",
        "sliding-door cabinet",
        "furniture",
        "A 90 cm wide wall cabinet with a door that slides sideways (towards −y) by up to "
        "44 cm; pull the vertical handle.",
        (0.765, 0.9, 0.4),
        2.14,
        False,
        (0.46, 0.5, 0.6, 1),
        _loader("slidecabinet", (0.0, -0.0825, 0.0)),
        parts=(
            Part("body", "body", (0.0, 0.0, 0.0), (0.45, 0.3, 0.2), body="slide"),
            Part("interior", "interior", (-0.203, -0.024, 0.0), (0.2, 0.276, 0.16), body="slide"),
            Part("door", "door", (0.0, -0.02, 0.0), (0.225, 0.03, 0.195), body="slidelink"),
            Part("handle", "handle", (-0.183, -0.123, 0), (0.022, 0.022, 0.159), body="slidelink"),
        ),
        joints=(
            JointInfo(
                "slide_cabinet",
                "slide",
                (0.0, 0.44),
                0.0,
                0.44,
                "door slide: 0 closed, 0.44 open (metres)",
                "door",
            ),
        ),
        grasps=(
            GraspFrame(
                "handle_side",
                "handle",
                (-0.183, -0.123, 0),
                APPROACH,
                FINGERS,
                "power",
                0.1,
                "flip",
            ),
        ),
        source=SOURCE,
        fixed=True,
    ),
    AssetInfo(
        "hinge_cabinet",
        "double-door cabinet",
        "furniture",
        "A 80 cm wide wall cabinet with two doors, hinged at the outer edges, that open "
        "towards −x; each has a vertical handle near the middle.",
        (0.77, 0.8, 0.4),
        2.58,
        False,
        (0.46, 0.5, 0.6, 1),
        _loader("hingecabinet", (0.0, -0.085, 0.0)),
        parts=(
            Part("body", "body", (0.0, 0.0, 0.0), (0.4, 0.3, 0.2), body="hingecab"),
            Part(
                "left_interior",
                "interior",
                (-0.2, -0.02, 0.0),
                (0.16, 0.28, 0.16),
                body="hingecab",
            ),
            Part(
                "right_interior",
                "interior",
                (0.2, -0.02, 0.0),
                (0.16, 0.28, 0.16),
                body="hingecab",
            ),
            Part(
                "left_door",
                "door",
                (0.184, -0.015, 0),
                (0.193, 0.03, 0.2),
                body="hingeleftdoor",
            ),
            Part(
                "right_door",
                "door",
                (-0.185, -0.015, 0),
                (0.193, 0.03, 0.2),
                body="hingerightdoor",
            ),
            Part(
                "left_handle",
                "handle",
                (0.302, -0.128, 0),
                (0.022, 0.022, 0.16),
                body="hingeleftdoor",
            ),
            Part(
                "right_handle",
                "handle",
                (-0.302, -0.128, 0),
                (0.022, 0.022, 0.16),
                body="hingerightdoor",
            ),
        ),
        joints=(
            JointInfo(
                "left_hinge_cabinet",
                "hinge",
                (-1.57, 0.0),
                0.0,
                -1.57,
                "left door hinge: 0 closed, -1.57 open (90°)",
                "left_door",
            ),
            JointInfo(
                "right_hinge_cabinet",
                "hinge",
                (0.0, 1.57),
                0.0,
                1.57,
                "right door hinge: 0 closed, 1.57 open (90°)",
                "right_door",
            ),
        ),
        grasps=(
            GraspFrame(
                "left_handle_side",
                "left_handle",
                (0.302, -0.128, 0),
                APPROACH,
                FINGERS,
                "power",
                0.1,
                "flip",
            ),
            GraspFrame(
                "right_handle_side",
                "right_handle",
                (-0.302, -0.128, 0),
                APPROACH,
                FINGERS,
                "power",
                0.1,
                "flip",
            ),
        ),
        source=SOURCE,
        fixed=True,
    ),
)


def kitchen_assets() -> list[AssetInfo]:
    """Every kitchen appliance, in catalog order."""
    return list(KITCHEN_ASSETS)
