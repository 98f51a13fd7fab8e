"""Stage-3 benchmark: rules-generated tasks, refined, planned, trained and evaluated end to end.

Run: ``.venv/bin/python benchmarks/bench_plans.py [--out runs/bench_plans] [--n 40]
[--task SENTENCE]... [--check 6] [--episodes 50] [--steps 30000] [--workers 2]
[--scripted-grasps] [--report]``.

Proposes ``--n`` tasks with the rules planner (seed 0; the families take turns), or the tasks
of the ``--task`` sentences, refines them (rules) and plans them (rules). Then, per planned
task:

1. trains its rl subtasks (learned grasps, rotations) with PPO, at most ``--steps`` control
   steps each, stopping at 90 % on the in-training evaluation;
2. runs ``--check`` chained episodes (seeds 0…): the task is *solved* when at least one
   succeeds;
3. for a solved task, runs ``--episodes`` new episodes (seeds from 1000) for its success rate.

Each task's outcome is one JSON file in ``OUT/cells/`` written when the task is done; a rerun
skips finished tasks (and each stage skips its own finished work), so the benchmark resumes
where it stopped. ``--report`` prints the tables from the cells without running anything. The
tables (Markdown, for benchmarks/RESULTS.md): per family, tasks, planned, solved, the mean
success rate on the new episodes and the training steps per task; per task, the same with the
control steps per 1000 successes (start states + training + 1000 × the new episodes' steps per
success); the failures by subtask and reason.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from gendexhand.learn.train import TrainSettings, train_subtask  # noqa: E402
from gendexhand.plan.load import load_plan  # noqa: E402
from gendexhand.plan.schema import RLSubtask  # noqa: E402
from gendexhand.stages.execute import run_plan  # noqa: E402
from gendexhand.stages.plan import plan_run  # noqa: E402
from gendexhand.stages.propose import propose_tasks  # noqa: E402
from gendexhand.stages.refine import refine_run  # noqa: E402
from gendexhand.store.paths import (  # noqa: E402
    PROPOSALS_SUMMARY,
    REFINE_RUN_SUMMARY,
    TaskPaths,
)
from gendexhand.store.rundir import RunDir  # noqa: E402

Cell = dict[str, Any]


def _episodes(plan: Path, out: Path, n: int, seed: int, workers: int, skills: Path) -> Cell:
    rel = f"{plan.parent.relative_to(out)}/eval_{seed}"
    res = run_plan(plan, n, seed=seed, run_dir=out, out=rel, workers=workers, skills=skills,
                   progress=lambda m: None)  # fmt: skip
    s = res.summary
    fails: Counter[str] = Counter()
    for sub, cats in s.failures.items():
        for cat, k in cats.items():
            fails[f"{sub}: {cat}"] += k
    return {"episodes": s.episodes, "successes": s.successes, "steps": sum(s.steps),
            "failures": dict(fails)}  # fmt: skip


def _task(out: Path, task: str, family: str, a: argparse.Namespace) -> Cell:
    paths = TaskPaths(task)
    plan_path = out / paths.plan
    plan, _ = load_plan(plan_path)
    cell: Cell = {"task": task, "family": family, "planned": True, "train": {}}
    t0 = time.perf_counter()
    settings = TrainSettings(steps=a.steps, envs=a.workers, target=0.9, eval_every=10_000,
                             eval_episodes=20, start_states=16)  # fmt: skip
    for s in plan.subtasks:
        if not isinstance(s, RLSubtask):
            continue
        try:
            r = train_subtask(RunDir(out), paths, plan_path, s.name, settings)
        except Exception as exc:  # one task's failure is its recorded outcome
            cell["train"][s.name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            cell["solved"], cell["reason"] = False, f"training {s.name} failed"
            cell["minutes"] = (time.perf_counter() - t0) / 60
            return cell
        cell["train"][s.name] = {"steps": r.steps, "start_state_steps": r.start_state_steps,
                                 "success": r.success_rate}  # fmt: skip
    skills = out / paths.skills
    cell["check"] = _episodes(plan_path, out, a.check, 0, a.workers, skills)
    cell["solved"] = cell["check"]["successes"] > 0
    if cell["solved"]:
        cell["eval"] = _episodes(plan_path, out, a.episodes, 1000, a.workers, skills)
    cell["minutes"] = (time.perf_counter() - t0) / 60
    return cell


def _report(cells: list[Cell], a: argparse.Namespace) -> None:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    rates: dict[str, list[float]] = defaultdict(list)
    train: dict[str, list[int]] = defaultdict(list)
    why: Counter[str] = Counter()
    steps = successes = 0
    for c in cells:
        fam = c["family"] or "?"
        rows[fam]["tasks"] += 1
        if not c.get("planned"):
            why[f"{fam}: no plan: {c.get('reason', '')[:90]}"] += 1
            continue
        rows[fam]["planned"] += 1
        rows[fam]["solved"] += bool(c.get("solved"))
        train[fam].append(sum(t.get("steps", 0) for t in c["train"].values()))
        for sub, t in c["train"].items():
            if "error" in t:
                why[f"{fam}: {sub}: training failed: {t['error'][:80]}"] += 1
        for part in ("check", "eval"):
            for k, n in c.get(part, {}).get("failures", {}).items():
                why[f"{fam}: {k} ({part})"] += n
        if "eval" in c:
            e = c["eval"]
            rates[fam].append(e["successes"] / max(e["episodes"], 1))
            steps, successes = steps + e["steps"], successes + e["successes"]
    done = sum(r["planned"] for r in rows.values())
    print(f"\n{len(cells)} tasks ({done} planned); {a.check} check episodes, then "
          f"{a.episodes} new episodes for each solved task\n")  # fmt: skip
    print("| family | tasks | planned | solved (≥ 1 of the check) | success on the new "
          "episodes (mean) | training steps per task (mean) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for fam, r in sorted(rows.items()):
        rate = f"{sum(rates[fam]) / len(rates[fam]):.0%}" if rates[fam] else "-"
        tr = f"{sum(train[fam]) / len(train[fam]):,.0f}" if train[fam] else "-"
        print(f"| {fam} | {r['tasks']} | {r['planned']} | {r['solved']} | {rate} | {tr} |")
    if successes:
        print(f"\ncontrol steps per 1000 successes (new episodes, all their steps): "
              f"{steps / successes * 1000 / 1e6:.2f} M")  # fmt: skip
    print("\n| task | family | solved | success (new episodes) | training steps | control "
          "steps per 1000 successes |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for c in cells:
        if not c.get("planned"):
            continue
        e = c.get("eval")
        cost = sum(t.get("steps", 0) + t.get("start_state_steps", 0) for t in c["train"].values())
        per = (f"{(cost + 1000 * e['steps'] / e['successes']) / 1e6:.2f} M"
               if e and e["successes"] else "-")  # fmt: skip
        rate = f"{e['successes']}/{e['episodes']}" if e else "-"
        tr = sum(t.get("steps", 0) for t in c["train"].values())
        print(f"| {c['task']} | {c['family']} | {'yes' if c.get('solved') else 'no'} | {rate} "
              f"| {tr:,} | {per} |")  # fmt: skip
    print("\nfailures (family: subtask: reason ×episodes):")
    print(*(f"- ×{k} {w}" for w, k in why.most_common()), sep="\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("runs/bench_plans"))
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--task", action="append", default=None, metavar="SENTENCE")
    p.add_argument("--check", type=int, default=6)
    p.add_argument("--episodes", type=int, default=50)
    p.add_argument("--steps", type=int, default=30_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--scripted-grasps", action="store_true")
    p.add_argument("--report", action="store_true", help="print the tables from the cells")
    a = p.parse_args()
    cells_dir = a.out / "cells"
    if not a.report:
        print(f"<!-- machine: {platform.machine()}, {os.cpu_count()} cores; "
              f"{time.strftime('%Y-%m-%d')} -->")  # fmt: skip
        if not (a.out / PROPOSALS_SUMMARY).is_file():
            propose_tasks(a.out, n=0 if a.task else a.n, sentences=a.task, seed=0, sheets=False)
        if not (a.out / REFINE_RUN_SUMMARY).is_file():
            refine_run(a.out, visibility=False)
        planned = plan_run(a.out, learned=not a.scripted_grasps)
        cells_dir.mkdir(parents=True, exist_ok=True)
        for k, pl in enumerate(planned, 1):
            path = cells_dir / f"{pl.task}.json"
            if path.is_file():
                continue
            cell = {"task": pl.task, "family": pl.family, "planned": False, "reason": pl.reason}
            if pl.planned:
                cell = _task(a.out, pl.task, pl.family, a)
            path.write_text(json.dumps(cell, indent=1))
            got = cell.get("eval", cell.get("check", {}))
            print(f"<!-- [{k}/{len(planned)}] {pl.task}: {got.get('successes', '-')}/"
                  f"{got.get('episodes', '-')} -->", flush=True)  # fmt: skip
    cells = [json.loads(f.read_text()) for f in sorted(cells_dir.glob("*.json"))]
    _report(cells, a)


if __name__ == "__main__":
    main()
