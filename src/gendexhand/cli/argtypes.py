"""Argument types that check their range where the argument is parsed (argparse then prints
one ``error:`` line naming the option and exits with status 2)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

MAX_WORKERS = 64
"""Most worker processes or environments a command starts."""
MAX_SEED = 2**32 - 1
"""Seeds are drawn by numpy's generators, which take 0 … 2³² − 1 here."""


def integer(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An int in ``[lo, hi]``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
        if value < lo or (hi is not None and value > hi):
            span = f"{lo} … {hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(f"{value} is out of range ({span})")
        return value

    parse.__name__ = "integer"
    parse.range_text = f"[{lo}, {hi if hi is not None else 'inf'}]"  # type: ignore[attr-defined]
    return parse


def number(lo: float, hi: float, *, open_low: bool = False) -> Callable[[str], float]:
    """A finite float in ``[lo, hi]`` (``(lo, hi]`` with ``open_low``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
        low_ok = value > lo if open_low else value >= lo
        if not math.isfinite(value) or not low_ok or value > hi:
            span = f"{'(' if open_low else '['}{lo:g}, {hi:g}]"
            raise argparse.ArgumentTypeError(f"{value:g} is out of range {span}")
        return value

    parse.__name__ = "number"
    parse.range_text = f"{'(' if open_low else '['}{lo:g}, {hi:g}]"  # type: ignore[attr-defined]
    return parse


SEED = integer(0, MAX_SEED)
WORKERS = integer(1, MAX_WORKERS)
EPISODES = integer(1, 1_000_000)
PIXELS = integer(16, 4096)


def add_task_option(p: argparse.ArgumentParser) -> None:
    """``--task``, shared by ``train``, ``eval`` and ``collect``."""
    p.add_argument(
        "--task",
        action="append",
        default=None,
        help="only this task of the run (repeatable; default: all)",
    )
