"""The paper's three tasks with motion and scripted subtasks only: success over randomised
initial conditions, path-planning and grasp-search times, control steps per success.

Run: ``.venv/bin/python benchmarks/bench_tasks.py --episodes 100 --workers 2`` (results also go to
``runs/bench_tasks/<task>/summary.json``). Prints Markdown rows for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from gendexhand.examples import task_plans  # noqa: E402
from gendexhand.plan.results import Stats  # noqa: E402
from gendexhand.stages.execute import run_plan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tasks", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=Path("runs/bench_tasks"))
    args = parser.parse_args()
    plans = task_plans()
    names = args.tasks or sorted(plans)
    unknown = [n for n in names if n not in plans]
    if unknown:
        raise SystemExit(f"unknown task(s) {unknown}; tasks: {sorted(plans)}")
    print(f"machine: {platform.machine()}, {args.workers} worker processes")
    rows = []
    for name in names:
        t0 = time.perf_counter()
        result = run_plan(
            plans[name], args.episodes, run_dir=args.out / name, out=".", workers=args.workers,
            force=True, progress=lambda m: None,
        )  # fmt: skip
        wall = time.perf_counter() - t0
        s = result.summary
        subs = ", ".join(f"{c.name} {c.succeeded}/{c.attempted}" for c in s.per_subtask())
        plan_s, grasp_s = Stats.of(s.planning_s), Stats.of(s.grasp_s)
        per_k = s.steps_per_success  # None when nothing succeeded
        per_k_text = "—" if per_k is None else f"{per_k:.0f}"
        rows.append(
            f"| {name} | {s.successes}/{s.episodes} | {subs} | "
            f"{plan_s.median * 1000:.0f} / {plan_s.p95 * 1000:.0f} ms | "
            f"{grasp_s.median:.2f} / {grasp_s.p95:.2f} s | "
            f"{per_k_text} | {wall / 60:.1f} min |"
        )
        print(rows[-1], flush=True)
        fails = {c.name: c.failures for c in s.per_subtask() if c.failures}
        print(f"  failures: {fails}", flush=True)
    print(
        "\n| task | success | per subtask (succeeded/attempted) | path planning median / p95 | "
        "grasp search median / p95 | control steps per success | wall |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
