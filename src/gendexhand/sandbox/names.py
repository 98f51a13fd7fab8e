"""The names and attributes reward code may use or is refused: :data:`SAFE_BUILTINS`, the
forbidden builtins, :data:`SAFE_ATTRIBUTES` and the denied attributes (with their reasons)."""

from __future__ import annotations

import builtins
import types
from typing import Final

import numpy as np

from gendexhand.sandbox.namespaces import SafeNamespace

SAFE_BUILTINS: Final = (
    "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list", "max", "min",
    "range", "round", "sum", "tuple", "zip",
)  # fmt: skip
"""The builtins reward code may use (``__builtins__`` holds exactly these)."""

_RESERVED: Final = frozenset({"state", "np", "math", "reward", *SAFE_BUILTINS})
_PYTHON_BUILTINS: Final = frozenset(n for n in dir(builtins) if not n.startswith("_"))
"""Every builtin's name: reward code binds none of them, in any scope."""

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
"""Public attributes of Python/numpy objects that reward code may read (see
:mod:`gendexhand.sandbox`). Attribute names outside this set that some reachable type has are
refused; other names are state keys."""


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
