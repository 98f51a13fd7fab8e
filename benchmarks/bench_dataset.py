"""Episode-dataset benchmark: replay deviation, size, kill -9 during collection, write cost.

Run: ``.venv/bin/python benchmarks/bench_dataset.py [--episodes 100] [--image-episodes 50]
[--workers 2] [--out runs/bench_dataset]``. Collects ``--episodes`` successful episodes of each of
the paper's three tasks (hand-written plans), replays every one in both modes, measures the
dataset's size without images and, from ``--image-episodes`` episodes of pick_bottle rendered at
320×240 in two views, with images; kills a 2-worker collection with SIGKILL and reruns it; and
times writing an episode as HDF5 against the old ``np.savez_compressed``. A rerun with the same
``--out`` reuses what is finished. Prints Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gendexhand.sim.gl import select_gl_backend

select_gl_backend()

import gendexhand.dataset as gd  # noqa: E402
from gendexhand.dataset.replay import rebuild, replay  # noqa: E402
from gendexhand.dataset.writer import write_episode  # noqa: E402
from gendexhand.examples import task_plans  # noqa: E402
from gendexhand.stages.collect import collect  # noqa: E402

TASKS = ("pick_bottle", "apple_into_bowl", "open_cabinet")


def replay_table(out: Path, episodes: int, workers: int) -> list[str]:
    rows = ["| task | episodes | largest deviation, actions mode | states mode | replay s/episode "
            "| MB per 1000 episodes (no images) |", "|---|---|---|---|---|---|"]  # fmt: skip
    for task in TASKS:
        folder = f"{task}/episodes"
        collect(task_plans()[task], out, folder, episodes, workers=workers, seed=0,
                progress_bar=True)  # fmt: skip
        ds = gd.load(out / folder)
        worst = {"actions": 0.0, "states": 0.0}
        t0 = time.perf_counter()
        for ep in ds:
            scene = rebuild(ep)
            for mode in worst:
                r = replay(ep, mode, scene)  # type: ignore[arg-type]
                worst[mode] = max(worst[mode], r.max_state_deviation)
        per = (time.perf_counter() - t0) / len(ds)
        size = sum(f.stat().st_size for f in ds.files) / len(ds) * 1000 / 1e6
        rows.append(f"| {task} | {len(ds)} | {worst['actions']:.3g} | {worst['states']:.3g} | "
                    f"{per:.2f} | {size:.0f} |")  # fmt: skip
    return rows


def image_size(out: Path, n: int, workers: int) -> str:
    folder = "pick_bottle_images/episodes"
    t0 = time.perf_counter()
    collect(task_plans()["pick_bottle"], out, folder, n, workers=workers, seed=0,
            views=["front", "near_hand"], image_size=(320, 240), progress_bar=True)  # fmt: skip
    took = time.perf_counter() - t0
    files = gd.load(out / folder).files
    per = sum(f.stat().st_size for f in files) / len(files)
    return (f"with images (front and near_hand, 320×240, from {len(files)} episodes): "
            f"{per / 1e6:.2f} MB per episode, {per * 1000 / 1e9:.1f} GB per 1000 episodes "
            f"(collection and rendering {took / len(files):.1f} s per episode)")  # fmt: skip


def _log_seeds(log: Path) -> list[int]:
    seeds = []
    for row in log.read_text().splitlines()[1:]:
        with contextlib.suppress(ValueError, KeyError):
            seeds.append(int(json.loads(row)["seed"]))
    return seeds


def kill_test(workers: int) -> str:
    """SIGKILL a collection once it has kept some episodes; rerun; compare."""
    plan = task_plans()["pick_bottle"]
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        env = {**os.environ}
        base = [sys.executable, "-m", "gendexhand.cli.main"]
        subprocess.run([*base, "train", str(run), "--plan", str(plan), "--steps", "1"],
                       check=True, capture_output=True, env=env)  # fmt: skip
        cmd = [*base, "collect", str(run), "--successes", "12", "--workers", str(workers),
               "--seed", "0", "--no-progress"]  # fmt: skip
        folder = run / "tasks" / "pick_bottle" / "episodes"
        log = folder / "attempts.jsonl"
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        while not (log.exists() and len(_log_seeds(log)) >= 5):
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the workers too
        proc.wait()
        before = _log_seeds(log)
        files_before = len(list(folder.glob("episode_*.h5")))
        temps = len(list(folder.glob(".*tmp*")))
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        after = _log_seeds(log)
        twice = len(after) - len(set(after))
        broken = 0
        for f in folder.glob("episode_*.h5"):
            try:
                gd.read_episode(f, images=False)
            except Exception:
                broken += 1
        files_after = len(list(folder.glob("episode_*.h5")))
        return (f"kill -9 after {len(before)} logged attempts ({files_before} episode files, "
                f"{temps} temporary files left by the kill); rerun exit {done.returncode}: "
                f"{files_after} episodes, {len(after)} attempts in the log, seeds simulated "
                f"twice: {twice + len(set(before) - set(after))}, files that fail to open: "
                f"{broken}, temporary files after: {len(list(folder.glob('.*tmp*')))}")  # fmt: skip


def write_cost(out: Path) -> str:
    ep = gd.load(out / "pick_bottle/episodes")[0]
    from gendexhand.dataset.record import EpisodeData

    data = EpisodeData(
        seed=ep.seed, success=True, states=ep.states, actions=ep.actions, subtask=ep.subtask,
        robot_qpos=ep.robot_qpos, robot_qvel=ep.robot_qvel, object_pos=ep.object_pos,
        object_quat=ep.object_quat, articulation=ep.articulation, rewards=ep.rewards,
        initial_ctrl=ep.initial_ctrl, scale=ep.scale, mass=ep.mass, friction=ep.friction,
        actuator_names=ep.actuator_names, robot_joint_names=ep.robot_joint_names,
        object_names=ep.object_names, articulation_names=ep.articulation_names,
        scene_yaml=ep.scene_yaml, model_sha256=ep.model_sha256, control_dt=ep.control_dt,
        timestep=0.002, substeps=20,
    )  # fmt: skip
    h5, npz = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(20):
            t0 = time.perf_counter()
            write_episode(Path(tmp) / f"e{k}.h5", data, task=ep.task, plan_yaml=ep.plan_yaml,
                          metadata=ep.metadata, subtasks=ep.subtasks, weights={})  # fmt: skip
            h5.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            buf = io.BytesIO()  # what the old writer stored: action, qpos, qvel, subtask
            nq = ep.states.shape[1]
            np.savez_compressed(buf, action=ep.actions, qpos=ep.states[1:, 1:nq],
                                qvel=ep.states[1:], subtask=ep.subtask)  # fmt: skip
            (Path(tmp) / f"e{k}.npz").write_bytes(buf.getvalue())
            npz.append(time.perf_counter() - t0)
        h5_size = (Path(tmp) / "e0.h5").stat().st_size
        npz_size = (Path(tmp) / "e0.npz").stat().st_size
    return (f"writing one {ep.n_steps}-step episode: HDF5 {1000 * np.median(h5):.1f} ms "
            f"({h5_size / 1e3:.0f} kB, every field), old npz {1000 * np.median(npz):.1f} ms "
            f"({npz_size / 1e3:.0f} kB, four arrays); median of 20")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--episodes", type=int, default=100)
    p.add_argument("--image-episodes", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path("runs/bench_dataset"))
    p.add_argument("--skip", nargs="*", default=[], choices=["replay", "images", "kill", "write"])
    a = p.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    if "kill" not in a.skip:
        print(kill_test(a.workers), flush=True)
    if "replay" not in a.skip:
        print("\n".join(replay_table(a.out, a.episodes, a.workers)), flush=True)
    if "write" not in a.skip:
        print(write_cost(a.out), flush=True)
    if "images" not in a.skip:
        print(image_size(a.out, a.image_episodes, a.workers), flush=True)


if __name__ == "__main__":
    main()
