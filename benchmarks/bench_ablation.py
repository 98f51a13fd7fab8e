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
from gendexhand.plan.chain import load_plan  # noqa: E402
from gendexhand.stages.execute import run_plan  # noqa: E402

PLAN_OF = {"a": "{task}_whole", "b": "{task}_allrl", "c": "{task}_frozen", "d": "{task}_rl"}
RESULTS = Path(__file__).with_name("ablation.jsonl")


def run_cell(task: str, config: str, seed: int, budget: int, episodes: int, out: Path) -> dict:  # type: ignore[type-arg]
    plans = task_plans(learned=True)
    name = PLAN_OF[config].format(task=task)
    if name not in plans:
        raise SystemExit(f"no plan {name!r} for configuration {config!r} of {task!r}")
    plan_path = plans[name]
    plan, base = load_plan(plan_path)
    run = out / f"{task}-{config}-s{seed}-b{budget}"
    t0 = time.perf_counter()
    trained = []
    learned = [sub.name for sub in plan.subtasks if sub.kind == "rl"]
    share = budget // len(learned)
    for sub_name in learned:
        done = run / "skills" / sub_name / "eval.json"
        if done.is_file():  # trained by an earlier, interrupted run of this cell: reuse it
            prior = json.loads(done.read_text())
            if prior["stopped_early"] or prior["steps"] >= share:
                print(f"  {sub_name}: reusing the policy trained for this cell", flush=True)
                trained.append(
                    {"subtask": sub_name, "steps": prior["steps"],
                     "best_eval": prior["best_success_rate"],
                     "start_state_steps": prior.get("start_state_steps", 0)}
                )  # fmt: skip
                continue
        try:
            res = train_subtask(
                plan, base, sub_name, run / "skills" / sub_name,
                TrainSettings(steps=share, envs=2, seed=seed, target=0.9, eval_every=10_000),
                progress=lambda m: print(f"  {m}", flush=True),
            )  # fmt: skip
        except ConfigError as exc:  # e.g. no episode reached this subtask: the cell fails here
            print(f"  {sub_name}: not trained: {exc}", flush=True)
            trained.append({"subtask": sub_name, "steps": 0, "best_eval": 0.0, "error": str(exc)})
            break
        trained.append(
            {"subtask": sub_name, "steps": res.steps, "best_eval": res.success_rate,
             "start_state_steps": res.start_state_steps}
        )  # fmt: skip
    ev = run_plan(
        plan_path, episodes, seed=10_000 + 1000 * seed, run_dir=run / "eval", workers=2,
        force=True, skills=run / "skills", progress=lambda m: None,
    )  # fmt: skip
    s = ev.summary
    return {
        "task": task, "config": config, "seed": seed, "budget": budget,
        "success_rate": s["success_rate"], "episodes": s["episodes"],
        "training": trained, "eval_control_steps": s["control_steps_total"],
        "wall_min": round((time.perf_counter() - t0) / 60, 1),
        "date": datetime.now(UTC).date().isoformat(), "machine": platform.machine(),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", nargs="+", default=["pick_bottle"])
    parser.add_argument("--configs", nargs="+", default=["a", "d"], choices=sorted(PLAN_OF))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--budget", type=int, default=100_000, help="training steps per cell")
    parser.add_argument("--episodes", type=int, default=50, help="evaluation episodes per cell")
    parser.add_argument("--out", type=Path, default=Path("runs/ablation"))
    args = parser.parse_args()
    done = set()
    if RESULTS.is_file():
        for line in RESULTS.read_text().splitlines():
            r = json.loads(line)
            done.add((r["task"], r["config"], r["seed"], r["budget"]))
    for task in args.tasks:
        for config in args.configs:
            for seed in args.seeds:
                key = (task, config, seed, args.budget)
                if key in done:
                    print(f"skip {key}: already in {RESULTS.name}")
                    continue
                print(f"cell {key}", flush=True)
                cell = run_cell(task, config, seed, args.budget, args.episodes, args.out)
                with RESULTS.open("a") as f:
                    f.write(json.dumps(cell) + "\n")
                print(json.dumps(cell), flush=True)


if __name__ == "__main__":
    main()
