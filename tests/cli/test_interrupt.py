"""Ctrl-C stops a command with one line and no traceback from it or its worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from gendexhand.examples import task_plans


def test_ctrl_c_during_execute_with_workers(tmp_path: Path) -> None:
    """Budget: ~10 s (waits for the first episode, then interrupts the process group)."""
    cmd = [sys.executable, "-m", "gendexhand.cli.main", "execute", str(task_plans()["pick_bottle"]),
           "--episodes", "40", "--workers", "2", "--run", str(tmp_path / "run")]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("[1/40]"):
            break
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    err = "".join(lines) + proc.stderr.read()
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("interrupted: files finished so far stay")
