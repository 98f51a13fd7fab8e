"""One way to map a function over jobs in worker processes, in order, with a serial fallback."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

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
    ctx = multiprocessing.get_context(pool_start_method())
    # leaving the block terminates the workers
    with ctx.Pool(workers, initializer=ignore_sigint) as pool:
        yield from pool.imap(fn, jobs)
