"""The parser of success expressions (the grammar is in :mod:`gendexhand.predicates`): a
plan's ``success:`` text becomes a tree of closures over the trusted predicates of
:mod:`gendexhand.predicates.library`; it is never run as code."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gendexhand.errors import ConfigError, unknown_name_message
from gendexhand.predicates.library import (
    AXES,
    MAX_TEXT,
    PREDICATES,
    SIGNATURES,
    Arg,
    ArgKind,
    Predicate,
    PredicateContext,
    allowed_text,
    interior_site,
    locate_point,
    object_handle,
    region_config,
)
from gendexhand.sim.scene import Scene

BoolFn = Callable[[PredicateContext], bool]
NumFn = Callable[[PredicateContext], float]


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[Arg, ...]
    fn: Predicate = field(compare=False, repr=False)
    """Bound when parsed: later changes to :data:`PREDICATES` do not change a parsed condition."""

    @property
    def label(self) -> str:
        def show(a: Arg) -> str:
            if isinstance(a, tuple):
                return "[" + ", ".join(f"{v:g}" for v in a) + "]"
            return f"{a:g}" if isinstance(a, float) else a

        return f"{self.name}({', '.join(show(a) for a in self.args)})"

    def __call__(self, ctx: PredicateContext) -> bool | float:
        return self.fn(ctx, *self.args)


class Success:
    """A parsed success condition: call it with a :class:`PredicateContext` to get a bool."""

    def __init__(self, text: str, evaluate: BoolFn, calls: Sequence[_Call]) -> None:
        self.text = text
        self._evaluate = evaluate
        self._calls = tuple(dict.fromkeys(calls))  # unique, in order of appearance

    def __call__(self, ctx: PredicateContext) -> bool:
        return bool(self._evaluate(ctx))

    def names(self) -> tuple[str, ...]:
        """The predicate names used, each once, in order of appearance."""
        return tuple(dict.fromkeys(c.name for c in self._calls))

    def calls(self) -> tuple[str, ...]:
        """The predicate calls, in canonical form (``lifted(bottle, 0.1)``), each once."""
        return tuple(c.label for c in self._calls)

    def explain(self, ctx: PredicateContext) -> str:
        """Every predicate call with its current value, e.g.
        ``lifted(bottle, 0.1)=False; joint_fraction(cabinet, door_hinge)=0.412``."""
        parts = []
        for call in self._calls:
            value = call(ctx)
            shown = f"{value:.3f}" if SIGNATURES[call.name].numeric else str(bool(value))
            parts.append(f"{call.label}={shown}")
        return "; ".join(parts)

    def __repr__(self) -> str:
        return f"Success({self.text!r})"


_CMP: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}

_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.NamedExpr: "assignment expression (:=)",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.BinOp: "arithmetic",
    ast.IfExp: "conditional expression (x if c else y)",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.Starred: "star expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.List: "list",
    ast.Tuple: "tuple",
}


def _constant(value: float) -> NumFn:
    return lambda ctx: value


class _Parser:
    def __init__(self, text: str, scene: Scene | None) -> None:
        self.text = text
        self.scene = scene
        self.calls: list[_Call] = []

    # -------------------------------------------------------------- errors
    def error(self, message: str, allowed: bool = True) -> ConfigError:
        tail = f" {allowed_text()}" if allowed else ""
        return ConfigError(f"success condition {self.text!r}: {message}.{tail}")

    def source(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.dump(node)

    def reject(self, node: ast.AST, where: str) -> ConfigError:
        what = _CONSTRUCTS.get(type(node), type(node).__name__)
        hint = ""
        if isinstance(node, ast.Attribute):
            what = f"attribute access '.{node.attr}'"
        elif isinstance(node, ast.BinOp):
            what = f"arithmetic ({type(node.op).__name__})"
            if isinstance(node.op, ast.Div):
                hint = " (quote names that hold '/', like 'bowl/rim')"
        elif isinstance(node, ast.Constant):
            what = f"constant {node.value!r}"
        elif isinstance(node, ast.Name):
            what = f"bare name {node.id!r}"
        elif isinstance(node, ast.UnaryOp):
            what = f"operator {type(node.op).__name__}"
        elif isinstance(node, ast.Call):
            what = "call of something other than a predicate name"
        return self.error(f"{what} is not allowed {where}: {self.source(node)}{hint}")

    # -------------------------------------------------------------- conditions
    def condition(self, node: ast.AST) -> BoolFn:
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda ctx: all(p(ctx) for p in parts)
            return lambda ctx: any(p(ctx) for p in parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.condition(node.operand)
            return lambda ctx: not inner(ctx)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            call, numeric = self.call(node)
            if numeric:
                raise self.error(
                    f"{call.name}() returns a number, not a condition; compare it, e.g. "
                    f"{self.source(node)} >= 0.9"
                )
            return lambda ctx: bool(call(ctx))
        raise self.reject(node, "as a condition")

    def compare(self, node: ast.Compare) -> BoolFn:
        for op in node.ops:
            if type(op) not in _CMP:
                symbol = type(op).__name__
                raise self.error(
                    f"comparison operator {symbol} is not allowed: {self.source(node)}"
                )
        operands = [self.operand(n) for n in (node.left, *node.comparators)]
        ops = []
        for k, op in enumerate(node.ops):
            if isinstance(operands[k], float) and isinstance(operands[k + 1], float):
                raise self.error(
                    "a comparison needs a numeric predicate on one side, e.g. "
                    f"joint_fraction(cabinet, door_hinge) >= 0.8: {self.source(node)}"
                )
            ops.append(_CMP[type(op)])
        evals = [_constant(o) if isinstance(o, float) else o for o in operands]

        def evaluate(ctx: PredicateContext) -> bool:
            left = evals[0](ctx)
            for op, right_fn in zip(ops, evals[1:], strict=True):
                right = right_fn(ctx)
                if not op(left, right):
                    return False
                left = right
            return True

        return evaluate

    def operand(self, node: ast.AST) -> float | NumFn:
        if isinstance(node, ast.Call):
            call, numeric = self.call(node)
            if not numeric:
                raise self.error(
                    f"{call.name}() is a condition, not a number; it cannot be compared (use "
                    f"'not' to negate it): {self.source(node)}"
                )
            return lambda ctx: float(call(ctx))
        number = self.number(node)
        if number is None:
            raise self.reject(node, "in a comparison")
        return number

    def number(self, node: ast.AST) -> float | None:
        sign = 1.0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            sign, node = -1.0, node.operand
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            value = sign * float(node.value)
            if not math.isfinite(value):
                raise self.error(f"numbers must be finite: {self.source(node)}")
            return value
        return None

    # -------------------------------------------------------------- calls
    def call(self, node: ast.Call) -> tuple[_Call, bool]:
        if not isinstance(node.func, ast.Name):
            raise self.reject(node, "(only predicates can be called)")
        name = node.func.id
        if name not in PREDICATES:
            raise self.error(unknown_name_message("predicate", name, PREDICATES).rstrip("."))
        sig = SIGNATURES[name]
        if node.keywords:
            kw = node.keywords[0]
            shown = f"{kw.arg}=" if kw.arg else "**"
            raise self.error(
                f"keyword arguments ({shown}) are not allowed; pass arguments by position: "
                f"{sig.text(name)}"
            )
        if not sig.required <= len(node.args) <= len(sig.kinds):
            expected = (
                str(sig.required)
                if sig.required == len(sig.kinds)
                else f"{sig.required} to {len(sig.kinds)}"
            )
            raise self.error(
                f"{sig.text(name)} takes {expected} arguments, got {len(node.args)}: "
                f"{self.source(node)}"
            )
        args = tuple(
            self.argument(a, kind, name) for a, kind in zip(node.args, sig.kinds, strict=False)
        )
        if self.scene is not None:
            self.check_names(name, sig.kinds, args)
        call = _Call(name, args, PREDICATES[name])
        self.calls.append(call)
        return call, sig.numeric

    def argument(self, node: ast.AST, kind: ArgKind, fn: str) -> Arg:
        value: Arg
        if isinstance(node, ast.Name):
            value = node.id
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.List | ast.Tuple):
            items = [self.number(e) for e in node.elts]
            if any(v is None for v in items):
                raise self.error(f"lists may only hold numbers: {self.source(node)}")
            value = tuple(float(v) for v in items if v is not None)
        else:
            number = self.number(node)
            if number is None:
                raise self.reject(node, f"as an argument of {fn}()")
            value = number
        if kind == "number":
            ok, wants = isinstance(value, float), "a number"
        elif kind == "target":
            ok = isinstance(value, str) or (isinstance(value, tuple) and len(value) == 3)
            wants = "a point name or a list of 3 numbers [x, y, z]"
        elif kind == "axis":
            ok, wants = isinstance(value, str) and value in AXES, "an axis: x, y or z"
        else:
            ok, wants = isinstance(value, str), "a name"
        if not ok:
            raise self.error(f"{fn}() expects {wants} here, not {self.source(node)}")
        return value

    def check_names(self, fn: str, kinds: Sequence[ArgKind], args: Sequence[Arg]) -> None:
        """Validate object, part, joint and finger names against the scene."""
        assert self.scene is not None
        scene = self.scene
        try:
            for k, (kind, arg) in enumerate(zip(kinds, args, strict=False)):
                if not isinstance(arg, str):
                    continue
                if kind == "object":
                    object_handle(scene, arg)
                elif kind == "container":
                    interior_site(scene, arg)
                elif kind == "joint":
                    obj = args[k - 1]
                    assert isinstance(obj, str)
                    joints = object_handle(scene, obj).joints
                    if arg not in joints:
                        raise ConfigError(
                            f"object {obj!r}: " + unknown_name_message("joint", arg, joints)
                        )
                elif kind in ("point", "target"):
                    locate_point(scene, arg)
                elif kind == "region":
                    region_config(scene, arg)
        except ConfigError as exc:
            raise self.error(f"in {fn}(): {exc}".rstrip("."), allowed=False) from None


def parse_success(text: str, scene: Scene | None = None) -> Success:
    """Parse a success expression (see the module docstring for the grammar) into a
    :class:`Success`.

    With ``scene``, object, part, joint and finger names are checked against it. Raises
    :class:`ConfigError` naming the offending construct or name.
    """
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"success condition must be a non-empty string, not {text!r}")
    if len(text) > MAX_TEXT:
        raise ConfigError(f"success condition is {len(text)} characters long; at most {MAX_TEXT}")
    # one logical line (YAML block scalars keep newlines); same length, so offsets still match
    flat = text.strip().replace("\r", " ").replace("\n", " ")
    parser = _Parser(flat, scene)
    try:
        tree = ast.parse(flat, mode="eval")
    except SyntaxError as exc:
        raise parser.error(f"not a valid expression ({exc.msg}, column {exc.offset})") from None
    except ValueError as exc:  # e.g. a NUL character
        raise parser.error(f"not a valid expression ({exc})") from None
    try:
        evaluate = parser.condition(tree.body)
    except RecursionError:
        raise parser.error("nested too deeply", allowed=False) from None
    return Success(text, evaluate, parser.calls)


_NAME = r"\s*['\"]?(\w+)['\"]?\s*"
JOINT_TERM = re.compile(rf"joint_fraction\({_NAME},{_NAME}\)")
"""A ``joint_fraction(obj, joint)`` term of a success expression: groups object, joint."""
JOINT_BOUND = re.compile(JOINT_TERM.pattern + r"\s*(>=|<=|>|<)")
"""A joint term and its comparison: groups object, joint, operator."""
NOT_INSIDE_TERM = re.compile(rf"not inside\({_NAME},{_NAME}\)")
"""A ``not inside(obj, container)`` term: groups object, container."""
