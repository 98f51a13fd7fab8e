"""Stage-1 benchmark: rules proposals and the paper's three sentences.

Run: ``.venv/bin/python benchmarks/bench_propose.py [--n 200] [--episodes 50] [--workers 2]
[--out runs/bench_propose]``. (1) Proposes ``--n`` tasks from the catalog with the rules planner
(no contact sheets) and reports the buildable fraction, proposals per family and the distinct
(family, asset set) pairs, with the wall time. (2) Maps the paper's three sentences to tasks and
runs the project's hand-written plan of each task on the generated scene (the object names are
the same), ``--episodes`` episodes each, beside the hand-written scene's success. Prints
Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import yaml

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

from gendexhand.examples import task_plans  # noqa: E402
from gendexhand.stages.execute import run_plan  # noqa: E402
from gendexhand.stages.propose import propose_tasks  # noqa: E402
from gendexhand.store.paths import TaskPaths  # noqa: E402

SENTENCES = {
    "Open the cabinet": "open_cabinet",
    "Pick up the bottle": "pick_bottle",
    "Put the apple into the bowl": "apple_into_bowl",
}


def catalog_run(out: Path, n: int) -> list[str]:
    t0 = time.perf_counter()
    results = propose_tasks(out / "catalog", n=n, seed=0, sheets=False)
    took = time.perf_counter() - t0
    fams: dict[str, list[int]] = {}
    for r in results:
        row = fams.setdefault(r.family, [0, 0])
        row[0] += 1
        row[1] += int(r.buildable)
    pairs = {(r.family, r.task) for r in results}
    ok = sum(r.buildable for r in results)
    lines = [f"{len(results)} proposals, {len(pairs)} distinct (family, asset set) pairs, "
             f"{ok} buildable ({ok / len(results):.0%}); {took / 60:.1f} min "
             f"({took / len(results):.1f} s per proposal)", "",
             "| family | proposed | buildable |", "|---|---|---|"]  # fmt: skip
    lines += [f"| {f} | {m} | {b} |" for f, (m, b) in fams.items()]
    why: dict[str, int] = {}
    for r in results:
        for reason in r.reasons:
            key = reason.split(": ", 1)[-1][:70]
            why[key] = why.get(key, 0) + 1
    lines += ["", *(f"- rejected ×{k}: {w}" for w, k in sorted(why.items(), key=lambda x: -x[1]))]
    lines += ["", diversity_line(out / "catalog", [r.task for r in results if r.buildable])]
    return lines


def diversity_line(run: Path, tasks: list[str]) -> str:
    from gendexhand.propose.diversity import PAPER_FIGURES, diversity
    from gendexhand.propose.schema import TaskProposal
    from gendexhand.store.paths import PROPOSAL_FILE

    proposals = [TaskProposal.model_validate_json(
        (run / TaskPaths(t).root / PROPOSAL_FILE).read_text()) for t in tasks]  # fmt: skip
    d = diversity(proposals)
    paper = ", ".join(f"{k} {v:.4f}" for k, v in PAPER_FIGURES.items())
    return (f"diversity of the {d.tasks} buildable tasks: mean pairwise similarity "
            f"{d.similarity:.4f} (paper: {paper}); {d.assets} distinct assets, {d.families} "
            f"families, {d.skills} skills, {d.assets_per_task:.2f} assets per task")  # fmt: skip


def sentence_run(out: Path, episodes: int, workers: int) -> list[str]:
    run = out / "sentences"
    results = propose_tasks(run, sentences=list(SENTENCES), sheets=False)
    lines = ["| sentence | task | buildable | generated scene: success | hand-written scene |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r, (sentence, example) in zip(results, SENTENCES.items(), strict=True):
        if not r.buildable:
            lines.append(f"| {sentence} | {r.task} | no: {'; '.join(r.reasons)} | - | - |")
            continue
        plan = yaml.safe_load(task_plans()[example].read_text())
        plan["task"] = r.task
        plan["scene"] = "scene.yaml"
        plan_path = run / TaskPaths(r.task).plan
        plan_path.write_text(yaml.safe_dump(plan, sort_keys=False))
        gen = run_plan(plan_path, episodes, seed=0, run_dir=run, workers=workers,
                       progress=lambda m: None)  # fmt: skip
        ref = run_plan(task_plans()[example], episodes, seed=0, run_dir=out / "reference",
                       workers=workers, progress=lambda m: None)  # fmt: skip
        lines.append(f"| {sentence} | {r.task} | yes | {gen.summary.success_rate:.0%} | "
                     f"{ref.summary.success_rate:.0%} |")  # fmt: skip
    return lines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--episodes", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path("runs/bench_propose"))
    p.add_argument("--skip", nargs="*", default=[], choices=["catalog", "sentences"])
    a = p.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    if "sentences" not in a.skip:
        print("\n".join(sentence_run(a.out, a.episodes, a.workers)), flush=True)
    if "catalog" not in a.skip:
        print("\n".join(catalog_run(a.out, a.n)), flush=True)


if __name__ == "__main__":
    main()
