"""The demo's generated tasks: sentences through every stage with no person in the loop."""

from __future__ import annotations

from pathlib import Path

SENTENCES = ("Pick up the bottle", "Open the cabinet")
"""Two sentences the rules provider turns into tasks: a grasp that is learned (PPO on the
finger groups, trained here) and a door opened by planned motion and scripted closing."""
EPISODES, KEEP = 10, 5


def demo_generated(out: Path) -> list[str]:
    """Propose the tasks of :data:`SENTENCES` (rules), refine their scenes (rules), plan them
    (rules), train their learned subtasks, run :data:`EPISODES` new episodes (one filmed) and
    collect :data:`KEEP` successful ones; the paths to look at."""
    from gendexhand.stages.plan import plan_run
    from gendexhand.stages.propose import propose_tasks
    from gendexhand.stages.refine import refine_run

    run = out / "generated"
    print("\ntasks from sentences, proposed, refined, planned, trained, run and collected:")
    proposed = propose_tasks(run, sentences=list(SENTENCES))
    ok = [p.task for p in proposed if p.buildable]
    for p in proposed:
        if not p.buildable:
            print(f"  {p.source!r}: not buildable: {'; '.join(p.reasons)}")
    shown: list[str] = []
    refined = {r.task: r for r in refine_run(run, tasks=ok)}
    for planned in plan_run(run, tasks=ok):
        r = refined[planned.task]
        print(f"  {planned.task} ({planned.family}): scene {r.status} after {r.rounds} "
              "verifier rounds")  # fmt: skip
        if not planned.planned:
            print(f"    no plan: {planned.reason}")
            continue
        shown += _solve(run, planned.task, planned.subtasks)
    return shown


def _solve(run: Path, task: str, subtasks: int) -> list[str]:
    from gendexhand.learn.train import TrainSettings, train_subtask
    from gendexhand.plan.load import load_plan
    from gendexhand.stages.collect import collect
    from gendexhand.stages.execute import run_plan
    from gendexhand.store.paths import CURVE_FILE, TaskPaths
    from gendexhand.store.rundir import RunDir

    paths = TaskPaths(task)
    plan_path = run / paths.plan
    plan, _ = load_plan(plan_path)
    learned = [s.name for s in plan.subtasks if s.kind == "rl"]
    shown = [str(run / paths.root / "views.png"), str(plan_path)]
    settings = TrainSettings(steps=30_000, envs=2, target=0.9, eval_every=5_000,
                             eval_episodes=20, start_states=16)  # fmt: skip
    for name in learned:
        res = train_subtask(RunDir(run), paths, plan_path, name, settings)
        print(f"    {name}: learned with PPO, {res.success_rate:.0%} after {res.steps} control "
              f"steps (+{res.start_state_steps} to reach its start states)")  # fmt: skip
        shown.append(str(run / paths.skill(name) / CURVE_FILE))
    skills = run / paths.skills if learned else None
    ev = run_plan(plan_path, EPISODES, seed=1000, run_dir=run, video_episodes=1, workers=2,
                  force=True, skills=skills, progress=lambda m: None)  # fmt: skip
    kinds = ", ".join(f"{s.name} ({s.kind})" for s in plan.subtasks)
    print(f"    plan of {subtasks} subtasks: {kinds}")
    print(f"    {ev.summary.successes}/{EPISODES} new episodes succeeded")
    got = collect(plan_path, run, paths.episodes, KEEP, skills=skills, seed=100_000, workers=2,
                  max_attempts=4 * KEEP)  # fmt: skip
    print(f"    collected {got.successes} successful episodes of {got.attempts}")
    return [*shown, *(str(v) for v in ev.videos), str(run / paths.episodes)]
