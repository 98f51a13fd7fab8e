"""The worker pool: ordered results, and workers that may start processes of their own."""

from __future__ import annotations

from functools import partial

from gendexhand.parallel import ordered_map
from gendexhand.sandbox import preflight
from tests.sandbox.samples import GOOD, snapshot


def test_pool_workers_can_run_sandboxed_reward_code() -> None:
    """Collection runs rl subtasks inside pool workers, and each runs its reward code in a
    sandboxed worker process of its own; a daemonic pool worker could not start it (this broke
    `gendexhand demo` once). Budget: ~4 s."""
    check = partial(preflight, GOOD)
    results = list(ordered_map(check, [[snapshot()], [snapshot(), snapshot()]], workers=2))
    assert results == [[], []]
    assert list(ordered_map(abs, [-3, 2, -1], workers=2)) == [3, 2, 1]
