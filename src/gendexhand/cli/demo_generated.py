"""The demo's generated task: one sentence through every stage with no person in the loop."""

from __future__ import annotations

from pathlib import Path

SENTENCE = "Open the cabinet"
"""A sentence whose family the rules planner plans (a door opened by planned motion)."""


def demo_generated(out: Path) -> list[str]:
    """Propose the task of :data:`SENTENCE` (rules), refine its scene (rules), plan it (rules),
    run 5 episodes (one filmed) and collect 3 successful ones; the paths to look at."""
    from gendexhand.stages.collect import collect
    from gendexhand.stages.execute import run_plan
    from gendexhand.stages.plan import plan_run
    from gendexhand.stages.propose import propose_tasks
    from gendexhand.stages.refine import refine_run
    from gendexhand.store.paths import TaskPaths

    run = out / "generated"
    print(f'\na task from a sentence, "{SENTENCE}": propose, refine, plan, run, collect:')
    [proposed] = propose_tasks(run, sentences=[SENTENCE])
    if not proposed.buildable:
        print(f"  not buildable: {'; '.join(proposed.reasons)}")
        return []
    [refined] = refine_run(run, tasks=[proposed.task])
    print(f"  {proposed.task} ({proposed.family}): scene {refined.status} after "
          f"{refined.rounds} verifier rounds")  # fmt: skip
    [planned] = plan_run(run, tasks=[proposed.task])
    if not planned.planned:
        print(f"  no plan: {planned.reason}")
        return []
    paths = TaskPaths(proposed.task)
    plan = run / paths.plan
    ev = run_plan(plan, 5, run_dir=run, video_episodes=1, workers=2, force=True,
                  progress=lambda m: None)  # fmt: skip
    print(f"  plan of {planned.subtasks} subtasks: {ev.summary.successes}/5 episodes succeeded")
    got = collect(plan, run, paths.episodes, 3, seed=100_000, workers=2, max_attempts=12)
    print(f"  collected {got.successes} successful episodes of {got.attempts}")
    return [str(run / paths.root / "views.png"), str(run / paths.root / "before_after.png"),
            str(plan), *(str(v) for v in ev.videos), str(run / paths.episodes)]  # fmt: skip
