"""Stage-3 benchmark: rules-generated tasks, refined and planned by the rules planner, executed.

Run: ``.venv/bin/python benchmarks/bench_plans.py [--out runs/bench_plans] [--n 36]
[--episodes 10] [--workers 2]``. Proposes ``--n`` tasks with the rules planner (seed 0; the
families take turns), refines them (rules), plans them (``gendexhand plan``) and runs each plan
for ``--episodes`` episodes. Per family: tasks, planned, solved (at least one successful
episode), the mean success rate, the failures by subtask and category, and the control steps per
1000 successes. A rerun skips what is unchanged (each stage's records), so it resumes. Prints
Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter, defaultdict
from pathlib import Path

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from gendexhand.stages.execute import run_plan  # noqa: E402
from gendexhand.stages.plan import plan_run  # noqa: E402
from gendexhand.stages.propose import propose_tasks  # noqa: E402
from gendexhand.stages.refine import refine_run  # noqa: E402
from gendexhand.store.paths import PROPOSALS_SUMMARY, REFINE_RUN_SUMMARY, TaskPaths  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("runs/bench_plans"))
    p.add_argument("--n", type=int, default=36)
    p.add_argument("--episodes", type=int, default=10)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    print(f"<!-- machine: {platform.machine()}, {os.cpu_count()} cores; "
          f"{time.strftime('%Y-%m-%d')} -->")  # fmt: skip
    t0 = time.perf_counter()
    if not (a.out / PROPOSALS_SUMMARY).is_file():
        propose_tasks(a.out, n=a.n, seed=0, sheets=False)
    if not (a.out / REFINE_RUN_SUMMARY).is_file():
        refine_run(a.out, visibility=False)
    planned = plan_run(a.out)
    rows: dict[str, dict[str, float]] = defaultdict(Counter)  # type: ignore[arg-type]
    why: Counter[str] = Counter()
    steps = successes = 0
    for pl in planned:
        row = rows[pl.family or "?"]
        row["tasks"] += 1
        if not pl.planned:
            why[f"{pl.family}: no plan: {pl.reason[:90]}"] += 1
            continue
        row["planned"] += 1
        res = run_plan(a.out / TaskPaths(pl.task).plan, a.episodes, run_dir=a.out,
                       workers=a.workers, progress=lambda m: None)  # fmt: skip
        s = res.summary
        row["solved"] += s.successes > 0
        row["rate"] += s.successes / max(s.episodes, 1)
        steps += sum(s.steps)
        successes += s.successes
        for sub, cats in s.failures.items():
            for cat, k in cats.items():
                why[f"{pl.family}: {sub}: {cat}"] += k
        print(f"<!-- {pl.task}: {s.successes}/{s.episodes} -->", flush=True)
    took = (time.perf_counter() - t0) / 60
    print(f"\n{len(planned)} tasks, {a.episodes} episodes each; {took:.0f} min\n")
    print("| family | tasks | planned | solved (≥ 1 success) | mean success |")
    print("|---|---|---|---|---|")
    for fam, r in sorted(rows.items()):
        rate = f"{r['rate'] / r['planned']:.0%}" if r["planned"] else "-"
        print(f"| {fam} | {r['tasks']:.0f} | {r['planned']:.0f} | {r['solved']:.0f} | {rate} |")
    if successes:
        print(f"\ncontrol steps per 1000 successes (all episodes' steps): "
              f"{steps / successes * 1000 / 1e6:.2f} M")  # fmt: skip
    print("", *(f"- ×{k} {w}" for w, k in why.most_common()), sep="\n")
    (a.out / "bench_plans.json").write_text(json.dumps({"rows": rows, "why": why}, indent=1))


if __name__ == "__main__":
    main()
