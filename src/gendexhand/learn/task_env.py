"""A planned task as one Gymnasium environment: the whole task, for evaluating any policy.

Unlike :class:`~gendexhand.learn.env.SubtaskEnv` (one rl subtask of a chain), :class:`TaskEnv`
is the task itself: an episode starts from the task's own randomised initial conditions (the
plan's ``randomize``, drawn from the reset seed exactly as the chain draws them, after the same
settling), the policy commands every actuator, and the episode ends when the task's success
predicate (the last subtask's, evaluated by the trusted predicate library) holds, or after
``max_steps`` control steps.

* **Action**: one value in [-1, 1] per actuator of the model, in ``ctrl`` order, mapped
  linearly onto its control range (position targets for the packaged robots; an actuator
  without a control range takes the value as it is). Optional
  Gaussian ``action_noise`` (standard deviation, in action units) is added before clipping.
* **Observation**: the chain's policy observation (:func:`gendexhand.plan.policy.observe` with
  every actuator active: robot joints and velocities, palm pose, fingertips in the palm frame,
  each object's pose and velocity relative to the palm and its joints, the targets), then the
  hand's MuJoCo touch sensors (``touch``; where the model has them: five on the Shadow hand),
  then optional Gaussian ``obs_noise``. ``info["touch_sensors"]`` names them.
* **Reward**: ``1.0`` on the step the success first holds, else ``0.0`` (the task's success is
  the only trusted signal; shape your own reward from ``info`` if you train on it).
* **Dynamics randomisation**: per reset, each object's sliding friction and mass are scaled by
  factors drawn from ``friction_range`` and ``mass_range``, the robot's joint damping from
  ``damping_range``. Every option is recorded: in ``env.options``, in the info of every reset,
  and (for a registered id) in ``env.spec.kwargs``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import mujoco
import numpy as np

from gendexhand.errors import ConfigError
from gendexhand.learn.env import Dynamics
from gendexhand.plan.load import load_plan
from gendexhand.plan.policy import observe
from gendexhand.plan.randomize import randomized_scene
from gendexhand.predicates import PredicateContext, parse_success
from gendexhand.sim.control import ControlLoop
from gendexhand.sim.scene import Scene, build_scene

DEFAULT_MAX_STEPS = 750
"""Control steps per episode (30 s at 25 Hz): longer than any chain of the rules planner."""


def _range(name: str, value: tuple[float, float], low: float) -> tuple[float, float]:
    a, b = (float(v) for v in value)
    if not (low <= a <= b) or not np.isfinite(b):
        raise ConfigError(f"{name}: must be (min, max) with {low} <= min <= max, not {value!r}")
    return a, b


@dataclass(frozen=True)
class TaskOptions:
    """The recorded options of a :class:`TaskEnv` (see the module docstring)."""

    max_steps: int = DEFAULT_MAX_STEPS
    touch: bool = True
    obs_noise: float = 0.0
    action_noise: float = 0.0
    friction_range: tuple[float, float] = (1.0, 1.0)
    mass_range: tuple[float, float] = (1.0, 1.0)
    damping_range: tuple[float, float] = (1.0, 1.0)

    def __post_init__(self) -> None:
        if not 1 <= self.max_steps <= 100_000:
            raise ConfigError(f"max_steps: must be 1…100000, not {self.max_steps!r}")
        for name in ("obs_noise", "action_noise"):
            v = getattr(self, name)
            if not (0.0 <= v <= 10.0):
                raise ConfigError(f"{name}: must be 0…10, not {v!r}")
        for name in ("friction_range", "mass_range", "damping_range"):
            object.__setattr__(self, name, _range(name, getattr(self, name), 0.0))


class TaskEnv(gym.Env):
    """The whole task of ``plan`` (a ``plan.yaml`` path) as an environment; see the module
    docstring for the spaces, the reward and the options."""

    metadata: dict[str, Any] = {"render_modes": []}  # noqa: RUF012 - gymnasium's convention

    def __init__(self, plan: str | Path, **options: Any) -> None:
        self.plan_path = Path(plan)
        self.plan, self.base = load_plan(self.plan_path)
        self.options = TaskOptions(**options)
        self.success_text = self.plan.subtasks[-1].success
        self._rng = np.random.default_rng(0)
        self._seed = 0
        self.scene = self._build(0)
        m = self.scene.model
        self._touch = self._touch_sensors(self.scene) if self.options.touch else []
        self.all_actuators = np.arange(m.nu)
        self.action_space = gym.spaces.Box(-1.0, 1.0, (int(m.nu),), np.float32)
        obs = self._obs()
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, obs.shape, np.float32)

    # ------------------------------------------------------------------ scenes
    def _build(self, seed: int) -> Scene:
        scene = build_scene(randomized_scene(self.plan, self.base, seed))
        self.dynamics = Dynamics.of(scene)
        self.loop = ControlLoop(scene)
        self.ctx = PredicateContext.capture(scene)
        self.success = parse_success(self.success_text, scene)
        self.t = 0
        return scene

    @staticmethod
    def _touch_sensors(scene: Scene) -> list[tuple[str, int, int]]:
        m = scene.model
        return [(m.sensor(i).name or f"touch{i}", int(m.sensor_adr[i]), int(m.sensor_dim[i]))
                for i in range(m.nsensor)
                if m.sensor_type[i] == mujoco.mjtSensor.mjSENS_TOUCH]  # fmt: skip

    # ------------------------------------------------------------------ gymnasium
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        if seed is not None:
            self._rng = np.random.default_rng(seed)
            self._seed = seed
        else:
            self._seed = int(self._rng.integers(2**31))
        self.scene = self._build(self._seed)  # the chain's initial conditions for this seed
        o = self.options
        self.dynamics.randomize(self.scene, self._rng, o.friction_range, o.mass_range,
                                o.damping_range)  # fmt: skip
        mujoco.mj_forward(self.scene.model, self.scene.data)
        return self._obs(), self._info(False)

    def _obs(self) -> np.ndarray:
        parts = [observe(self.scene, self.all_actuators)]
        d = self.scene.data
        parts += [d.sensordata[adr : adr + dim] for _, adr, dim in self._touch]
        obs = np.concatenate(parts).astype(np.float32)
        if self.options.obs_noise > 0.0:
            obs = obs + self._rng.normal(0.0, self.options.obs_noise, obs.shape).astype(np.float32)
        return obs

    def _info(self, success: bool) -> dict[str, Any]:
        return {"is_success": success, "seed": self._seed, "task": self.plan.task,
                "success": self.success_text, "touch_sensors": [n for n, _, _ in self._touch],
                "options": asdict(self.options)}  # fmt: skip

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        a = np.asarray(action, dtype=float).reshape(-1)
        nu = int(self.scene.model.nu)
        if a.shape != (nu,):
            raise ValueError(f"action has {a.size} values; the task has {nu} actuators")
        if self.options.action_noise > 0.0:
            a = a + self._rng.normal(0.0, self.options.action_noise, a.shape)
        a = np.clip(a, -1.0, 1.0)
        m = self.scene.model
        lo, hi = m.actuator_ctrlrange.T
        limited = m.actuator_ctrllimited.astype(bool)  # an unlimited actuator takes a as is
        self.loop.step(np.where(limited, lo + (a + 1.0) / 2.0 * (hi - lo), a))
        self.t += 1
        success = bool(self.success(self.ctx))
        truncated = self.t >= self.options.max_steps and not success
        return self._obs(), 1.0 if success else 0.0, success, truncated, self._info(success)
