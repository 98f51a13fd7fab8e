"""Embodiments: an arm (or an actuated floating base) carrying a dexterous hand.

Each entry composes model files from pip packages with ``mujoco.MjSpec``. Hands are prepared the
same way whatever their origin (:func:`prepare_hand`): gravity compensation on every body, the
project's contact parameters on collision geoms, and sites for the discovered palm frame and
fingertips (``gdh:palm``, ``gdh:tip_<finger>``), which IK and the state API use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import mujoco
import numpy as np

from gendexhand.embodiment import sources
from gendexhand.embodiment.discovery import HandLayout, discover_layout
from gendexhand.errors import EmbodimentError, unknown_name_message
from gendexhand.physics import DEFAULT_PHYSICS, PhysicsSettings

BASE_BODY = "gdh:base"
HAND_PREFIX = "hand/"
"""Prefix of every hand element once mounted (``hand/robot0:FFJ3``)."""
_PALM_LOCAL = "gdh:palm"
_TIP_LOCAL = "gdh:tip_{finger}"
PALM_SITE = HAND_PREFIX + _PALM_LOCAL
TIP_SITE = HAND_PREFIX + _TIP_LOCAL

#: Floating-base gains: slides (N/m, N·s/m) and hinges (N·m/rad, N·m·s/rad).
FLOAT_SLIDE_KP, FLOAT_SLIDE_DAMPING = 2000.0, 150.0
FLOAT_HINGE_KP, FLOAT_HINGE_DAMPING = 100.0, 10.0
FLOAT_RANGE = 1.0  # metres either way on each slide


@dataclass
class RobotSpec:
    """A robot ready to attach to a scene: a spec whose world holds one root body."""

    name: str
    spec: mujoco.MjSpec
    root_body: str
    hand_root: str
    home: dict[str, float] = field(default_factory=dict)
    """Home joint positions by joint name (others: 0 clipped to range)."""
    source: str = sources.GYMNASIUM_ROBOTICS_LICENSE
    base_on_table: bool = False
    """True for arms standing on the table's back edge; floating bases hover above the table."""


@dataclass(frozen=True)
class EmbodimentInfo:
    name: str
    description: str
    build: Callable[[PhysicsSettings], RobotSpec]
    """Builds the robot with the given contact settings on the hand's collision geoms."""


def prepare_hand(
    spec: mujoco.MjSpec, hand_root: str, physics: PhysicsSettings = DEFAULT_PHYSICS
) -> HandLayout:
    """Discover the hand's layout on its own and add palm/fingertip sites and ``physics``'s
    contact settings."""
    root = spec.body(hand_root)
    root.pos, root.quat = [0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]  # the mount frame is the root's
    model = spec.compile()
    layout = discover_layout(model, hand_root)
    palm = spec.body(model.body(layout.palm_body).name)
    palm.add_site(
        name=_PALM_LOCAL,
        pos=list(layout.palm_offset),
        quat=list(layout.palm_quat),
        size=[0.008, 0.008, 0.008],
        group=5,
        rgba=[1, 0, 0, 0.6],
    )
    for tip in layout.fingertips:
        spec.body(model.body(tip.body).name).add_site(
            name=_TIP_LOCAL.format(finger=tip.finger),
            pos=list(tip.offset),
            size=[0.005, 0.005, 0.005],
            group=5,
            rgba=[0, 1, 0, 0.6],
        )
    bodies = [root, *root.find_all(mujoco.mjtObj.mjOBJ_BODY)]
    for body in bodies:
        body.gravcomp = 1.0
        for geom in body.geoms:
            if geom.contype or geom.conaffinity:
                physics.contact_geom(geom)
    return layout


def _palm_in_root(spec: mujoco.MjSpec, hand_root: str) -> np.ndarray:
    """Rotation (3, 3) of the palm site in the hand-root frame at the rest posture."""
    model = spec.compile()
    data = mujoco.MjData(model)
    mujoco.mj_kinematics(model, data)
    root = data.xmat[model.body(hand_root).id].reshape(3, 3)
    palm = data.site_xmat[model.site(_PALM_LOCAL).id].reshape(3, 3)
    return np.asarray(root.T @ palm)


def _palm_down_quat(palm_in_root: np.ndarray) -> list[float]:
    """Quaternion for the hand root so the palm faces down (-z) and the fingers point along +x."""
    target = np.array([[1.0, 0, 0], [0, -1.0, 0], [0, 0, -1.0]])  # palm x→+x, z→-z
    mount = target @ palm_in_root.T
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, mount.flatten())
    return [float(q) for q in quat]


def _floating(
    name: str,
    hand_spec: mujoco.MjSpec,
    hand_root: str,
    attach_root: str,
    physics: PhysicsSettings = DEFAULT_PHYSICS,
) -> RobotSpec:
    """A hand on an actuated 6-DoF base (3 slides, then 3 hinges, in an unrotated body)."""
    prepare_hand(hand_spec, hand_root, physics)
    carried = hand_spec.body(attach_root)
    for body in [carried, *carried.find_all(mujoco.mjtObj.mjOBJ_BODY)]:
        body.gravcomp = 1.0  # e.g. Adroit's 4 kg forearm above the hand root
    quat = _palm_down_quat(_palm_in_root(hand_spec, hand_root))
    spec = mujoco.MjSpec()
    spec.compiler.degree = False  # joint ranges below are in radians
    base = spec.worldbody.add_body(name=BASE_BODY)
    base.mass, base.inertia = 0.1, [1e-4, 1e-4, 1e-4]
    base.explicitinertial = True
    base.gravcomp = 1.0
    for axis_name, axis in zip("xyz", np.eye(3), strict=True):
        base.add_joint(
            name=f"base_{axis_name}",
            type=mujoco.mjtJoint.mjJNT_SLIDE,
            axis=list(axis),
            range=[-FLOAT_RANGE, FLOAT_RANGE],
            damping=FLOAT_SLIDE_DAMPING,
            armature=0.01,
        )
    for axis_name, axis in zip("xyz", np.eye(3), strict=True):
        base.add_joint(
            name=f"base_r{axis_name}",
            type=mujoco.mjtJoint.mjJNT_HINGE,
            axis=list(axis),
            range=[-np.pi, np.pi],
            damping=FLOAT_HINGE_DAMPING,
            armature=0.01,
        )
    for joint in base.joints:
        slide = joint.type == mujoco.mjtJoint.mjJNT_SLIDE
        act = spec.add_actuator(
            name=f"A_{joint.name}", target=joint.name, trntype=mujoco.mjtTrn.mjTRN_JOINT
        )
        act.set_to_position(kp=FLOAT_SLIDE_KP if slide else FLOAT_HINGE_KP)
        act.ctrlrange = list(joint.range)
        act.ctrllimited = True
    mount = base.add_site(name="gdh:hand_mount", quat=quat)
    mount.attach_body(hand_spec.body(attach_root), HAND_PREFIX, "")
    return RobotSpec(name=name, spec=spec, root_body=BASE_BODY, hand_root=HAND_PREFIX + hand_root)


#: The Panda's "ready" posture: flange pointing down ~0.59 m above the base, the Shadow palm
#: facing forward (+x) about 0.5 m above the base plane. (This chain's joints 6 and 7 have their
#: zeros offset by π/2 and π/4 from Franka's convention, hence the zeros there.)
FRANKA_SHADOW_HOME = (0.0, -0.785, 0.0, -2.356, 0.0, 0.0, 0.0)
#: Rotation of the hand about the flange axis: palm faces +x at the ready posture.
FRANKA_SHADOW_MOUNT_YAW = np.pi / 4


def franka_shadow(physics: PhysicsSettings = DEFAULT_PHYSICS) -> RobotSpec:
    """Shadow Hand (wrist and palm, no forearm) on the Franka Panda flange."""
    arm, flange = sources.franka_arm()
    hand, hand_root = sources.shadow_hand()
    prepare_hand(hand, hand_root, physics)
    for body in arm.bodies:
        if body.name:
            body.gravcomp = 1.0
    mount = arm.body(flange).add_site(
        name="gdh:hand_mount", pos=[0, 0, 0.107], euler=[0, 0, FRANKA_SHADOW_MOUNT_YAW]
    )
    mount.attach_body(hand.body(hand_root), HAND_PREFIX, "")
    home = {f"robot:panda0_joint{i + 1}": q for i, q in enumerate(FRANKA_SHADOW_HOME)}
    return RobotSpec(
        name="franka_shadow",
        spec=arm,
        root_body="panda0_link0",
        hand_root=HAND_PREFIX + hand_root,
        home=home,
        base_on_table=True,
    )


def floating_shadow(physics: PhysicsSettings = DEFAULT_PHYSICS) -> RobotSpec:
    """Shadow Hand on an actuated 6-DoF floating base (no arm), palm down at zero."""
    hand, hand_root = sources.shadow_hand()
    return _floating("floating_shadow", hand, hand_root, hand_root, physics)


def adroit(physics: PhysicsSettings = DEFAULT_PHYSICS) -> RobotSpec:
    """Adroit hand with its forearm on an actuated 6-DoF floating base, palm down at zero."""
    hand, hand_root = sources.adroit_hand()
    return _floating("adroit", hand, hand_root, "forearm", physics)


def hand_from_path(path: Path, physics: PhysicsSettings = DEFAULT_PHYSICS) -> RobotSpec:
    """Any MJCF hand file on an actuated 6-DoF floating base."""
    hand, hand_root = sources.hand_from_file(path)
    robot = _floating(f"file:{path}", hand, hand_root, hand_root, physics)
    robot.source = f"user file {path}"
    return robot


EMBODIMENTS: dict[str, EmbodimentInfo] = {
    e.name: e
    for e in (
        EmbodimentInfo("franka_shadow", franka_shadow.__doc__ or "", franka_shadow),
        EmbodimentInfo("floating_shadow", floating_shadow.__doc__ or "", floating_shadow),
        EmbodimentInfo("adroit", adroit.__doc__ or "", adroit),
    )
}


def embodiment_names() -> list[str]:
    return sorted(EMBODIMENTS)


def robot_spec(
    name: str, hand: Path | None = None, physics: PhysicsSettings = DEFAULT_PHYSICS
) -> RobotSpec:
    """Build a fresh :class:`RobotSpec` for ``name``, or for the hand file ``hand`` if given,
    with ``physics``'s contact settings on the hand's collision geoms."""
    if hand is not None:
        return hand_from_path(hand, physics)
    if name not in EMBODIMENTS:
        raise EmbodimentError(unknown_name_message("embodiment", name, EMBODIMENTS))
    return EMBODIMENTS[name].build(physics)
