"""``gendexhand plan``: stage 3 — a plan (subtask chain) for each task of a run."""

from __future__ import annotations

import argparse
from pathlib import Path

from gendexhand.cli.argtypes import SEED, integer
from gendexhand.cli.llm_cmd import add_llm_options, client_from_args


def add_plan_parser(verbs: argparse._SubParsersAction) -> None:
    pl = verbs.add_parser(
        "plan", help="write a plan for each task of a run (stage 3)",
        description="For each task of RUN_DIR with a scene (or each --task), write "
        "tasks/<id>/plan.yaml: the rules planner's subtask chain for the task's family "
        "(planned arm motion to reach, approach, lift, carry, pull a joint and back off; "
        "learned grasps of free objects and in-hand rotations, PPO on the finger groups with "
        "reward code from templates, trained by gendexhand train; scripted closing on handles "
        "and opening of the hand), each subtask checked by a success "
        "predicate on the task's objects, the last one the task's success. With --llm MODEL a "
        "model writes each plan from the task, the scene, the robot's groups, the primitives, "
        "the predicates, the state reference and the sandbox's rules; a plan that does not "
        "parse, names what the scene or robot lacks, or has reward code the sandbox rejects "
        "goes back to it with the reason (--repairs times). Tasks refinement "
        "rejected, and families without a rules plan, are recorded in RUN_DIR/plans.json "
        "with the reason. Run a plan with: gendexhand execute RUN_DIR/tasks/<id>/plan.yaml "
        "--run RUN_DIR.",
    )  # fmt: skip
    pl.add_argument("run", type=Path)
    pl.add_argument("--task", action="append", default=None, metavar="ID",
                    help="plan only this task (repeatable)")  # fmt: skip
    pl.add_argument("--scripted-grasps", action="store_true",
                    help="close the hand by a scripted action instead of a learned grasp "
                    "(nothing to train; weaker on small objects)")  # fmt: skip
    pl.add_argument("--seed", type=SEED, default=0, help="sampling seed sent to the model")
    pl.add_argument("--repairs", type=integer(0, 10), default=2,
                    help="times a refused plan goes back to the model (default 2)")  # fmt: skip
    add_llm_options(pl)
    pl.set_defaults(func=_plan)


def _plan(args: argparse.Namespace) -> int:
    from gendexhand.errors import ConfigError, unknown_name_message
    from gendexhand.stages.plan import plan_run, plannable_tasks

    have = plannable_tasks(args.run)
    if not have:
        raise ConfigError(f"{args.run}: no task has a scene.yaml (run gendexhand propose)")
    for t in args.task or []:
        if t not in have:
            raise ConfigError(f"--task: {unknown_name_message('task', t, have)}")
    model = None
    if args.llm != "rules":
        from gendexhand.stages.plan_llm import ModelPlanner

        client = client_from_args(args, args.run)
        client.max_repairs = args.repairs
        model = ModelPlanner(client, seed=args.seed)
    out = plan_run(args.run, tasks=args.task, learned=not args.scripted_grasps, model=model,
                   progress=print)  # fmt: skip
    if model is not None and model.client.dry_run:
        c = model.client
        cost = "unknown" if c.planned_cost is None else f"${c.planned_cost:.2f}"
        print(f"dry run: {c.planned_calls} calls (first answers only), cost {cost}")
        return 0
    ok = sum(p.planned for p in out)
    print(f"{ok} of {len(out)} tasks planned; outcomes in {args.run}/plans.json")
    if ok and not args.scripted_grasps:
        print(f"next: gendexhand train {args.run} (the learned subtasks), then "
              f"gendexhand eval {args.run}")  # fmt: skip
    return 0
