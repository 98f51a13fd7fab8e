"""Many episodes of a plan: randomised initial conditions, optional videos, results in a run dir.

``<run>/episodes.jsonl`` has one line per episode (seed, initial object positions, each
subtask's outcome, reason, control steps and planning time); ``<run>/summary.json`` has the
success rate, per-subtask counts, failure reasons and planning-time statistics; videos are
``<video dir>/episode_<seed>.gif``. The run directory's manifest records the plan and scene
hashes and the settings, so an unchanged rerun is skipped (``force`` reruns it).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gendexhand.config.scene import SceneConfig
from gendexhand.plan.chain import (
    EpisodeResult,
    Summary,
    load_plan,
    pool_start_method,
    run_episode,
)
from gendexhand.plan.schema import PlanConfig
from gendexhand.runs.rundir import RunDir

VIDEO_SIZE = (320, 240)
VIDEO_EVERY = 2
"""Record every second control step (12.5 frames per second of simulated time)."""


@dataclass(frozen=True)
class BatchResult:
    summary: dict[str, object]
    run: Path
    skipped: bool
    videos: list[Path]


def _episode_with_video(
    plan: PlanConfig, base: SceneConfig, seed: int, video: Path, skills: Path | None
) -> EpisodeResult:
    from PIL import Image

    from gendexhand.sim.render import SceneRenderer
    from gendexhand.sim.scene import Scene

    frames: list[Image.Image] = []
    state: dict[str, object] = {"renderer": None, "k": 0}

    def on_step(scene: Scene) -> None:
        if state["renderer"] is None:
            state["renderer"] = SceneRenderer(scene, *VIDEO_SIZE)
        k = int(state["k"]) + 1  # type: ignore[call-overload]
        state["k"] = k
        if k % VIDEO_EVERY == 0:
            renderer: SceneRenderer = state["renderer"]  # type: ignore[assignment]
            frames.append(Image.fromarray(renderer.render([plan.view])[0].rgb))

    result = run_episode(plan, base, seed, on_step=on_step, skills=skills)
    if state["renderer"] is not None:
        state["renderer"].close()  # type: ignore[attr-defined]
    if frames:
        video.parent.mkdir(parents=True, exist_ok=True)
        tmp = video.with_suffix(".tmp.gif")
        ms = int(1000 * VIDEO_EVERY * 0.04)
        frames[0].save(tmp, save_all=True, append_images=frames[1:], duration=ms, loop=0)
        tmp.replace(video)
    return result


def _worker(args: tuple[Path, int, Path | None]) -> dict[str, object]:
    plan_path, seed, skills = args
    plan, base = load_plan(plan_path)
    return run_episode(plan, base, seed, skills=skills).as_dict()


def _line(k: int, n: int, ep: dict[str, object]) -> str:
    subs = ep["subtasks"]
    assert isinstance(subs, list)
    if ep["success"]:
        return f"[{k}/{n}] seed {ep['seed']}: success ({ep['steps']} control steps)"
    last = subs[-1] if subs else {"name": "-", "reason": "no subtask ran"}
    return f"[{k}/{n}] seed {ep['seed']}: failed at {last['name']}: {last['reason']}"


def run_plan(
    plan_path: Path,
    episodes: int,
    *,
    seed: int = 0,
    run_dir: Path | None = None,
    video_dir: Path | None = None,
    video_episodes: int = 3,
    workers: int = 1,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    skills: Path | None = None,
) -> BatchResult:
    """Run ``episodes`` episodes of the plan at ``plan_path`` (seeds ``seed`` … ``seed+N-1``)."""
    plan, base = load_plan(plan_path)
    scene_path = plan.scene if plan.scene.is_absolute() else plan_path.parent / plan.scene
    run = RunDir(run_dir or Path("runs") / "execute" / plan.task)
    settings = {
        "episodes": episodes,
        "seed": seed,
        "video_episodes": video_episodes if video_dir else 0,
    }
    inputs: dict[str, Path | str] = {"plan": plan_path, "scene": scene_path}
    if skills is not None and skills.is_dir():
        inputs["skills"] = skills  # retrained policies make a new run
    say = progress or (lambda m: print(m, file=sys.stderr))
    seeds = list(range(seed, seed + episodes))
    with run.stage("execute", inputs, settings) as stage:
        if stage.skip and not force:
            summary = json.loads(run.path("summary.json").read_text())
            return BatchResult(summary, run.root, True, [])
        summary = Summary(plan.task, [s.name for s in plan.subtasks])
        results: list[dict[str, object]] = []
        videos: list[Path] = []
        recorded = seeds[: video_episodes if video_dir else 0]
        for s in recorded:
            assert video_dir is not None
            path = video_dir / f"episode_{s}.gif"
            ep = _episode_with_video(plan, base, s, path, skills).as_dict()
            videos.append(path)
            results.append(ep)
            say(_line(len(results), episodes, ep) + f"  [video {path}]")
        rest = seeds[len(recorded) :]
        if workers > 1 and len(rest) > 1:
            ctx = multiprocessing.get_context(pool_start_method())
            with ctx.Pool(workers) as pool:
                for ep in pool.imap(_worker, [(plan_path, s, skills) for s in rest]):
                    results.append(ep)
                    say(_line(len(results), episodes, ep))
        else:
            for s in rest:
                ep = run_episode(plan, base, s, skills=skills).as_dict()
                results.append(ep)
                say(_line(len(results), episodes, ep))
        for ep in results:
            summary.add(EpisodeResult.from_dict(ep))
        stage.write_text("episodes.jsonl", "".join(json.dumps(ep) + "\n" for ep in results))
        out = summary.as_dict()
        out["control_steps_per_success"] = (
            float(np.sum(summary.steps)) / summary.successes if summary.successes else None
        )
        stage.write_json("summary.json", out)
    return BatchResult(out, run.root, False, videos)
