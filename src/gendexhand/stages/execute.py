"""Many episodes of a plan: randomised initial conditions, optional videos, results in a run dir.

``<out>/episodes.jsonl`` has one line per episode (seed, initial object positions, each
subtask's outcome, failure category and reason, control steps and planning time);
``<out>/summary.json`` has the success rate, per-subtask counts, failure categories and
planning-time statistics; videos are ``<out>/video/episode_<seed>.gif``. The run directory's
manifest records the plan, scene and hand hashes, the trained policies, the code's fingerprint
and the settings, so a rerun with all of them unchanged is skipped (``force`` reruns it); after
an edit of the package's code the episodes are run again.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gendexhand.parallel import ordered_map
from gendexhand.plan.chain import run_episode
from gendexhand.plan.load import load_plan, plan_inputs
from gendexhand.plan.results import EpisodeResult, Summary
from gendexhand.plan.schema import PlanConfig
from gendexhand.sim.scene import Scene
from gendexhand.store.code import code_fingerprint
from gendexhand.store.paths import EPISODE_LOG, SUMMARY_FILE, VIDEO_DIR, VIDEO_FILE, TaskPaths
from gendexhand.store.rundir import RunDir, Stage

if TYPE_CHECKING:
    from gendexhand.sim.render import SceneRenderer

VIDEO_SIZE = (320, 240)
VIDEO_EVERY = 2
"""Record every second control step (12.5 frames per second of simulated time)."""


@dataclass(frozen=True)
class BatchResult:
    summary: Summary
    run: Path
    skipped: bool
    videos: list[Path]


class _Filmer:
    """Renders every ``VIDEO_EVERY``-th control step of an episode (the renderer is made on the
    first step, when the episode's scene exists)."""

    def __init__(self, view: str) -> None:
        from PIL import Image

        self.view = view
        self.frames: list[Image.Image] = []
        self.renderer: SceneRenderer | None = None
        self.k = 0

    def __call__(self, scene: Scene) -> None:
        from PIL import Image

        from gendexhand.sim.render import SceneRenderer

        if self.renderer is None:
            self.renderer = SceneRenderer(scene, *VIDEO_SIZE)
        self.k += 1
        if self.k % VIDEO_EVERY == 0:
            self.frames.append(Image.fromarray(self.renderer.render([self.view])[0].rgb))

    def save(self, stage: Stage, rel: str) -> None:
        if self.renderer is not None:
            self.renderer.close()
        if not self.frames:
            return
        ms = int(1000 * VIDEO_EVERY * 0.04)
        with stage.writing(rel) as tmp:
            self.frames[0].save(tmp, format="GIF", save_all=True, append_images=self.frames[1:],
                                duration=ms, loop=0)  # fmt: skip


def _worker(args: tuple[Path, int, Path | None]) -> EpisodeResult:
    plan_path, seed, skills = args
    plan, base = load_plan(plan_path)
    return run_episode(plan, base, seed, skills=skills)


def _summary_of(plan: PlanConfig, lines: str) -> Summary:
    episodes = [EpisodeResult.from_dict(json.loads(x)) for x in lines.splitlines() if x]
    return Summary.of(plan.task, [s.name for s in plan.subtasks], episodes)


def run_plan(
    plan_path: Path,
    episodes: int,
    *,
    seed: int = 0,
    run_dir: Path | None = None,
    out: str | None = None,
    video_episodes: int = 0,
    workers: int = 1,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    skills: Path | None = None,
) -> BatchResult:
    """Run ``episodes`` episodes of the plan at ``plan_path`` (seeds ``seed`` … ``seed+N-1``);
    results go to ``out`` (a path relative to the run directory ``run_dir``; default: the task's
    ``eval`` folder), the first ``video_episodes`` are filmed."""
    plan, base = load_plan(plan_path)
    out = TaskPaths(plan.task).eval if out is None else out
    run = RunDir(run_dir or Path("runs") / "execute" / plan.task)
    settings = {"episodes": episodes, "seed": seed, "video_episodes": video_episodes}
    inputs: dict[str, Path | str] = dict(plan_inputs(plan_path, plan, base))
    if skills is not None and skills.is_dir():
        inputs["skills"] = skills  # retrained policies make a new run
    inputs["code"] = code_fingerprint()  # so does changed code (episodes are cheap to remake)
    say = progress or (lambda m: print(m, file=sys.stderr))
    seeds = list(range(seed, seed + episodes))
    log, summary_rel = f"{out}/{EPISODE_LOG}", f"{out}/{SUMMARY_FILE}"
    with run.stage(f"{out}/execute", inputs, settings) as stage:
        if stage.skip and not force:
            summary = _summary_of(plan, run.path(log).read_text())
            return BatchResult(summary, _abs(run, out), True, [])
        results: list[EpisodeResult] = []
        videos: list[Path] = []
        for s in seeds[:video_episodes]:
            film = _Filmer(plan.view)
            ep = run_episode(plan, base, s, on_step=film, skills=skills)
            rel = f"{out}/{VIDEO_DIR}/{VIDEO_FILE.format(seed=s)}"
            film.save(stage, rel)
            videos.append(run.path(rel))
            results.append(ep)
            say(ep.line(len(results), episodes) + f"  [video {run.path(rel)}]")
        rest = seeds[video_episodes:]
        jobs = [(plan_path, s, skills) for s in rest]
        for ep in ordered_map(_worker, jobs, workers if len(rest) > 1 else 1):
            results.append(ep)
            say(ep.line(len(results), episodes))
        stage.write_text(log, "".join(json.dumps(ep.as_dict()) + "\n" for ep in results))
        summary = Summary.of(plan.task, [s.name for s in plan.subtasks], results)
        stage.write_json(summary_rel, summary.as_dict())
    return BatchResult(summary, _abs(run, out), False, videos)


def _abs(run: RunDir, rel: str) -> Path:
    return run.root if rel in ("", ".") else run.path(rel)
