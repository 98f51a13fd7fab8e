"""Stage 2: refine every task of a run that has a scene (or the ones named).

The refiner is the offline rules refiner (``--vlm rules``, the default), which reads only the
verifier's report, or a multimodal model, which also sees the contact sheet. One task that
fails never stops the run; ``refinement.json`` at the run's root lists every outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gendexhand.refine.loop import ROUNDS, Outcome, Refiner, Round, refine_task
from gendexhand.refine.rules import rules_directives
from gendexhand.store.paths import REFINE_RUN_SUMMARY, REJECTED_SCENE_FILE, SCENE_FILE, TASKS_DIR
from gendexhand.store.rundir import RunDir


def rules_refiner(r: Round) -> list[str]:
    return rules_directives(r.report, r.config, r.roles, r.proposal.success if r.proposal else "")


def refinable_tasks(run_dir: Path) -> list[str]:
    """Tasks with a scene, or with the scene stage 1 tried and found not buildable."""
    return sorted({p.parent.name for name in (SCENE_FILE, REJECTED_SCENE_FILE)
                   for p in (run_dir / TASKS_DIR).glob(f"*/{name}")})  # fmt: skip


def refine_run(
    run_dir: Path,
    refiner: Refiner = rules_refiner,
    *,
    tasks: list[str] | None = None,
    rounds: int = ROUNDS,
    visibility: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Outcome]:
    say = progress or (lambda m: None)
    run = RunDir(run_dir)
    names = tasks or refinable_tasks(run_dir)
    outcomes = []
    for k, task in enumerate(names, 1):
        out = refine_task(run, task, refiner, rounds=rounds, visibility=visibility)
        outcomes.append(out)
        say(f"[{k}/{len(names)}] {task}: {out.status} after {out.rounds} rounds ({out.reason})")
    run.write_json(REFINE_RUN_SUMMARY, {"tasks": [vars(o) for o in outcomes]})
    return outcomes
