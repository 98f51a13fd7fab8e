"""Training an ``rl`` subtask with PPO (stable-baselines3) and evaluating it.

Layout in the run directory (``tasks/<task>/skills/<subtask>/``, see :mod:`gendexhand.store.paths`
for the names): start states, the best checkpoint so far and its observation normaliser, the
learning curve (one row per evaluation: control steps, success rate, mean episode reward, the
mean of every reward term over the training steps since the last row) and the final evaluation.
Every file is written atomically through the run directory, whose manifest records the plan,
scene, hand file, earlier skills and settings of the start states and of the training, so an
unchanged rerun is skipped.

Training stops early when the evaluated success rate reaches the target; otherwise after the
step budget. Observations are normalised (``VecNormalize``); with more than one environment they
run in worker processes (one per core).
"""

from __future__ import annotations

import csv
import json
import multiprocessing
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.errors import ConfigError
from gendexhand.learn.env import SubtaskEnv
from gendexhand.learn.starts import (
    StartState,
    StartStates,
    collect_start_states,
    load_starts,
    save_starts,
    subtask_index,
)
from gendexhand.parallel import ignore_sigint
from gendexhand.plan.load import load_plan, plan_inputs
from gendexhand.plan.schema import PlanConfig, RLSubtask
from gendexhand.sim.snapshot import take_snapshot
from gendexhand.store.paths import (
    CURVE_FILE,
    NORMALIZER_FILE,
    POLICY_FILE,
    RESUME_DIR,
    RESUME_STATE,
    SKILL_EVAL_FILE,
    STARTS_FILE,
    TaskPaths,
)
from gendexhand.store.rundir import RunDir, Stage

MAX_REJECTED_IN_A_ROW = 200
"""Consecutive steps on which an environment's reward code may be rejected before training stops
with the reason (a reward that fails on every state would otherwise restart its worker for
ever)."""


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
    skipped: bool = False
    """Training was current (same plan, skills and settings) and was not rerun."""

    @classmethod
    def from_json(cls, subtask: str, folder: Path, path: Path) -> TrainResult:
        """The result recorded in a skill's ``eval.json``."""
        data = json.loads(path.read_text())
        return cls(
            subtask, int(data["steps"]), float(data["best_success_rate"]),
            bool(data["stopped_early"]), folder, int(data["start_state_steps"]), skipped=True,
        )  # fmt: skip


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
    if multiprocessing.parent_process() is not None:  # a SubprocVecEnv worker
        ignore_sigint()
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


def _train_inputs(
    run: RunDir, task: TaskPaths, plan_path: Path, plan: PlanConfig, base: SceneConfig, index: int
) -> dict[str, Path | str]:
    """What a subtask's start states and policy depend on: the plan up to this subtask (its
    randomisation, the subtasks before it and its own spec; an edit of a later subtask keeps the
    policy), the scene and hand files and the trained policies of the rl subtasks before it (a
    retrained earlier skill reaches other states)."""
    inputs: dict[str, Path | str] = dict(plan_inputs(plan_path, plan, base))
    head = plan.model_dump(mode="json", exclude={"description", "view", "scene"})  # scene: its file
    head["subtasks"] = head["subtasks"][: index + 1]
    inputs["plan"] = json.dumps(head, sort_keys=True)  # a str is hashed as a value
    for sub in plan.subtasks[:index]:
        folder = run.path(task.skill(sub.name))
        if isinstance(sub, RLSubtask) and folder.is_dir():
            inputs[f"skill:{sub.name}"] = folder
    return inputs


def _start_states(
    run: RunDir, rel: str, plan: PlanConfig, base: SceneConfig, subtask: str, skills: Path,
    settings: TrainSettings, inputs: dict[str, Path | str], say: Callable[[str], None],
) -> StartStates:  # fmt: skip
    """The subtask's start states: read back when the plan, earlier skills and settings are
    those they were collected with, else collected and written through the run directory."""
    config = {"count": settings.start_states, "seed": settings.seed}
    with run.stage(f"{rel}/starts", inputs, config) as stage:
        if stage.skip:
            return load_starts(run.path(f"{rel}/{STARTS_FILE}"))
        starts = collect_start_states(
            plan, base, subtask, settings.start_states, seed=settings.seed,
            workers=settings.envs, skills=skills, progress=say,
        )  # fmt: skip
        with stage.writing(f"{rel}/{STARTS_FILE}") as tmp:
            save_starts(tmp, starts)
    return starts


def train_subtask(
    run: RunDir,
    task: TaskPaths,
    plan_path: Path,
    subtask: str,
    settings: TrainSettings = TrainSettings(),
    progress: Callable[[str], None] | None = None,
    progress_bar: bool = False,
    force: bool = False,
) -> TrainResult:
    """Train ``subtask`` of the plan at ``plan_path`` with PPO; start states, checkpoints, the
    curve and the evaluation go to the run's ``task.skill(subtask)`` folder, written atomically.
    The run's manifest records the plan, scene, hand, earlier skills and settings; training
    that is current is skipped (``force`` retrains)."""
    plan, base = load_plan(plan_path)
    index = subtask_index(plan, subtask)
    _rl_subtask(plan, subtask)  # a ConfigError unless it is an rl subtask
    rel = task.skill(subtask)
    folder = run.path(rel)
    say = progress or (lambda m: None)
    inputs = _train_inputs(run, task, plan_path, plan, base, index)
    with run.stage(f"{rel}/train", inputs, {"subtask": subtask, **asdict(settings)}) as stage:
        if stage.skip and not force:
            return TrainResult.from_json(subtask, folder, run.path(f"{rel}/{SKILL_EVAL_FILE}"))
        starts = _start_states(run, rel, plan, base, subtask, run.path(task.skills), settings,
                               inputs, say)  # fmt: skip
        preflight_reward(plan, base, subtask, starts)
        steps, best, stopped = _learn(plan, base, subtask, starts, settings, stage, rel, say,
                                      progress_bar)  # fmt: skip
        result = TrainResult(subtask, steps, best, stopped, folder, starts.control_steps)
        stage.write_json(f"{rel}/{SKILL_EVAL_FILE}", {
            "steps": result.steps,
            "best_success_rate": result.success_rate,
            "stopped_early": result.stopped_early,
            "start_states": len(starts),
            "start_state_attempts": starts.attempts,
            "start_state_steps": starts.control_steps,
        })  # fmt: skip
    return result


def _learn(
    plan: PlanConfig, base: SceneConfig, subtask: str, starts: StartStates,
    settings: TrainSettings, stage: Stage, rel: str, say: Callable[[str], None],
    progress_bar: bool,
) -> tuple[int, float, bool]:  # fmt: skip
    """PPO until the budget ends or the target is reached: (control steps, best success rate,
    stopped at the target)."""
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecNormalize

    def factory(rank: int) -> Callable[[], Any]:
        return lambda: make_env(plan, base, subtask, starts, settings.seed * 1000 + rank)

    fns = [factory(k) for k in range(settings.envs)]
    inner = SubprocVecEnv(fns, start_method="fork") if settings.envs > 1 else DummyVecEnv(fns)
    venv = VecNormalize(inner, norm_obs=True, norm_reward=True, gamma=settings.gamma)
    eval_env = VecNormalize(
        DummyVecEnv([factory(10_000)]), norm_obs=True, norm_reward=False, training=False
    )
    resume = _resume_state(stage, rel)
    if resume is not None:
        folder = stage.run.path(f"{rel}/{RESUME_DIR}")
        venv = VecNormalize.load(str(folder / NORMALIZER_FILE), inner)
        model = PPO.load(folder / POLICY_FILE, env=venv, device="cpu")
        say(f"{subtask}: continuing the interrupted training from step {resume['steps']}")
    else:
        model = _new_model(venv, settings)
    curve = _curve(settings, venv, eval_env, stage, rel, f"{subtask}: ", say)
    done = 0
    if resume is not None:
        curve.rows, curve.best, done = resume["rows"], float(resume["best"]), int(resume["steps"])
        curve.next_eval = done + settings.eval_every
    try:
        model.learn(max(0, settings.steps - done), callback=curve, progress_bar=progress_bar,
                    reset_num_timesteps=resume is None)  # fmt: skip
        if not curve.stopped and (not curve.rows or curve.rows[-1]["steps"] < model.num_timesteps):
            curve.checkpoint()  # the budget ended between evaluations
    finally:
        venv.close()
    if curve.failure is not None:
        raise ConfigError(
            f"reward code of {subtask!r} was rejected on {MAX_REJECTED_IN_A_ROW} steps in a row; "
            f"training stopped: {curve.failure}"
        )
    return int(model.num_timesteps), curve.best, curve.stopped


def _resume_key(stage: Stage) -> dict[str, Any]:
    return {"inputs": stage.input_hashes, "settings_sha256": stage.settings_sha256}


def _resume_state(stage: Stage, rel: str) -> dict[str, Any] | None:
    """The last checkpoint of an interrupted run with the same inputs and settings, if any."""
    path = stage.run.path(f"{rel}/{RESUME_DIR}/{RESUME_STATE}")
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("key") != _resume_key(stage):
        return None
    return state


def _new_model(venv: Any, settings: TrainSettings) -> Any:
    from stable_baselines3 import PPO

    return PPO(
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


def _curve(*args: Any) -> Any:
    """The training callback: :class:`_CurveMixin` on stable-baselines3's ``BaseCallback``
    (made here so that importing this module does not import torch)."""
    from stable_baselines3.common.callbacks import BaseCallback

    return type("Curve", (_CurveMixin, BaseCallback), {})(*args)


class _CurveMixin:
    """Every ``eval_every`` steps: evaluate the policy, append a curve row, keep the best
    checkpoint."""

    model: Any
    num_timesteps: int
    locals: dict[str, Any]

    def __init__(
        self, settings: TrainSettings, venv: Any, eval_env: Any, stage: Stage, rel: str,
        label: str, say: Callable[[str], None],
    ) -> None:  # fmt: skip
        super().__init__()
        self.settings, self.venv, self.eval_env = settings, venv, eval_env
        self.stage, self.rel, self.label, self.say = stage, rel, label, say
        self.terms: dict[str, list[float]] = {}
        self.next_eval = settings.eval_every
        self.rows: list[dict[str, float]] = []
        self.best, self.stopped = -1.0, False
        self.failure: str | None = None
        """Why training stopped early because the reward code kept failing, if it did."""

    def _on_step(self) -> bool:
        for info in self.locals["infos"]:
            if info.get("rejected_in_a_row", 0) >= MAX_REJECTED_IN_A_ROW:
                self.failure = str(info.get("reward_rejected", ""))
                return False
            for k, v in info.get("terms", {}).items():
                self.terms.setdefault(k, []).append(float(v))
        if self.num_timesteps < self.next_eval:
            return True
        self.next_eval += self.settings.eval_every
        return self.checkpoint()

    def checkpoint(self) -> bool:
        """Evaluate, log a curve row, keep the best policy; False once at the target."""
        self.eval_env.obs_rms = self.venv.obs_rms
        rate, ret = evaluate(self.model, self.eval_env, self.settings.eval_episodes)
        row = {"steps": float(self.num_timesteps), "success_rate": rate, "eval_return": ret}
        row.update({f"term_{k}": float(np.mean(v)) for k, v in sorted(self.terms.items())})
        self.terms = {}
        self.rows.append(row)
        with self.stage.writing(f"{self.rel}/{CURVE_FILE}") as tmp:
            _write_curve(tmp, self.rows)
        self.say(f"{self.label}{self.num_timesteps} steps, success {rate:.0%}, return {ret:.2f}")
        if rate > self.best:
            self.best = rate
            with self.stage.writing(f"{self.rel}/{POLICY_FILE}") as tmp:
                self.model.save(tmp)
            with self.stage.writing(f"{self.rel}/{NORMALIZER_FILE}") as tmp:
                self.venv.save(str(tmp))
        if rate >= self.settings.target:
            self.stopped = True
            return False
        self._save_resume()
        return True

    def _save_resume(self) -> None:
        """The last checkpoint, so that an interrupted run goes on from here."""
        where = f"{self.rel}/{RESUME_DIR}"
        with self.stage.writing(f"{where}/{POLICY_FILE}") as tmp:
            self.model.save(tmp)
        with self.stage.writing(f"{where}/{NORMALIZER_FILE}") as tmp:
            self.venv.save(str(tmp))
        self.stage.write_json(f"{where}/{RESUME_STATE}", {
            "key": _resume_key(self.stage), "steps": int(self.num_timesteps),
            "best": self.best, "rows": self.rows,
        })  # fmt: skip


def _write_curve(path: Path, rows: list[dict[str, float]]) -> None:
    keys = ["steps", "success_rate", "eval_return"]  # then the terms, as they first appear
    for r in rows:
        keys += [k for k in r if k not in keys]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
