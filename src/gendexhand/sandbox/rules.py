"""What the checker's rules share: the node tables, literal helpers, and :class:`_CheckerBase`
(the source, the names bound in ``reward``, and the rejection message)."""

from __future__ import annotations

import ast
from typing import Final

from gendexhand.sandbox.errors import RewardRejected
from gendexhand.sandbox.limits import MAX_ITERATIONS

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


_MAX_WHAT, _MAX_WHY = 100, 2000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _literal_int(node: ast.AST) -> int | None:
    value = _literal_number(node)
    return value if isinstance(value, int) else None


def _range_len(args: list[int]) -> int | None:
    """Elements of ``range(*args)`` without building it (``len()`` overflows past 2**63); None
    for a step of 0."""
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (args[0], args[1], 1)
    if len(args) == 3:
        step = args[2]
    if step == 0:
        return None
    span = stop - start if step > 0 else start - stop
    return max(0, -(-span // abs(step)))


class _CheckerBase:
    """The state of one checker pass and how it rejects; the rule mixins build on it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.bound: set[str] = set()

    # -------------------------------------------------------------- errors
    def reject(self, node: ast.AST, line: int, what: str, why: str) -> RewardRejected:
        line = getattr(node, "lineno", line)
        snippet = _snippet(self.source, node)
        shown = f" `{snippet}`" if snippet and snippet not in what else ""
        what, why = _cut(what, _MAX_WHAT), _cut(why, _MAX_WHY)  # a name may be 20 000 chars
        return RewardRejected(f"reward code line {line}: {what}{shown} is not allowed: {why}")

    def visit(self, node: ast.AST, line: int, loops: int) -> None:
        """Check ``node`` and everything below it (the dispatcher is ``checker._Checker.visit``)."""
        raise NotImplementedError
