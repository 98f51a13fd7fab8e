"""Collection: run a plan's chain until N episodes succeed; keep each successful one.

Each successful episode is written atomically to ``<out>/episode_<seed>.npz`` with, per control
step: ``action`` (the full actuator-target vector applied, ``nu``), ``qpos`` and ``qvel`` (the
whole state after the step: robot and objects), ``subtask`` (index of the subtask running) — and
``subtasks`` (their names), ``seed`` and ``control_dt``. ``<out>/collect.json`` has the counts:
attempts, successes, control steps over all attempts, control steps per success (``null`` when
nothing succeeded), and how many episodes failed at each subtask. Everything is written through
the run directory, whose manifest records the plan, scene, hand and policies used and the
settings, so an unchanged rerun is skipped. (The full dataset format is a later stage.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gendexhand.parallel import ordered_map
from gendexhand.plan.chain import run_episode
from gendexhand.plan.load import load_plan, plan_inputs
from gendexhand.sim.scene import Scene
from gendexhand.store.paths import COLLECT_SUMMARY, EPISODE_FILE
from gendexhand.store.rundir import RunDir


@dataclass(frozen=True)
class Collected:
    attempts: int
    successes: int
    control_steps: int
    folder: Path
    skipped: bool = False

    @property
    def success_rate(self) -> float:
        return self.successes / max(1, self.attempts)

    @property
    def steps_per_success(self) -> float | None:
        return self.control_steps / self.successes if self.successes else None


@dataclass(frozen=True)
class _Outcome:
    seed: int
    success: bool
    steps: int
    failed: str
    """The name of the subtask that failed, or ""."""
    arrays: dict[str, Any] | None
    """The episode's arrays when it succeeded."""


def _one(args: tuple[Path, int, Path | None]) -> _Outcome:
    """Run episode ``seed`` and record it."""
    plan_path, seed, skills = args
    plan, base = load_plan(plan_path)
    rows: dict[str, list[np.ndarray]] = {"action": [], "qpos": [], "qvel": [], "subtask": []}
    dt = 0.0

    def record(scene: Scene, subtask: int) -> None:
        nonlocal dt
        dt = scene.physics.control_dt
        d = scene.data
        rows["action"].append(d.ctrl.copy())
        rows["qpos"].append(d.qpos.copy())
        rows["qvel"].append(d.qvel.copy())
        rows["subtask"].append(np.array(subtask))

    result = run_episode(plan, base, seed, skills=skills, recorder=record)
    arrays: dict[str, Any] | None = None
    if result.success:
        arrays = {k: np.stack(v) for k, v in rows.items()}
        arrays["subtasks"] = np.array([s.name for s in plan.subtasks])
        arrays["seed"] = np.array(seed)
        arrays["control_dt"] = np.array(dt)
    failed = result.failed
    return _Outcome(seed, result.success, result.steps, "" if failed is None else failed.name,
                    arrays)  # fmt: skip


def collect(
    plan_path: Path,
    run_dir: Path,
    out: str,
    successes: int,
    *,
    skills: Path | None = None,
    seed: int = 0,
    workers: int = 1,
    max_attempts: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Collected:
    """Run episodes ``seed``, ``seed+1``… until ``successes`` have succeeded (or
    ``max_attempts``, default 3× as many, have run); write them to ``out`` inside the run."""
    plan, base = load_plan(plan_path)
    run = RunDir(run_dir)
    limit = max_attempts or 3 * successes
    inputs: dict[str, Path | str] = dict(plan_inputs(plan_path, plan, base))
    if skills is not None and skills.is_dir():
        inputs["skills"] = skills
    settings = {"successes": successes, "seed": seed, "max_attempts": limit}
    summary_rel = f"{out}/{COLLECT_SUMMARY}"
    with run.stage(f"{out}/collect", inputs, settings) as stage:
        if stage.skip:
            s = json.loads(run.path(summary_rel).read_text())
            return Collected(s["attempts"], s["successes"], s["control_steps"], run.path(out),
                             skipped=True)  # fmt: skip
        attempts = wins = steps = 0
        failures: dict[str, int] = {}
        say = progress or (lambda m: None)
        jobs = ((plan_path, s, skills) for s in range(seed, seed + limit))
        outcomes = ordered_map(_one, jobs, workers)
        try:
            for o in outcomes:
                attempts, wins, steps = attempts + 1, wins + int(o.success), steps + o.steps
                if o.arrays is not None:
                    rel = f"{out}/{EPISODE_FILE.format(seed=o.seed)}"
                    with stage.writing(rel) as tmp, tmp.open("wb") as f:
                        np.savez_compressed(f, **o.arrays)
                else:
                    failures[o.failed] = failures.get(o.failed, 0) + 1
                kept = "kept" if o.success else "failed at " + o.failed
                say(f"[{wins}/{successes}] seed {o.seed}: {kept}")
                if wins >= successes:
                    break
        finally:
            outcomes.close()
        result = Collected(attempts, wins, steps, run.path(out))
        stage.write_json(summary_rel, {
            "attempts": attempts,
            "successes": wins,
            "success_rate": result.success_rate,
            "control_steps": steps,
            "control_steps_per_success": result.steps_per_success,
            "failed_subtasks": dict(sorted(failures.items())),
        })  # fmt: skip
    return result
