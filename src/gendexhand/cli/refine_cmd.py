"""``gendexhand refine``: stage 2 — verify each task's scene and correct it in a loop."""

from __future__ import annotations

import argparse
from pathlib import Path

from gendexhand.cli.argtypes import SEED, integer
from gendexhand.cli.llm_cmd import add_llm_options, client_from_args


def add_refine_parser(verbs: argparse._SubParsersAction) -> None:
    rf = verbs.add_parser(
        "refine", help="verify each task's scene and correct it in a loop (stage 2)",
        description="For each task of RUN_DIR with a scene, or with the scene stage 1 tried and "
        "rejected (scene.rejected.yaml), or each --task: build it, run the "
        "exact verifier (overlaps, settling, table and reach, reachable grasps, sizes, "
        "upright containers, blocked joints, visibility, success already true), render a "
        "labelled contact sheet and let the refiner answer directives (SCALE, MOVE, ROTATE, "
        "SET_JOINT, REMOVE, ACCEPT); repeat until the verifier passes and the refiner "
        "accepts, or --rounds. A scene seen before means oscillation: the best passing round "
        "is kept, else the task is rejected. --vlm rules (the default) is the offline refiner, "
        "which reads the verifier's report only. Each round is kept in "
        "tasks/<id>/refine/<k>/; the outcome in tasks/<id>/refine.json and before_after.png.",
    )  # fmt: skip
    rf.add_argument("run", type=Path)
    rf.add_argument("--task", action="append", default=None, metavar="ID",
                    help="refine only this task (repeatable)")  # fmt: skip
    rf.add_argument("--rounds", type=integer(1, 20), default=5, help="at most this many rounds")
    rf.add_argument("--seed", type=SEED, default=0)
    rf.add_argument("--no-visibility", action="store_true",
                    help="skip the visibility check (no segmentation renders)")  # fmt: skip
    add_llm_options(rf, vlm=True)
    rf.set_defaults(func=_refine)


def _refine(args: argparse.Namespace) -> int:
    from gendexhand.sim.gl import select_gl_backend

    select_gl_backend()
    from gendexhand.errors import ConfigError
    from gendexhand.stages.refine import refinable_tasks, refine_run, rules_refiner

    have = refinable_tasks(args.run)
    for t in args.task or []:
        if t not in have:
            from gendexhand.errors import unknown_name_message

            raise ConfigError(f"--task: {unknown_name_message('task', t, have)}")
    if not have:
        raise ConfigError(f"{args.run}: no task has a scene.yaml or scene.rejected.yaml "
                          "(run gendexhand propose)")  # fmt: skip
    vlm = args.vlm or args.llm
    if vlm == "rules":
        refiner = rules_refiner
    else:
        from gendexhand.refine.vlm import ModelRefiner

        refiner = ModelRefiner(client_from_args(args, args.run, "vlm"), seed=args.seed)
    outcomes = refine_run(args.run, refiner, tasks=args.task, rounds=args.rounds,
                          visibility=not args.no_visibility, progress=print)  # fmt: skip
    ok = sum(o.status == "accepted" for o in outcomes)
    print(f"{ok} of {len(outcomes)} tasks accepted; outcomes in {args.run}/refinement.json")
    return 0
