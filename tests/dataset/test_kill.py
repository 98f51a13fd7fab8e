"""kill -9 during a 2-worker collection, for real: the rerun continues where it stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import gendexhand.dataset as gd
from gendexhand.examples import task_plans


def _seeds(log: Path) -> list[int]:
    out = []
    for row in log.read_text().splitlines()[1:]:
        try:
            out.append(int(json.loads(row)["seed"]))
        except (ValueError, KeyError):
            continue  # the line the kill cut short
    return out


def test_sigkill_then_rerun_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    """Budget: ~20 s (two short collections of pick_bottle in subprocesses)."""
    run = tmp_path / "run"
    cli = [sys.executable, "-m", "gendexhand.cli.main"]
    plan = str(task_plans()["pick_bottle"])
    subprocess.run([*cli, "train", str(run), "--plan", plan, "--steps", "1"], check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    cmd = [*cli, "collect", str(run), "--successes", "4", "--workers", "2", "--seed", "0",
           "--no-progress"]  # fmt: skip
    folder = run / "tasks" / "pick_bottle" / "episodes"
    log = folder / "attempts.jsonl"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while not (log.exists() and len(_seeds(log)) >= 2) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers
    proc.wait()
    before = _seeds(log)
    assert 2 <= len(before) < 4, before
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "continuing an interrupted collection" in done.stdout
    after = _seeds(log)
    assert len(after) == len(set(after)), "a seed was simulated twice"
    assert set(before) <= set(after)
    ds = gd.load(folder)
    assert len(ds) == 4 and all(ep.success for ep in ds)  # every file opens
    assert not list(folder.glob(".*tmp*"))
    counts = json.loads((folder / "collect.json").read_text())
    assert counts["attempts"] == len(after) and counts["successes"] == 4
