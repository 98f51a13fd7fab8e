"""``gendexhand propose``: stage 1 — tasks from the catalog or from sentences, with their scenes."""

from __future__ import annotations

import argparse
from pathlib import Path

from gendexhand.cli.argtypes import SEED, integer
from gendexhand.cli.llm_cmd import add_llm_options, client_from_args


def add_propose_parser(verbs: argparse._SubParsersAction) -> None:
    pr = verbs.add_parser(
        "propose", help="propose tasks and generate their scenes (rules planner or an LLM)",
        description="Propose N tasks from the asset catalog for the embodiment, and/or the "
        "task each --task sentence describes. With --llm rules (the default) the rules "
        "planner's families take turns (pick and lift, place in or on, stack, open or close a "
        "hinged door or a drawer, rotate in hand, tip out, open and place); with a model, it "
        "proposes each task and every refusal (unknown asset, too big for the hand, a "
        "duplicate, a scene that is not buildable) goes back to it with the reason, a bounded "
        "number of times. Each task gets a scene sized to the hand; the buildable ones "
        "(physically clean, success false at t = 0, a reachable grasp of what must be "
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
    pr.add_argument("--repairs", type=integer(0, 10), default=2,
                    help="times a refused answer goes back to the model (default 2)")  # fmt: skip
    add_llm_options(pr)
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
    options = {"n": args.n, "sentences": args.task, "seed": args.seed,
               "embodiment": args.embodiment, "hand": args.hand, "sheets": not args.no_sheets,
               "progress": print}  # fmt: skip
    if args.llm == "rules":
        results = propose_tasks(args.run, **options)
    else:
        from gendexhand.stages.propose_llm import propose_with_llm

        client = client_from_args(args, args.run)
        client.max_repairs = args.repairs
        results = propose_with_llm(args.run, client, **options)
        if client.dry_run:
            cost = "unknown" if client.planned_cost is None else f"${client.planned_cost:.2f}"
            print(f"dry run: {client.planned_calls} calls (first answers only), cost {cost}")
            return 0
    print("\n".join(summary_table(results)))
    print(f"tasks in {args.run}/tasks/<id>/ (proposal.json, build.json, scene.yaml, views.png)")
    return 0


def add_diversity_parser(verbs: argparse._SubParsersAction) -> None:
    dv = verbs.add_parser(
        "diversity", help="how diverse a run's tasks are (the paper's metric)",
        description="Mean pairwise cosine similarity of the task descriptions under "
        "all-MiniLM-L6-v2 (lower = more diverse), with the paper's figures beside it, and the "
        "distinct assets, families and skills, and assets per task.",
    )  # fmt: skip
    dv.add_argument("run", type=Path)
    dv.add_argument("--all", action="store_true", help="also tasks that are not buildable")
    dv.set_defaults(func=_diversity)


def _diversity(args: argparse.Namespace) -> int:
    import json

    from gendexhand.errors import ConfigError
    from gendexhand.propose.diversity import PAPER_FIGURES, diversity
    from gendexhand.propose.schema import TaskProposal
    from gendexhand.store.paths import BUILD_FILE, PROPOSAL_FILE, TASKS_DIR

    proposals = []
    for path in sorted((args.run / TASKS_DIR).glob(f"*/{PROPOSAL_FILE}")):
        build = path.with_name(BUILD_FILE)
        ok = build.is_file() and json.loads(build.read_text()).get("buildable")
        if ok or args.all:
            proposals.append(TaskProposal.model_validate_json(path.read_text()))
    if len(proposals) < 2:
        raise ConfigError(f"{args.run}: fewer than two proposed tasks (run gendexhand propose)")
    d = diversity(proposals)
    print(f"{d.tasks} tasks: mean pairwise similarity {d.similarity:.4f} (lower = more diverse)")
    print("  the paper's table: " + ", ".join(f"{k} {v:.4f}" for k, v in PAPER_FIGURES.items()))
    print(f"  {d.assets} distinct assets, {d.families} families, {d.skills} skills, "
          f"{d.assets_per_task:.2f} assets per task")  # fmt: skip
    return 0
