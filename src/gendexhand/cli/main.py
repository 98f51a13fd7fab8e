"""``gendexhand`` command line.

The offscreen GL backend is chosen here, before anything imports ``mujoco``; that is why the
command modules are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gendexhand import __version__
from gendexhand.errors import GenDexHandError

Handler = Callable[[argparse.Namespace], int]


def _embodiments_list(args: argparse.Namespace) -> int:
    from gendexhand.cli import commands

    return commands.embodiments_list()


def _embodiments_show(args: argparse.Namespace) -> int:
    from gendexhand.cli import commands

    return commands.embodiments_show(args.name, args.hand)


def _scene_validate(args: argparse.Namespace) -> int:
    from gendexhand.cli import commands

    return commands.scene_validate(args.file, args.hand)


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


def _demo(args: argparse.Namespace) -> int:
    _gl()
    from gendexhand.cli import commands

    return commands.demo(args.out)


def _gl() -> None:
    from gendexhand.sim.gl import select_gl_backend

    select_gl_backend()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gendexhand",
        description="Generate dexterous-hand manipulation tasks, scenes and data in MuJoCo.",
    )
    parser.add_argument("--version", action="version", version=f"gendexhand {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")

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

    scene = verbs.add_parser(
        "scene",
        help="validate or render a scene config",
        description="Validate or render a scene YAML file.",
    )
    scene_verbs = scene.add_subparsers(dest="action", required=True, metavar="ACTION")
    val = scene_verbs.add_parser(
        "validate",
        help="check a scene file and build it",
        description="Check a scene file against the schema, build and "
        "settle it, and report what was built.",
    )
    val.add_argument("file", type=Path)
    val.add_argument("--hand", type=Path, default=None, help="use this MJCF hand instead")
    val.set_defaults(func=_scene_validate)
    ren = scene_verbs.add_parser(
        "render",
        help="render a scene's views and a contact sheet",
        description="Build a scene and render its views offscreen.",
    )
    ren.add_argument("file", type=Path)
    ren.add_argument("--out", type=Path, required=True, help="output folder")
    ren.add_argument("--hand", type=Path, default=None, help="use this MJCF hand instead")
    ren.add_argument("--width", type=int, default=320)
    ren.add_argument("--height", type=int, default=240)
    ren.add_argument(
        "--views", nargs="+", default=None, help="views to render (default: the scene's `views`)"
    )
    ren.add_argument("--shadows", action="store_true", help="render shadows (slower)")
    ren.add_argument("--depth", action="store_true", help="also write depth (.npy, metres)")
    ren.add_argument(
        "--segmentation", action="store_true", help="also write per-pixel body ids (.npy)"
    )
    ren.set_defaults(func=_scene_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except GenDexHandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
