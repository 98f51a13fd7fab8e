"""Compiled reward code: :func:`compile_reward`, :class:`RewardFn` (with the validation of its
terms) and :func:`combine`."""

from __future__ import annotations

import builtins
import math
import reprlib
import types
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from gendexhand.errors import ConfigError
from gendexhand.sandbox.checker import _parse_checked
from gendexhand.sandbox.errors import RewardRejected, UnweightedTermWarning, _TooLargeError
from gendexhand.sandbox.limits import _FILENAME, MAX_TERMS
from gendexhand.sandbox.names import SAFE_BUILTINS
from gendexhand.sandbox.namespaces import SAFE_MATH, SAFE_NP
from gendexhand.sandbox.view import StateView

_MAX_MESSAGE: Final = 500


def _describe(exc: BaseException) -> str:
    """``"ZeroDivisionError: division by zero (reward code line 4)"``."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    head = text if isinstance(exc, _TooLargeError) else f"{type(exc).__name__}: {text}".rstrip(": ")
    if len(head) > _MAX_MESSAGE:
        head = head[: _MAX_MESSAGE - 3] + "..."
    return f"{head} (reward code line {line})" if line is not None else head


def _as_number(value: object) -> float | None:
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        return float(value)
    return None


def _validate_terms(value: object) -> dict[str, float]:
    """A reward result as ``{name: float}``, or :class:`RewardRejected` saying what is wrong."""
    if type(value) is not dict:
        raise RewardRejected(
            f"reward() must return a dict of term name -> number, not {type(value).__name__}"
        )
    if not value:
        raise RewardRejected("reward() returned an empty dict; it must return at least one term")
    if len(value) > MAX_TERMS:
        raise RewardRejected(f"reward() returned {len(value)} terms; at most {MAX_TERMS}")
    out: dict[str, float] = {}
    for key, item in value.items():
        if type(key) is not str or not key.isidentifier() or len(key) > 100:
            raise RewardRejected(
                f"term names must be identifiers (letters, digits, '_') of at most 100 "
                f"characters, not {reprlib.repr(key)}"
            )
        number = _as_number(item)
        if number is None:
            raise RewardRejected(f"term {key!r} is a {type(item).__name__}, not a real number")
        if not math.isfinite(number):
            raise RewardRejected(f"term {key!r} is not finite: {number}")
        out[key] = number
    return out


def _numpy_only_import(
    name: str,
    globals: Mapping[str, object] | None = None,
    locals: Mapping[str, object] | None = None,
    fromlist: Sequence[str] = (),
    level: int = 0,
) -> types.ModuleType:
    """The ``__import__`` of reward code's builtins: numpy and its submodules only.

    C code looks ``__import__`` up in the builtins of the running Python frame, and numpy's C
    code imports helpers lazily (``ndarray.sum`` imports ``numpy._core._methods``); with reward
    code on top of the stack that frame is reward code's. Reward code itself cannot call this
    (the checker refuses names starting with ``_``).
    """
    if level == 0 and (name == "numpy" or name.startswith("numpy.")):
        return builtins.__import__(name, globals, locals, fromlist, level)
    raise ImportError(f"reward code cannot import {name!r}")


class RewardFn:
    """Compiled reward code: ``fn(snapshot) -> {term: float}`` (see :func:`compile_reward`).

    Runs in the calling process, without time or memory limits.
    """

    __slots__ = ("_reward", "source")

    def __init__(self, source: str, reward: Callable[[StateView], object]) -> None:
        self.source = source
        self._reward = reward

    def __call__(self, snapshot: Mapping[str, Any]) -> dict[str, float]:
        """Wrap ``snapshot`` in a :class:`StateView`, call ``reward`` and validate its result.

        Raises :class:`RewardRejected` if the code raises (``"ZeroDivisionError: division by
        zero (reward code line 4)"``; the original exception is the ``__cause__``) or returns
        something other than a dict of non-empty str -> finite real number. A malformed
        ``snapshot`` raises :class:`TypeError` before any reward code runs.
        """
        state = snapshot if isinstance(snapshot, StateView) else StateView(snapshot)
        try:
            with np.errstate(all="ignore"):
                result = self._reward(state)
        except Exception as exc:
            raise RewardRejected(_describe(exc)) from exc
        return _validate_terms(result)

    def __repr__(self) -> str:
        return f"RewardFn({len(self.source)} characters)"


def compile_reward(source: str) -> RewardFn:
    """Check ``source`` (:func:`check_reward_code`), compile it once and return a callable.

    The code runs with ``__builtins__`` holding only :data:`SAFE_BUILTINS`, and with ``np`` and
    ``math`` bound to :data:`SAFE_NP` and :data:`SAFE_MATH`. Defining ``reward`` runs no reward
    code (there are no defaults, decorators or other top-level statements).
    """
    tree = _parse_checked(source)
    try:
        code = compile(tree, _FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise RewardRejected(f"reward code cannot be compiled: {exc}") from None
    safe = {name: getattr(builtins, name) for name in SAFE_BUILTINS}
    safe["__import__"] = _numpy_only_import  # for numpy's C code; reward code cannot name it
    namespace: dict[str, Any] = {
        "__builtins__": safe,
        "np": SAFE_NP,
        "math": SAFE_MATH,
    }
    exec(code, namespace)  # checked code: docstring + `def reward(state):` only
    return RewardFn(source, namespace["reward"])


# ---------------------------------------------------------------------------------- combining
def combine(terms: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted sum ``sum(weights[n] * terms[n])`` over the weighted terms.

    Every weighted term must be in ``terms``, else :class:`RewardRejected` names the missing
    ones. Terms without a weight count with weight 0 and are reported with an
    :class:`UnweightedTermWarning` (Python shows each distinct warning once per location by
    default). Weights must be finite numbers (:class:`ConfigError` otherwise); a non-finite sum
    raises :class:`RewardRejected`.
    """
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ConfigError(f"reward weight {name!r} must be a number, not {weight!r}")
        if not math.isfinite(weight):
            raise ConfigError(f"reward weight {name!r} must be finite, not {weight}")
    missing = [n for n in weights if n not in terms]
    if missing:
        raise RewardRejected(
            f"reward code returned no term {', '.join(map(repr, missing))}, which the plan "
            f"weights; it returned: {', '.join(map(repr, terms)) or 'nothing'}"
        )
    extra = [n for n in terms if n not in weights]
    if extra:
        warnings.warn(
            f"reward terms without a weight count with weight 0: {', '.join(map(repr, extra))}",
            UnweightedTermWarning,
            stacklevel=2,
        )
    total = math.fsum(float(w) * float(terms[n]) for n, w in weights.items())
    if not math.isfinite(total):
        raise RewardRejected(f"the weighted reward is not finite: {total}")
    return total
