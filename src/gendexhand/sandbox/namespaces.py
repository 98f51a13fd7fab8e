"""The safe ``np`` and ``math`` reward code sees: :class:`SafeNamespace`, :data:`SAFE_NP` (the
size-checked numpy wrappers) and :data:`SAFE_MATH`."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np

from gendexhand.errors import closest
from gendexhand.sandbox.errors import _TooLargeError
from gendexhand.sandbox.limits import MAX_ELEMENTS


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
