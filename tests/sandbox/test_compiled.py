"""Compiled rewards: good code, result validation, the safe builtins, combining terms."""

from __future__ import annotations

import numpy as np
import pytest

from gendexhand.errors import ConfigError
from gendexhand.sandbox import (
    SAFE_MATH,
    SAFE_NP,
    RewardRejected,
    UnweightedTermWarning,
    check_reward_code,
    combine,
    compile_reward,
)
from tests.sandbox.samples import GOOD, expected_good, snapshot


def test_good_reward_computes_expected_terms() -> None:
    fn = compile_reward(GOOD)
    snap = snapshot()
    terms = fn(snap)
    assert terms == pytest.approx(expected_good(snap))
    assert terms["reach"] == pytest.approx(-np.sqrt(0.3**2 + 0.4**2 + 0.2**2))
    assert terms["touch"] == pytest.approx(np.tanh(1.5))  # no index contact: 0
    assert terms["lift"] == pytest.approx(0.08)
    assert all(type(v) is float for v in terms.values())
    # no contact with the bottle at all: every part reads 0
    snap["contacts"] = {}
    assert fn(snap)["touch"] == 0.0


def test_rich_but_allowed_code_passes() -> None:
    code = '''
def reward(state):
    """Docstrings, helpers, loops, comprehensions, item access."""

    def closeness(a, b):
        d = np.linalg.norm(a - b)
        return math.exp(-10.0 * d ** 2)

    tips = [closeness(p, state.objects["bottle"].pos) for name, p in state.tips.items()]
    near = sum(1 for t in tips if t > 0.5)
    grid = {(i, j): i * j for i in range(10) for j in range(10)}
    total = 0.0
    for k in range(len(tips)):
        total += tips[k]
    else:
        total *= 1.0
    forces = state.contacts.bottle
    squeeze = forces.get("thumb", 0.0) + forces["index"] + len(forces)
    upright = abs(state.objects.bottle.quat[0]) ** 2
    axis = state.palm.rot @ np.array([0.0, 0.0, 1.0])
    first, *rest = axis.tolist()
    ok = state.objects.bottle.fraction.cap_hinge >= 0.2 and not (near < 0)
    return {
        "tips": total / max(len(tips), 1),
        "grid": float(grid[(3, 4)]),
        "squeeze": min(squeeze, 5.0),
        "upright": upright if ok else 0.0,
        "axis": float(np.dot(axis, axis)) + first * 0 + sum(rest) * 0,
        "done": ok,
    }
'''
    check_reward_code(code)
    terms = compile_reward(code)(snapshot())
    assert terms["grid"] == 12.0
    assert terms["squeeze"] == pytest.approx(3.5)  # 1.5 + 0 + 2 parts
    assert terms["upright"] == pytest.approx(1.0)
    assert terms["done"] == 1.0


@pytest.mark.parametrize(
    ("ret", "fragment"),
    [
        ("{'x': float('nan')}", "term 'x' is not finite: nan"),
        ("{'x': np.log(0.0)}", "term 'x' is not finite: -inf"),
        ("[1.0]", "must return a dict of term name -> number, not list"),
        ("{}", "empty dict"),
        ("{1: 1.0}", "term names must be identifiers"),
        ("{'not a name': 1.0}", "term names must be identifiers"),
        ("{'x': 'a'}", "term 'x' is a str, not a real number"),
        ("{'x': np.zeros(3)}", "term 'x' is a ndarray"),
        ("{'x': 1 / 0}", "ZeroDivisionError: division by zero (reward code line 2)"),
        ("{'x': state.objects.mug.pos}", "AttributeError: state.objects has no 'mug'"),
        ("{'x': np.zeros(len(state.action) * 100000)}", "np.zeros: 700000 elements"),
    ],
)
def test_compiled_reward_validates_results(ret: str, fragment: str) -> None:
    fn = compile_reward(f"def reward(state):\n    return {ret}\n")
    with pytest.raises(RewardRejected) as info:
        fn(snapshot())
    assert fragment in str(info.value)


def test_compiled_reward_accepts_numpy_scalars_and_bools() -> None:
    fn = compile_reward(
        "def reward(state):\n"
        "    p = state.palm.pos\n"
        "    return {'a': p.sum(), 'b': p[0] > 0, 'c': np.array(2.0), 'd': 3, 'e': True}\n"
    )
    assert fn(snapshot()) == {"a": pytest.approx(1.3), "b": 1.0, "c": 2.0, "d": 3.0, "e": 1.0}


def test_compiled_code_sees_only_safe_builtins() -> None:
    # `reward` is not a name the code may use, and the builtins are exactly the safe ones; the
    # checker refuses `__builtins__`, so look at the function from outside.
    fn = compile_reward(GOOD)
    namespace = fn._reward.__globals__
    assert set(namespace["__builtins__"]) == {
        "__import__",  # numpy's C code imports lazily through the running frame's builtins
        "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list", "max",
        "min", "range", "round", "sum", "tuple", "zip",
    }  # fmt: skip
    assert namespace["np"] is SAFE_NP and namespace["math"] is SAFE_MATH
    guarded = namespace["__builtins__"]["__import__"]
    assert guarded("numpy._core._methods", None, None, ("_sum",), 0) is not None
    for name in ("os", "numpy_evil", "subprocess"):
        with pytest.raises(ImportError, match="cannot import"):
            guarded(name, None, None, (), 0)
    with pytest.raises(ImportError):
        guarded("numpy", None, None, (), 1)  # relative imports are refused too


# ---------------------------------------------------------------------------------- combine
def test_combine_weights_terms() -> None:
    terms = {"reach": -0.5, "lift": 0.1, "bonus": 2.0}
    with pytest.warns(UnweightedTermWarning, match="'bonus'"):
        total = combine(terms, {"reach": 2.0, "lift": 10.0})
    assert total == pytest.approx(0.0)
    with pytest.raises(RewardRejected, match="no term 'touch'"):
        combine(terms, {"reach": 1.0, "touch": 1.0})
    with pytest.raises(ConfigError, match="finite"):
        combine(terms, {"reach": float("inf")})
    assert combine({"a": 1.0}, {"a": 0.5}) == 0.5
