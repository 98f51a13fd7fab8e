"""``gendexhand collect`` and ``gendexhand replay``: making the episode dataset and checking it."""

from __future__ import annotations

import argparse
from pathlib import Path

from gendexhand.cli.argtypes import EPISODES, PIXELS, SEED, WORKERS, add_task_option, integer


def add_collect_parser(verbs: argparse._SubParsersAction) -> None:
    co = verbs.add_parser(
        "collect", help="roll out a run's chain until N episodes succeed; keep those",
        description="Run each task's chain (RUN_DIR/tasks/<task>/plan.yaml, with its skills) "
        "on new seeds until N episodes succeed. Each is one HDF5 file of the episode dataset "
        "(RUN_DIR/tasks/<task>/episodes/: actions, states from s0, subtask and reward terms "
        "per control step; see its card.md). Killed or interrupted, the same command continues "
        "where it stopped.",
    )  # fmt: skip
    co.add_argument("run", type=Path)
    co.add_argument("--successes", type=EPISODES, default=1000)
    co.add_argument("--workers", type=WORKERS, default=2)
    co.add_argument("--seed", type=SEED, default=100_000, help="first seed (default: unseen ones)")
    co.add_argument(
        "--views", nargs="+", default=None,
        help="also store camera images of these views, rendered from the recorded states",
    )  # fmt: skip
    co.add_argument("--width", type=PIXELS, default=320, help="image width (with --views)")
    co.add_argument("--height", type=PIXELS, default=240, help="image height (with --views)")
    co.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_task_option(co)
    co.set_defaults(func=_collect)


def _collect(args: argparse.Namespace) -> int:
    from gendexhand.sim.gl import select_gl_backend

    select_gl_backend()
    from gendexhand.cli import commands

    return commands.collect_run(
        args.run, tasks=args.task, successes=args.successes, workers=args.workers,
        seed=args.seed, views=args.views, image_size=(args.width, args.height),
        progress_bar=not args.no_progress,
    )  # fmt: skip


def add_replay_parser(verbs: argparse._SubParsersAction) -> None:
    rp = verbs.add_parser(
        "replay", help="re-simulate a recorded episode and measure its deviation",
        description="Rebuild an episode's scene from the dataset, re-simulate it from its "
        "initial state with the recorded actions (mode actions) and with the recorded state "
        "re-set before every step (mode states), and report the largest deviation from the "
        "recorded states (0.0 on the same machine and versions). --video films the recorded "
        "states.",
    )  # fmt: skip
    rp.add_argument("dataset", type=Path, help="a dataset folder (…/episodes) or one .h5 file")
    rp.add_argument("--episode", type=integer(0), default=0, help="position in the dataset")
    rp.add_argument("--mode", choices=["actions", "states", "both"], default="both")
    rp.add_argument("--video", type=Path, default=None, help="write an MP4 here")
    rp.add_argument("--view", default="front", help="the view to film (default: front)")
    rp.add_argument("--width", type=PIXELS, default=480)
    rp.add_argument("--height", type=PIXELS, default=360)
    rp.set_defaults(func=_replay)


def _replay(args: argparse.Namespace) -> int:
    from gendexhand.sim.gl import select_gl_backend

    select_gl_backend()
    import gendexhand.dataset as gd
    from gendexhand.dataset.replay import rebuild, replay, write_video

    ds = gd.load(args.dataset)
    ep = ds[args.episode]
    scene = rebuild(ep)
    print(f"{ep.path.name}: task {ep.task}, seed {ep.seed}, {ep.n_steps} control steps")
    modes = ["actions", "states"] if args.mode == "both" else [args.mode]
    for mode in modes:
        r = replay(ep, mode, scene)  # type: ignore[arg-type]
        where = f" (worst at step {r.worst_step})" if r.worst_step else ""
        how = "s0 with the recorded actions" if mode == "actions" else "each recorded state"
        print(
            f"  replay from {how}: largest state deviation {r.max_state_deviation:.3g}, "
            f"joint positions {r.max_qpos_deviation:.3g}{where}"
        )
        if not r.model_matches:
            print("  note: the rebuilt model differs from the recorded one (other versions?)")
    if args.video is not None:
        out = write_video(ep, args.video, args.view, args.width, args.height)
        print(f"video: {out}")
    return 0
