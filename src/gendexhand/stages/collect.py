"""Minimal collection: run a plan's chain until N episodes succeed; keep each successful one.

Each successful episode is written atomically to ``<out>/episode_<seed>.npz`` with, per control
step: ``action`` (the full actuator-target vector applied, ``nu``), ``qpos`` and ``qvel`` (the
whole state after the step: robot and objects), ``subtask`` (index of the subtask running) — and
``subtasks`` (their names), ``seed`` and ``control_dt``. ``<out>/collect.json`` has the counts:
attempts, successes, control steps over all attempts, control steps per success, and how many
episodes failed at each subtask. (The full dataset format is a later stage.)
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gendexhand.plan.chain import load_plan, pool_start_method, run_episode
from gendexhand.sim.scene import Scene


@dataclass(frozen=True)
class Collected:
    attempts: int
    successes: int
    control_steps: int
    folder: Path

    @property
    def success_rate(self) -> float:
        return self.successes / max(1, self.attempts)

    @property
    def steps_per_success(self) -> float:
        return self.control_steps / self.successes if self.successes else float("inf")


def _one(args: tuple[Path, int, Path | None, Path]) -> tuple[int, bool, int, str]:
    """Run episode ``seed``; write it if it succeeds. (seed, success, control steps, the name
    of the subtask that failed or "")."""
    plan_path, seed, skills, out = args
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
    if result.success:
        path = out / f"episode_{seed}.npz"
        tmp = out / f".episode_{seed}.tmp.npz"
        arrays: dict[str, Any] = {k: np.stack(v) for k, v in rows.items()}
        arrays["subtasks"] = np.array([s.name for s in plan.subtasks])
        arrays["seed"] = np.array(seed)
        arrays["control_dt"] = np.array(dt)
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)
    failed = next((r.name for r in result.subtasks if not r.success), "")
    return seed, result.success, result.steps, failed


def collect(
    plan_path: Path,
    out: Path,
    successes: int,
    *,
    skills: Path | None = None,
    seed: int = 0,
    workers: int = 1,
    max_attempts: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Collected:
    """Run episodes ``seed``, ``seed+1``… until ``successes`` have succeeded (or
    ``max_attempts``, default 3× as many, have run)."""
    out.mkdir(parents=True, exist_ok=True)
    limit = max_attempts or 3 * successes
    attempts = wins = steps = 0
    failures: dict[str, int] = {}
    say = progress or (lambda m: None)
    seeds = iter(range(seed, seed + limit))
    if workers > 1:
        ctx = multiprocessing.get_context(pool_start_method())
        with ctx.Pool(workers) as pool:
            jobs = ((plan_path, s, skills, out) for s in seeds)
            for s, ok, n, failed in pool.imap(_one, jobs):
                attempts, wins, steps = attempts + 1, wins + int(ok), steps + n
                if not ok:
                    failures[failed] = failures.get(failed, 0) + 1
                say(f"[{wins}/{successes}] seed {s}: {'kept' if ok else 'failed at ' + failed}")
                if wins >= successes:
                    pool.terminate()
                    break
    else:
        for s in seeds:
            _, ok, n, failed = _one((plan_path, s, skills, out))
            attempts, wins, steps = attempts + 1, wins + int(ok), steps + n
            if not ok:
                failures[failed] = failures.get(failed, 0) + 1
            say(f"[{wins}/{successes}] seed {s}: {'kept' if ok else 'failed at ' + failed}")
            if wins >= successes:
                break
    result = Collected(attempts, wins, steps, out)
    summary = {
        "attempts": attempts,
        "successes": wins,
        "success_rate": result.success_rate,
        "control_steps": steps,
        "control_steps_per_success": result.steps_per_success,
        "failed_subtasks": dict(sorted(failures.items())),
    }
    tmp = out / ".collect.tmp.json"
    tmp.write_text(json.dumps(summary, indent=2) + "\n")
    tmp.replace(out / "collect.json")
    return result
