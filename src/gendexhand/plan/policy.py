"""What an ``rl`` subtask's trained policy sees and does, at training time and in the chain.

Observation (float32, in this order): robot joint positions and velocities; palm position and
the first two columns of its rotation; fingertip positions relative to the palm (palm frame);
per object, its position and linear velocity relative to the palm (palm frame), its quaternion,
angular velocity, and the open fraction of each of its joints; the active actuators' targets.

Actions move only the actuators of the subtask's groups (:class:`ActionMap`); every other
actuator holds its target. :func:`load_policy` reads a policy trained by
:mod:`gendexhand.learn.train` back as a function from observations to actions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import mujoco
import numpy as np

from gendexhand.embodiment.synergy import Synergy, hand_synergy
from gendexhand.errors import ConfigError
from gendexhand.sim.rotation import matrix_rotvec, rotvec_matrix
from gendexhand.sim.scene import Scene
from gendexhand.store.paths import NORMALIZER_FILE, POLICY_FILE

ACTION_SCALE = 0.05
"""Largest change of an active target per control step, as a fraction of its range."""
MAX_STEP = 0.05
"""…and at most this (rad or m) per control step: 1.25 rad/s for the arm's wide joints."""


def observe(scene: Scene, active: np.ndarray) -> np.ndarray:
    """The observation vector of the module docstring, for the current state of ``scene``."""
    m, d = scene.model, scene.data
    robot = scene.robot
    palm_pos, palm_rot = robot.palm_pose(d)
    parts = [d.qpos[robot.qpos_adr], d.qvel[robot.dof_adr], palm_pos, palm_rot[:, :2].T.ravel()]
    for tip in robot.fingertips(d).values():
        parts.append(palm_rot.T @ (tip - palm_pos))
    vel = np.zeros(6)
    for h in scene.objects.values():
        mujoco.mj_objectVelocity(m, d, mujoco.mjtObj.mjOBJ_BODY, h.body, vel, 0)
        parts += [palm_rot.T @ (d.xpos[h.body] - palm_pos), palm_rot.T @ vel[3:],
                  d.xquat[h.body], vel[:3]]  # fmt: skip
        parts += [np.array([float(d.qpos[a]) for a in h.joints.values()])]
    parts.append(d.ctrl[active])
    return np.concatenate([np.ravel(p) for p in parts]).astype(np.float32)


def apply_action(scene: Scene, active: np.ndarray, action: np.ndarray) -> None:
    """Move the active actuators' targets by ``action`` (each in [-1, 1]) × ``ACTION_SCALE`` of
    their range, at most ``MAX_STEP`` per control step, within the range; the others stay."""
    m, d = scene.model, scene.data
    lo, hi = m.actuator_ctrlrange[active].T
    a = np.clip(np.asarray(action, dtype=float), -1.0, 1.0)
    step = np.minimum(ACTION_SCALE * (hi - lo), MAX_STEP)
    d.ctrl[active] = np.clip(d.ctrl[active] + a * step, lo, hi)


SYNERGY_STEP = 0.08
"""Largest change of a group's closure (0 open … 1 closed) per control step."""
PALM_STEP = (0.005, 0.04)
"""Largest palm translation (m) and rotation (rad) per control step of a ``palm`` action."""
PALM_DAMPING = 1e-3
"""Damping of the least-squares inverse that turns a palm twist into joint increments."""
PALM_GAIN = 0.3
"""Share of the palm's drift from its target pose corrected per control step."""
PALM_LEASH = (0.03, 0.15)
"""Farthest the palm's target pose runs ahead of the palm (m, rad)."""


class ActionMap:
    """Turns policy actions into actuator targets for an rl subtask.

    ``actuators``: one action per active actuator, a target increment (:func:`apply_action`).
    ``group_synergy``: one action per active hand group, an increment of that group's closure
    s ∈ [0, 1]; the group's actuators go to ``open + s·(closed − open)`` of the hand synergy.
    ``palm``: six actions, a palm twist (translation then rotation, world frame, scaled by
    ``PALM_STEP``); the active actuators (position servos on single joints, e.g. the arm) move
    their targets by the damped least-squares joint increment that produces it.
    ``palm_position``: three actions, the translation; the palm's orientation is held.
    """

    def __init__(
        self, scene: Scene, groups: Sequence[str], mode: str, synergy: Synergy | None = None
    ) -> None:
        self.mode = mode
        self.active = scene.robot.group_actuators(groups)
        if mode == "actuators":
            self.size = len(self.active)
            return
        if mode in ("palm", "palm_position"):
            m = scene.model
            if np.any(m.actuator_trntype[self.active] != mujoco.mjtTrn.mjTRN_JOINT):
                raise ConfigError("palm actions need groups of joint actuators (e.g. the arm)")
            self.dofs = m.jnt_dofadr[m.actuator_trnid[self.active, 0]]
            self.jac = np.zeros((6, m.nv))
            self.size = 6 if mode == "palm" else 3
            return
        synergy = synergy or hand_synergy(scene.robot, scene.data)
        index = {int(a): k for k, a in enumerate(synergy.actuators)}
        self.members: list[np.ndarray] = []
        for g in groups:
            acts = [int(a) for a in scene.robot.group(g).actuators]
            if any(a not in index for a in acts):
                raise ConfigError(f"group_synergy actions need hand groups; {g!r} is not one")
            self.members.append(np.array([index[a] for a in acts], dtype=int))
        self.synergy = synergy
        self.size = len(groups)
        self.closure = np.zeros(self.size)

    def reset(self, scene: Scene) -> None:
        """Read each group's closure back from the current targets (``palm``: the target
        pose is the palm's pose)."""
        if self.mode in ("palm", "palm_position"):
            self.target_pos, self.target_rot = scene.robot.palm_pose(scene.data)
        if self.mode != "group_synergy":
            return
        syn = self.synergy
        now = scene.data.ctrl[syn.actuators]
        span = syn.closed - syn.open
        for k, idx in enumerate(self.members):
            moving = idx[np.abs(span[idx]) > 1e-6]
            frac = (now[moving] - syn.open[moving]) / span[moving] if len(moving) else [0.0]
            self.closure[k] = float(np.clip(np.mean(frac), 0.0, 1.0))

    def apply(self, scene: Scene, action: np.ndarray) -> None:
        a = np.clip(np.asarray(action, dtype=float), -1.0, 1.0)
        if self.mode == "actuators":
            apply_action(scene, self.active, a)
            return
        if self.mode in ("palm", "palm_position"):
            self._palm(scene, a if len(a) == 6 else np.concatenate([a, np.zeros(3)]))
            return
        syn = self.synergy
        self.closure = np.clip(self.closure + SYNERGY_STEP * a, 0.0, 1.0)
        for k, idx in enumerate(self.members):
            targets = syn.open[idx] + self.closure[k] * (syn.closed[idx] - syn.open[idx])
            scene.data.ctrl[syn.actuators[idx]] = targets

    def _palm(self, scene: Scene, a: np.ndarray) -> None:
        """Move the palm's target pose by the twist and the arm targets towards it: the twist as
        feed-forward plus a correction of the drift between the target and the palm (servo lag
        and load bend the arm off the line a bare Jacobian step would follow)."""
        m, d = scene.model, scene.data
        pos, rot = scene.robot.palm_pose(d)
        step_pos, step_rot = a[:3] * PALM_STEP[0], a[3:6] * PALM_STEP[1]
        self.target_pos = self.target_pos + step_pos
        self.target_rot = rotvec_matrix(step_rot) @ self.target_rot
        err_pos = self.target_pos - pos
        err_rot = matrix_rotvec(self.target_rot @ rot.T)
        # a blocked palm (a stiff door, a held object) does not wind the target up
        err_pos *= min(1.0, PALM_LEASH[0] / max(float(np.linalg.norm(err_pos)), 1e-12))
        err_rot *= min(1.0, PALM_LEASH[1] / max(float(np.linalg.norm(err_rot)), 1e-12))
        self.target_pos, self.target_rot = pos + err_pos, rotvec_matrix(err_rot) @ rot
        twist = np.concatenate([step_pos, step_rot]) + PALM_GAIN * np.concatenate(
            [err_pos - step_pos, err_rot - step_rot]
        )
        mujoco.mj_jacSite(m, d, self.jac[:3], self.jac[3:], scene.robot.palm_site)
        jac = self.jac[:, self.dofs]
        dq = jac.T @ np.linalg.solve(jac @ jac.T + PALM_DAMPING * np.eye(6), twist)
        dq *= min(1.0, MAX_STEP / max(float(np.abs(dq).max()), 1e-12))  # scaled, not clipped:
        lo, hi = m.actuator_ctrlrange[self.active].T  # clipping one joint would bend the twist
        d.ctrl[self.active] = np.clip(d.ctrl[self.active] + dq, lo, hi)


def load_policy(folder: Path) -> Callable[[np.ndarray], np.ndarray]:
    """A function from raw observations to actions, from ``policy.zip`` and its normaliser
    (loaded once per file version: a retrained policy is read again)."""
    if not (folder / POLICY_FILE).is_file():
        raise ConfigError(f"no trained policy in {folder} (run `gendexhand train` first)")
    return _load_policy(folder, (folder / POLICY_FILE).stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_policy(folder: Path, version: int) -> Callable[[np.ndarray], np.ndarray]:
    import pickle

    from stable_baselines3 import PPO

    del version  # part of the cache key only
    model = PPO.load(folder / POLICY_FILE, device="cpu")
    with (folder / NORMALIZER_FILE).open("rb") as f:
        norm = pickle.load(f)
    rms, eps, clip = norm.obs_rms, norm.epsilon, norm.clip_obs

    def act(obs: np.ndarray) -> np.ndarray:
        x = np.clip((obs - rms.mean) / np.sqrt(rms.var + eps), -clip, clip)
        action, _ = model.predict(x.astype(np.float32), deterministic=True)
        return np.asarray(action)

    return act
