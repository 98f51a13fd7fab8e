"""Collection: run a plan's chain on new seeds until N episodes succeed; keep each as a file of
the episode dataset (:mod:`gendexhand.dataset`).

Crash-safe and resumable. Each successful episode is written atomically (a temporary name in the
same folder, fsync, rename), then the attempt is appended to ``attempts.jsonl`` (flushed and
fsynced line by line). A rerun of the same collection (same plan, scene, hand, policies and first
seed) reads that log, keeps its counts, adopts an episode file whose log line was lost to a kill,
removes temporary files a kill left behind, and runs only the seeds not yet done — no finished
episode is simulated twice. A changed collection starts over in the same folder. When N episodes
have succeeded (or the attempt limit is reached) the folder is finalised: ``index.json``,
``card.md`` and ``collect.json`` (the counts: attempts, successes, control steps, per success,
failures by subtask and category); camera images are rendered afterwards on request.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gendexhand.config.scene import NAMED_VIEWS
from gendexhand.dataset import format as fm
from gendexhand.dataset.card import card_text, index_document
from gendexhand.dataset.reader import read_episode
from gendexhand.dataset.record import EpisodeData, EpisodeRecorder
from gendexhand.dataset.writer import add_images, task_metadata, write_episode
from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.parallel import ordered_map
from gendexhand.plan.chain import run_episode
from gendexhand.plan.load import load_plan, plan_inputs
from gendexhand.plan.schema import RLSubtask
from gendexhand.store.paths import COLLECT_LOG
from gendexhand.store.rundir import RunDir, Stage


@dataclass(frozen=True)
class Collected:
    attempts: int
    successes: int
    control_steps: int
    folder: Path
    skipped: bool = False
    resumed: int = 0
    """Attempts taken over from an interrupted run of the same collection."""
    failures: dict[str, dict[str, int]] | None = None
    """Failed attempts by subtask and failure category."""

    @property
    def success_rate(self) -> float:
        return self.successes / max(1, self.attempts)

    @property
    def steps_per_success(self) -> float | None:
        return self.control_steps / self.successes if self.successes else None


@dataclass(frozen=True)
class _Outcome:
    seed: int
    success: bool
    steps: int
    failed: str
    """The subtask that failed, or ""."""
    category: str
    data: EpisodeData | None
    """The recorded episode when it succeeded."""


def _one(args: tuple[Path, int, Path | None]) -> _Outcome:
    """Run episode ``seed`` and record it."""
    plan_path, seed, skills = args
    plan, base = load_plan(plan_path)
    recorder = EpisodeRecorder()
    result = run_episode(plan, base, seed, skills=skills, recorder=recorder)
    failed = result.failed
    category = "" if failed is None or failed.failure is None else failed.failure.category.value
    data = recorder.data(seed, True) if result.success else None
    return _Outcome(seed, result.success, result.steps, "" if failed is None else failed.name,
                    category, data)  # fmt: skip


class _Log:
    """``attempts.jsonl``: a header with the collection's key, then one line per attempt."""

    def __init__(self, stage: Stage, rel: str, key: dict[str, Any]) -> None:
        self.path = stage.output(rel)
        self.key = key
        self.lines: dict[int, dict[str, Any]] = {}
        self.fresh = self._read() != key
        """True when no log of this collection existed (a new header was written)."""
        if self.fresh:
            self.lines = {}
        # rewritten whole (atomically): a line a kill cut short goes
        rows = [{"key": key}, *(self.lines[s] for s in sorted(self.lines))]
        text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
        stage.run.write_text(rel, text)

    def _read(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        rows = text.splitlines()
        try:
            head = json.loads(rows[0])["key"] if rows else None
        except (ValueError, KeyError, TypeError):
            return None
        for row in rows[1:]:
            try:
                line = json.loads(row)
                self.lines[int(line["seed"])] = line
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill: that attempt runs again
        return head if isinstance(head, dict) else None

    def add(self, line: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.lines[int(line["seed"])] = line


def collect(
    plan_path: Path,
    run_dir: Path,
    out: str,
    successes: int,
    *,
    skills: Path | None = None,
    seed: int = 0,
    workers: int = 1,
    max_attempts: int | None = None,
    progress: Callable[[str], None] | None = None,
    progress_bar: bool = False,
    views: list[str] | None = None,
    image_size: tuple[int, int] = (320, 240),
) -> Collected:
    """Run episodes ``seed``, ``seed+1``… until ``successes`` have succeeded (or
    ``max_attempts``, default 3× as many, have run); keep them in ``out`` inside the run (see
    the module docstring). ``views``: also render these camera views of every episode."""
    if successes < 1:
        raise ConfigError(f"successes must be at least 1, got {successes}")
    plan, base = load_plan(plan_path)
    valid = (*NAMED_VIEWS, *(c.name for c in base.cameras))
    for view in views or []:
        if view not in valid:
            raise ConfigError("--views: " + unknown_name_message("view", view, valid))
    run = RunDir(run_dir)
    limit = max_attempts or 3 * successes
    files = dict(plan_inputs(plan_path, plan, base))
    inputs: dict[str, Path | str] = dict(files)
    if skills is not None and skills.is_dir():
        inputs["skills"] = skills
    settings = {"successes": successes, "seed": seed, "max_attempts": limit,
                "views": sorted(views or []), "image_size": list(image_size)}  # fmt: skip
    with run.stage(f"{out}/collect", inputs, settings) as stage:
        if stage.skip:
            s = json.loads(run.path(f"{out}/{fm.COLLECT_SUMMARY}").read_text())
            return Collected(s["attempts"], s["successes"], s["control_steps"], run.path(out),
                             skipped=True, failures=s["failed_subtasks"])  # fmt: skip
        say = progress or (lambda m: None)
        key = {"inputs": stage.input_hashes, "first_seed": seed}
        folder = run.path(out)
        _remove_temp_files(folder)
        log = _Log(stage, f"{out}/{COLLECT_LOG}", key)
        if log.fresh:
            _clear_episodes(folder)
        _adopt_orphans(log, folder, out, stage)
        resumed = len(log.lines)
        if resumed:
            say(f"continuing an interrupted collection: {resumed} attempts already done")
        meta = task_metadata(plan.task, base, files)
        plan_yaml = plan_path.read_text(encoding="utf-8")
        weights = {s.name: dict(s.rl.weights) for s in plan.subtasks if isinstance(s, RLSubtask)}
        names = [s.name for s in plan.subtasks]

        def keep(o: _Outcome) -> None:
            assert o.data is not None
            rel = f"{out}/{fm.EPISODE_FILE.format(seed=o.seed)}"
            with stage.writing(rel) as tmp:
                write_episode(tmp, o.data, task=plan.task, plan_yaml=plan_yaml, metadata=meta,
                              subtasks=names, weights=weights)  # fmt: skip

        _run(log, keep, (plan_path, skills), range(seed, seed + limit), successes, workers,
             say, progress_bar)  # fmt: skip
        counts = _counts(log)
        episodes = [
            {"file": line["file"], "seed": s, "steps": line["steps"]}
            for s, line in sorted(log.lines.items()) if line["success"]
        ][:successes]  # fmt: skip
        for e in episodes:
            stage.output(f"{out}/{e['file']}")
        if views:
            _render_images(run, stage, out, episodes, views, image_size, progress_bar)
        index = index_document(plan.task, episodes, meta, counts)
        stage.write_json(f"{out}/{fm.DATASET_INDEX}", index)
        stage.write_text(f"{out}/{fm.DATASET_CARD}", card_text(index))
        stage.write_json(f"{out}/{fm.COLLECT_SUMMARY}", counts)
    return Collected(counts["attempts"], counts["successes"], counts["control_steps"],
                     run.path(out), resumed=resumed,
                     failures=counts["failed_subtasks"])  # fmt: skip


def _run(
    log: _Log,
    keep: Callable[[_Outcome], None],
    job: tuple[Path, Path | None],
    seeds: range,
    successes: int,
    workers: int,
    say: Callable[[str], None],
    progress_bar: bool,
) -> None:
    """Run the seeds not in ``log`` until ``successes`` are in it; log each attempt."""
    from tqdm import tqdm

    wins = sum(1 for line in log.lines.values() if line["success"])
    todo = [s for s in seeds if s not in log.lines]
    bar = tqdm(total=successes, initial=min(wins, successes), unit="ok", disable=not progress_bar,
               desc="successes", dynamic_ncols=True)  # fmt: skip
    if wins >= successes or not todo:
        bar.close()
        return
    outcomes = ordered_map(_one, ((job[0], s, job[1]) for s in todo), workers)
    try:
        for o in outcomes:
            name = fm.EPISODE_FILE.format(seed=o.seed)
            if o.success:
                keep(o)  # the file first: a kill between the two leaves an orphan to adopt
            log.add({"seed": o.seed, "success": o.success, "steps": o.steps, "failed": o.failed,
                     "category": o.category, "file": name if o.success else None})  # fmt: skip
            wins += int(o.success)
            attempts = len(log.lines)
            bar.set_postfix(attempts=attempts, rate=f"{wins / attempts:.0%}", refresh=False)
            bar.update(int(o.success))
            kept = "kept" if o.success else f"failed at {o.failed} ({o.category})"
            say(f"[{wins}/{successes}] seed {o.seed}: {kept}")
            if wins >= successes:
                break
    finally:
        outcomes.close()
        bar.close()


def _counts(log: _Log) -> dict[str, Any]:
    lines = list(log.lines.values())
    wins = sum(1 for line in lines if line["success"])
    steps = sum(int(line["steps"]) for line in lines)
    failures: dict[str, dict[str, int]] = {}
    for line in lines:
        if not line["success"]:
            per = failures.setdefault(line["failed"] or "?", {})
            cat = line.get("category") or "?"
            per[cat] = per.get(cat, 0) + 1
    return {
        "attempts": len(lines),
        "successes": wins,
        "success_rate": wins / max(1, len(lines)),
        "control_steps": steps,
        "control_steps_per_success": steps / wins if wins else None,
        "failed_subtasks": {k: dict(sorted(v.items())) for k, v in sorted(failures.items())},
    }


def _remove_temp_files(folder: Path) -> None:
    """Temporary files a killed writer left behind (``.<name>.tmp-<pid>…``)."""
    if folder.is_dir():
        for p in folder.glob(".*.tmp-*"):
            p.unlink(missing_ok=True)


def _clear_episodes(folder: Path) -> None:
    """A new collection in this folder: the files of an earlier, different one go."""
    if folder.is_dir():
        for p in folder.glob(fm.EPISODE_GLOB):
            p.unlink()


def _adopt_orphans(log: _Log, folder: Path, out: str, stage: Stage) -> None:
    """Episode files written just before a kill, whose log line was never appended."""
    known = {line.get("file") for line in log.lines.values()}
    for p in sorted(folder.glob(fm.EPISODE_GLOB)):
        if p.name in known:
            continue
        try:
            ep = read_episode(p, images=False)
        except ConfigError:
            p.unlink()  # cannot happen with atomic writes; never keep a broken file
            continue
        log.add({"seed": ep.seed, "success": True, "steps": ep.n_steps, "failed": "",
                 "category": "", "file": p.name})  # fmt: skip


def _render_images(
    run: RunDir,
    stage: Stage,
    out: str,
    episodes: list[dict[str, Any]],
    views: list[str],
    size: tuple[int, int],
    progress_bar: bool,
) -> None:
    """Render ``views`` of every recorded state into each episode file (atomically)."""
    import numpy as np
    from tqdm import tqdm

    from gendexhand.dataset.replay import recorded_frames

    for e in tqdm(episodes, desc="images", unit="episode", disable=not progress_bar):
        rel = f"{out}/{e['file']}"
        ep = read_episode(run.path(rel), images=True)
        if all(v in ep.images and ep.images[v].shape[1:3] == (size[1], size[0]) for v in views):
            continue
        frames = list(recorded_frames(ep, views, size[0], size[1]))
        stacked = {v: np.stack([f[v] for f in frames]) for v in views}
        with stage.writing(rel) as tmp:
            shutil.copyfile(run.path(rel), tmp)
            add_images(tmp, stacked)
