"""Would a grasp survive a lift? A trial lift on a scratch copy of the scene.

A grasp can press an object onto the table with forces that look like a grip (a thumb and one
finger, several newtons each) and still drop it at the first centimetre of a lift: the table
was carrying it. :func:`lift_follow` answers the question the lift will ask, before the lift and
without changing the scene: on a copy of the scene's state, the arm raises the palm straight up
(a ramp of its joint targets along the palm's Jacobian) while every other target is kept, and
the object's rise is compared with the palm's. A hand that holds the object brings it along
(grasps of the bottle that a lift carries: 0.83–0.93 of the palm's rise, as the bottle
settles in the fingers); one that only pressed it, or lets it slip, leaves it behind (a
learned pinch of the banana that a lift drops: below 0.3).

The copy's model and data are cached per scene model (kept only as long as the model lives).
"""

from __future__ import annotations

import weakref

import mujoco
import numpy as np

from gendexhand.sim.scene import Scene

TRIAL_RISE = 0.1
"""Metres the trial lift asks the palm to rise (a loaded arm's servos lag: it rises 7–9 cm). A
learned pinch of the banana held for the first 3 cm and slipped out at 4–5 cm, so a shorter
trial passes grasps that a lift drops."""
TRIAL_STEPS = 12
"""Control steps of the trial lift's ramp (0.48 s at 25 Hz)."""
TRIAL_SETTLE = 4
"""Control steps the targets are then kept before the object's rise is measured."""
MIN_RISE = 0.01
"""Metres the palm must rise for the trial to say anything."""
ARM = "arm"
"""The actuator group that moves the palm (:mod:`gendexhand.embodiment.discovery`)."""

_CACHE: weakref.WeakKeyDictionary[mujoco.MjModel, mujoco.MjData] = weakref.WeakKeyDictionary()


def _scratch(scene: Scene) -> mujoco.MjData:
    d = _CACHE.get(scene.model)
    if d is None:
        d = _CACHE[scene.model] = mujoco.MjData(scene.model)
    src = scene.data
    d.time = src.time
    d.qpos[:], d.qvel[:], d.act[:] = src.qpos, src.qvel, src.act
    d.ctrl[:], d.qacc_warmstart[:] = src.ctrl, src.qacc_warmstart
    if scene.model.nmocap:
        d.mocap_pos[:], d.mocap_quat[:] = src.mocap_pos, src.mocap_quat
    return d


def _rise_targets(scene: Scene, d: mujoco.MjData, rise: float) -> tuple[np.ndarray, np.ndarray]:
    """The arm's actuators and the change of their targets that moves the palm up by ``rise``
    with its orientation kept (a damped least-squares step on the palm's Jacobian)."""
    m = scene.model
    acts = scene.robot.group_actuators([ARM])
    joints = m.actuator_trnid[acts, 0]
    dofs = m.jnt_dofadr[joints]
    jacp, jacr = np.zeros((3, m.nv)), np.zeros((3, m.nv))
    mujoco.mj_jacSite(m, d, jacp, jacr, scene.robot.palm_site)
    jac = np.vstack([jacp[:, dofs], jacr[:, dofs]])
    goal = np.array([0.0, 0.0, rise, 0.0, 0.0, 0.0])
    dq = jac.T @ np.linalg.solve(jac @ jac.T + 1e-6 * np.eye(6), goal)
    return acts, dq


def lift_follow(
    scene: Scene, obj: str, rise: float = TRIAL_RISE, steps: int = TRIAL_STEPS
) -> float:
    """How far ``obj`` follows the palm up, as a fraction of the palm's own rise, when on a
    scratch copy of the scene's current state the arm's targets are ramped over ``steps``
    control steps to raise the palm by ``rise`` and then kept for :data:`TRIAL_SETTLE` steps
    (every other actuator keeps its target): about 1 for an object the hand holds, 0 for one
    it only pressed onto the table, and 0 when the palm could not rise a centimetre. ``scene``
    is not changed."""
    m = scene.model
    d = _scratch(scene)
    body, site = scene.objects[obj].body, scene.robot.palm_site
    mujoco.mj_forward(m, d)
    palm0, obj0 = float(d.site_xpos[site][2]), float(d.xpos[body][2])
    acts, dq = _rise_targets(scene, d, rise)
    start = d.ctrl[acts].copy()
    for k in range(1, steps + TRIAL_SETTLE + 1):
        d.ctrl[acts] = start + dq * min(k, steps) / steps
        mujoco.mj_step(m, d, nstep=scene.physics.substeps)
    mujoco.mj_kinematics(m, d)
    palm_up, obj_up = float(d.site_xpos[site][2]) - palm0, float(d.xpos[body][2]) - obj0
    if not np.isfinite(palm_up + obj_up) or palm_up < MIN_RISE:
        return 0.0
    return obj_up / palm_up
