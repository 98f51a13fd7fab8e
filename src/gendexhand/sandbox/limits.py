"""The sandbox's limits: source size, array sizes, loop bounds, terms, time and memory."""

from __future__ import annotations

from typing import Final

MAX_SOURCE_CHARS: Final = 20_000
"""The longest reward source accepted, in characters."""
MAX_ELEMENTS: Final = 10_000
"""The most elements an array given to or made by a ``np`` wrapper function may hold."""
MAX_ITERATIONS: Final = 10_000
"""The most elements of a literal ``range``, and of the product of nested literal ranges."""
MAX_TERMS: Final = 64
"""The most terms one reward may return."""
MAX_EXPONENT: Final = 8
"""The largest ``|e|`` of a literal exponent in ``x ** e``."""
DEFAULT_TIME_BUDGET: Final = 0.05
"""Seconds of CPU time one :meth:`RewardWorker.call` may use."""
DEFAULT_MEMORY_LIMIT: Final = 1 << 30
"""Bytes of address space a worker may add to its size after start-up (1 GiB)."""

_FILENAME: Final = "<reward>"
