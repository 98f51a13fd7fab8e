"""``gendexhand`` command line.

The offscreen GL backend is chosen here, before anything imports ``mujoco``; that is why the
command modules are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TypeAlias

from gendexhand import __version__
from gendexhand.cli.argtypes import (
    EPISODES,
    PIXELS,
    SEED,
    WORKERS,
    add_task_option,
    integer,
    number,
)
from gendexhand.errors import GenDexHandError

# What ``add_subparsers`` returns; a string so it is not evaluated at run time.
Verbs: TypeAlias = "argparse._SubParsersAction[Parser]"


def _embodiments_list(args: argparse.Namespace) -> int:
    from gendexhand.cli import commands

    return commands.embodiments_list()


def _embodiments_show(args: argparse.Namespace) -> int:
    from gendexhand.cli import commands

    return commands.embodiments_show(args.name, args.hand)


def _scene_validate(args: argparse.Namespace) -> int:
    from gendexhand.cli import commands

    return commands.scene_validate(args.file, args.hand, args.report)


def _scene_render(args: argparse.Namespace) -> int:
    _gl()
    from gendexhand.cli import commands

    return commands.scene_render(
        args.file,
        args.out,
        hand=args.hand,
        width=args.width,
        height=args.height,
        views=args.views,
        shadows=args.shadows,
        depth=args.depth,
        segmentation=args.segmentation,
    )


def _assets(args: argparse.Namespace) -> int:
    if args.action == "render":
        _gl()
    from gendexhand.cli import assets_cmd

    if args.action == "list":
        return assets_cmd.assets_list(args.category, args.json)
    if args.action == "show":
        return assets_cmd.assets_show(args.id, args.json)
    if args.action == "render":
        return assets_cmd.assets_render(
            args.id, args.out, args.scale, args.width, args.height, args.parts
        )
    return assets_cmd.assets_import(
        args.path,
        args.into,
        license_text=args.license,
        density=args.density,
        unit_scale=args.unit_scale,
        up=args.up,
        yaw_deg=args.yaw,
        category=args.category,
        quality=args.quality,
        overwrite=args.overwrite,
    )


def _execute(args: argparse.Namespace) -> int:
    _gl()
    from gendexhand.cli import commands

    return commands.execute_plan(
        args.plan,
        episodes=args.episodes,
        seed=args.seed,
        run=args.run,
        video_episodes=args.video_episodes if args.video else 0,
        workers=args.workers,
        force=args.force,
    )


def _train(args: argparse.Namespace) -> int:
    _gl()
    from gendexhand.cli import commands
    from gendexhand.learn.train import TrainSettings

    settings = TrainSettings(steps=args.steps, envs=args.envs, target=args.target, seed=args.seed)
    return commands.train(
        args.run, plan=args.plan, tasks=args.task, subtasks=args.subtask, settings=settings,
        progress_bar=not args.no_progress,
    )  # fmt: skip


def _eval(args: argparse.Namespace) -> int:
    _gl()
    from gendexhand.cli import commands

    return commands.evaluate_run(
        args.run, tasks=args.task, episodes=args.episodes, video=args.video,
        workers=args.workers, seed=args.seed,
    )  # fmt: skip


def _demo(args: argparse.Namespace) -> int:
    _gl()
    from gendexhand.cli import commands

    return commands.demo(args.out)


def _gl() -> None:
    from gendexhand.sim.gl import select_gl_backend

    select_gl_backend()


class Parser(argparse.ArgumentParser):
    """Argument errors are one ``error:`` line (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gendexhand",
        description="Generate dexterous-hand manipulation tasks, scenes and data in MuJoCo.",
    )
    parser.add_argument("--version", action="version", version=f"gendexhand {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    # The order here is the order ``gendexhand --help`` lists the commands in.
    for add in (
        _add_demo_parser,
        _add_embodiments_parser,
        _add_scene_parser,
        _add_assets_parser,
        _add_propose_parser,
        _add_execute_parser,
        _add_train_parser,
        _add_eval_parser,
        _add_dataset_parsers,
        _add_cassette_parser,
        _add_schema_parser,
    ):
        add(verbs)
    return parser


def _add_dataset_parsers(verbs: Verbs) -> None:
    from gendexhand.cli.dataset_cmd import add_collect_parser, add_replay_parser

    add_collect_parser(verbs)
    add_replay_parser(verbs)


def _add_propose_parser(verbs: Verbs) -> None:
    from gendexhand.cli.envs_cmd import add_envs_parser
    from gendexhand.cli.plan_cmd import add_plan_parser
    from gendexhand.cli.propose_cmd import add_diversity_parser, add_propose_parser
    from gendexhand.cli.refine_cmd import add_refine_parser

    add_propose_parser(verbs)
    add_diversity_parser(verbs)
    add_refine_parser(verbs)
    add_plan_parser(verbs)
    add_envs_parser(verbs)


def _add_cassette_parser(verbs: Verbs) -> None:
    from gendexhand.cli.llm_cmd import add_cassette_parser, add_llm_check_parser

    add_cassette_parser(verbs)
    add_llm_check_parser(verbs)


def _add_schema_parser(verbs: Verbs) -> None:
    from gendexhand.cli.schema_cmd import add_schema_parser

    add_schema_parser(verbs, build_parser)


def _add_demo_parser(verbs: Verbs) -> None:
    demo = verbs.add_parser(
        "demo",
        help="build and render every example scene (the main job)",
        description="Build, settle and render every packaged example scene; "
        "print where the images are.",
    )
    demo.add_argument(
        "--out", type=Path, default=Path("runs/demo"), help="output folder (default: runs/demo)"
    )
    demo.set_defaults(func=_demo)


def _add_embodiments_parser(verbs: Verbs) -> None:
    emb = verbs.add_parser(
        "embodiments",
        help="list or inspect robots",
        description="List the registered embodiments or show one.",
    )
    emb_verbs = emb.add_subparsers(dest="action", required=True, metavar="ACTION")
    lst = emb_verbs.add_parser(
        "list", help="list registered embodiments", description="List registered embodiments."
    )
    lst.set_defaults(func=_embodiments_list)
    show = emb_verbs.add_parser(
        "show",
        help="groups, fingertips, palm frame and sizes of one embodiment",
        description="Show what was discovered from an embodiment's kinematic tree.",
    )
    show.add_argument(
        "name", nargs="?", default="franka_shadow", help="embodiment name (default: franka_shadow)"
    )
    show.add_argument(
        "--hand",
        type=Path,
        default=None,
        help="any MJCF hand file, mounted on a floating base (overrides NAME)",
    )
    show.set_defaults(func=_embodiments_show)


def _add_scene_parser(verbs: Verbs) -> None:
    scene = verbs.add_parser(
        "scene",
        help="validate or render a scene config",
        description="Validate or render a scene YAML file.",
    )
    scene_verbs = scene.add_subparsers(dest="action", required=True, metavar="ACTION")
    val = scene_verbs.add_parser(
        "validate",
        help="check a scene file, build it and check its physics",
        description="Check a scene file against the schema, build and settle it, and check "
        "what was built: overlaps at t = 0 (objects, table, robot), objects off the table or "
        "out of the palm's reach, and motion while settling. Findings are warnings (one line "
        "each, on stderr) or errors (exit status 2).",
    )
    val.add_argument("file", type=Path)
    val.add_argument("--hand", type=Path, default=None, help="use this MJCF hand instead")
    val.add_argument(
        "--report", type=Path, default=None, help="also write the findings as JSON to this file"
    )
    val.set_defaults(func=_scene_validate)
    ren = scene_verbs.add_parser(
        "render",
        help="render a scene's views and a contact sheet",
        description="Build a scene and render its views offscreen.",
    )
    ren.add_argument("file", type=Path)
    ren.add_argument("--out", type=Path, required=True, help="output folder")
    ren.add_argument("--hand", type=Path, default=None, help="use this MJCF hand instead")
    ren.add_argument("--width", type=PIXELS, default=320)
    ren.add_argument("--height", type=PIXELS, default=240)
    ren.add_argument(
        "--views", nargs="+", default=None, help="views to render (default: the scene's `views`)"
    )
    ren.add_argument("--shadows", action="store_true", help="render shadows (slower)")
    ren.add_argument("--depth", action="store_true", help="also write depth (.npy, metres)")
    ren.add_argument(
        "--segmentation", action="store_true", help="also write per-pixel body ids (.npy)"
    )
    ren.set_defaults(func=_scene_render)


def _add_assets_parser(verbs: Verbs) -> None:
    assets = verbs.add_parser(
        "assets",
        help="list, show, render or import assets",
        description="The asset catalog: built-in objects, kitchen appliances and imported assets.",
    )
    asset_verbs = assets.add_subparsers(dest="action", required=True, metavar="ACTION")
    alist = asset_verbs.add_parser("list", help="one line per asset")
    alist.add_argument("--category", default=None, help="only this category")
    alist.add_argument("--json", action="store_true", help="the metadata an LLM reads, as JSON")
    ashow = asset_verbs.add_parser("show", help="parts, joints and grasp frames of one asset")
    ashow.add_argument("id")
    ashow.add_argument("--json", action="store_true")
    arender = asset_verbs.add_parser(
        "render", help="render one asset with its part regions and grasp frames"
    )
    arender.add_argument("id")
    arender.add_argument("--out", type=Path, required=True, help="output folder")
    arender.add_argument("--scale", type=number(0.1, 10.0), default=1.0)
    arender.add_argument("--width", type=PIXELS, default=480)
    arender.add_argument("--height", type=PIXELS, default=360)
    arender.add_argument("--parts", action="store_true", help="also draw the part regions")
    aimp = _add_assets_import_parser(asset_verbs)
    for p in (alist, ashow, arender, aimp):
        p.set_defaults(func=_assets)


def _add_assets_import_parser(asset_verbs: Verbs) -> argparse.ArgumentParser:
    aimp = asset_verbs.add_parser(
        "import",
        help="import meshes or a PartNet-Mobility object into the asset library",
        description="Import a mesh file (OBJ/STL/PLY/GLB/glTF/OFF), a folder of them (one "
        "asset each), or a PartNet-Mobility folder (mobility.urdf + meshes). Concave meshes are "
        "split into convex pieces with CoACD (cached). The source licence is copied with the "
        "asset: a LICENSE file next to the source, or --license.",
    )
    aimp.add_argument("path", type=Path)
    aimp.add_argument(
        "--into",
        type=Path,
        default=None,
        help="library folder (default: $GENDEXHAND_ASSET_DIR or ~/.local/share/gendexhand/assets)",
    )
    aimp.add_argument("--license", default=None, help="licence text if the source has no file")
    aimp.add_argument(
        "--density", type=number(1.0, 30_000.0), default=500.0, help="kg/m³ (default 500)"
    )
    aimp.add_argument(
        "--unit-scale",
        type=number(1e-6, 1e3, open_low=True),
        default=1.0,
        help="coordinate factor (0.001 for mm)",
    )
    aimp.add_argument(
        "--up",
        choices=["auto", "z", "y"],
        default="auto",
        help="source up axis (auto: y for glTF/GLB, z otherwise)",
    )
    aimp.add_argument(
        "--yaw",
        type=number(-360.0, 360.0),
        default=0.0,
        help="turn about z, degrees (fronts face −x)",
    )
    aimp.add_argument("--category", default="imported")
    aimp.add_argument(
        "--quality",
        choices=["default", "fast"],
        default="default",
        help="convex decomposition search effort",
    )
    aimp.add_argument("--overwrite", action="store_true", help="replace an existing asset folder")
    return aimp


def _add_execute_parser(verbs: Verbs) -> None:
    ex = verbs.add_parser(
        "execute",
        help="run a plan's subtask chain over randomised episodes",
        description="Run plan.yaml (motion, scripted and rl subtasks, each checked by its success "
        "predicate) over N episodes with randomised initial object poses; report success per "
        "subtask and why failures happened. Results go to RUN/tasks/<task>/eval/ of a run "
        "directory (--run); an unchanged rerun is skipped.",
    )
    ex.add_argument("plan", type=Path)
    ex.add_argument("--episodes", type=EPISODES, default=10)
    ex.add_argument("--seed", type=SEED, default=0, help="first episode seed (default 0)")
    ex.add_argument(
        "--run", type=Path, default=None, help="run directory (default runs/execute/<task>)"
    )
    ex.add_argument(
        "--video", action="store_true", help="film the first episodes (GIFs in …/eval/video)"
    )
    ex.add_argument(
        "--video-episodes", type=integer(0, 100), default=3, help="with --video: how many to film"
    )
    ex.add_argument(
        "--workers", type=WORKERS, default=1, help="processes for the unfilmed episodes"
    )
    ex.add_argument("--force", action="store_true", help="rerun even if nothing changed")
    ex.set_defaults(func=_execute)


def _add_train_parser(verbs: Verbs) -> None:
    tr = verbs.add_parser(
        "train",
        help="train a run's rl subtasks with PPO",
        description="Train the rl subtasks of the run's tasks (RUN_DIR/tasks/<task>/plan.yaml) "
        "with PPO (stable-baselines3): episodes start from states the chain reaches before the "
        "subtask; only the subtask's actuator groups act. Policies, learning curves and start "
        "states go to RUN_DIR/tasks/<task>/skills/<subtask>/.",
    )
    tr.add_argument("run", type=Path, help="run directory (holds tasks/<task>/plan.yaml)")
    tr.add_argument(
        "--plan", type=Path, default=None, help="copy this plan (and its scene) in as its task"
    )
    tr.add_argument("--subtask", action="append", default=None, help="only these (repeatable)")
    tr.add_argument(
        "--steps", type=integer(1, 10**9), default=200_000, help="control-step budget per subtask"
    )
    tr.add_argument("--envs", type=WORKERS, default=2, help="parallel environments (processes)")
    tr.add_argument(
        "--target",
        type=number(0.0, 1.0, open_low=True),
        default=0.9,
        help="stop at this success rate",
    )
    tr.add_argument("--seed", type=SEED, default=0)
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_task_option(tr)
    tr.set_defaults(func=_train)


def _add_eval_parser(verbs: Verbs) -> None:
    ev = verbs.add_parser(
        "eval", help="run a trained run's whole chain over episodes",
        description="Run each task's chain (RUN_DIR/tasks/<task>/plan.yaml) with its trained "
        "policies (…/skills); results in RUN_DIR/tasks/<task>/eval/.",
    )  # fmt: skip
    ev.add_argument("run", type=Path)
    ev.add_argument("--episodes", type=EPISODES, default=20)
    ev.add_argument("--video", action="store_true", help="film the first 3 episodes")
    ev.add_argument("--workers", type=WORKERS, default=1)
    ev.add_argument("--seed", type=SEED, default=1000, help="first seed (default: unseen ones)")
    add_task_option(ev)
    ev.set_defaults(func=_eval)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except GenDexHandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the filesystem: a path that is a file, a read-only or full disk…
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "interrupted: files finished so far stay in the run directory; rerun the same "
            "command to continue (finished stages are skipped)",
            file=sys.stderr,
        )
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
