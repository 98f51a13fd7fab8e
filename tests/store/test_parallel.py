"""The worker pool: ordered results, and workers that may start processes of their own."""

from __future__ import annotations

from functools import partial

import pytest

import gendexhand.parallel as parallel
from gendexhand.sandbox import preflight
from tests.sandbox.samples import GOOD, snapshot


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_workers_can_run_sandboxed_reward_code(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Collection runs rl subtasks inside pool workers, and each runs its reward code in a
    sandboxed worker process of its own; a daemonic pool worker could not start it (this broke
    `gendexhand demo` once), and a worker class spawn cannot pickle broke it again. Budget:
    ~6 s."""
    monkeypatch.setattr(parallel, "pool_start_method", lambda: method)
    check = partial(preflight, GOOD)
    jobs = [[snapshot()], [snapshot(), snapshot()]]
    assert list(parallel.ordered_map(check, jobs, workers=2)) == [[], []]
    assert list(parallel.ordered_map(abs, [-3, 2, -1], workers=2)) == [3, 2, 1]
