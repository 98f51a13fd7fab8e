"""Open and closed hand postures found from the kinematics, for scripted grasps and releases.

For every finger actuator the closed target is the end of its range that curls the fingertip
towards the palm normal (palm z); actuators that barely move the tip that way (abduction) keep
their open value. The thumb's closed target is the posture, over a grid of its actuator ranges,
whose tip comes closest to the point between the closed index and middle fingertips. Nothing is
named per hand: the same rule serves any discovered hand.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import mujoco
import numpy as np

from gendexhand.embodiment.embodiment import Embodiment

CURL_MIN = 0.01
"""m: an actuator whose range moves its fingertip less than this along palm z is not a curl."""
THUMB_GRID = 4


@dataclass(frozen=True)
class Synergy:
    """Targets of the hand actuators (``actuators``) for the open and the closed hand."""

    actuators: np.ndarray
    open: np.ndarray
    closed: np.ndarray
    thumb: np.ndarray
    """Mask over ``actuators``: the thumb's."""

    def at(self, s: float) -> np.ndarray:
        """Targets a fraction ``s`` of the way from open (0) to closed (1). The fingers lead
        and the thumb follows (it starts at 40 %), so the thumb presses the object into fingers
        that are already wrapping it instead of pushing it away."""
        s = float(np.clip(s, 0.0, 1.0))
        finger_s = min(1.0, s / 0.7)
        thumb_s = max(0.0, (s - 0.4) / 0.6)
        frac = np.where(self.thumb, thumb_s, finger_s)
        return self.open + frac * (self.closed - self.open)


def _set_actuator(model: mujoco.MjModel, qpos: np.ndarray, a: int, value: float) -> None:
    """Put the joints that actuator ``a`` drives where target ``value`` would hold them."""
    trn = model.actuator_trntype[a]
    if trn == mujoco.mjtTrn.mjTRN_JOINT:
        qpos[model.jnt_qposadr[model.actuator_trnid[a, 0]]] = value
    elif trn == mujoco.mjtTrn.mjTRN_TENDON:
        t = model.actuator_trnid[a, 0]
        adr, num = model.tendon_adr[t], model.tendon_num[t]
        coefs = [(model.wrap_objid[w], model.wrap_prm[w]) for w in range(adr, adr + num)]
        total = sum(abs(c) for _, c in coefs) or 1.0
        for j, c in coefs:
            qpos[model.jnt_qposadr[j]] = value * np.sign(c) * abs(c) / total


def hand_synergy(emb: Embodiment, data: mujoco.MjData) -> Synergy:
    """The open posture is the hand's current targets in ``data``; see the module doc."""
    m = emb.model
    work = mujoco.MjData(m)
    work.qpos[:] = data.qpos
    mujoco.mj_kinematics(m, work)
    _, palm_rot = emb.palm_pose(work)
    palm_z = palm_rot[:, 2]
    ctrl_now = emb.home_ctrl(data)
    hand_groups = [g for g in emb.groups if g.name not in ("arm", "wrist")]
    tips = {t.finger: t for t in emb.layout.fingertips}
    open_ctrl: dict[int, float] = {}
    closed: dict[int, float] = {}

    def tip_after(settings: dict[int, float], finger: str) -> np.ndarray:
        work.qpos[:] = data.qpos
        for a, v in settings.items():
            _set_actuator(m, work.qpos, a, v)
        mujoco.mj_kinematics(m, work)
        return work.site_xpos[emb.tip_sites[finger]].copy()

    for group in hand_groups:
        for a in group.actuators:
            open_ctrl[int(a)] = float(ctrl_now[a])
            closed[int(a)] = float(ctrl_now[a])
        if group.name == "thumb" or group.name not in tips:
            continue
        for a in group.actuators:
            lo, hi = m.actuator_ctrlrange[a]
            d = (tip_after({a: hi}, group.name) - tip_after({a: lo}, group.name)) @ palm_z
            if abs(d) >= CURL_MIN:
                closed[int(a)] = float(hi if d > 0 else lo)
    target_fingers: list[str] = [f for f in ("index", "middle") if f in tips]
    target_fingers = target_fingers or [f for f in tips if f != "thumb"]
    if "thumb" in tips and target_fingers:
        closed_fingers = dict(closed)
        goal = np.mean([tip_after(closed_fingers, f) for f in target_fingers], axis=0)
        thumb = [int(a) for a in emb.group("thumb").actuators]
        grids = [
            np.linspace(m.actuator_ctrlrange[a, 0], m.actuator_ctrlrange[a, 1], THUMB_GRID)
            for a in thumb
        ]
        best, best_d = None, np.inf
        for values in itertools.product(*grids):
            d = float(
                np.linalg.norm(tip_after(dict(zip(thumb, values, strict=True)), "thumb") - goal)
            )
            if d < best_d:
                best, best_d = values, d
        assert best is not None
        for a, v in zip(thumb, best, strict=True):
            closed[a] = float(v)
    acts = np.array(sorted(open_ctrl), dtype=int)
    thumb_acts = set(emb.group("thumb").actuators) if "thumb" in tips else set()
    return Synergy(
        acts,
        np.array([open_ctrl[a] for a in acts]),
        np.array([closed[a] for a in acts]),
        np.array([a in thumb_acts for a in acts]),
    )


@dataclass(frozen=True)
class GraspGeometry:
    """Where grasps close, in the palm frame (x fingers, z out of the palm face), in metres."""

    power_x: float
    """Along palm x, the middle between the finger roots and the closed fingertips: where a
    power grasp wraps an object."""
    pinch: np.ndarray
    """(3,) the point between the closed thumb tip and the closed index (or first) fingertip."""
    palm_surface: float
    """Distance from the palm site to the palm face along palm z."""
    thumb_side: float
    """+1 if the thumb's root is on the palm's +y side, −1 if on its −y side."""
    knuckles_x: float
    """Along palm x, the finger roots (the median over the fingers but the thumb)."""


def grasp_geometry(emb: Embodiment, data: mujoco.MjData, synergy: Synergy) -> GraspGeometry:
    """:class:`GraspGeometry` of the hand, with its fingers at the synergy's closed targets."""
    m = emb.model
    work = mujoco.MjData(m)
    work.qpos[:] = data.qpos
    mujoco.mj_kinematics(m, work)
    palm_p, palm_r = emb.palm_pose(work)
    palm_body = emb.layout.palm_body

    def local(p: np.ndarray) -> np.ndarray:
        return palm_r.T @ (p - palm_p)

    # the palm face: cast a ray from in front of the open palm back towards the site
    gid = np.array([-1], dtype=np.int32)
    start = palm_p + palm_r[:, 2] * 0.1
    dist = mujoco.mj_ray(m, work, start, -palm_r[:, 2], None, 1, -1, gid)
    surface = 0.1 - float(dist) if 0 <= dist < 0.1 else 0.0
    roots = {}
    for tip in emb.layout.fingertips:
        b = tip.body
        while m.body_parentid[b] not in (palm_body, 0):
            b = int(m.body_parentid[b])
        roots[tip.finger] = local(work.xpos[b])
    for a, v in zip(synergy.actuators, synergy.closed, strict=True):
        _set_actuator(m, work.qpos, int(a), float(v))
    mujoco.mj_kinematics(m, work)
    tips = {f: local(p) for f, p in emb.fingertips(work).items()}
    fingers = [f for f in tips if f != "thumb"]
    power_x = float(np.mean([(roots[f][0] + tips[f][0]) / 2 for f in fingers]))
    first = "index" if "index" in tips else fingers[0]
    pinch = (tips.get("thumb", tips[first]) + tips[first]) / 2
    side = float(np.sign(roots["thumb"][1])) if "thumb" in roots else 0.0
    knuckles = float(np.median([roots[f][0] for f in fingers]))
    return GraspGeometry(power_x, pinch, surface, side or 1.0, knuckles)
