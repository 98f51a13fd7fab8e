"""Ablation harness: success at a fixed control-step budget per cell (task × configuration × seed).

Configurations (the paper's ablation):
  a  one PPO policy for the whole task, all actuators, one reward   (tasks/<task>_whole)
  b  every subtask by RL, each on all actuators                     (tasks/<task>_allrl)
  c  every subtask by RL on its own DoFs, the rest frozen           (tasks/<task>_frozen)
  d  the full method: planned motions + RL only where the plan says (tasks/<task>_rl)

The budget is the training control steps of the whole cell, split evenly over its rl subtasks
(the steps spent reaching their start states are reported beside it, not counted in it). Each
finished cell is appended to ``benchmarks/ablation.jsonl`` as soon as it completes; cells
already there (same task, configuration, seed and budget) are skipped, so the harness can run
in pieces across sessions. Run:
``.venv/bin/python benchmarks/bench_ablation.py --tasks pick_bottle --configs a b c d --seeds 0 1 2
--budget 100000``.

Each cell is a run directory ``<out>/<task>-<config>-s<seed>-b<budget>`` with the usual layout
(``tasks/<plan task>/skills/<subtask>/``, ``tasks/<plan task>/eval/``); its manifest makes a
rerun of an interrupted cell reuse the subtasks it finished training. A quick check of the
harness (seconds, not minutes): ``--configs a --budget 64 --episodes 1 --envs 1
--start-states 1 --eval-episodes 1 --n-steps 64 --out /tmp/abl --results /tmp/abl/cells.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from gendexhand.errors import ConfigError  # noqa: E402
from gendexhand.examples import task_plans  # noqa: E402
from gendexhand.learn.train import TrainSettings, train_subtask  # noqa: E402
from gendexhand.plan.load import load_plan  # noqa: E402
from gendexhand.stages.execute import run_plan  # noqa: E402
from gendexhand.store.paths import TaskPaths  # noqa: E402
from gendexhand.store.rundir import RunDir  # noqa: E402

PLAN_OF = {"a": "{task}_whole", "b": "{task}_allrl", "c": "{task}_frozen", "d": "{task}_rl"}
RESULTS = Path(__file__).with_name("ablation.jsonl")
DEFAULTS = TrainSettings()
TRAINING = {"envs": 2, "target": 0.9, "eval_every": 10_000}
"""The training settings of every cell besides its budget share and seed; the rest are
:class:`TrainSettings`' defaults. ``--envs``, ``--start-states``, ``--eval-every``,
``--eval-episodes`` and ``--n-steps`` override them (for quick checks of the harness)."""


def run_cell(
    task: str, config: str, seed: int, budget: int, episodes: int, out: Path,
    training: dict[str, int | float] | None = None,
) -> dict:  # type: ignore[type-arg]  # fmt: skip
    plans = task_plans(learned=True)
    name = PLAN_OF[config].format(task=task)
    if name not in plans:
        raise SystemExit(f"no plan {name!r} for configuration {config!r} of {task!r}")
    plan_path = plans[name]
    plan, _ = load_plan(plan_path)
    run = RunDir(out / f"{task}-{config}-s{seed}-b{budget}")
    paths = TaskPaths(plan.task)
    t0 = time.perf_counter()
    trained = []
    learned = [sub.name for sub in plan.subtasks if sub.kind == "rl"]
    share = budget // len(learned)
    settings = TrainSettings(**{**TRAINING, **(training or {}), "steps": share, "seed": seed})
    for sub_name in learned:
        try:
            # a subtask trained by an earlier, interrupted run of this cell (same plan, earlier
            # skills and settings) is not retrained: train_subtask returns its recorded result
            res = train_subtask(
                run, paths, plan_path, sub_name, settings,
                progress=lambda m: print(f"  {m}", flush=True),
            )  # fmt: skip
        except ConfigError as exc:  # e.g. no episode reached this subtask: the cell fails here
            print(f"  {sub_name}: not trained: {exc}", flush=True)
            trained.append({"subtask": sub_name, "steps": 0, "best_eval": 0.0, "error": str(exc)})
            break
        if res.skipped:
            print(f"  {sub_name}: reusing the policy trained for this cell", flush=True)
        trained.append(
            {"subtask": sub_name, "steps": res.steps, "best_eval": res.success_rate,
             "start_state_steps": res.start_state_steps}
        )  # fmt: skip
    ev = run_plan(
        plan_path, episodes, seed=10_000 + 1000 * seed, run_dir=run.root, out=paths.eval,
        workers=2, force=True, skills=run.path(paths.skills), progress=lambda m: None,
    )  # fmt: skip
    s = ev.summary.as_dict()
    cell = {
        "task": task, "config": config, "seed": seed, "budget": budget,
        "success_rate": s["success_rate"], "episodes": s["episodes"],
        "training": trained, "eval_control_steps": s["control_steps_total"],
        "wall_min": round((time.perf_counter() - t0) / 60, 1),
        "date": datetime.now(UTC).date().isoformat(), "machine": platform.machine(),
    }  # fmt: skip
    if training:  # not the harness's settings: say so in the record
        cell["settings"] = dict(training)
    return cell


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", nargs="+", default=["pick_bottle"])
    parser.add_argument("--configs", nargs="+", default=["a", "d"], choices=sorted(PLAN_OF))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--budget", type=int, default=100_000, help="training steps per cell")
    parser.add_argument("--episodes", type=int, default=50, help="evaluation episodes per cell")
    parser.add_argument("--out", type=Path, default=Path("runs/ablation"))
    parser.add_argument(
        "--results", type=Path, default=RESULTS,
        help=f"the JSON-lines file of finished cells (default: benchmarks/{RESULTS.name})",
    )  # fmt: skip
    quick = parser.add_argument_group(
        "training settings", "for quick checks of the harness only; a cell run with any of them "
        "records them under 'settings'",
    )  # fmt: skip
    quick.add_argument("--envs", type=int, help=f"training environments ({TRAINING['envs']})")
    quick.add_argument(
        "--start-states", type=int, help=f"start states per subtask ({DEFAULTS.start_states})"
    )
    quick.add_argument(
        "--eval-every", type=int, help=f"steps between evaluations ({TRAINING['eval_every']})"
    )
    quick.add_argument(
        "--eval-episodes", type=int,
        help=f"episodes per in-training evaluation ({DEFAULTS.eval_episodes})",
    )  # fmt: skip
    quick.add_argument(
        "--n-steps", type=int, help=f"PPO rollout length, all environments ({DEFAULTS.n_steps})"
    )
    args = parser.parse_args()
    keys = ("envs", "start_states", "eval_every", "eval_episodes", "n_steps")
    training = {k: getattr(args, k) for k in keys if getattr(args, k) is not None}
    results: Path = args.results
    done = set()
    if results.is_file():
        for line in results.read_text().splitlines():
            r = json.loads(line)
            done.add((r["task"], r["config"], r["seed"], r["budget"]))
    for task in args.tasks:
        for config in args.configs:
            for seed in args.seeds:
                key = (task, config, seed, args.budget)
                if key in done:
                    print(f"skip {key}: already in {results.name}")
                    continue
                print(f"cell {key}", flush=True)
                cell = run_cell(
                    task, config, seed, args.budget, args.episodes, args.out, training or None
                )
                with results.open("a") as f:
                    f.write(json.dumps(cell) + "\n")
                print(json.dumps(cell), flush=True)


if __name__ == "__main__":
    main()
