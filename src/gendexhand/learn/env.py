"""A Gymnasium environment for one ``rl`` subtask of a plan.

Episodes start from states the chain reaches at the start of the subtask (collected by running
the subtasks before it on randomised initial conditions and keeping the successful runs). The
policy moves only the actuators of the subtask's groups, as increments of their targets; every
other actuator holds its target. The reward is the weighted sum of the terms the plan's reward
code returns; success and termination come from the trusted success predicate.

Observation (float32, in this order): robot joint positions and velocities; palm position and
the first two columns of its rotation; fingertip positions relative to the palm (palm frame);
per object, its position and linear velocity relative to the palm (palm frame), its quaternion,
angular velocity, and the open fraction of each of its joints; the active actuators' targets.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import mujoco
import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.plan.chain import (
    Episode,
    pool_start_method,
    randomized_scene,
    run_subtask,
)
from gendexhand.predicates.library import (
    PredicateContext,
    hand_contact_forces,
    parse_success,
)
from gendexhand.plan.reward import RewardRejected
from gendexhand.plan.schema import PlanConfig, Subtask
from gendexhand.embodiment.synergy import Synergy, hand_synergy
from gendexhand.sim.bounds import collision_bounds
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import STATE_SIG, Scene, build_scene

ACTION_SCALE = 0.05
"""Largest change of an active target per control step, as a fraction of its range."""
MAX_STEP = 0.05
"""…and at most this (rad or m) per control step: 1.25 rad/s for the arm's wide joints."""

Snapshot = dict[str, Any]
RewardFn = Callable[[Snapshot], Mapping[str, float]]


@dataclass(frozen=True)
class StartState:
    """The simulator state at the start of a subtask, and the scene it belongs to."""

    seed: int
    """The episode seed whose randomised scene produced it."""
    state: np.ndarray
    ctrl: np.ndarray


class StartStates(list[StartState]):
    """Start states, and the cost of finding them: ``attempts`` episodes run, ``control_steps``
    control steps in all (the failed attempts included)."""

    attempts: int = 0
    control_steps: int = 0


def subtask_index(plan: PlanConfig, name: str) -> int:
    names = [s.name for s in plan.subtasks]
    if name not in names:
        raise ConfigError(f"plan {plan.task!r} has no subtask {name!r}; subtasks: {names}")
    return names.index(name)


def _start_state(
    job: tuple[PlanConfig, SceneConfig, int, int, Path | None],
) -> tuple[StartState | None, int]:
    """Run the subtasks before subtask ``index`` on episode ``seed``: the state if all succeed,
    and the control steps run."""
    plan, base, index, s, skills = job
    scene = build_scene(randomized_scene(plan, base, s))
    ep = Episode(scene, ControlLoop(scene), s, hand_synergy(scene.robot, scene.data))
    ep.skills = skills
    ctx = PredicateContext.capture(scene)
    steps = 0
    for sub in plan.subtasks[:index]:
        res = run_subtask(ep, sub, parse_success(sub.success, scene), ctx)
        steps += res.steps
        if not res.success:
            return None, steps
    state = np.zeros(mujoco.mj_stateSize(scene.model, STATE_SIG))
    mujoco.mj_getState(scene.model, scene.data, state, STATE_SIG)
    return StartState(s, state, scene.data.ctrl.copy()), steps


def collect_start_states(
    plan: PlanConfig,
    base: SceneConfig,
    subtask: str,
    count: int,
    *,
    seed: int = 0,
    max_attempts: int | None = None,
    workers: int = 1,
    skills: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> StartStates:
    """Run the subtasks before ``subtask`` on episodes ``seed``, ``seed+1``… and keep the state
    reached whenever all of them succeed, until ``count`` states are kept. Earlier rl subtasks
    run their trained policies from ``skills`` (``<run>/skills``). With ``workers`` > 1
    episodes run in parallel processes; the states kept are the same."""
    index = subtask_index(plan, subtask)
    for sub in plan.subtasks[:index]:
        trained = skills is not None and (skills / sub.name / "policy.zip").is_file()
        if sub.kind == "rl" and not trained:
            raise ConfigError(f"subtask {sub.name!r} before {subtask!r} is also rl: train it first")
    attempts = max_attempts or 3 * count
    jobs = [(plan, base, index, s, skills) for s in range(seed, seed + attempts)]
    states = StartStates()

    def keep(results: Iterable[tuple[StartState | None, int]]) -> None:
        for k, (start, steps) in enumerate(results):
            states.attempts += 1
            states.control_steps += steps
            if start is not None:
                states.append(start)
                if progress:
                    progress(f"start states: {len(states)}/{count} (episode {seed + k})")
                if len(states) >= count:
                    return

    if workers > 1:
        ctx = multiprocessing.get_context(pool_start_method())
        with ctx.Pool(workers) as pool:  # imap keeps episode order: the same states as serial
            keep(pool.imap(_start_state, jobs))
    else:
        keep(map(_start_state, jobs))
    if not states:
        raise ConfigError(f"no episode reached the start of subtask {subtask!r}")
    return states


def snapshot(scene: Scene, action: np.ndarray, t: float, goal: Mapping[str, float]) -> Snapshot:
    """The state reward code sees (see :mod:`gendexhand.plan.reward` for its format)."""
    m, d = scene.model, scene.data
    palm_pos, palm_rot = scene.robot.palm_pose(d)
    objects: dict[str, Any] = {}
    contacts: dict[str, dict[str, float]] = {}
    vel = np.zeros(6)
    for name, h in scene.objects.items():
        mujoco.mj_objectVelocity(m, d, mujoco.mjtObj.mjOBJ_BODY, h.body, vel, 0)
        lo, _ = collision_bounds(m, d, h.geoms)
        joints = {j: float(d.qpos[a]) for j, a in h.joints.items()}
        scale = {j.name: (h.scale if j.kind == "slide" else 1.0) for j in h.asset.joints}
        objects[name] = {
            "pos": d.xpos[h.body].copy(),
            "quat": d.xquat[h.body].copy(),
            "linvel": vel[3:].copy(),
            "angvel": vel[:3].copy(),
            "bottom": float(lo[2]),
            "joints": joints,
            "fraction": {j: h.asset.joint(j).fraction(v / scale[j]) for j, v in joints.items()},
        }
        contacts[name] = hand_contact_forces(scene, name)
    return {
        "t": t,
        "table_height": scene.config.table.height,
        "palm": {"pos": palm_pos, "rot": palm_rot},
        "tips": scene.robot.fingertips(d),
        "objects": objects,
        "contacts": contacts,
        "action": np.asarray(action, dtype=float).copy(),
        "goal": dict(goal),
    }


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
        self.target_rot = _rotation(step_rot) @ self.target_rot
        err_pos = self.target_pos - pos
        err_rot = _rotvec(self.target_rot @ rot.T)
        # a blocked palm (a stiff door, a held object) does not wind the target up
        err_pos *= min(1.0, PALM_LEASH[0] / max(float(np.linalg.norm(err_pos)), 1e-12))
        err_rot *= min(1.0, PALM_LEASH[1] / max(float(np.linalg.norm(err_rot)), 1e-12))
        self.target_pos, self.target_rot = pos + err_pos, _rotation(err_rot) @ rot
        twist = np.concatenate([step_pos, step_rot]) + PALM_GAIN * np.concatenate(
            [err_pos - step_pos, err_rot - step_rot]
        )
        mujoco.mj_jacSite(m, d, self.jac[:3], self.jac[3:], scene.robot.palm_site)
        jac = self.jac[:, self.dofs]
        dq = jac.T @ np.linalg.solve(jac @ jac.T + PALM_DAMPING * np.eye(6), twist)
        dq *= min(1.0, MAX_STEP / max(float(np.abs(dq).max()), 1e-12))  # scaled, not clipped:
        lo, hi = m.actuator_ctrlrange[self.active].T  # clipping one joint would bend the twist
        d.ctrl[self.active] = np.clip(d.ctrl[self.active] + dq, lo, hi)


def _rotation(rotvec: np.ndarray) -> np.ndarray:
    angle = float(np.linalg.norm(rotvec))
    if angle < 1e-12:
        return np.eye(3)
    quat, mat = np.zeros(4), np.zeros(9)
    mujoco.mju_axisAngle2Quat(quat, rotvec / angle, angle)
    mujoco.mju_quat2Mat(mat, quat)
    return mat.reshape(3, 3)


def _rotvec(rot: np.ndarray) -> np.ndarray:
    quat, vel = np.zeros(4), np.zeros(3)
    mujoco.mju_mat2Quat(quat, rot.ravel())
    mujoco.mju_quat2Vel(vel, quat, 1.0)
    return vel


class SubtaskEnv(gym.Env):
    """One rl subtask as a Gymnasium environment (see the module docstring)."""

    metadata: dict[str, Any] = {"render_modes": []}  # noqa: RUF012 - gymnasium's convention

    def __init__(
        self,
        plan: PlanConfig,
        base: SceneConfig,
        subtask: str,
        starts: Sequence[StartState],
        reward: RewardFn,
        weights: Mapping[str, float],
        *,
        friction_range: tuple[float, float] = (0.8, 1.2),
        mass_range: tuple[float, float] = (0.8, 1.2),
        seed: int = 0,
    ) -> None:
        self.plan, self.base = plan, base
        self.sub: Subtask = plan.subtasks[subtask_index(plan, subtask)]
        if self.sub.rl is None:
            raise ConfigError(f"subtask {subtask!r} is not an rl subtask")
        self.starts = list(starts)
        self.reward_fn, self.weights = reward, dict(weights)
        self.friction_range, self.mass_range = friction_range, mass_range
        self.horizon = self.sub.rl.horizon
        self._scenes: dict[int, tuple[Scene, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._rng = np.random.default_rng(seed)
        scene = self._scene(self.starts[0].seed)
        self.scene = scene
        self.actions = ActionMap(scene, self.sub.rl.groups, self.sub.rl.action)
        self.active = self.actions.active
        self.action_space = gym.spaces.Box(-1.0, 1.0, (self.actions.size,), np.float32)
        self._load(self.starts[0])
        obs = self._obs()
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, obs.shape, np.float32)
        self.success = parse_success(self.sub.success, scene)
        self.rejections = 0
        self.step_seconds = 0.0
        self.physics_seconds = 0.0

    # ------------------------------------------------------------------ scenes and resets
    def _scene(self, seed: int) -> Scene:
        if seed not in self._scenes:
            scene = build_scene(randomized_scene(self.plan, self.base, seed), settle=False)
            self._scenes[seed] = (
                scene,
                scene.model.geom_friction.copy(),
                scene.model.body_mass.copy(),
                scene.model.body_inertia.copy(),
            )
        return self._scenes[seed][0]

    def _load(self, start: StartState) -> None:
        scene = self._scene(start.seed)
        _, friction, mass, inertia = self._scenes[start.seed]
        m = scene.model
        m.geom_friction[:] = friction
        m.body_mass[:] = mass
        m.body_inertia[:] = inertia
        for h in scene.objects.values():
            f = self._rng.uniform(*self.friction_range)
            m.geom_friction[list(h.geoms), 0] = friction[list(h.geoms), 0] * f
            if h.qpos_adr is not None:  # a lighter or heavier object, same density everywhere
                k = self._rng.uniform(*self.mass_range)
                m.body_mass[list(h.bodies)] = mass[list(h.bodies)] * k
                m.body_inertia[list(h.bodies)] = inertia[list(h.bodies)] * k
        mujoco.mj_setConst(m, scene.data)
        mujoco.mj_setState(m, scene.data, start.state, STATE_SIG)
        scene.data.ctrl[:] = start.ctrl
        mujoco.mj_forward(m, scene.data)
        self.scene = scene
        self.loop = ControlLoop(scene)  # the chain's control step: clipped, checked finite
        self.ctx = PredicateContext.capture(scene)
        self.t = 0

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        self._load(self.starts[int(self._rng.integers(len(self.starts)))])
        self.success = parse_success(self.sub.success, self.scene)
        self.actions.reset(self.scene)
        return self._obs(), {}

    # ------------------------------------------------------------------ stepping
    def _obs(self) -> np.ndarray:
        return observe(self.scene, self.active)

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        t0 = time.perf_counter()
        scene = self.scene
        a = np.clip(np.asarray(action, dtype=float), -1.0, 1.0)
        self.actions.apply(scene, a)
        p0 = time.perf_counter()
        self.loop.step(scene.data.ctrl)
        self.physics_seconds += time.perf_counter() - p0
        self.t += 1
        info: dict[str, Any] = {}
        try:
            terms = dict(self.reward_fn(snapshot(scene, a, self.t * scene.physics.control_dt, {})))
        except RewardRejected as exc:  # recorded; the step earns nothing
            terms = {}
            info["reward_rejected"] = str(exc)
            self.rejections += 1
        reward = float(sum(self.weights.get(k, 0.0) * v for k, v in terms.items()))
        success = bool(self.success(self.ctx))
        if success:
            reward += self.sub.rl.success_bonus  # type: ignore[union-attr]
        truncated = self.t >= self.horizon and not success
        self.step_seconds += time.perf_counter() - t0
        info.update({"terms": terms, "is_success": success})
        return self._obs(), reward, success, truncated, info

    def overhead(self) -> float:
        """Wall time of ``step`` over its control step (``ControlLoop.step``: the physics, with
        the action clipped and the state checked finite), so far (1.0 = no overhead)."""
        return self.step_seconds / self.physics_seconds if self.physics_seconds else float("nan")
