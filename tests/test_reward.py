"""The reward-code sandbox: the checker, safe numpy, the read-only state, compiled rewards, and
the limited worker process."""

from __future__ import annotations

import re
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gendexhand.errors import ConfigError, GenDexHandError
from gendexhand.plan.reward import (
    MAX_ELEMENTS,
    SAFE_MATH,
    SAFE_NP,
    RewardRejected,
    RewardWorker,
    RewardWorkerError,
    StateView,
    UnweightedTermWarning,
    check_reward_code,
    combine,
    compile_reward,
    preflight,
)

GOOD = '''\
"""Reach the bottle, touch it, lift it."""


def reward(state):
    # distance of the palm to the bottle, contact bonus, lift height
    dist = np.linalg.norm(state.palm.pos - state.objects.bottle.pos)
    touch = state.contacts.bottle.thumb + state.contacts.bottle.index
    lift = state.objects.bottle.bottom - state.table_height
    return {
        "reach": -dist,
        "touch": np.tanh(touch),
        "lift": np.clip(lift, 0.0, 0.2),
    }
'''


def snapshot(**goal: Any) -> dict[str, Any]:
    return {
        "t": 0.5,
        "table_height": 0.7,
        "palm": {"pos": np.array([0.1, 0.2, 1.0]), "rot": np.eye(3)},
        "tips": {"thumb": (0.1, 0.25, 0.95), "index": (0.12, 0.18, 0.95)},
        "objects": {
            "bottle": {
                "pos": np.array([0.4, 0.6, 0.8]),
                "quat": (1.0, 0.0, 0.0, 0.0),
                "linvel": (0.0, 0.0, 0.1),
                "angvel": (0.0, 0.0, 0.0),
                "bottom": 0.78,
                "joints": {"cap_hinge": 0.3},
                "fraction": {"cap_hinge": 0.25},
            }
        },
        "contacts": {"bottle": {"thumb": 1.5, "palm": 0.5}},
        "action": np.zeros(7),
        "goal": dict(goal),
    }


def expected_good(snap: dict[str, Any]) -> dict[str, float]:
    bottle = snap["objects"]["bottle"]
    contacts = snap["contacts"].get("bottle", {})
    touch = contacts.get("thumb", 0.0) + contacts.get("index", 0.0)
    return {
        "reach": -float(np.linalg.norm(snap["palm"]["pos"] - bottle["pos"])),
        "touch": float(np.tanh(touch)),
        "lift": float(np.clip(bottle["bottom"] - snap["table_height"], 0.0, 0.2)),
    }


def body(code: str) -> str:
    """A reward whose body starts (at line 2) with ``code``."""
    return "def reward(state):\n" + textwrap.indent(code, "    ") + "\n    return {'x': 1.0}\n"


# ---------------------------------------------------------------------------------- good code
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


# ---------------------------------------------------------------------------------- state view
def test_state_view_is_read_only_copy() -> None:
    snap = snapshot(height=0.9, label="shelf")
    state = StateView(snap)
    pos = state.palm.pos
    assert isinstance(pos, np.ndarray) and pos.dtype == np.float64
    assert not pos.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        pos[0] = 5.0
    assert not state.objects.bottle.quat.flags.writeable  # tuples become read-only arrays too
    # a copy: later changes to the snapshot do not show
    snap["palm"]["pos"][0] = 99.0
    assert state.palm.pos[0] == pytest.approx(0.1)
    with pytest.raises(TypeError, match="read-only"):
        state["extra"] = 1
    with pytest.raises(AttributeError, match="read-only"):
        state.extra = 1
    with pytest.raises(AttributeError, match="read-only"):
        state.palm.pos = np.zeros(3)
    with pytest.raises(TypeError, match="read-only"):
        del state["t"]
    assert state.goal.height == 0.9 and state.goal.label == "shelf"
    assert type(state.t) is float


def test_state_view_access_and_contacts_defaults() -> None:
    state = StateView(snapshot())
    assert state.objects["bottle"] is state.objects.bottle
    assert set(state.tips) == {"thumb", "index"}
    assert dict(state.tips.items())["thumb"].tolist() == [0.1, 0.25, 0.95]
    assert len(state.objects) == 1 and "bottle" in state.objects
    assert state.contacts.bottle.thumb == 1.5
    assert state.contacts.bottle.index == 0.0  # missing parts are 0
    assert state.contacts.bottle["ring"] == 0.0
    assert state.contacts.mug.palm == 0.0  # untouched objects read all 0
    assert "mug" not in state.contacts and "index" not in state.contacts.bottle
    assert state.contacts.bottle.get("index", 0.5) == 0.5  # get honours its default
    assert state.tips.get("pinky") is None
    with pytest.raises(AttributeError, match=r"state.objects has no 'bottel'.*Closest: bottle"):
        _ = state.objects.bottel
    with pytest.raises(KeyError, match="It has: index, thumb"):
        _ = state.tips["pinky"]
    assert StateView({"t": 0.0}).contacts.bottle.thumb == 0.0  # no contacts key at all


def test_state_view_rejects_malformed_snapshots() -> None:
    with pytest.raises(TypeError, match="mapping"):
        StateView([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"state\.palm\.pos"):
        StateView({"palm": {"pos": ["a", "b"]}})
    with pytest.raises(TypeError, match="not a str"):
        StateView({"objects": {1: {}}})
    with pytest.raises(TypeError, match="unsupported type"):
        StateView({"goal": {"f": object()}})


# ---------------------------------------------------------------------------------- safe numpy
def test_safe_np_members_are_plain_functions_of_the_module() -> None:
    for name in SAFE_NP.names():
        member = getattr(SAFE_NP, name)
        if callable(member) and name != "linalg":
            assert isinstance(member, types.FunctionType), name
            assert member.__module__ == "gendexhand.plan.reward", name
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


# ---------------------------------------------------------------------------------- checker
HOSTILE: list[tuple[str, str, str]] = [
    # (id, source, fragment of the message)
    ("import-top", "import os\n" + GOOD, "import"),
    ("from-import", "from os import system\n" + GOOD, "import"),
    ("import-inside", body("import os"), "cannot import"),
    ("dunder-import", body("__import__('os').system('x')"), "'__import__'"),
    ("open", body("open('/etc/passwd').read()"), "'open'"),
    ("eval", body("eval('1')"), "runs arbitrary code"),
    ("exec", body("exec('x=1')"), "'exec'"),
    ("compile", body("compile('1', 'f', 'eval')"), "'compile'"),
    ("getattr", body("getattr(state, '__class__')"), "'getattr'"),
    ("dunder-class", body("state.__class__.__bases__"), "'.__class__'"),
    ("subclasses", body("().__class__.__base__.__subclasses__()"), "starting with '_'"),
    ("np-save", body("np.save('f', 1)"), "np.save is not available to reward code (it writes"),
    ("np-load", body("np.load('f')"), "np.load is not available"),
    ("np-memmap", body("m = np.memmap"), "np.memmap is not available"),
    ("np-lib", body("m = np.lib.format"), "np.lib is not available"),
    ("np-loadtxt", body("np.loadtxt('f')"), "np.loadtxt"),
    ("np-fromfile", body("np.fromfile('f')"), "np.fromfile"),
    ("np-ctypeslib", body("np.ctypeslib"), "np.ctypeslib"),
    ("type", body("type(state)"), "'type'"),
    ("globals", body("globals()"), "'globals'"),
    ("vars", body("vars()"), "'vars'"),
    ("dir", body("dir(state)"), "'dir'"),
    ("while", body("while True:\n    pass"), "while loop"),
    ("class", body("class A:\n    pass"), "class definition"),
    ("class-top", "class A:\n    pass\n" + GOOD, "class definition"),
    ("decorator", body("@np.tanh\ndef f(x):\n    return x"), "decorator"),
    ("decorator-top", "@np.tanh\n" + GOOD.split('"""\n', 2)[-1], "decorator"),
    ("default-arg", "def reward(state, k=1):\n    return {'x': 1.0}\n", "default argument"),
    ("default-inner", body("def f(x=[]):\n    return x"), "default argument"),
    ("lambda", body("f = lambda: 0"), "lambda"),
    ("list-times", body("x = [0] * 10**9"), "repeating a sequence"),
    ("str-times", body("x = 'a' * 10**10"), "repeating a sequence"),
    ("comp-times", body("x = [i for i in range(3)] * 1000000000"), "repeating a sequence"),
    ("pow-tower", body("x = 2 ** 10 ** 10"), "power (**)"),
    ("pow-nines", body("x = 9**9**9"), "power (**)"),
    ("pow-var", body("n = 100\nx = 3 ** n"), "exponent must be a number literal"),
    ("pow-aug", body("x = 3\nx **= 1000"), "power (**)"),
    ("shift", body("x = 1 << 100000"), "shift"),
    ("top-assign", GOOD + "x = 1\n", "top-level statement"),
    ("top-call", GOOD + "reward(None)\n", "top-level statement"),
    ("top-helper", "def helper(x):\n    return x\n" + GOOD, "inside reward()"),
    ("two-rewards", GOOD + GOOD.split('"""\n', 2)[-1], "define reward() once"),
    ("global", body("global x"), "global statement"),
    ("nonlocal", body("y = 1\ndef f():\n    nonlocal y\n    y = 2"), "nonlocal statement"),
    ("with", body("with open('f') as f:\n    pass"), "with statement"),
    ("fstring", body("x = f\"{eval('1')}\""), "f-string"),
    ("format-attr", body("x = '{0.__class__}'.format(state)"), "'.format'"),
    ("percent-format", body("x = '%s' % (state,)"), "string formatting"),
    ("math-dict", body("math.__dict__"), "'.__dict__'"),
    ("np-array-module", body("np.array.__module__"), "'.__module__'"),
    ("range-huge", body("for i in range(10**12):\n    pass"), "range() argument"),
    ("range-literal", body("for i in range(1000000000000):\n    pass"), "1000000000000 elem"),
    ("range-var", body("n = 5\nfor i in range(n):\n    pass"), "integer literals or len"),
    ("range-alias", body("r = range"), "range other than calling"),
    (
        "nested-loops",
        body("for i in range(1000):\n    for j in range(1000):\n        pass"),
        "1000000 iterations",
    ),
    ("nested-comp", body("x = [1 for i in range(200) for j in range(200)]"), "40000 iter"),
    ("np-zeros-literal", body("np.zeros(1000000000)"), "1000000000 elements"),
    ("np-full-literal", body("np.full((1000, 1000), 1.0)"), "1000000 elements"),
    ("try", body("try:\n    x = 1\nexcept Exception:\n    pass"), "try/except"),
    ("raise", body("raise ValueError"), "raise"),
    ("assert", body("assert state"), "assert"),
    ("yield", body("yield 1"), "yield"),
    ("async", "async def reward(state):\n    return {'x': 1.0}\n", "async def"),
    ("tofile", body("state.palm.pos.tofile('x')"), "'.tofile'"),
    ("flags-assign", body("state.palm.pos.flags.writeable = True"), "assigning an attribute"),
    ("setflags", body("state.palm.pos.setflags(write=True)"), "'.setflags'"),
    ("dtype", body("t = state.palm.pos.dtype.type"), "'.dtype'"),
    ("gi-frame", body("g = (x for x in range(3)).gi_frame"), "'.gi_frame'"),
    ("mro", body("int.mro()"), "'.mro'"),
    ("iter", body("for x in iter(int, 1):\n    pass"), "'iter'"),
    ("walrus", body("(y := 1)"), ":="),
    ("varargs", "def reward(state, *args):\n    return {'x': 1.0}\n", "parameter list"),
    ("wrong-param", "def reward(s):\n    return {'x': 1.0}\n", "one parameter named state"),
    ("annotation", "def reward(state) -> dict:\n    return {'x': 1.0}\n", "annotation"),
    ("rebind-np", body("np = 1"), "binding the name 'np'"),
    ("rebind-state", body("state = 1"), "binding the name 'state'"),
    ("underscore-name", body("_ = 1"), "name '_'"),
    ("dunder-builtins", body("b = __builtins__"), "'__builtins__'"),
    ("del", body("x = 1\ndel x"), "del statement"),
    ("annassign", body("x: int = 1"), "annotated assignment"),
    ("match", body("match state:\n    case _:\n        pass"), "match statement"),
    ("kw-unpack", body("d = dict(**state)"), "keyword unpacking"),
    ("bytes", body("b = b'abc'"), "bytes constant"),
    ("complex", body("z = 1j"), "complex constant"),
    ("math-factorial", body("math.factorial(100000)"), "math.factorial is not available"),
    ("print", body("print('x')"), "'print'"),
    ("isinstance", body("isinstance(state, float)"), "'isinstance'"),
    ("breakpoint", body("breakpoint()"), "'breakpoint'"),
    ("input", body("input()"), "'input'"),
    ("memoryview", body("memoryview(b'')"), "'memoryview'"),
    ("super", body("super()"), "'super'"),
    ("object", body("object()"), "'object'"),
    ("unknown-name", body("x = os"), "unknown name 'os'"),
    ("state-key-data", body("x = state.goal.data"), "x['data']"),
    ("write-file", body("open('/tmp/pwned', 'w').write('x')"), "'open'"),
]


def test_hostile_corpus_is_big_enough() -> None:
    assert len(HOSTILE) >= 30
    assert len({h[0] for h in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize(
    ("source", "fragment"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_checker_rejects_hostile_code(source: str, fragment: str) -> None:
    with pytest.raises(RewardRejected) as info:
        check_reward_code(source)
    message = str(info.value)
    assert fragment in message
    assert re.match(r"reward code line \d+: .+ is not allowed: .+", message), message
    with pytest.raises(RewardRejected):
        compile_reward(source)  # compiling always checks first


def test_checker_messages_name_line_and_reason() -> None:
    with pytest.raises(RewardRejected) as info:
        check_reward_code(body("x = 1\ny = 2\nz = eval('3')"))
    assert str(info.value) == (
        "reward code line 4: the builtin 'eval' is not allowed: it runs arbitrary code"
    )


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("", "empty"),
        ("x = (", "syntax error"),
        ('"""only a docstring"""\n', "must define exactly one function"),
        ("def rewrd(state):\n    return {}\n", "inside reward()"),
        ("x" * 30_000, "at most 20000"),
    ],
)
def test_checker_rejects_malformed_sources(source: str, fragment: str) -> None:
    with pytest.raises(RewardRejected, match=re.escape(fragment)):
        check_reward_code(source)


def test_forbidden_file_writes_never_happen(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    # refused by the checker
    for code in (
        f"open({str(target)!r}, 'w').write('x')",
        f"np.save({str(target)!r}, 1)",
        f"state.palm.pos.tofile({str(target)!r})",
        f"np.zeros(3).dump({str(target)!r})",
    ):
        with pytest.raises(RewardRejected):
            compile_reward(body(code))
    # passes the checker (an alias of np), refused by the safe namespace at run time
    sneaky = compile_reward(body(f"m = np\nm.save({str(target)!r}, 1)"))
    with pytest.raises(RewardRejected, match=r"AttributeError: np.save is not available.*line 3"):
        sneaky(snapshot())
    assert not target.exists() and not target.with_suffix(".npy").exists()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------- results
@pytest.mark.parametrize(
    ("ret", "fragment"),
    [
        ("{'x': float('nan')}", "term 'x' is not finite: nan"),
        ("{'x': np.log(0.0)}", "term 'x' is not finite: -inf"),
        ("[1.0]", "must return a dict of term name -> number, not list"),
        ("{}", "empty dict"),
        ("{1: 1.0}", "term names must be non-empty strings"),
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


# ---------------------------------------------------------------------------------- worker
RUNTIME = """\
def reward(state):
    case = state.goal.case
    if case == 1:  # a long loop: 10^8 iterations over containers the checker cannot bound
        xs = list(range(10000))
        total = 0
        for a in xs:
            for b in xs:
                total += a * b
    if case == 2:  # a memory bomb the checker cannot see (8 GB of list)
        xs = [0.0]
        xs = xs * 1000000000
    if case == 3:  # a memory bomb through np: refused by the size check
        n = 1000000000
        np.zeros(n)
    if case == 4:  # deep recursion
        def down(k):
            return down(k + 1)
        down(0)
    if case == 5:
        return {"x": float("nan")}
    if case == 6:
        return [1.0]
    if case == 7:
        return {"x": 1 / 0}
    if case == 8:  # exponential time
        def grow(k):
            return 1 if k == 0 else grow(k - 1) + grow(k - 1)
        grow(40)
    if case == 9:  # writing a file through an alias of np
        m = np
        m.save(state.goal.path, 1)
    return {"ok": 1.0}
"""


@pytest.fixture(scope="module")
def worker() -> Iterator[RewardWorker]:
    with RewardWorker(RUNTIME) as w:  # defaults: 0.05 s, 1 GiB
        yield w


def test_worker_computes_like_in_process() -> None:
    snaps = [snapshot(), {**snapshot(), "contacts": {"bottle": {"index": 0.2}}}]
    with RewardWorker(GOOD) as w:
        for snap in snaps:
            assert w.call(snap) == pytest.approx(expected_good(snap))
        assert w.running and w.starts == 1
    assert not w.running
    with pytest.raises(RewardWorkerError, match="closed"):
        w.call(snapshot())


def test_worker_refuses_bad_code_before_starting() -> None:
    with pytest.raises(RewardRejected, match="'open'"):
        RewardWorker(body("open('x')"))
    with pytest.raises(ConfigError):
        RewardWorker(GOOD, time_budget=0)
    with pytest.raises(ConfigError):
        RewardWorker(GOOD, memory_limit=1000)


@pytest.mark.parametrize(
    ("case", "fragment", "kills"),
    [
        (1, "time budget 0.05 s exceeded", True),
        (2, "memory limit 1 GiB exceeded", True),
        (3, "np.zeros: 1000000000 elements; reward code may use arrays of at most 10000", True),
        (4, "RecursionError: maximum recursion depth exceeded", True),
        (5, "term 'x' is not finite: nan", False),
        (6, "must return a dict of term name -> number, not list", False),
        (7, "ZeroDivisionError: division by zero (reward code line 24)", True),
        (8, "time budget 0.05 s exceeded", True),
    ],
)
def test_worker_contains_misbehaviour(
    worker: RewardWorker, case: int, fragment: str, kills: bool
) -> None:
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}
    starts, pid = worker.starts, worker.pid
    with pytest.raises(RewardRejected) as info:
        worker.call(snapshot(case=case))
    assert fragment in str(info.value)
    assert (worker.pid is None) == kills  # killed, or kept
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}  # still usable afterwards
    assert worker.starts == starts + kills
    assert (worker.pid == pid) != kills


def test_worker_blocks_file_writes(worker: RewardWorker, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    with pytest.raises(RewardRejected, match=r"np\.save is not available"):
        worker.call(snapshot(case=9, path=str(target)))
    assert list(tmp_path.iterdir()) == []
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}


def test_worker_reports_bad_snapshots_as_caller_errors(worker: RewardWorker) -> None:
    with pytest.raises(ValueError, match="could not read the snapshot"):
        worker.call({"goal": {"case": 0}, "palm": {"pos": ["a"]}})
    assert worker.call(snapshot(case=0)) == {"ok": 1.0}


def test_runtime_corpus_passes_the_checker() -> None:
    check_reward_code(RUNTIME)  # the worker tests above exercise the run-time layers


# ---------------------------------------------------------------------------------- preflight
def test_preflight() -> None:
    snaps = [snapshot(), snapshot(), {**snapshot(), "contacts": {}}]
    assert preflight(GOOD, snaps) == []
    flaky = (
        "def reward(state):\n    f = state.contacts.bottle.thumb\n    return {'grip': 1.0 / f}\n"
    )
    reasons = preflight(flaky, snaps)
    assert reasons == ["ZeroDivisionError: float division by zero (reward code line 3)"]
    rejected = preflight(body("import os"), snaps)
    assert len(rejected) == 1 and "import" in rejected[0]


def test_errors_are_gendexhand_errors() -> None:
    assert issubclass(RewardRejected, GenDexHandError)
    assert issubclass(RewardWorkerError, GenDexHandError)
