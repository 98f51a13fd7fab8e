"""Asset-library benchmark: build cost and physics cost per catalog asset, and import cost.

Run: ``.venv/bin/python benchmarks/bench_assets.py`` (also ``make bench``). Prints Markdown rows;
copy them to benchmarks/RESULTS.md with the date and machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

import mujoco  # noqa: E402
import numpy as np  # noqa: E402
import trimesh  # noqa: E402

from gendexhand.assets import get_asset, instance_spec  # noqa: E402
from gendexhand.assets.catalog import builtin_assets  # noqa: E402
from gendexhand.assets.importers import ImportOptions, import_path  # noqa: E402
from gendexhand.cli.showcase import showcase_config  # noqa: E402
from gendexhand.sim.scene import build_scene  # noqa: E402

QUALITIES = ("default", "fast")
CUP_PROFILE = np.array(
    [[0, 0], [0.035, 0], [0.04, 0.09], [0.036, 0.09], [0.031, 0.006], [0, 0.006]]
)


def _time(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def per_asset(repeats: int, steps: int, assets: list[str]) -> None:
    print("| asset | build + compile (ms) | physics, alone with the hand (steps/s) | contacts |")
    print("|---|---|---|---|")
    build_ms, rates = [], []
    for asset_id in assets:
        asset = get_asset(asset_id)
        ms = 1000 * _time(lambda a=asset: instance_spec(a).compile(), repeats)
        scene = build_scene(showcase_config(asset_id))
        m, d = scene.model, scene.data
        t0 = time.perf_counter()
        for _ in range(steps):
            mujoco.mj_step(m, d)
        rate = steps / (time.perf_counter() - t0)
        build_ms.append(ms)
        rates.append(rate)
        print(f"| {asset_id} | {ms:.1f} | {rate:,.0f} | {d.ncon} |")
    print(
        f"\nmedian over {len(build_ms)} assets: build {statistics.median(build_ms):.1f} ms, "
        f"physics {statistics.median(rates):,.0f} steps/s; slowest physics "
        f"{min(rates):,.0f} steps/s"
    )


def importing(qualities: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["GENDEXHAND_CACHE"] = str(root / "cache")
        src = root / "src"
        src.mkdir()
        trimesh.creation.revolve(CUP_PROFILE, sections=24).export(src / "cup_scan.obj")
        print("\n| import of a 24-section cup mesh (concave) | seconds | convex pieces |")
        print("|---|---|---|")
        for quality in qualities:
            opts = ImportOptions(quality=quality, license="benchmark mesh")
            for label in ("first", "cached"):
                t0 = time.perf_counter()
                (folder,) = import_path(src / "cup_scan.obj", root / quality, opts, overwrite=True)
                dt = time.perf_counter() - t0
                n = len(list((folder / "meshes").glob("collision_*.obj")))
                print(f"| quality {quality}, {label} | {dt:.2f} | {n} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument(
        "--assets", nargs="+", default=None, metavar="ID",
        help="built-in assets to measure (default: all of them)",
    )  # fmt: skip
    parser.add_argument(
        "--qualities", nargs="+", default=list(QUALITIES), choices=QUALITIES,
        help="CoACD qualities of the import measurement",
    )  # fmt: skip
    args = parser.parse_args()
    builtin = sorted(builtin_assets())
    unknown = [a for a in args.assets or [] if a not in builtin]
    if unknown:
        parser.error(f"unknown asset(s) {unknown}; built-in assets: {builtin}")
    per_asset(args.repeats, args.steps, args.assets or builtin)
    importing(args.qualities)


if __name__ == "__main__":
    main()
