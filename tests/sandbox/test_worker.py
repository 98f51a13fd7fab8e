"""The limited worker process and preflight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gendexhand.errors import ConfigError, GenDexHandError
from gendexhand.sandbox import (
    RewardRejected,
    RewardWorker,
    RewardWorkerError,
    check_reward_code,
    preflight,
)
from tests.sandbox.samples import GOOD, body, expected_good, snapshot

RUNTIME = """\
def reward(state):
    case = state.goal.case
    if case == 1:  # a long loop: 10^8 iterations over containers the checker cannot bound
        xs = list(range(10000))
        total = 0
        for a in xs:
            for b in xs:
                total += a * b
    if case == 2:  # a memory bomb the checker cannot see (8 GB of list)
        xs = [0.0]
        xs = xs * 1000000000
    if case == 3:  # a memory bomb through np: refused by the size check
        n = 1000000000
        np.zeros(n)
    if case == 4:  # deep recursion
        def down(k):
            return down(k + 1)
        down(0)
    if case == 5:
        return {"x": float("nan")}
    if case == 6:
        return [1.0]
    if case == 7:
        return {"x": 1 / 0}
    if case == 8:  # exponential time
        def grow(k):
            return 1 if k == 0 else grow(k - 1) + grow(k - 1)
        grow(40)
    if case == 9:  # writing a file through an alias of np
        m = np
        m.save(state.goal.path, 1)
    return {"ok": 1.0}
"""


@pytest.fixture(scope="module")
def worker() -> Iterator[RewardWorker]:
    with RewardWorker(RUNTIME) as w:  # defaults: 0.05 s, 1 GiB
        yield w


def test_worker_computes_like_in_process() -> None:
    snaps = [snapshot(), {**snapshot(), "contacts": {"bottle": {"index": 0.2}}}]
    with RewardWorker(GOOD) as w:
        for snap in snaps:
            assert w.call(snap) == pytest.approx(expected_good(snap))
        assert w.running and w.starts == 1
    assert not w.running
    with pytest.raises(RewardWorkerError, match="closed"):
        w.call(snapshot())


def test_worker_refuses_bad_code_before_starting() -> None:
    with pytest.raises(RewardRejected, match="'open'"):
        RewardWorker(body("open('x')"))
    with pytest.raises(ConfigError):
        RewardWorker(GOOD, time_budget=0)
    with pytest.raises(ConfigError):
        RewardWorker(GOOD, memory_limit=1000)


@pytest.mark.parametrize(
    ("case", "fragment", "kills"),
    [
        (1, "time budget 0.05 s exceeded", True),
        (2, "memory limit 1 GiB exceeded", True),
        (3, "np.zeros: 1000000000 elements; reward code may use arrays of at most 10000", True),
        (4, "RecursionError: maximum recursion depth exceeded", True),
        (5, "term 'x' is not finite: nan", False),
        (6, "must return a dict of term name -> number, not list", False),
        (7, "ZeroDivisionError: division by zero (reward code line 24)", True),
        (8, "time budget 0.05 s exceeded", True),
    ],
)
def test_worker_contains_misbehaviour(
    worker: RewardWorker, case: int, fragment: str, kills: bool
) -> None:
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}
    starts, pid = worker.starts, worker.pid
    with pytest.raises(RewardRejected) as info:
        worker.call(snapshot(case=case))
    assert fragment in str(info.value)
    assert (worker.pid is None) == kills  # killed, or kept
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}  # still usable afterwards
    assert worker.starts == starts + kills
    assert (worker.pid == pid) != kills


def test_worker_blocks_file_writes(worker: RewardWorker, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    with pytest.raises(RewardRejected, match=r"np\.save is not available"):
        worker.call(snapshot(case=9, path=str(target)))
    assert list(tmp_path.iterdir()) == []
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}


def test_worker_reports_bad_snapshots_as_caller_errors(worker: RewardWorker) -> None:
    with pytest.raises(ValueError, match="could not read the snapshot"):
        worker.call({"goal": {"case": 0}, "palm": {"pos": ["a"]}})
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}


def test_runtime_corpus_passes_the_checker() -> None:
    check_reward_code(RUNTIME)  # the worker tests above exercise the run-time layers


# ---------------------------------------------------------------------------------- preflight
def test_preflight() -> None:
    snaps = [snapshot(), snapshot(), {**snapshot(), "contacts": {}}]
    assert preflight(GOOD, snaps) == []
    flaky = (
        "def reward(state):\n    f = state.contacts.bottle.thumb\n    return {'grip': 1.0 / f}\n"
    )
    reasons = preflight(flaky, snaps)
    assert reasons == ["ZeroDivisionError: float division by zero (reward code line 3)"]
    rejected = preflight(body("import os"), snaps)
    assert len(rejected) == 1 and "import" in rejected[0]


def test_errors_are_gendexhand_errors() -> None:
    assert issubclass(RewardRejected, GenDexHandError)
    assert issubclass(RewardWorkerError, GenDexHandError)
