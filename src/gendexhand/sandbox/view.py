"""The read-only state reward code sees: :class:`StateView` and the freezing of snapshots."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

import numpy as np

from gendexhand.errors import closest


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Final = _Missing()


class StateView(Mapping[str, Any]):
    """A read-only, deep-copied view of a state snapshot (its format: :mod:`gendexhand.sandbox`).

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
