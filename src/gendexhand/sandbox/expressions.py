"""The checker's rules for names, attributes, calls (``range``, sized ``np`` calls), operators
and constants."""

from __future__ import annotations

import ast
import builtins
import math

from gendexhand.sandbox.limits import MAX_ELEMENTS, MAX_EXPONENT, MAX_ITERATIONS
from gendexhand.sandbox.names import (
    _ATTRIBUTE_REASONS,
    _DENIED_ATTRIBUTES,
    _FORBIDDEN_NAMES,
    _RESERVED,
    SAFE_ATTRIBUTES,
    SAFE_BUILTINS,
)
from gendexhand.sandbox.namespaces import SAFE_MATH, SAFE_NP, SafeNamespace
from gendexhand.sandbox.rules import (
    _NODE_REASONS,
    _SEQUENCE_LITERALS,
    _SIZED_NP,
    _CheckerBase,
    _literal_int,
    _literal_number,
    _range_len,
)
from gendexhand.yamlio import short


class _ExpressionRules(_CheckerBase):
    """Rules for names, attributes, calls, binary operators and constants."""

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
                f"{reason}; if {attr!r} is a state key, use item access: x[{attr!r}] "
                f"(allowed attributes: {', '.join(sorted(SAFE_ATTRIBUTES))})",
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
            size = _range_len(ints) or 0
            if size > MAX_ITERATIONS:
                raise self.reject(
                    node,
                    line,
                    "this range()",
                    f"it has {short(size, 30)} elements; at most {MAX_ITERATIONS}",
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
