"""The state API: what later stages (and sandboxed reward code) may read from a scene.

Every function takes a :class:`~gendexhand.sim.scene.Scene` and reads its current ``data``;
nothing here changes the simulation. Poses are ``(position (3,), quaternion wxyz (4,))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np

from gendexhand.errors import SimulationError, unknown_name_message
from gendexhand.sim.scene import Scene

Pose = tuple[np.ndarray, np.ndarray]


def _body(scene: Scene, name: str) -> int:
    if name in scene.objects:
        return scene.objects[name].body
    raise SimulationError(unknown_name_message("object", name, scene.objects))


def object_pose(scene: Scene, name: str) -> Pose:
    """Position and orientation of object ``name``'s body frame."""
    b = _body(scene, name)
    return scene.data.xpos[b].copy(), scene.data.xquat[b].copy()


def object_velocity(scene: Scene, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Linear (3,) and angular (3,) velocity of object ``name`` in the world frame."""
    b = _body(scene, name)
    vel = np.zeros(6)
    mujoco.mj_objectVelocity(scene.model, scene.data, mujoco.mjtObj.mjOBJ_BODY, b, vel, 0)
    return vel[3:].copy(), vel[:3].copy()


def palm_pose(scene: Scene) -> Pose:
    """Palm frame (x toward the fingers, z out of the palm face)."""
    pos, mat = scene.robot.palm_pose(scene.data)
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, mat.flatten())
    return pos, quat


def fingertip_positions(scene: Scene) -> dict[str, np.ndarray]:
    """Fingertip positions (3,) by finger name (index, middle, ring, little, thumb…)."""
    return scene.robot.fingertips(scene.data)


def robot_joint_positions(scene: Scene) -> np.ndarray:
    """The robot's joint positions (n_robot_joints,) in joint-id order."""
    return scene.data.qpos[scene.robot.qpos_adr].copy()


def object_joint_positions(scene: Scene, name: str) -> dict[str, float]:
    """Joint values of an articulated object (empty for rigid objects)."""
    b = _body(scene, name)
    m = scene.model
    out = {}
    for j in range(m.njnt):
        body = int(m.jnt_bodyid[j])
        if m.jnt_type[j] == mujoco.mjtJoint.mjJNT_FREE:
            continue
        while body and body != b:
            body = int(m.body_parentid[body])
        if body == b:
            out[m.joint(j).name] = float(scene.data.qpos[m.jnt_qposadr[j]])
    return out


@dataclass(frozen=True)
class Contact:
    """One active contact between two bodies."""

    body1: str
    body2: str
    position: np.ndarray
    normal_force: float


def contacts(scene: Scene) -> list[Contact]:
    """All active contacts, with body names and normal force (N)."""
    m, d = scene.model, scene.data
    out = []
    force = np.zeros(6)
    for i in range(d.ncon):
        c = d.contact[i]
        mujoco.mj_contactForce(m, d, i, force)
        out.append(
            Contact(
                m.body(m.geom_bodyid[c.geom1]).name,
                m.body(m.geom_bodyid[c.geom2]).name,
                c.pos.copy(),
                float(force[0]),
            )
        )
    return out


def hand_object_contacts(scene: Scene, name: str) -> dict[str, float]:
    """Normal force (N) on object ``name`` from each hand body that touches it."""
    b = _body(scene, name)
    m, d = scene.model, scene.data
    hand_root = scene.robot.layout.hand_root
    force = np.zeros(6)
    out: dict[str, float] = {}
    for i in range(d.ncon):
        c = d.contact[i]
        b1, b2 = int(m.geom_bodyid[c.geom1]), int(m.geom_bodyid[c.geom2])
        if b not in (b1, b2):
            continue
        other = b2 if b1 == b else b1
        up = other
        while up and up != hand_root:
            up = int(m.body_parentid[up])
        if up == hand_root:
            mujoco.mj_contactForce(m, d, i, force)
            key = m.body(other).name
            out[key] = out.get(key, 0.0) + float(force[0])
    return out
