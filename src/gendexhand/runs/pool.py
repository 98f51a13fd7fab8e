"""One way to map a function over jobs in worker processes, in order, with a serial fallback."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

J = TypeVar("J")
R = TypeVar("R")


def pool_start_method() -> str:
    """``fork`` is fast, but a process that has run torch holds thread pools a forked child can
    deadlock on; then worker pools must ``spawn``."""
    return "spawn" if "torch" in sys.modules else "fork"


def ordered_map(fn: Callable[[J], R], jobs: Iterable[J], workers: int = 1) -> Generator[R]:
    """``fn`` over ``jobs``, results in job order: in ``workers`` processes when ``workers`` > 1
    (``fn`` and the jobs must pickle), else in this process. Closing the generator early
    (``close()``, or dropping it after a ``break``) stops the workers."""
    if workers <= 1:
        yield from map(fn, jobs)
        return
    ctx = multiprocessing.get_context(pool_start_method())
    with ctx.Pool(workers) as pool:  # leaving the block terminates the workers
        yield from pool.imap(fn, jobs)
