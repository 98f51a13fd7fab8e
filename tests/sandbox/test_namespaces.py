"""The safe numpy and math namespaces."""

from __future__ import annotations

import types

import numpy as np
import pytest

from gendexhand.sandbox import MAX_ELEMENTS, SAFE_MATH, SAFE_NP


def test_safe_np_members_are_plain_functions_of_the_module() -> None:
    for name in SAFE_NP.names():
        member = getattr(SAFE_NP, name)
        if callable(member) and name != "linalg":
            assert isinstance(member, types.FunctionType), name
            assert member.__module__ == "gendexhand.sandbox.namespaces", name
    assert isinstance(SAFE_NP.linalg.norm, types.FunctionType)
    for name in SAFE_MATH.names():
        member = getattr(SAFE_MATH, name)
        assert isinstance(member, float | types.FunctionType), name


@pytest.mark.parametrize(
    "name", ["save", "load", "loadtxt", "fromfile", "memmap", "lib", "ctypeslib", "arange"]
)
def test_safe_np_refuses_everything_else(name: str) -> None:
    with pytest.raises(AttributeError, match=f"np.{name} is not available"):
        getattr(SAFE_NP, name)
    with pytest.raises(AttributeError, match="read-only"):
        SAFE_NP.save = np.save
    with pytest.raises(AttributeError, match=r"math\.factorial is not available"):
        _ = SAFE_MATH.factorial


def test_safe_np_checks_sizes_before_computing() -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_ELEMENTS}"):
        SAFE_NP.zeros(1_000_000_000)
    with pytest.raises(ValueError, match=f"at most {MAX_ELEMENTS}"):
        SAFE_NP.full((1000, 1000), 1.0)
    column, row = SAFE_NP.zeros((10_000, 1)), SAFE_NP.ones((1, 10_000))
    with pytest.raises(ValueError, match="100000000 result elements"):
        SAFE_NP.minimum(column, row)  # broadcasting would make 10^8 elements
    with pytest.raises(ValueError, match="100000000 result elements"):
        SAFE_NP.dot(column, row)
    with pytest.raises(ValueError, match="result elements"):
        SAFE_NP.concatenate([SAFE_NP.zeros(6000), SAFE_NP.zeros(6000)])
    with pytest.raises(TypeError, match="dtype"):
        SAFE_NP.array([1, 2], dtype="O")
    assert SAFE_NP.cross([1.0, 0, 0], [0, 1.0, 0]).tolist() == [0, 0, 1]
    assert SAFE_NP.where(SAFE_NP.array([True, False]), 1.0, 2.0).tolist() == [1.0, 2.0]
    assert SAFE_NP.stack([SAFE_NP.zeros(2), SAFE_NP.ones(2)]).shape == (2, 2)
    assert SAFE_NP.linalg.norm([3.0, 4.0]) == 5.0
