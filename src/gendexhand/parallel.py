"""One way to map a function over jobs in worker processes, in order, with a serial fallback."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import signal
import sys
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

J = TypeVar("J")
R = TypeVar("R")


def pool_start_method() -> str:
    """``fork`` is fast, but a process that has run torch holds thread pools a forked child can
    deadlock on; then worker pools must ``spawn``."""
    return "spawn" if "torch" in sys.modules else "fork"


def ignore_sigint() -> None:
    """For worker processes: Ctrl-C reaches the whole process group, but only the parent should
    handle it (it stops the workers); otherwise every worker prints its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ordered_map(fn: Callable[[J], R], jobs: Iterable[J], workers: int = 1) -> Generator[R]:
    """``fn`` over ``jobs``, results in job order: in ``workers`` processes when ``workers`` > 1
    (``fn`` and the jobs must pickle), else in this process. Closing the generator early
    (``close()``, or dropping it after a ``break``) stops the workers."""
    if workers <= 1:
        yield from map(fn, jobs)
        return
    ctx = _parent_context(pool_start_method())
    # leaving the block terminates the workers
    with multiprocessing.pool.Pool(workers, initializer=ignore_sigint, context=ctx) as pool:
        yield from pool.imap(fn, jobs)


class _NotDaemonic:
    """Pool workers that may start processes of their own (an episode's rl subtask runs its
    reward code in a sandboxed worker): a pool's workers are otherwise daemonic, and daemonic
    processes may not have children. Terminating the pool still stops them, and their own
    workers exit when their pipe closes. (Module level, so that ``spawn`` can pickle them.)"""

    @property
    def daemon(self) -> bool:
        return False

    @daemon.setter
    def daemon(self, value: bool) -> None:
        pass


class _ForkWorker(_NotDaemonic, multiprocessing.context.ForkProcess):
    pass


class _SpawnWorker(_NotDaemonic, multiprocessing.context.SpawnProcess):
    pass


class _ForkContext(multiprocessing.context.ForkContext):
    Process = _ForkWorker


class _SpawnContext(multiprocessing.context.SpawnContext):
    Process = _SpawnWorker


def _parent_context(method: str) -> Any:
    """The context of :class:`_NotDaemonic` workers for ``method`` (``fork`` or ``spawn``)."""
    return _ForkContext() if method == "fork" else _SpawnContext()
