"""The AST allow-list checker: hostile code, malformed sources, messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gendexhand.sandbox import RewardRejected, check_reward_code, compile_reward
from tests.sandbox.samples import GOOD, body, snapshot

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
    # a builtin's name rebound in a helper scope (or as a parameter) would let one scope's name
    # mean another thing in the next; no scope may bind one
    ("builtin-in-helper", body("def f():\n    getattr = 1\n    return getattr"), "'getattr'"),
    ("builtin-param", body("def f(print):\n    return print"), "is a Python builtin"),
    ("builtin-for", body("for open in [1]:\n    pass"), "is a Python builtin"),
    ("huge-range", body("for i in range(99999999999999999999999):\n    pass"), "at most 10000"),
    ("long-name", body("x = " + "y" * 5000), "unknown name"),
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
    assert re.match(r"(?s)reward code line \d+: .+ is\s+not\s+allowed: .+", message), message
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
        ("def reward(state):\n    return {'a': " + "-" * 5000 + "1}\n", "nested too deeply"),
        ("def reward(state):\n    return {'a': state" + ".a" * 6000 + "}\n", "nested too deep"),
        ("def reward(state):\n    x = " + "9" * 5000 + "\n", "syntax error"),
    ],
)
def test_checker_rejects_malformed_sources(source: str, fragment: str) -> None:
    with pytest.raises(RewardRejected, match=re.escape(fragment)) as info:
        check_reward_code(source)
    assert len(str(info.value)) < 300


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
    refused = r"(?s)AttributeError: np.save is not available.*line 3"
    with pytest.raises(RewardRejected, match=refused):
        sneaky(snapshot())
    assert not target.exists() and not target.with_suffix(".npy").exists()
    assert list(tmp_path.iterdir()) == []
