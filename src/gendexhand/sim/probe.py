"""Would the hand hold an object on its own? A look-ahead on a scratch copy of the scene.

A grasp can press an object onto the table with forces that look like a grip (a thumb and one
finger, several newtons each) and still drop it at the first centimetre of a lift: the table
was carrying it. :func:`slip_unsupported` answers the question a lift asks, without lifting:
on a copy of the model in which the object touches nothing but the hand, with every actuator
target kept, how far does the object move relative to the palm in a few control steps? A hand
that holds it keeps that to millimetres; one that only pressed it drops it (free fall covers
12.6 cm in 0.16 s).

The scene is not changed: the copy has its own model (cached per scene model and object, kept
only as long as the model lives) and its own data.
"""

from __future__ import annotations

import weakref

import mujoco
import numpy as np

from gendexhand.sim.contact import hand_parts
from gendexhand.sim.scene import Scene

PROBE_STEPS = 4
"""Control steps the look-ahead runs (0.16 s at 25 Hz, in which free fall covers 12.6 cm)."""

_Probe = tuple[mujoco.MjModel, mujoco.MjData]
_CACHE: weakref.WeakKeyDictionary[mujoco.MjModel, dict[str, _Probe]] = weakref.WeakKeyDictionary()


def _probe(scene: Scene, obj: str) -> _Probe:
    per_object = _CACHE.setdefault(scene.model, {})
    found = per_object.get(obj)
    if found is None:
        m = scene.model.__copy__()
        hand = set(hand_parts(scene))
        mine = set(scene.objects[obj].geoms)
        for g in range(m.ngeom):
            if g not in mine and int(m.geom_bodyid[g]) not in hand:
                m.geom_contype[g] = 0  # the table, the arm, every other object: gone
                m.geom_conaffinity[g] = 0
        found = per_object[obj] = (m, mujoco.MjData(m))
    return found


def slip_unsupported(scene: Scene, obj: str, steps: int = PROBE_STEPS) -> float:
    """Metres ``obj`` moves relative to the palm in ``steps`` control steps from the scene's
    current state, when nothing but the hand touches it and every actuator keeps its target
    (on a scratch copy; ``scene`` is unchanged)."""
    m, d = _probe(scene, obj)
    src = scene.data
    d.time = src.time
    d.qpos[:], d.qvel[:], d.act[:] = src.qpos, src.qvel, src.act
    d.ctrl[:], d.qacc_warmstart[:] = src.ctrl, src.qacc_warmstart
    if m.nmocap:
        d.mocap_pos[:], d.mocap_quat[:] = src.mocap_pos, src.mocap_quat
    body, site = scene.objects[obj].body, scene.robot.palm_site

    def in_palm() -> np.ndarray:
        rot = d.site_xmat[site].reshape(3, 3)
        return np.asarray(rot.T @ (d.xpos[body] - d.site_xpos[site]))

    mujoco.mj_forward(m, d)
    before = in_palm()
    mujoco.mj_step(m, d, nstep=steps * scene.physics.substeps)
    mujoco.mj_kinematics(m, d)
    if not np.all(np.isfinite(d.qpos)):
        return float("inf")
    return float(np.linalg.norm(in_palm() - before))
