"""A Gymnasium environment for one ``rl`` subtask of a plan.

Episodes start from states the chain reaches at the start of the subtask (collected by running
the subtasks before it on randomised initial conditions and keeping the successful runs). The
policy moves only the actuators of the subtask's groups, as increments of their targets; every
other actuator holds its target. The reward is the weighted sum of the terms the plan's
reward code returns (:func:`gendexhand.sandbox.combine`); success and termination come from the
trusted success predicate.

Observations and actions are those of :mod:`gendexhand.plan.policy` (the chain runs the trained
policy with the same code); the state reward code reads is :mod:`gendexhand.sim.snapshot`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import mujoco
import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.learn.starts import StartState, subtask_index
from gendexhand.plan.carry import ArmLift, free_objects
from gendexhand.plan.policy import ActionMap, observe
from gendexhand.plan.randomize import randomized_scene
from gendexhand.plan.schema import PlanConfig, RLSubtask
from gendexhand.predicates import PredicateContext, parse_success
from gendexhand.sandbox import RewardRejected, combine
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import STATE_SIG, Scene, build_scene
from gendexhand.sim.snapshot import take_snapshot


@dataclass(frozen=True)
class Dynamics:
    """A scene's friction, masses, inertias and damping as built, to randomise from."""

    friction: np.ndarray
    mass: np.ndarray
    inertia: np.ndarray
    damping: np.ndarray

    @classmethod
    def of(cls, scene: Scene) -> Dynamics:
        m = scene.model
        return cls(m.geom_friction.copy(), m.body_mass.copy(), m.body_inertia.copy(),
                   m.dof_damping.copy())  # fmt: skip

    def randomize(
        self,
        scene: Scene,
        rng: np.random.Generator,
        friction_range: tuple[float, float],
        mass_range: tuple[float, float],
        damping_range: tuple[float, float] | None = None,
    ) -> None:
        """Restore the built values, then scale each object's sliding friction and each free
        object's mass (and inertia) by a factor drawn from its range, in scene order, and with
        ``damping_range`` each robot joint's damping; then recompute the model's constants."""
        m = scene.model
        m.geom_friction[:] = self.friction
        m.body_mass[:] = self.mass
        m.body_inertia[:] = self.inertia
        m.dof_damping[:] = self.damping
        for h in scene.objects.values():
            geoms, bodies = list(h.geoms), list(h.bodies)
            m.geom_friction[geoms, 0] = self.friction[geoms, 0] * rng.uniform(*friction_range)
            if h.qpos_adr is not None:  # a lighter or heavier object, same density everywhere
                k = rng.uniform(*mass_range)
                m.body_mass[bodies] = self.mass[bodies] * k
                m.body_inertia[bodies] = self.inertia[bodies] * k
        if damping_range is not None:
            dofs = scene.robot.dof_adr
            m.dof_damping[dofs] = self.damping[dofs] * rng.uniform(*damping_range, len(dofs))
        mujoco.mj_setConst(m, scene.data)


Snapshot = dict[str, Any]
"""A :class:`~gendexhand.sim.snapshot.StateSnapshot` as the plain dict reward code reads."""
RewardFn = Callable[[Snapshot], Mapping[str, float]]


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
        sub = plan.subtasks[subtask_index(plan, subtask)]
        if not isinstance(sub, RLSubtask):
            raise ConfigError(f"subtask {subtask!r} is not an rl subtask")
        self.sub = sub
        self.starts = list(starts)
        self.reward_fn, self.weights = reward, dict(weights)
        self.friction_range, self.mass_range = friction_range, mass_range
        self.horizon = self.sub.rl.horizon
        self._scenes: dict[int, tuple[Scene, Dynamics]] = {}
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
        self.rejected_in_a_row = 0
        self.step_seconds = 0.0
        self.physics_seconds = 0.0

    # ------------------------------------------------------------------ scenes and resets
    def _scene(self, seed: int) -> Scene:
        if seed not in self._scenes:
            scene = build_scene(randomized_scene(self.plan, self.base, seed), settle=False)
            self._scenes[seed] = (scene, Dynamics.of(scene))
        return self._scenes[seed][0]

    def _load(self, start: StartState) -> None:
        scene = self._scene(start.seed)
        self._scenes[start.seed][1].randomize(scene, self._rng, self.friction_range,
                                              self.mass_range)  # fmt: skip
        m = scene.model
        mujoco.mj_setState(m, scene.data, start.state, STATE_SIG)
        scene.data.ctrl[:] = start.ctrl
        mujoco.mj_forward(m, scene.data)
        self.scene = scene
        self.loop = ControlLoop(scene)  # the chain's control step: clipped, checked finite
        self.ctx = PredicateContext.capture(scene)
        self.t = self.held = 0
        self.lift = ArmLift(scene, self.sub.rl, free_objects(scene))

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
        self.lift.apply(scene.data.ctrl, self.t)
        p0 = time.perf_counter()
        self.loop.step(scene.data.ctrl)
        self.physics_seconds += time.perf_counter() - p0
        self.t += 1
        info: dict[str, Any] = {}
        snap = take_snapshot(scene, a, self.t * scene.physics.control_dt, {}).as_dict()
        try:
            terms = dict(self.reward_fn(snap))
            reward = combine(terms, self.weights)
        except RewardRejected as exc:  # recorded; the step earns nothing
            terms, reward = {}, 0.0
            info["reward_rejected"] = str(exc)
            self.rejections += 1
            self.rejected_in_a_row += 1
        else:
            self.rejected_in_a_row = 0
        info["rejected_in_a_row"] = self.rejected_in_a_row
        rl = self.sub.rl
        self.held = self.held + 1 if self.success(self.ctx) else 0
        if self.held:
            reward += rl.success_bonus / rl.hold
        success = self.held >= rl.hold
        truncated = self.t >= self.horizon and not success
        self.step_seconds += time.perf_counter() - t0
        info.update({"terms": terms, "is_success": success})
        return self._obs(), reward, success, truncated, info

    def overhead(self) -> float:
        """Wall time of ``step`` over its control step (``ControlLoop.step``: the physics, with
        the action clipped and the state checked finite), so far (1.0 = no overhead)."""
        return self.step_seconds / self.physics_seconds if self.physics_seconds else float("nan")
