"""Smoke tests of the scripts in ``benchmarks/``: each runs as a subprocess with the smallest
budget that still goes through its code path, and must exit 0 and print its result rows.

They check that the benchmarks still run against the package, not what they measure. Each
test's docstring states its wall time on the project's 2-core VM (its budget); the five
together take about 55 s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300


def run_bench(script: str, *args: str | Path) -> str:
    """Run ``benchmarks/<script>`` from the repository root; its stdout (it must exit 0).
    ``MUJOCO_GL`` is inherited: tests/conftest.py chose it before mujoco was imported."""
    assert os.environ.get("MUJOCO_GL"), "tests/conftest.py sets MUJOCO_GL"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *map(str, args)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, f"{script} exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return proc.stdout


def test_bench_tasks(tmp_path: Path) -> None:
    """One pick_bottle episode in this process. Budget: 6 s."""
    out = run_bench(
        "bench_tasks.py", "--tasks", "pick_bottle", "--episodes", "1", "--workers", "1",
        "--out", tmp_path,
    )  # fmt: skip
    row = (
        r"^\| pick_bottle \| [01]/1 \| reach [01]/1(, \w+ [01]/[01])* \| \d+ / \d+ ms \| "
        r"\d+\.\d\d / \d+\.\d\d s \| (\d+|—) \| \d+\.\d min \|$"
    )
    assert len(re.findall(row, out, re.MULTILINE)) == 2, out  # as it runs, and in the table
    assert "| task | success | per subtask" in out
    summary = json.loads((tmp_path / "pick_bottle" / "summary.json").read_text())
    assert summary["episodes"] == 1


def test_bench_core() -> None:
    """Every figure once (``--repeats 1``). Budget: 7 s."""
    out = run_bench("bench_core.py", "--repeats", "1")
    for figure in (
        r"build, cold .* \| \d+ ms",
        r"build, warm \(median of 1, incl\. settle\) \| \d+ ms",
        r"render 4 views 320×240, shadows off \| \d+ ms",
        r"render 4 views 320×240, shadows on \| \d+ ms",
        r"raw physics, mj_step \| [\d,]+ steps/s",
        r"control steps \(20 substeps each\) \| [\d,]+ steps/s",
    ):
        assert re.search(rf"^\| {figure} \|$", out, re.MULTILINE), (figure, out)


def test_bench_assets() -> None:
    """One asset (the cube, 50 physics steps) and the import at CoACD quality ``fast``, first
    and cached. Budget: 7 s (the first import, a CoACD decomposition, is most of it)."""
    out = run_bench(
        "bench_assets.py", "--repeats", "1", "--steps", "50", "--assets", "cube",
        "--qualities", "fast",
    )  # fmt: skip
    assert re.search(r"^\| cube \| \d+\.\d \| [\d,]+ \| \d+ \|$", out, re.MULTILINE), out
    assert "median over 1 assets" in out
    for label in ("first", "cached"):
        assert re.search(rf"^\| quality fast, {label} \| \d+\.\d\d \| \d+ \|$", out, re.M), out


def test_bench_env() -> None:
    """20 steps of each reward kind from one start state. Budget: 8 s (reaching the start state
    runs the planned reach and approach)."""
    out = run_bench("bench_env.py", "--steps", "20", "--starts", "1")
    for label in ("none", "compiled in-process", "sandboxed worker"):
        assert re.search(rf"^\| {label} \| [\d,]+ \| \d+\.\d\d× \|$", out, re.MULTILINE), out


def test_bench_ablation(tmp_path: Path) -> None:
    """One cell, configuration (a) (its start states need no planning), 64 PPO steps in one
    environment, one in-training evaluation episode and one evaluation episode; results to a
    file in ``tmp_path``, never ``benchmarks/ablation.jsonl``. Budget: 26 s (importing torch
    and stable-baselines3 is a third of it)."""
    results = tmp_path / "ablation.jsonl"
    out = run_bench(
        "bench_ablation.py", "--tasks", "pick_bottle", "--configs", "a", "--seeds", "0",
        "--budget", "64", "--episodes", "1", "--envs", "1", "--start-states", "1",
        "--eval-episodes", "1", "--n-steps", "64", "--out", tmp_path / "runs",
        "--results", results,
    )  # fmt: skip
    assert "cell ('pick_bottle', 'a', 0, 64)" in out
    (line,) = results.read_text().splitlines()
    cell = json.loads(line)
    assert json.loads(out.strip().splitlines()[-1]) == cell
    key = (cell["task"], cell["config"], cell["seed"], cell["budget"])
    assert key == ("pick_bottle", "a", 0, 64)
    assert cell["episodes"] == 1
    assert [t["subtask"] for t in cell["training"]] == ["whole"]
    assert cell["training"][0]["steps"] == 64
    assert cell["settings"] == {"envs": 1, "start_states": 1, "eval_episodes": 1, "n_steps": 64}


def test_bench_plans_reports_its_cells(tmp_path: Path) -> None:
    """The report from finished cells (what a resumed run prints). Budget: 4 s."""
    cells = tmp_path / "cells"
    cells.mkdir()
    solved = {"task": "pick_x", "family": "pick_lift", "planned": True,
              "train": {"grasp": {"steps": 10000, "start_state_steps": 3000, "success": 1.0}},
              "check": {"episodes": 6, "successes": 6, "steps": 1200, "failures": {}},
              "solved": True, "eval": {"episodes": 50, "successes": 40, "steps": 10000,
                                       "failures": {"lift: predicate": 10}}}  # fmt: skip
    none = {"task": "tip_y", "family": "tip_out", "planned": False, "reason": "no plan"}
    (cells / "pick_x.json").write_text(json.dumps(solved))
    (cells / "tip_y.json").write_text(json.dumps(none))
    out = run_bench("bench_plans.py", "--out", tmp_path, "--report")
    assert "| pick_lift | 1 | 1 | 1 | 80% | 10,000 |" in out
    assert "| pick_x | pick_lift | yes | 40/50 | 10,000 | 0.26 M |" in out
    assert "×10 pick_lift: lift: predicate (eval)" in out and "tip_out: no plan" in out
