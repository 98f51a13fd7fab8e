"""The reward-code sandbox: check, compile and run reward code for reinforcement-learning subtasks.

Reward code is written by people now and by an LLM later, so it is treated as untrusted: it may
only compute numbers from the state it is given. Three layers enforce that:

1. :func:`check_reward_code` parses the source with :mod:`ast` and accepts only the allow-listed
   constructs described below; anything else is rejected with :class:`RewardRejected`, naming the
   line, the construct and why.
2. :func:`compile_reward` compiles the checked tree with a ``__builtins__`` that holds only the
   safe builtins (plus an ``__import__`` that imports numpy modules only, for numpy's own C
   code; reward code cannot name it), and with ``np`` and ``math`` bound to wrapper namespaces
   (:data:`SAFE_NP`, :data:`SAFE_MATH`) whose members are plain functions of this module; the
   real modules are never visible to reward code.
3. :class:`RewardWorker` runs the compiled code in a separate process with an address-space limit
   (``RLIMIT_AS``), a zero file-size limit (``RLIMIT_FSIZE``) and a per-call time budget; a call
   that does not answer in time, runs out of memory or raises kills the process, which is
   restarted on the next call. :func:`compile_reward` alone runs in the calling process
   *without* time or memory limits: run code you did not write through :class:`RewardWorker`
   (or :func:`preflight`).

Interface
---------
Reward code is one function and nothing else at the top level (a module docstring and comments
are allowed)::

    def reward(state):
        dist = np.linalg.norm(state.palm.pos - state.objects.bottle.pos)
        touch = state.contacts.bottle.thumb + state.contacts.bottle.index
        lift = state.objects.bottle.bottom - state.table_height
        return {"reach": -dist, "touch": np.tanh(touch), "lift": np.clip(lift, 0.0, 0.2)}

It returns a ``dict`` of term name (a non-empty ``str`` of at most 100 characters; at most
:data:`MAX_TERMS` terms) → finite real number (``int``, ``float``, ``bool``, a numpy scalar or a
0-d array; each becomes a ``float``). The weights of the terms live beside the code in the
plan; :func:`combine` applies them.

State
-----
``state`` is a :class:`StateView`, a read-only view of the snapshot dict the simulator side
builds. The snapshot format (extra keys are passed through the same way)::

    {"t": float,                                   # seconds since the start of the subtask
     "table_height": float,                        # world z of the table top (m)
     "palm": {"pos": (3,), "rot": (3, 3)},         # palm site position (m), rotation matrix
     "tips": {"thumb": (3,), "index": (3,), ...},  # fingertip site positions (m)
     "objects": {"bottle": {"pos": (3,), "quat": (4,),      # body origin (m), (w, x, y, z)
                            "linvel": (3,), "angvel": (3,), # m/s, rad/s (world frame)
                            "bottom": float,                # world z of its lowest point (m)
                            "joints": {"door_hinge": float, ...},     # joint positions
                            "fraction": {"door_hinge": float, ...}}}, # 0 at lower limit, 1 upper
     "contacts": {"bottle": {"thumb": float, "index": float, "palm": float, ...}},  # normal N
     "action": (k,),                               # the last action
     "goal": {"name": value, ...}}                 # numbers, strings or numeric arrays

Nested dicts become :class:`StateView` objects, read by attribute (``state.palm.pos``,
``state.objects.bottle.pos``, ``state.contacts.bottle.thumb``) or by item
(``state.objects["bottle"]``); keys that are not identifiers, start with ``_``, or are attribute
names the checker refuses (e.g. ``data``, ``base``) must be read by item. Views also offer
``get(name, default)``, ``keys()``, ``values()``, ``items()``, ``len()`` and ``in``; the method
names win over keys of the same name (use item access for those). Sequences and arrays become
**read-only float64 copies**; numbers become ``float`` (``bool`` stays ``bool``); strings stay
strings. Views cannot be changed (no item or attribute assignment).

In ``contacts`` missing keys mean 0: ``state.contacts.mug.thumb`` is ``0.0`` when the thumb does
not touch the mug, and ``state.contacts.mug`` is an all-zero view when nothing touches it;
``contacts`` itself is present (empty) when the snapshot has none. ``get(name, default)`` returns
``default`` for keys absent from the snapshot, and ``name in view`` tells whether a key is there.
Everywhere else a missing key raises an error that lists the keys there are.

Allowed code (the exact rules of :func:`check_reward_code`)
------------------------------------------------------------
* Top level: an optional docstring, then exactly one ``def reward(state):`` — one positional
  parameter named ``state``; no defaults, ``*args``, ``**kwargs``, keyword-only parameters,
  annotations or decorators.
* Statements inside functions: ``=`` (targets: names, tuples/lists of names, subscripts),
  augmented assignment (``+=`` …; target a name or subscript), ``if``/``elif``/``else``, ``for``
  (with optional ``else``), ``break``, ``continue``, ``pass``, ``return``, expression
  statements, and inner ``def`` helpers (positional parameters only; no defaults, annotations or
  decorators; they may call themselves — recursion is contained at run time).
* Expressions: constants (``int``, ``float``, ``bool``, ``str``, ``None``), names, attribute
  access, subscripts and slices, calls (positional, keyword and ``*`` arguments), ``and``/
  ``or``/``not``, the unary ``-``/``+``/``~``, comparisons (all of them, chained too), ``x if c
  else y``, list/tuple/dict/set displays (``*`` and ``**`` unpacking inside them too), and
  list/set/dict comprehensions and generator expressions; binary ``+ - * / // % ** @ & | ^``.
* Everything else is rejected: ``import``, ``while``, ``class``, ``lambda`` (use an inner
  ``def``), ``global``/``nonlocal``, ``try``/``raise``/``assert``, ``with``, ``del``,
  ``yield``/``await``/``async``, ``:=``, ``match``, annotated assignments, f-strings,
  ``bytes``/complex/``...`` constants, and ``**`` unpacking of keyword arguments in calls.
* Names: ``state``, names bound inside ``reward`` (assignments, loop and comprehension targets,
  parameters, inner functions), ``np``, ``math`` and the safe builtins :data:`SAFE_BUILTINS`
  (``abs all any bool dict enumerate float int len list max min range round sum tuple zip``).
  No name may start with ``_``; the names ``state``, ``np``, ``math``, ``reward`` and the safe
  builtins cannot be assigned. ``open``, ``eval``, ``getattr``, ``type``, ``isinstance``,
  ``iter``, ``next``, ``print`` etc. are simply not there (each gets its own message).
* Attributes: never one that starts with ``_``, and never assigned or deleted. On ``np``,
  ``np.linalg`` and ``math`` only their members (:data:`SAFE_NP`, :data:`SAFE_MATH`). On
  anything else every public attribute of the Python and numpy types reward code can reach
  (arrays, numpy scalars and dtypes, numbers, strings, containers, classes, generators, frames,
  code objects…) is refused unless it is in :data:`SAFE_ATTRIBUTES` (``get keys values items
  shape size T sum mean reshape tolist append`` …); other names (``pos``, ``bottle``,
  ``door_hinge``) are state keys and are resolved by :class:`StateView` at run time. So
  ``.format``/``.format_map`` (format strings read attributes), ``.mro``, ``.gi_frame``,
  ``.f_globals``, ``.tofile``, ``.dump``, ``.ctypes``, ``.setflags``, ``.flags``, ``.base``,
  ``.dtype`` … are all refused.
* Sizes and loops: ``**`` needs a numeric literal exponent with ``|e| <= 8`` (so ``9**9**9`` and
  ``2 ** 10 ** 10`` are refused; use ``math.pow``, which raises on overflow, for variable
  exponents); ``<<`` and ``>>`` are refused; ``*`` with a list/tuple/set/str literal or a
  comprehension on either side (``[0] * n``, ``'a' * n``) is refused; ``%`` with a string
  literal on the left (``'%s' % x``) is refused. ``range`` may only be called directly, with
  one to three arguments that are integer literals or ``len(...)``; a literal range has at most
  :data:`MAX_ITERATIONS` elements, and the literal ranges of nested ``for`` loops and
  comprehension clauses multiply to at most :data:`MAX_ITERATIONS`. ``np.zeros``/``ones``/``full``
  with a literal shape are size-checked already by the checker. Loops over containers and
  ``range(len(x))`` have no static bound: the worker's time budget bounds them.

Safe numpy and math
-------------------
``np`` offers only: ``array asarray zeros ones full dot cross clip exp log tanh sqrt abs sign
square cos sin tan arccos arcsin arctan2 isfinite minimum maximum sum mean min max where stack
concatenate pi e`` and ``np.linalg.norm``. ``dtype`` arguments may only be ``float``, ``int`` or
``bool``. Inputs and results of these functions hold at most :data:`MAX_ELEMENTS` elements (the
size of a result is checked before it is computed where it can exceed its inputs). Nothing reads
or writes files, maps memory or exposes raw memory (``np.save``, ``np.load``, ``np.memmap``,
``np.lib``, ``np.ctypeslib`` … do not exist there). Operators on arrays (``a + b``, ``a @ b``)
are plain numpy and are not size-checked; the worker's memory limit bounds them. ``math`` offers
pure float functions only (:data:`SAFE_MATH`); no ``factorial``, ``comb``, ``perm``, ``prod``.
Accessing anything else on ``np``/``math`` raises :class:`AttributeError` naming what exists.
Numpy floating-point warnings are silenced while reward code runs; non-finite terms are rejected.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import json
import math
import multiprocessing
import os
import reprlib
import resource
import sys
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Final

import numpy as np

from gendexhand.errors import ConfigError, GenDexHandError, closest

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIME_BUDGET",
    "MAX_ELEMENTS",
    "MAX_EXPONENT",
    "MAX_ITERATIONS",
    "MAX_SOURCE_CHARS",
    "MAX_TERMS",
    "SAFE_ATTRIBUTES",
    "SAFE_BUILTINS",
    "SAFE_MATH",
    "SAFE_NP",
    "RewardFn",
    "RewardRejected",
    "RewardWorker",
    "RewardWorkerError",
    "SafeNamespace",
    "StateView",
    "UnweightedTermWarning",
    "check_reward_code",
    "combine",
    "compile_reward",
    "preflight",
]

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
_MAX_REPLY: Final = 1 << 20
_MAX_MESSAGE: Final = 500


class RewardRejected(GenDexHandError):  # noqa: N818 (the name says what happened)
    """Reward code was refused by the checker, or failed or misbehaved when it ran."""


class RewardWorkerError(GenDexHandError):
    """The reward worker process could not be started, or was used after :meth:`close`."""


class UnweightedTermWarning(UserWarning):
    """:func:`combine` met terms that have no weight; they count with weight 0."""


# ---------------------------------------------------------------------------------- state view
class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Final = _Missing()


class StateView(Mapping[str, Any]):
    """A read-only, deep-copied view of a state snapshot (see the module docstring for the format).

    ``StateView(snapshot)`` converts the whole snapshot at once: nested mappings become views,
    sequences and arrays read-only float64 copies, numbers ``float`` (``bool`` stays ``bool``),
    strings and ``None`` stay. Any other value, or a key that is not a ``str``, raises
    :class:`TypeError` (the snapshot is built by trusted code; such an error is a bug there).
    Later changes to the snapshot do not show in the view.
    """

    __slots__ = ("_data", "_default", "_path")
    _data: dict[str, Any]
    _default: Any
    _path: str

    def __init__(self, snapshot: Mapping[str, Any]) -> None:
        if not isinstance(snapshot, Mapping):
            raise TypeError(f"a state snapshot must be a mapping, not {type(snapshot).__name__}")
        data: dict[str, Any] = {}
        for key, value in snapshot.items():
            _check_key(key, "state")
            if key == "contacts":
                data[key] = _freeze_contacts(value)
            else:
                data[key] = _freeze(value, f"state.{key}")
        data.setdefault("contacts", _freeze_contacts({}))
        _init_view(self, data, "state", _MISSING)

    # -------------------------------------------------------------- reading
    def _lookup(self, key: str) -> Any:
        data = object.__getattribute__(self, "_data")
        if key in data:
            return data[key]
        default = object.__getattribute__(self, "_default")
        if default is not _MISSING:
            return default
        path = object.__getattribute__(self, "_path")
        near = closest(key, data)
        hint = f" Closest: {', '.join(near)}." if near else ""
        have = ", ".join(sorted(data)) or "nothing"
        raise KeyError(f"{path} has no {key!r}.{hint} It has: {have}.")

    def __getitem__(self, key: str) -> Any:
        return self._lookup(key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._lookup(name)
        except KeyError as exc:
            raise AttributeError(exc.args[0]) from None

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` if the snapshot has it, else ``default`` (even in ``contacts``)."""
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"StateView({self._path}: {', '.join(self._data)})"

    # -------------------------------------------------------------- read-only
    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._path} is read-only; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._path} is read-only; cannot delete {name!r}")

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError(f"{self._path} is read-only; cannot set {key!r}")

    def __delitem__(self, key: str) -> None:
        raise TypeError(f"{self._path} is read-only; cannot delete {key!r}")

    def __reduce__(self) -> Any:
        raise TypeError("a StateView cannot be pickled; send the snapshot dict instead")


def _init_view(view: StateView, data: dict[str, Any], path: str, default: Any) -> None:
    object.__setattr__(view, "_data", data)
    object.__setattr__(view, "_path", path)
    object.__setattr__(view, "_default", default)


def _make_view(data: dict[str, Any], path: str, default: Any = _MISSING) -> StateView:
    view = object.__new__(StateView)
    _init_view(view, data, path, default)
    return view


def _check_key(key: object, path: str) -> None:
    if not isinstance(key, str):
        raise TypeError(f"snapshot key {key!r} under {path} is {type(key).__name__}, not a str")


def _freeze(value: Any, path: str) -> Any:
    """A read-only copy of one snapshot value (see :class:`StateView`)."""
    kind = type(value)  # exact-type fast paths for what snapshots hold; the checks below decide
    if kind is np.ndarray and value.dtype.kind in "fiub":
        array = value.astype(float)  # always a copy
        array.flags.writeable = False
        return array
    if kind is float:
        return value
    if kind is dict:
        data: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                _check_key(key, path)
            data[key] = _freeze(item, f"{path}.{key}")
        return _make_view(data, path)
    if isinstance(value, StateView):
        return value
    if isinstance(value, Mapping):
        data = {}
        for key, item in value.items():
            _check_key(key, path)
            data[key] = _freeze(item, f"{path}.{key}")
        return _make_view(data, path)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, np.ndarray | list | tuple):
        try:
            array = np.array(value, dtype=float)  # always a copy
        except (TypeError, ValueError) as exc:
            raise TypeError(f"snapshot value {path} is not a numeric array: {exc}") from None
        array.flags.writeable = False
        return array
    raise TypeError(f"snapshot value {path} has unsupported type {type(value).__name__}")


def _freeze_contacts(value: Any) -> StateView:
    """``contacts``: object → (hand part → force); missing objects and parts read as 0."""
    if not isinstance(value, Mapping):
        raise TypeError(f"snapshot value state.contacts must be a mapping, not {value!r}")
    nothing = _make_view({}, "state.contacts.<untouched>", 0.0)
    objects: dict[str, Any] = {}
    for obj, parts in value.items():
        _check_key(obj, "state.contacts")
        path = f"state.contacts.{obj}"
        if not isinstance(parts, Mapping):
            raise TypeError(f"snapshot value {path} must be a mapping, not {parts!r}")
        forces: dict[str, Any] = {}
        for part, force in parts.items():
            _check_key(part, path)
            forces[part] = _freeze(force, f"{path}.{part}")
        objects[obj] = _make_view(forces, path, 0.0)
    return _make_view(objects, "state.contacts", nothing)


# ---------------------------------------------------------------------------------- safe np/math
class SafeNamespace:
    """A fixed set of named members (functions, constants, nested namespaces); nothing else.

    Reading any other attribute raises :class:`AttributeError` naming the members; setting or
    deleting attributes is refused. The members are stored in a private slot, which reward code
    cannot name (the checker refuses names starting with ``_``).
    """

    __slots__ = ("_label", "_members", "_reasons")
    _label: str
    _members: dict[str, Any]
    _reasons: dict[str, str]

    def __init__(
        self, label: str, members: Mapping[str, Any], reasons: Mapping[str, str] | None = None
    ) -> None:
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_members", dict(members))
        object.__setattr__(self, "_reasons", dict(reasons or {}))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        members = object.__getattribute__(self, "_members")
        if name in members:
            return members[name]
        raise AttributeError(self.refusal(name))

    def refusal(self, name: str) -> str:
        """Why ``<label>.<name>`` is not available, and what is."""
        label = object.__getattribute__(self, "_label")
        reason = object.__getattribute__(self, "_reasons").get(name)
        members = sorted(object.__getattribute__(self, "_members"))
        why = f" ({reason})" if reason else ""
        near = closest(name, members)
        hint = f" Closest: {', '.join(near)}." if near and not reason else ""
        return (
            f"{label}.{name} is not available to reward code{why}.{hint} "
            f"Available: {', '.join(members)}."
        )

    def names(self) -> tuple[str, ...]:
        """The member names, sorted."""
        return tuple(sorted(object.__getattribute__(self, "_members")))

    def __contains__(self, name: object) -> bool:
        return name in object.__getattribute__(self, "_members")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._label} is read-only; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._label} is read-only; cannot delete {name!r}")

    def __dir__(self) -> list[str]:
        return list(self.names())

    def __repr__(self) -> str:
        return f"<safe {self._label}: {', '.join(self.names())}>"

    def __reduce__(self) -> Any:
        raise TypeError("a SafeNamespace cannot be pickled")


class _TooLargeError(ValueError):
    pass


def _limit(count: int, fn: str, what: str = "elements") -> None:
    if count > MAX_ELEMENTS:
        raise _TooLargeError(
            f"np.{fn}: {count} {what}; reward code may use arrays of at most {MAX_ELEMENTS} "
            f"elements"
        )


def _arg(value: Any, fn: str) -> np.ndarray:
    """``np.asarray(value)``, refusing inputs of more than :data:`MAX_ELEMENTS` elements."""
    if isinstance(value, list | tuple):
        _limit(len(value), fn)
    array = np.asarray(value)
    _limit(array.size, fn, "input elements")
    return array


def _result(value: Any, fn: str) -> Any:
    if isinstance(value, np.ndarray):
        _limit(value.size, fn, "result elements")
    return value


def _dtype(dtype: Any, fn: str) -> Any:
    if dtype is None or dtype is float or dtype is int or dtype is bool:
        return dtype
    raise TypeError(f"np.{fn}: dtype must be float, int or bool, not {dtype!r}")


def _shape(shape: Any, fn: str) -> tuple[int, ...]:
    dims = (shape,) if not isinstance(shape, list | tuple) else tuple(shape)
    if len(dims) > 32:
        raise ValueError(f"np.{fn}: too many dimensions ({len(dims)})")
    out: list[int] = []
    for dim in dims:
        if isinstance(dim, bool | np.bool_) or not isinstance(dim, int | np.integer):
            raise TypeError(f"np.{fn}: shape must be integers, not {shape!r}")
        if dim < 0:
            raise ValueError(f"np.{fn}: negative dimension in shape {shape!r}")
        out.append(int(dim))
    _limit(math.prod(out), fn)
    return tuple(out)


def _broadcast(fn: str, *arrays: np.ndarray) -> None:
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    _limit(math.prod(shape), fn, "result elements")


def _axis(axis: Any, fn: str) -> Any:
    if axis is None or (isinstance(axis, int) and not isinstance(axis, bool)):
        return axis
    if isinstance(axis, tuple) and all(isinstance(a, int) for a in axis):
        return axis
    raise TypeError(f"np.{fn}: axis must be None, an int or a tuple of ints, not {axis!r}")


def _np_array(obj: Any, dtype: Any = None) -> np.ndarray:
    """A new array from ``obj`` (at most ``MAX_ELEMENTS`` elements)."""
    source = _arg(obj, "array")
    return np.array(source, dtype=_dtype(dtype, "array"))


def _np_asarray(obj: Any, dtype: Any = None) -> np.ndarray:
    """``obj`` as an array (no copy if it already is one)."""
    return np.asarray(_arg(obj, "asarray"), dtype=_dtype(dtype, "asarray"))


def _np_zeros(shape: Any, dtype: Any = None) -> np.ndarray:
    """An array of zeros (at most ``MAX_ELEMENTS`` elements)."""
    return np.zeros(_shape(shape, "zeros"), dtype=_dtype(dtype, "zeros") or float)


def _np_ones(shape: Any, dtype: Any = None) -> np.ndarray:
    """An array of ones (at most ``MAX_ELEMENTS`` elements)."""
    return np.ones(_shape(shape, "ones"), dtype=_dtype(dtype, "ones") or float)


def _np_full(shape: Any, fill_value: Any, dtype: Any = None) -> np.ndarray:
    """An array filled with ``fill_value`` (at most ``MAX_ELEMENTS`` elements)."""
    value = _arg(fill_value, "full")
    return np.full(_shape(shape, "full"), value, dtype=_dtype(dtype, "full"))


def _np_dot(a: Any, b: Any) -> Any:
    """The dot product of ``a`` and ``b`` (``numpy.dot`` rules)."""
    x, y = _arg(a, "dot"), _arg(b, "dot")
    if x.ndim == 0 or y.ndim == 0:
        _broadcast("dot", x, y)
    elif y.ndim == 1:
        _limit(math.prod(x.shape[:-1]), "dot", "result elements")
    else:
        _limit(math.prod(x.shape[:-1] + y.shape[:-2] + y.shape[-1:]), "dot", "result elements")
    return _result(np.dot(x, y), "dot")


def _np_cross(a: Any, b: Any) -> Any:
    """The cross product of 3-vectors (or stacks of them) ``a`` and ``b``."""
    x, y = _arg(a, "cross"), _arg(b, "cross")
    if x.ndim and y.ndim:
        lead = np.broadcast_shapes(x.shape[:-1], y.shape[:-1])
        _limit(math.prod(lead) * 3, "cross", "result elements")
    return _result(np.cross(x, y), "cross")


def _np_clip(a: Any, a_min: Any, a_max: Any) -> Any:
    """``a`` limited to ``[a_min, a_max]`` elementwise."""
    arrays = (_arg(a, "clip"), _arg(a_min, "clip"), _arg(a_max, "clip"))
    _broadcast("clip", *arrays)
    return _result(np.clip(*arrays), "clip")


def _np_where(condition: Any, x: Any, y: Any) -> Any:
    """Elementwise ``x if condition else y`` (the three-argument form only)."""
    arrays = (_arg(condition, "where"), _arg(x, "where"), _arg(y, "where"))
    _broadcast("where", *arrays)
    return _result(np.where(*arrays), "where")


def _joined(arrays: Any, fn: str) -> list[np.ndarray]:
    if not isinstance(arrays, list | tuple):
        raise TypeError(f"np.{fn}: expects a list or tuple of arrays, not {type(arrays).__name__}")
    _limit(len(arrays), fn, "arrays")
    parts = [_arg(a, fn) for a in arrays]
    _limit(sum(p.size for p in parts), fn, "result elements")
    return parts


def _np_stack(arrays: Any, axis: int = 0) -> np.ndarray:
    """Arrays of one shape stacked along a new ``axis``."""
    return _result(np.stack(_joined(arrays, "stack"), axis=_axis(axis, "stack")), "stack")


def _np_concatenate(arrays: Any, axis: int = 0) -> np.ndarray:
    """Arrays joined along an existing ``axis``."""
    parts = _joined(arrays, "concatenate")
    return _result(np.concatenate(parts, axis=_axis(axis, "concatenate")), "concatenate")


def _np_norm(x: Any, ord: Any = None, axis: Any = None) -> Any:
    """The vector or matrix norm of ``x`` (``numpy.linalg.norm``)."""
    if not (ord is None or ord in ("fro", "nuc") or isinstance(ord, int | float)):
        raise TypeError(f"np.linalg.norm: ord must be None, a number, 'fro' or 'nuc', not {ord!r}")
    return _result(
        np.linalg.norm(_arg(x, "linalg.norm"), ord=ord, axis=_axis(axis, "norm")), "norm"
    )


def _unary(ufunc: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def fn(x: Any) -> Any:
        return _result(ufunc(_arg(x, name)), name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise numpy.{name} (at most {MAX_ELEMENTS} elements)."
    return fn


def _binary(ufunc: Callable[[Any, Any], Any], name: str) -> Callable[[Any, Any], Any]:
    def fn(x: Any, y: Any) -> Any:
        a, b = _arg(x, name), _arg(y, name)
        _broadcast(name, a, b)
        return _result(ufunc(a, b), name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise numpy.{name} of two arrays (at most {MAX_ELEMENTS} elements)."
    return fn


def _reduction(reduce: Callable[..., Any], name: str) -> Callable[..., Any]:
    def fn(a: Any, axis: Any = None) -> Any:
        return _result(reduce(_arg(a, name), axis=_axis(axis, name)), name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"numpy.{name} over ``axis`` (all elements if None)."
    return fn


_NP_FORBIDDEN: Final = {
    **dict.fromkeys(("save", "savez", "savez_compressed", "savetxt", "tofile"), "it writes files"),
    **dict.fromkeys(
        ("load", "loadtxt", "genfromtxt", "fromfile", "fromregex", "DataSource"),
        "it reads files",
    ),
    "memmap": "it maps files into memory",
    "lib": "it holds file-format and low-level helpers",
    "ctypeslib": "it exposes raw memory through ctypes",
    "frombuffer": "it reads raw memory",
    "testing": "it is a test harness, not a computation",
    "f2py": "it compiles and loads code",
    "distutils": "it builds and loads code",
    "char": "string operations are not needed for rewards",
    "arange": "use range() with a literal bound, or np.array(range(n))",
}

_NP_ELEMENTWISE: Final = (
    "exp", "log", "tanh", "sqrt", "abs", "sign", "square", "cos", "sin", "tan", "arccos", "arcsin",
    "isfinite",
)  # fmt: skip

SAFE_NP: Final = SafeNamespace(
    "np",
    {
        "array": _np_array,
        "asarray": _np_asarray,
        "zeros": _np_zeros,
        "ones": _np_ones,
        "full": _np_full,
        "dot": _np_dot,
        "cross": _np_cross,
        "clip": _np_clip,
        "where": _np_where,
        "stack": _np_stack,
        "concatenate": _np_concatenate,
        **{name: _unary(getattr(np, name), name) for name in _NP_ELEMENTWISE},
        **{name: _binary(getattr(np, name), name) for name in ("minimum", "maximum", "arctan2")},
        **{name: _reduction(getattr(np, name), name) for name in ("sum", "mean", "min", "max")},
        "linalg": SafeNamespace("np.linalg", {"norm": _np_norm}),
        "pi": float(np.pi),
        "e": float(np.e),
    },
    _NP_FORBIDDEN,
)
"""What reward code sees as ``np``: size-checked wrappers of a small numpy subset."""


def _pure(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        return fn(*args)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__doc__ = f"math.{name}"
    return wrapper


_MATH_FUNCTIONS: Final = (
    "sqrt", "exp", "log", "log10", "log2", "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
    "sinh", "cosh", "tanh", "hypot", "fabs", "floor", "ceil", "copysign", "degrees", "radians",
    "isfinite", "isnan", "isinf", "pow", "fmod", "fsum",
)  # fmt: skip

SAFE_MATH: Final = SafeNamespace(
    "math",
    {
        **{name: _pure(getattr(math, name), name) for name in _MATH_FUNCTIONS},
        "pi": math.pi,
        "e": math.e,
        "tau": math.tau,
        "inf": math.inf,
    },
    dict.fromkeys(
        ("factorial", "comb", "perm", "prod", "isqrt", "ldexp", "lcm", "gcd"),
        "it can build huge integers or is not needed for rewards",
    ),
)
"""What reward code sees as ``math``: pure float functions and constants."""

SAFE_BUILTINS: Final = (
    "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list", "max", "min",
    "range", "round", "sum", "tuple", "zip",
)  # fmt: skip
"""The builtins reward code may use (``__builtins__`` holds exactly these)."""

_RESERVED: Final = frozenset({"state", "np", "math", "reward", *SAFE_BUILTINS})

_FORBIDDEN_NAMES: Final = {
    **dict.fromkeys(("open", "input", "print", "exit", "quit"), "it does input or output"),
    **dict.fromkeys(("exec", "eval", "compile"), "it runs arbitrary code"),
    **dict.fromkeys(
        ("getattr", "setattr", "delattr", "hasattr"),
        "it reaches attributes by name, bypassing the attribute check",
    ),
    **dict.fromkeys(("globals", "locals", "vars", "dir"), "it exposes namespaces"),
    **dict.fromkeys(
        ("type", "object", "super", "classmethod", "staticmethod", "property", "issubclass"),
        "it reaches class machinery",
    ),
    "isinstance": "type tests are not needed on the fixed state format",
    **dict.fromkeys(
        ("iter", "next", "aiter", "anext"),
        "it can build unbounded iterators (iter(f, sentinel)); loop with for instead",
    ),
    **dict.fromkeys(("breakpoint", "help"), "it starts interactive tools"),
    **dict.fromkeys(("memoryview", "bytearray", "bytes"), "it exposes raw memory"),
    "format": "format specs can read attributes and allocate without bound",
    "id": "it exposes memory addresses",
    "hash": "it is not needed for rewards",
    **dict.fromkeys(("chr", "ord", "repr", "ascii", "str"), "strings are not needed for rewards"),
    **dict.fromkeys(("pow", "divmod"), "use ** with a small literal exponent, or math.pow"),
    **dict.fromkeys(("map", "filter", "sorted", "reversed", "set", "frozenset", "slice"),
                    "it is not among the safe builtins; use a for loop or a comprehension"),
}  # fmt: skip

# ---------------------------------------------------------------------------------- attributes
SAFE_ATTRIBUTES: Final = frozenset(
    {
        # StateView and dict
        "get", "keys", "values", "items", "update", "pop", "setdefault", "copy",
        # list, tuple, str
        "append", "extend", "insert", "remove", "index", "count", "startswith", "endswith",
        "lower", "upper", "strip",
        # numpy arrays and scalars, numbers, ranges
        "shape", "ndim", "size", "T", "sum", "mean", "min", "max", "std", "var", "prod",
        "cumsum", "any", "all", "argmax", "argmin", "argsort", "clip", "dot", "reshape", "ravel",
        "flatten", "transpose", "squeeze", "tolist", "item", "round", "trace", "nonzero", "take",
        "real", "imag", "start", "stop", "step", "name",
    }
)  # fmt: skip
"""Public attributes of Python/numpy objects that reward code may read (see the module docstring).
Attribute names outside this set that some reachable type has are refused; other names are state
keys."""


def _reachable_types() -> tuple[type, ...]:
    """Every type whose objects reward code could get hold of, directly or through attributes."""
    sample = np.zeros(1)
    return (
        np.ndarray,
        np.generic,
        np.float64,
        np.int64,
        np.bool_,
        np.dtype,
        type(sample.flat),
        type(sample.flags),
        int,
        float,
        bool,
        complex,
        str,
        bytes,
        bytearray,
        memoryview,
        list,
        tuple,
        dict,
        set,
        frozenset,
        range,
        zip,
        enumerate,
        slice,
        type,
        type({}.keys()),
        type({}.values()),
        type({}.items()),
        type(iter([])),
        types.GeneratorType,
        types.CoroutineType,
        types.AsyncGeneratorType,
        types.FunctionType,
        types.BuiltinFunctionType,
        types.MethodType,
        types.CodeType,
        types.FrameType,
        types.TracebackType,
        types.CellType,
        types.ModuleType,
        BaseException,
        SafeNamespace,
    )


_DENIED_ATTRIBUTES: Final = frozenset(
    {n for t in _reachable_types() for n in dir(t) if not n.startswith("_")}
    | {"format", "format_map", "mro", "gi_frame", "gi_code", "f_back", "f_globals", "f_locals",
       "f_builtins", "f_code", "tb_frame", "tb_next", "cr_frame", "ag_frame", "cell_contents",
       "tofile", "dump", "dumps", "ctypes", "setflags", "flags", "base", "data"}
) - SAFE_ATTRIBUTES  # fmt: skip

_ATTRIBUTE_REASONS: Final = {
    **dict.fromkeys(("format", "format_map"), "format strings can read attributes of any object"),
    **dict.fromkeys(
        ("gi_frame", "gi_code", "cr_frame", "ag_frame", "f_back", "f_globals", "f_locals",
         "f_builtins", "f_code", "tb_frame", "tb_next", "cell_contents"),
        "it reaches interpreter frames and module globals",
    ),
    "mro": "it reaches class machinery",
    **dict.fromkeys(("tofile", "dump"), "it writes files"),
    **dict.fromkeys(("dumps", "tobytes", "tostring"), "it serialises raw memory"),
    **dict.fromkeys(("ctypes", "data", "base"), "it exposes raw memory or the array it views"),
    **dict.fromkeys(("setflags", "flags"), "it could make read-only arrays writable"),
}  # fmt: skip

# ---------------------------------------------------------------------------------- checker
_ALLOWED_NODES: Final = frozenset(
    {
        ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign,
        ast.AugAssign, ast.For, ast.If, ast.Expr, ast.Pass, ast.Break, ast.Continue,
        ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Dict, ast.Set, ast.ListComp,
        ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.Compare, ast.Call,
        ast.keyword, ast.Constant, ast.Attribute, ast.Subscript, ast.Starred, ast.Name, ast.List,
        ast.Tuple, ast.Slice, ast.Load, ast.Store,
        ast.And, ast.Or, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
        ast.MatMult, ast.BitAnd, ast.BitOr, ast.BitXor, ast.Invert, ast.Not, ast.UAdd, ast.USub,
        ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In,
        ast.NotIn,
    }
)  # fmt: skip
"""The AST node types :func:`check_reward_code` accepts (subject to the per-node rules)."""

_NODE_REASONS: Final[dict[type[ast.AST], tuple[str, str]]] = {
    ast.Import: ("import", "reward code cannot import modules; `np` and `math` are provided"),
    ast.ImportFrom: ("import", "reward code cannot import modules; `np` and `math` are provided"),
    ast.While: (
        "while loop",
        f"loops must be bounded: use `for` over a container or over range(n) with a literal "
        f"n <= {MAX_ITERATIONS}",
    ),
    ast.ClassDef: ("class definition", "reward code defines functions only"),
    ast.Lambda: ("lambda", "use an inner `def` (one way to define helpers, checked one way)"),
    ast.Global: ("global statement", "reward code cannot rebind names outside its function"),
    ast.Nonlocal: ("nonlocal statement", "reward code cannot rebind names outside its function"),
    ast.Try: ("try/except", "exceptions cannot be caught; any exception rejects the reward call"),
    ast.TryStar: ("try/except*", "exceptions cannot be caught"),
    ast.Raise: ("raise", "reward code returns numbers; it does not raise"),
    ast.Assert: ("assert", "reward code returns numbers; it does not raise"),
    ast.With: ("with statement", "context managers manage files and other resources"),
    ast.AsyncWith: ("async with", "reward code is synchronous"),
    ast.AsyncFunctionDef: ("async def", "reward code is synchronous"),
    ast.AsyncFor: ("async for", "reward code is synchronous"),
    ast.Await: ("await", "reward code is synchronous"),
    ast.Yield: ("yield", "reward() must return a dict, not be a generator"),
    ast.YieldFrom: ("yield from", "reward() must return a dict, not be a generator"),
    ast.JoinedStr: (
        "f-string",
        "term names are plain strings; f-strings run formatting code on arbitrary objects",
    ),
    ast.FormattedValue: ("f-string", "f-strings run formatting code on arbitrary objects"),
    ast.NamedExpr: ("assignment expression (:=)", "use a plain assignment"),
    ast.Delete: ("del statement", "not needed: names and containers are local to the call"),
    ast.AnnAssign: ("annotated assignment", "annotations are not allowed"),
    ast.Match: ("match statement", "use if/elif"),
    ast.LShift: ("shift (<<)", "shifts can build huge integers"),
    ast.RShift: ("shift (>>)", "shifts are not needed for rewards"),
}

_SEQUENCE_LITERALS: Final = (
    ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp,
    ast.Dict, ast.JoinedStr,
)  # fmt: skip
_SIZED_NP: Final = ("zeros", "ones", "full")


def _snippet(source: str, node: ast.AST) -> str:
    text = ast.get_source_segment(source, node) or ""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        text = text.split("\n", 1)[0]  # the header line only
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _literal_number(node: ast.AST) -> float | None:
    """The value of an int/float literal, optionally signed (``-2``, ``+0.5``), else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return sign * node.value
    return None


def _literal_int(node: ast.AST) -> int | None:
    value = _literal_number(node)
    return value if isinstance(value, int) else None


class _Checker:
    """One pass over a parsed reward module; raises :class:`RewardRejected` at the first fault."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.bound: set[str] = set()

    # -------------------------------------------------------------- errors
    def reject(self, node: ast.AST, line: int, what: str, why: str) -> RewardRejected:
        line = getattr(node, "lineno", line)
        snippet = _snippet(self.source, node)
        shown = f" `{snippet}`" if snippet and snippet not in what else ""
        return RewardRejected(f"reward code line {line}: {what}{shown} is not allowed: {why}")

    # -------------------------------------------------------------- module
    def module(self, tree: ast.Module) -> None:
        reward: ast.FunctionDef | None = None
        for index, stmt in enumerate(tree.body):
            line = stmt.lineno
            if (
                index == 0
                and isinstance(stmt, ast.Expr)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            ):
                continue  # the module docstring
            if type(stmt) in _NODE_REASONS:
                what, why = _NODE_REASONS[type(stmt)]
                raise self.reject(stmt, line, what, why)
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "reward" and reward is None:
                reward = stmt
                continue
            if isinstance(stmt, ast.FunctionDef):
                why = (
                    "define reward() once"
                    if stmt.name == "reward"
                    else "define helper functions inside reward()"
                )
                raise self.reject(stmt, line, f"top-level function {stmt.name!r}", why)
            raise self.reject(
                stmt,
                line,
                "top-level statement",
                "only `def reward(state):` (and a docstring) may appear at the top level",
            )
        if reward is None:
            raise RewardRejected(
                "reward code must define exactly one function `def reward(state):` that returns "
                "a dict of term name -> number"
            )
        self.signature(reward, top=True)
        self.collect(reward)
        for stmt in reward.body:
            self.visit(stmt, stmt.lineno, 1)

    def signature(self, fn: ast.FunctionDef, top: bool) -> None:
        line = fn.lineno
        args = fn.args
        name = "reward()" if top else f"function {fn.name!r}"
        if fn.decorator_list:
            deco = fn.decorator_list[0]
            raise self.reject(deco, line, f"decorator on {name}", "decorators run arbitrary code")
        if args.defaults or args.kw_defaults:
            default = (args.defaults or [d for d in args.kw_defaults if d is not None])[0]
            raise self.reject(
                default,
                line,
                f"default argument of {name}",
                "defaults are evaluated once and shared between calls; pass every argument",
            )
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise self.reject(
                args.vararg or args.kwarg or fn,
                line,
                f"parameter list of {name}",
                "only plain positional parameters are allowed (no *args, **kwargs, keyword-only "
                "or positional-only markers)",
            )
        annotated = [a for a in args.args if a.annotation is not None]
        if annotated or fn.returns is not None:
            raise self.reject(
                annotated[0] if annotated else fn,
                line,
                f"annotation in {name}",
                "annotations are evaluated as code; leave them out",
            )
        if top and [a.arg for a in args.args] != ["state"]:
            raise self.reject(
                fn,
                line,
                "this signature of reward()",
                "it must be exactly `def reward(state):` — one parameter named state",
            )

    def collect(self, reward: ast.FunctionDef) -> None:
        """Gather every name bound inside ``reward`` and check that it may be bound."""
        self.bound.add("state")
        for node in ast.walk(reward):
            if node is reward:
                continue
            names: list[tuple[str, ast.AST]] = []
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.append((node.id, node))
            elif isinstance(node, ast.FunctionDef):
                names.append((node.name, node))
            elif isinstance(node, ast.arg) and node not in reward.args.args:
                names.append((node.arg, node))
            for name, where in names:
                line = getattr(where, "lineno", reward.lineno)
                if name.startswith("_"):
                    raise self.reject(
                        where, line, f"name {name!r}", "names starting with '_' are reserved"
                    )
                if name in _RESERVED:
                    raise self.reject(
                        where,
                        line,
                        f"binding the name {name!r}",
                        f"{name!r} is provided to reward code and cannot be redefined; use "
                        f"another name",
                    )
                self.bound.add(name)

    # -------------------------------------------------------------- nodes
    def visit(self, node: ast.AST, line: int, loops: int) -> None:
        line = getattr(node, "lineno", line)
        kind = type(node)
        if kind not in _ALLOWED_NODES:
            what, why = _NODE_REASONS.get(
                kind, (kind.__name__, "it is not among the constructs reward code may use")
            )
            raise self.reject(node, line, what, why)
        if isinstance(node, ast.FunctionDef):
            self.signature(node, top=False)
            for stmt in node.body:
                self.visit(stmt, stmt.lineno, 1)
            return
        if isinstance(node, ast.For):
            self.visit(node.iter, line, loops)
            inner = self.loop(node.iter, line, loops)
            self.target(node.target, line)
            for stmt in (*node.body, *node.orelse):
                self.visit(stmt, stmt.lineno, inner)
            return
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner = loops
            for gen in node.generators:
                if gen.is_async:
                    raise self.reject(node, line, "async comprehension", "reward code is sync")
                self.visit(gen.iter, line, inner)
                inner = self.loop(gen.iter, line, inner)
                self.target(gen.target, line)
                for cond in gen.ifs:
                    self.visit(cond, line, inner)
            parts = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
            for part in parts:
                self.visit(part, line, inner)
            return
        if isinstance(node, ast.Name):
            self.name(node, line)
        elif isinstance(node, ast.Attribute):
            self.visit(node.value, line, loops)  # inner first: `np.lib.format` names np.lib
            self.attribute(node, line)
            return
        elif isinstance(node, ast.Call):
            self.call(node, line, loops)
            return
        elif isinstance(node, ast.BinOp):
            self.binop(node, node.left, node.op, node.right, line)
        elif isinstance(node, ast.AugAssign):
            if not isinstance(node.target, ast.Name | ast.Subscript):
                raise self.reject(
                    node.target, line, "this assignment target", "assign names or items only"
                )
            self.binop(node, node.target, node.op, node.value, line)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.target(target, line, subscripts=True)
        elif isinstance(node, ast.Constant):
            self.constant(node, line)
        for child in ast.iter_child_nodes(node):
            self.visit(child, line, loops)

    def target(self, node: ast.AST, line: int, subscripts: bool = False) -> None:
        """Assignment and loop targets: names, tuples/lists of them, and (for ``=``) subscripts."""
        if isinstance(node, ast.Name):
            return
        if isinstance(node, ast.Starred):
            self.target(node.value, line, subscripts)
            return
        if isinstance(node, ast.Tuple | ast.List):
            for elt in node.elts:
                self.target(elt, line, subscripts)
            return
        if subscripts and isinstance(node, ast.Subscript):
            return
        if isinstance(node, ast.Attribute):
            raise self.reject(
                node, line, "assigning an attribute", "attributes are never assigned or deleted"
            )
        raise self.reject(node, line, "this assignment target", "assign names or items only")

    def loop(self, iterable: ast.AST, line: int, loops: int) -> int:
        """The product of literal range sizes with this loop added; reject if too large."""
        size = self.range_size(iterable)
        if size is None:
            return loops
        inner = loops * max(size, 1)
        if inner > MAX_ITERATIONS:
            raise self.reject(
                iterable,
                line,
                "this nested loop",
                f"the literal ranges of nested loops multiply to {inner} iterations; at most "
                f"{MAX_ITERATIONS}",
            )
        return inner

    def range_size(self, node: ast.AST) -> int | None:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
        ):
            values = [_literal_int(a) for a in node.args]
            if values and all(v is not None for v in values):
                return len(range(*[v for v in values if v is not None]))
        return None

    def name(self, node: ast.Name, line: int) -> None:
        name = node.id
        if name.startswith("_"):
            raise self.reject(
                node, line, f"the name {name!r}", "names starting with '_' reach Python internals"
            )
        if name == "range":
            raise self.reject(
                node, line, "using range other than calling it", "call range(...) directly"
            )
        if name in self.bound or name in _RESERVED:
            return
        if name in _FORBIDDEN_NAMES:
            raise self.reject(node, line, f"the builtin {name!r}", _FORBIDDEN_NAMES[name])
        if hasattr(builtins, name):
            raise self.reject(
                node, line, f"the builtin {name!r}", "it is not among the safe builtins"
            )
        available = ", ".join(("state", "np", "math", *SAFE_BUILTINS))
        raise self.reject(
            node,
            line,
            f"the unknown name {name!r}",
            f"it is never assigned in reward(); names available everywhere: {available}",
        )

    def attribute(self, node: ast.Attribute, line: int) -> None:
        attr = node.attr
        if attr.startswith("_"):
            raise self.reject(
                node,
                line,
                f"the attribute '.{attr}'",
                "attributes starting with '_' reach Python internals",
            )
        if not isinstance(node.ctx, ast.Load):
            raise self.reject(
                node, line, "assigning an attribute", "attributes are never assigned or deleted"
            )
        namespace = self.namespace(node.value)
        if namespace is not None:
            if attr not in namespace:
                raise self.reject(node, line, "this attribute", namespace.refusal(attr))
            return
        if attr in _DENIED_ATTRIBUTES:
            reason = _ATTRIBUTE_REASONS.get(
                attr,
                "it is an attribute of Python or numpy objects that reward code may not use",
            )
            raise self.reject(
                node,
                line,
                f"the attribute '.{attr}'",
                f"{reason} (allowed: {', '.join(sorted(SAFE_ATTRIBUTES))}); if {attr!r} is a "
                f"state key, use item access: x[{attr!r}]",
            )

    @staticmethod
    def namespace(node: ast.AST) -> SafeNamespace | None:
        """The safe namespace an attribute base names directly (``np``, ``np.linalg``, ``math``)."""
        if isinstance(node, ast.Name) and node.id == "np":
            return SAFE_NP
        if isinstance(node, ast.Name) and node.id == "math":
            return SAFE_MATH
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "np"
            and node.attr == "linalg"
        ):
            linalg: SafeNamespace = SAFE_NP.linalg
            return linalg
        return None

    def call(self, node: ast.Call, line: int, loops: int) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "range":
            self.range_call(node, line)
        else:
            self.visit(func, line, loops)
        for kw in node.keywords:
            if kw.arg is None:
                raise self.reject(
                    kw, line, "keyword unpacking (**)", "pass keyword arguments by name"
                )
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "np"
            and func.attr in _SIZED_NP
            and node.args
        ):
            self.literal_shape(node, node.args[0], func.attr, line)
        for arg in (*node.args, *node.keywords):
            self.visit(arg, line, loops)

    def range_call(self, node: ast.Call, line: int) -> None:
        if node.keywords or not 1 <= len(node.args) <= 3:
            raise self.reject(node, line, "this range() call", "give range 1 to 3 arguments")
        for arg in node.args:
            if _literal_int(arg) is not None:
                continue
            if (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Name)
                and arg.func.id == "len"
                and len(arg.args) == 1
                and not arg.keywords
            ):
                continue  # len(...) is checked as an ordinary call below
            raise self.reject(
                arg,
                line,
                "this range() argument",
                f"range arguments must be integer literals or len(...), so every loop is "
                f"bounded (literal ranges hold at most {MAX_ITERATIONS} elements)",
            )
        values = [_literal_int(a) for a in node.args]
        if all(v is not None for v in values):
            ints = [v for v in values if v is not None]
            if len(ints) == 3 and ints[2] == 0:
                raise self.reject(node, line, "range() with step 0", "the step must not be 0")
            size = len(range(*ints))
            if size > MAX_ITERATIONS:
                raise self.reject(
                    node,
                    line,
                    "this range()",
                    f"it has {size} elements; at most {MAX_ITERATIONS}",
                )
        for arg in node.args:
            if isinstance(arg, ast.Call):
                self.visit(arg, line, 1)

    def literal_shape(self, node: ast.Call, shape: ast.AST, fn: str, line: int) -> None:
        dims: list[int | None]
        if isinstance(shape, ast.Tuple | ast.List):
            dims = [_literal_int(e) for e in shape.elts]
        else:
            dims = [_literal_int(shape)]
        if dims and all(d is not None for d in dims):
            size = math.prod(d for d in dims if d is not None)
            if size > MAX_ELEMENTS:
                raise self.reject(
                    node,
                    line,
                    f"this np.{fn}()",
                    f"it makes {size} elements; arrays hold at most {MAX_ELEMENTS}",
                )

    def binop(
        self, node: ast.AST, left: ast.AST, op: ast.operator, right: ast.AST, line: int
    ) -> None:
        if isinstance(op, ast.Pow):
            exponent = _literal_number(right)
            if exponent is None or abs(exponent) > MAX_EXPONENT:
                raise self.reject(
                    node,
                    line,
                    "this power (**)",
                    f"the exponent must be a number literal with |e| <= {MAX_EXPONENT}, so no "
                    f"expression can build astronomically large numbers; use math.pow(x, y) "
                    f"(which raises on overflow) or np.exp(y * np.log(x)) for other exponents",
                )
        elif isinstance(op, ast.Mult):
            for side in (left, right):
                if isinstance(side, _SEQUENCE_LITERALS) or (
                    isinstance(side, ast.Constant) and isinstance(side.value, str)
                ):
                    raise self.reject(
                        node,
                        line,
                        "repeating a sequence with *",
                        "`[0] * n` and `'a' * n` can allocate unbounded memory; use "
                        "np.zeros(n) (size-checked) or a comprehension over range(n)",
                    )
        elif isinstance(op, ast.Mod) and (
            isinstance(left, ast.Constant) and isinstance(left.value, str)
        ):
            raise self.reject(
                node,
                line,
                "string formatting with %",
                "format strings are not needed for rewards; term names are plain strings",
            )
        elif type(op) in _NODE_REASONS:
            what, why = _NODE_REASONS[type(op)]
            raise self.reject(node, line, what, why)

    def constant(self, node: ast.Constant, line: int) -> None:
        value = node.value
        if value is None or isinstance(value, bool | int | float | str):
            return
        raise self.reject(
            node,
            line,
            f"a {type(value).__name__} constant",
            "constants must be int, float, bool, str or None",
        )


def _parse_checked(source: str) -> ast.Module:
    """Parse and check ``source`` (see :func:`check_reward_code`); return the tree."""
    if not isinstance(source, str):
        raise RewardRejected(f"reward code must be a string, not {type(source).__name__}")
    if not source.strip():
        raise RewardRejected("reward code is empty; it must define `def reward(state):`")
    if len(source) > MAX_SOURCE_CHARS:
        raise RewardRejected(
            f"reward code is {len(source)} characters long; at most {MAX_SOURCE_CHARS}"
        )
    try:
        tree = ast.parse(source, filename=_FILENAME, mode="exec")
    except SyntaxError as exc:
        where = f"reward code line {exc.lineno}" if exc.lineno else "reward code"
        column = f" (column {exc.offset})" if exc.lineno and exc.offset else ""
        raise RewardRejected(f"{where}: syntax error: {exc.msg}{column}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise RewardRejected(f"reward code cannot be parsed: {exc}") from None
    try:
        _Checker(source).module(tree)
    except RecursionError:
        raise RewardRejected("reward code is nested too deeply") from None
    return tree


def check_reward_code(source: str) -> None:
    """Accept ``source`` if it follows the allow-list in the module docstring, else raise.

    Raises :class:`RewardRejected` with a message of the form ``reward code line N: <construct>
    `<snippet>` is not allowed: <why>`` at the first construct that breaks a rule. Passing the
    check does not mean the code terminates quickly or stays within memory: run it in a
    :class:`RewardWorker`.
    """
    _parse_checked(source)


# ---------------------------------------------------------------------------------- compilation
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
        if type(key) is not str or not key or len(key) > 100:
            raise RewardRejected(
                f"term names must be non-empty strings of at most 100 characters, not "
                f"{reprlib.repr(key)}"
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


# ---------------------------------------------------------------------------------- worker
def _format_bytes(count: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _address_space() -> int:
    """This process's current virtual memory size in bytes (0 where /proc is unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _apply_limits(memory_limit: int) -> None:
    """Limit this (worker) process: address space, file size 0, no core files."""
    soft = _address_space() + memory_limit
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, soft))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _send(conn: Connection, message: list[Any]) -> None:
    conn.send_bytes(json.dumps(message).encode())


def _worker_main(conn: Connection, source: str, memory_limit: int) -> None:
    """The worker process: compile, limit itself, then answer calls until told to stop.

    Replies are JSON (never pickle), so the parent never unpickles anything the worker sends:
    ``["ready"]``, ``["startup", msg]``, ``["ok", terms, cpu_seconds]``, ``["invalid", msg]``
    (bad result; the worker is fine), ``["error", msg]`` (the code raised), ``["memory", msg]``,
    ``["snapshot", msg]`` (a malformed snapshot).
    """
    try:
        fn = compile_reward(source)
        sys.dont_write_bytecode = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # nothing reaches the parent's terminal or capture files
        os.dup2(devnull, 2)
        os.close(devnull)
        _apply_limits(memory_limit)
    except BaseException as exc:
        _send(conn, ["startup", f"{type(exc).__name__}: {exc}"])
        return
    _send(conn, ["ready"])
    while True:
        try:
            snapshot = conn.recv()
        except (EOFError, OSError):
            return
        if snapshot is None:
            return
        reply: list[Any]
        start = time.process_time()
        try:
            terms = fn(snapshot)
        except RewardRejected as exc:
            cause = exc.__cause__
            if isinstance(cause, MemoryError):
                reply = ["memory", str(exc)]
            else:
                reply = ["invalid" if cause is None else "error", str(exc)]
        except MemoryError:
            reply = ["memory", "MemoryError while reading the snapshot"]
        except Exception as exc:
            reply = ["snapshot", f"{type(exc).__name__}: {exc}"]
        else:
            reply = ["ok", terms, time.process_time() - start]
        try:
            _send(conn, reply)
        except BaseException:
            os._exit(3)


class RewardWorker:
    """Runs reward code in a separate, limited process; a context manager.

    ``RewardWorker(code)`` checks and compiles ``code`` here first (raising
    :class:`RewardRejected`), then starts a worker process with the ``spawn`` start method:
    a fresh interpreter that inherits no threads, locks, OpenGL/MuJoCo state or address space
    from this process (``fork`` would, which makes ``RLIMIT_AS`` meaningless in a big parent
    and can deadlock in a threaded one). As with every ``spawn`` child, the main module is
    imported again in the worker, so scripts need the ``if __name__ == "__main__":`` guard.

    The worker limits itself with ``RLIMIT_AS`` = its size after start-up (interpreter and
    numpy, typically 100–200 MiB; this varies between machines, so the limit is relative to it)
    + ``memory_limit``, with ``RLIMIT_FSIZE`` = 0 (it cannot write any file) and
    ``RLIMIT_CORE`` = 0, and sends results back as JSON.

    :meth:`call` sends one snapshot and waits ``time_budget + wait_slack`` seconds for the
    answer. It raises :class:`RewardRejected` with the reason, and the object stays usable:

    * no answer in time → the process is killed: ``"time budget 0.05 s exceeded"``;
    * an answer that used more than ``time_budget`` seconds of CPU → the same message (the
      process is healthy and is kept);
    * ``MemoryError`` in the code → killed: ``"memory limit 1 GiB exceeded (...)"``; the process
      died → ``"worker process died (...); most likely the memory limit 1 GiB was exceeded"``;
    * the code raised → killed: ``"ZeroDivisionError: division by zero (reward code line 4)"``;
    * a bad result (not a dict, NaN…) → ``"term 'x' is not finite: nan"``; the process is kept.

    A killed process is replaced by a new one on the next call (:attr:`starts` counts them).
    ``wait_slack`` covers inter-process communication and scheduling delays, so a correct reward
    is not killed because the machine is busy; CPU time over the budget is rejected exactly.
    """

    def __init__(
        self,
        code: str | RewardFn,
        *,
        time_budget: float = DEFAULT_TIME_BUDGET,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        wait_slack: float = 0.25,
        start_timeout: float = 60.0,
    ) -> None:
        source = code.source if isinstance(code, RewardFn) else code
        compile_reward(source)  # reject bad code here, before any process starts
        if not (isinstance(time_budget, int | float) and 0 < time_budget < math.inf):
            raise ConfigError(f"time_budget must be a positive number of seconds: {time_budget}")
        if not (isinstance(wait_slack, int | float) and 0 <= wait_slack < math.inf):
            raise ConfigError(f"wait_slack must be a non-negative number: {wait_slack}")
        if isinstance(memory_limit, bool) or not isinstance(memory_limit, int):
            raise ConfigError(f"memory_limit must be an int number of bytes: {memory_limit!r}")
        if memory_limit < 16 << 20:
            raise ConfigError(f"memory_limit must be at least 16 MiB: {memory_limit}")
        self.source = source
        self.time_budget = float(time_budget)
        self.memory_limit = memory_limit
        self.wait_slack = float(wait_slack)
        self.start_timeout = float(start_timeout)
        self.starts = 0
        """How many worker processes have been started."""
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False

    # -------------------------------------------------------------- lifecycle
    @property
    def running(self) -> bool:
        """Whether a worker process is started and alive."""
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        """The worker process id, or None while none is running."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the worker process if none is running (calls do this on demand)."""
        if self._closed:
            raise RewardWorkerError("this RewardWorker is closed")
        if self.running:
            return
        self._kill()
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(
            target=_worker_main,
            args=(child, self.source, self.memory_limit),
            name="gendexhand-reward",
            daemon=True,
        )
        process.start()
        child.close()  # so that the worker's death reads as end-of-file here
        self._process, self._conn = process, parent
        self.starts += 1
        try:
            if not parent.poll(self.start_timeout):
                raise RewardWorkerError(
                    f"reward worker did not start within {self.start_timeout:g} s"
                )
            reply = json.loads(parent.recv_bytes(_MAX_REPLY))
        except (EOFError, OSError, ValueError) as exc:
            process.join(1.0)
            code = process.exitcode
            self._kill()
            raise RewardWorkerError(
                f"reward worker failed to start ({type(exc).__name__}, exit code {code}). With "
                f"the spawn start method the main module is imported again in the worker: a "
                f"script that creates a RewardWorker when imported needs the "
                f"`if __name__ == '__main__':` guard"
            ) from None
        except RewardWorkerError:
            self._kill()
            raise
        if reply != ["ready"]:
            self._kill()
            raise RewardWorkerError(f"reward worker failed to start: {reply[-1]}")

    def _kill(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5.0)
            if process.exitcode is not None:
                process.close()
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Stop the worker process; later calls raise :class:`RewardWorkerError`."""
        if self._conn is not None and self.running:
            try:
                self._conn.send(None)
                assert self._process is not None
                self._process.join(1.0)
            except (OSError, ValueError):
                pass
        self._kill()
        self._closed = True

    def __enter__(self) -> RewardWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._kill()

    # -------------------------------------------------------------- calls
    @property
    def _memory(self) -> str:
        return _format_bytes(self.memory_limit)

    def call(self, snapshot: Mapping[str, Any]) -> dict[str, float]:
        """Run the reward on ``snapshot`` in the worker; ``{term: float}`` or
        :class:`RewardRejected` (see the class docstring for the reasons).

        A snapshot the worker cannot read raises :class:`ValueError` (a bug on the caller's
        side, not in the reward code).
        """
        self.start()
        conn = self._conn
        assert conn is not None
        try:
            conn.send(dict(snapshot))
        except (OSError, ValueError):  # the worker died between calls: start afresh, once
            self._kill()
            self.start()
            conn = self._conn
            assert conn is not None
            conn.send(dict(snapshot))
        budget = f"time budget {self.time_budget:g} s exceeded"
        if not conn.poll(self.time_budget + self.wait_slack):
            self._kill()
            raise RewardRejected(budget)
        try:
            raw = conn.recv_bytes(_MAX_REPLY)
        except (EOFError, OSError):
            assert self._process is not None
            self._process.join(1.0)
            code = self._process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            self._kill()
            raise RewardRejected(
                f"worker process died ({how}); most likely the memory limit {self._memory} was "
                f"exceeded"
            ) from None
        try:
            reply = json.loads(raw)
        except ValueError:
            self._kill()
            raise RewardRejected("the reward worker sent an unreadable reply") from None
        kind = reply[0] if isinstance(reply, list) and reply else None
        if kind == "ok" and len(reply) == 3:
            terms = _validate_terms(reply[1])
            if float(reply[2]) > self.time_budget:
                raise RewardRejected(budget)
            return terms
        message = str(reply[1]) if isinstance(reply, list) and len(reply) > 1 else repr(reply)
        if kind == "invalid":
            raise RewardRejected(message)
        if kind == "snapshot":
            raise ValueError(f"the reward worker could not read the snapshot: {message}")
        self._kill()
        if kind == "memory":
            raise RewardRejected(f"memory limit {self._memory} exceeded ({message})")
        raise RewardRejected(message)


def preflight(
    source: str,
    snapshots: Sequence[Mapping[str, Any]],
    *,
    time_budget: float = DEFAULT_TIME_BUDGET,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    max_failures: int = 10,
) -> list[str]:
    """Check ``source``, then run it on recorded ``snapshots`` in a :class:`RewardWorker`.

    Returns the distinct rejection reasons in order of first appearance; an empty list means the
    code passed. A checker rejection is returned as the only reason (no process is started).
    Stops after ``max_failures`` failed calls, since every failure that kills the worker costs a
    process start.
    """
    try:
        check_reward_code(source)
    except RewardRejected as exc:
        return [str(exc)]
    reasons: dict[str, None] = {}
    failures = 0
    with RewardWorker(source, time_budget=time_budget, memory_limit=memory_limit) as worker:
        for snapshot in snapshots:
            try:
                worker.call(snapshot)
            except RewardRejected as exc:
                reasons[str(exc)] = None
                failures += 1
                if failures >= max_failures:
                    break
    return list(reasons)
