"""``gendexhand propose``: stage 1 — tasks from the catalog or from sentences, with their scenes."""

from __future__ import annotations

import argparse
from pathlib import Path

from gendexhand.cli.argtypes import SEED, integer


def add_propose_parser(verbs: argparse._SubParsersAction) -> None:
    pr = verbs.add_parser(
        "propose", help="propose tasks and generate their scenes (rules planner)",
        description="Propose N tasks from the asset catalog for the embodiment (the rules "
        "planner's families take turns: pick and lift, place in or on, stack, open or close a "
        "hinged door or a drawer, rotate in hand, tip out, open and place), and/or the task "
        "each --task sentence describes. Each gets a scene sized to the hand; the buildable "
        "ones (physically clean, success false at t = 0, a reachable grasp of what must be "
        "grasped) get RUN_DIR/tasks/<id>/scene.yaml and a contact sheet.",
    )  # fmt: skip
    pr.add_argument("run", type=Path)
    pr.add_argument("--n", type=integer(0, 1000), default=0, help="tasks from the catalog")
    pr.add_argument(
        "--task", action="append", default=None, metavar="SENTENCE",
        help='a task in words, e.g. "put the apple into the bowl" (repeatable)',
    )  # fmt: skip
    pr.add_argument("--seed", type=SEED, default=0)
    pr.add_argument("--embodiment", default="franka_shadow", help="a registered embodiment")
    pr.add_argument("--hand", type=Path, default=None, help="an MJCF hand on a floating base")
    pr.add_argument("--no-sheets", action="store_true", help="no contact sheets (faster)")
    pr.set_defaults(func=_propose)


def _propose(args: argparse.Namespace) -> int:
    from gendexhand.sim.gl import select_gl_backend

    select_gl_backend()
    from gendexhand.embodiment.registry import EMBODIMENTS
    from gendexhand.errors import ConfigError, unknown_name_message
    from gendexhand.stages.propose import propose_tasks, summary_table

    if args.embodiment not in EMBODIMENTS:
        raise ConfigError("--embodiment: " + unknown_name_message(
            "embodiment", args.embodiment, EMBODIMENTS))  # fmt: skip
    if args.n == 0 and not args.task:
        raise ConfigError("propose: give --n N (tasks from the catalog) or --task SENTENCE")
    results = propose_tasks(
        args.run, n=args.n, sentences=args.task, seed=args.seed, embodiment=args.embodiment,
        hand=args.hand, sheets=not args.no_sheets, progress=print,
    )  # fmt: skip
    print("\n".join(summary_table(results)))
    print(f"tasks in {args.run}/tasks/<id>/ (proposal.json, build.json, scene.yaml, views.png)")
    return 0
