"""Training an ``rl`` subtask with PPO (stable-baselines3) and evaluating it.

Layout in the run directory (``<run>/skills/<subtask>/``): ``starts.npz`` (start states),
``policy.zip`` and ``vecnormalize.pkl`` (the best checkpoint so far), ``curve.csv`` (one row per
evaluation: control steps, success rate, mean episode reward, the mean of every reward term over
the training steps since the last row), ``eval.json`` (the final evaluation).

Training stops early when the evaluated success rate reaches the target; otherwise after the
step budget. Observations are normalised (``VecNormalize``); with more than one environment they
run in worker processes (one per core).
"""

from __future__ import annotations

import csv
import json
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.learn.env import SubtaskEnv
from gendexhand.learn.starts import (
    StartState,
    collect_start_states,
    load_starts,
    save_starts,
    subtask_index,
)
from gendexhand.plan.schema import PlanConfig, RLSubtask
from gendexhand.runs.paths import (
    CURVE_FILE,
    NORMALIZER_FILE,
    POLICY_FILE,
    SKILL_EVAL_FILE,
    STARTS_FILE,
)
from gendexhand.sim.snapshot import take_snapshot


@dataclass(frozen=True)
class TrainSettings:
    steps: int = 200_000
    """Control-step budget for training (all environments together)."""
    envs: int = 2
    seed: int = 0
    target: float = 0.9
    """Stop when the evaluated success rate reaches this."""
    eval_every: int = 10_000
    eval_episodes: int = 20
    start_states: int = 32
    learning_rate: float = 3e-4
    n_steps: int = 1024
    """Rollout length per update, all environments together."""
    batch_size: int = 256
    gamma: float = 0.98
    n_epochs: int = 10
    """PPO epochs over each rollout."""
    net_arch: tuple[int, ...] = (256, 256)
    """Hidden layer sizes of the policy and value networks."""


@dataclass(frozen=True)
class TrainResult:
    subtask: str
    steps: int
    """Control steps used for training (the start-state collection excluded)."""
    success_rate: float
    stopped_early: bool
    folder: Path
    start_state_steps: int = 0
    """Control steps run to collect the start states (0 if they were collected earlier and not
    recorded)."""


class SandboxedReward:
    """Reward code run in a :class:`~gendexhand.sandbox.RewardWorker` (its own process, with
    memory and time limits), started in the process that first calls it. A rejected call raises
    :class:`~gendexhand.sandbox.RewardRejected`; the worker restarts by itself."""

    def __init__(self, source: str) -> None:
        from gendexhand.sandbox import check_reward_code

        check_reward_code(source)
        self.source = source
        self._worker: Any = None

    def __call__(self, snap: dict[str, Any]) -> dict[str, float]:
        from gendexhand.sandbox import RewardWorker

        if self._worker is None:
            # stable-baselines3 runs environments in daemonic processes, which multiprocessing
            # forbids to have children; this process owns its reward worker and closes it when
            # it ends, so it may (the worker also exits when its pipe closes)
            config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
            config.pop("daemon", None)
            self._worker = RewardWorker(self.source)
            self._worker.start()
        return self._worker.call(snap)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def __getstate__(self) -> dict[str, Any]:
        return {"source": self.source, "_worker": None}


def preflight_reward(
    plan: PlanConfig, base: SceneConfig, subtask: str, starts: list[StartState]
) -> None:
    """Run the reward code on the start states (after a few random steps) in a limited worker;
    raise :class:`ConfigError` with every distinct rejection reason."""
    from gendexhand.sandbox import preflight

    rl = _rl_subtask(plan, subtask).rl
    env = SubtaskEnv(plan, base, subtask, starts[:8], lambda s: {}, {}, seed=0)
    snaps = []
    for k in range(min(8, len(starts))):
        env.reset(seed=k)
        for _ in range(3):
            env.step(env.action_space.sample())
        snaps.append(take_snapshot(env.scene, np.zeros(len(env.active)), 0.0, {}).as_dict())
    reasons = preflight(rl.reward, snaps)
    if reasons:
        raise ConfigError(
            f"reward code of {subtask!r} rejected in pre-flight: " + "; ".join(reasons)
        )


def _rl_subtask(plan: PlanConfig, subtask: str) -> RLSubtask:
    sub = plan.subtasks[subtask_index(plan, subtask)]
    if not isinstance(sub, RLSubtask):
        raise ConfigError(f"subtask {subtask!r} is not an rl subtask")
    return sub


def make_env(
    plan: PlanConfig, base: SceneConfig, subtask: str, starts: list[StartState], seed: int
) -> SubtaskEnv:
    rl = _rl_subtask(plan, subtask).rl
    return SubtaskEnv(
        plan, base, subtask, starts, SandboxedReward(rl.reward), rl.weights, seed=seed
    )


def evaluate(model: Any, env: Any, episodes: int) -> tuple[float, float]:
    """(success rate, mean episode reward) of the deterministic policy on ``env`` (a VecEnv)."""
    successes, returns = 0, []
    obs = env.reset()
    done_episodes, ret = 0, 0.0
    while done_episodes < episodes:
        action, _ = model.predict(obs, deterministic=True)
        obs, reward, done, infos = env.step(action)
        ret += float(reward[0])
        if done[0]:
            successes += int(bool(infos[0].get("is_success")))
            returns.append(ret)
            ret, done_episodes = 0.0, done_episodes + 1
    return successes / episodes, float(np.mean(returns))


def train_subtask(
    plan: PlanConfig,
    base: SceneConfig,
    subtask: str,
    folder: Path,
    settings: TrainSettings = TrainSettings(),
    progress: Callable[[str], None] | None = None,
    progress_bar: bool = False,
) -> TrainResult:
    """Train ``subtask`` of ``plan`` with PPO; checkpoints and the curve go to ``folder``."""
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecNormalize

    say = progress or (lambda m: None)
    folder.mkdir(parents=True, exist_ok=True)
    starts_path = folder / STARTS_FILE
    if starts_path.is_file():
        starts = load_starts(starts_path)
    else:
        starts = collect_start_states(
            plan, base, subtask, settings.start_states, seed=settings.seed,
            workers=settings.envs, skills=folder.parent, progress=say,
        )  # fmt: skip
        save_starts(starts_path, starts)
    preflight_reward(plan, base, subtask, starts)

    def factory(rank: int) -> Callable[[], Any]:
        return lambda: make_env(plan, base, subtask, starts, settings.seed * 1000 + rank)

    fns = [factory(k) for k in range(settings.envs)]
    inner = SubprocVecEnv(fns, start_method="fork") if settings.envs > 1 else DummyVecEnv(fns)
    venv = VecNormalize(inner, norm_obs=True, norm_reward=True, gamma=settings.gamma)
    eval_env = VecNormalize(
        DummyVecEnv([factory(10_000)]), norm_obs=True, norm_reward=False, training=False
    )
    model = PPO(
        "MlpPolicy",
        venv,
        learning_rate=settings.learning_rate,
        n_steps=max(64, settings.n_steps // settings.envs),
        batch_size=settings.batch_size,
        n_epochs=settings.n_epochs,
        gamma=settings.gamma,
        policy_kwargs={"net_arch": list(settings.net_arch)},
        seed=settings.seed,
        verbose=0,
        device="cpu",
    )
    curve_path = folder / CURVE_FILE
    state: dict[str, Any] = {"best": -1.0, "stopped": False, "rate": 0.0}

    class Curve(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.terms: dict[str, list[float]] = {}
            self.next_eval = settings.eval_every
            self.rows: list[dict[str, float]] = []

        def _on_step(self) -> bool:
            for info in self.locals["infos"]:
                for k, v in info.get("terms", {}).items():
                    self.terms.setdefault(k, []).append(float(v))
            if self.num_timesteps < self.next_eval:
                return True
            self.next_eval += settings.eval_every
            return self.checkpoint()

        def checkpoint(self) -> bool:
            """Evaluate, log a curve row, keep the best policy; False once at the target."""
            eval_env.obs_rms = venv.obs_rms
            rate, ret = evaluate(self.model, eval_env, settings.eval_episodes)
            row = {"steps": float(self.num_timesteps), "success_rate": rate, "eval_return": ret}
            row.update({f"term_{k}": float(np.mean(v)) for k, v in sorted(self.terms.items())})
            self.terms = {}
            self.rows.append(row)
            _write_curve(curve_path, self.rows)
            say(f"{subtask}: {self.num_timesteps} steps, success {rate:.0%}, return {ret:.2f}")
            state["rate"] = rate
            if rate > state["best"]:
                state["best"] = rate
                self.model.save(folder / POLICY_FILE)
                venv.save(str(folder / NORMALIZER_FILE))
            if rate >= settings.target:
                state["stopped"] = True
                return False
            return True

    curve = Curve()
    try:
        model.learn(settings.steps, callback=curve, progress_bar=progress_bar)
        if not state["stopped"] and (
            not curve.rows or curve.rows[-1]["steps"] < model.num_timesteps
        ):
            curve.checkpoint()  # the budget ended between evaluations
    finally:
        venv.close()
    result = TrainResult(
        subtask, int(model.num_timesteps), float(state["best"]), bool(state["stopped"]), folder,
        starts.control_steps,
    )  # fmt: skip
    summary = {
        "steps": result.steps,
        "best_success_rate": result.success_rate,
        "stopped_early": result.stopped_early,
        "start_states": len(starts),
        "start_state_attempts": starts.attempts,
        "start_state_steps": starts.control_steps,
    }
    (folder / SKILL_EVAL_FILE).write_text(json.dumps(summary, indent=2) + "\n")
    return result


def _write_curve(path: Path, rows: list[dict[str, float]]) -> None:
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    tmp = path.with_suffix(".tmp.csv")
    with tmp.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
