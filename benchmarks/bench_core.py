"""Simulation-core benchmark on the reference scene (franka_shadow, table, 5 objects, 1 light).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_core.py``). Prints a Markdown table
row per figure; copy them to benchmarks/RESULTS.md with the date and machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

import mujoco  # noqa: E402

from gendexhand.config import load_scene  # noqa: E402
from gendexhand.examples import example_scenes  # noqa: E402
from gendexhand.sim.control import ControlLoop  # noqa: E402
from gendexhand.sim.render import SceneRenderer  # noqa: E402
from gendexhand.sim.scene import build_scene  # noqa: E402

VIEWS = ["front", "left", "right", "top"]


def _median_ms(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    config = load_scene(next(p for p in example_scenes() if p.stem == "reference"))

    t0 = time.perf_counter()
    scene = build_scene(config)
    cold = 1000 * (time.perf_counter() - t0)
    warm = _median_ms(lambda: build_scene(config), args.repeats)

    rows = [
        ("build, cold (first in process, incl. settle 0.5 s)", f"{cold:.0f} ms"),
        (f"build, warm (median of {args.repeats}, incl. settle)", f"{warm:.0f} ms"),
    ]
    for shadows in (False, True):
        with SceneRenderer(scene, 320, 240, shadows=shadows) as r:
            r.render(VIEWS)
            ms = _median_ms(lambda r=r: r.render(VIEWS), args.repeats)
        rows.append(
            (f"render 4 views 320×240, shadows {'on' if shadows else 'off'}", f"{ms:.0f} ms")
        )

    scene.reset()
    n = 5000
    t0 = time.perf_counter()
    mujoco.mj_step(scene.model, scene.data, nstep=n)
    rows.append(("raw physics, mj_step", f"{n / (time.perf_counter() - t0):,.0f} steps/s"))

    scene.reset()
    loop = ControlLoop(scene)
    n_ctrl = 300
    t0 = time.perf_counter()
    for _ in range(n_ctrl):
        loop.step(scene.initial_ctrl)
    rate = n_ctrl / (time.perf_counter() - t0)
    rows.append((f"control steps ({scene.physics.substeps} substeps each)", f"{rate:,.0f} steps/s"))

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"MUJOCO_GL={os.environ.get('MUJOCO_GL')}, mujoco {mujoco.__version__}"
    )
    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
