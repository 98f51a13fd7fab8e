"""The checker's rules for the module, function signatures, bound names, assignment targets and
loop bounds."""

from __future__ import annotations

import ast

from gendexhand.sandbox.errors import RewardRejected
from gendexhand.sandbox.limits import MAX_ITERATIONS
from gendexhand.sandbox.names import _PYTHON_BUILTINS, _RESERVED
from gendexhand.sandbox.rules import _NODE_REASONS, _CheckerBase, _literal_int, _range_len
from gendexhand.yamlio import short


class _StatementRules(_CheckerBase):
    """Rules for the top level, ``def`` signatures, names bound in ``reward``, targets, loops."""

    # -------------------------------------------------------------- module
    def module(self, tree: ast.Module) -> None:
        reward: ast.FunctionDef | None = None
        for index, stmt in enumerate(tree.body):
            line = stmt.lineno
            if (
                index == 0
                and isinstance(stmt, ast.Expr)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            ):
                continue  # the module docstring
            if type(stmt) in _NODE_REASONS:
                what, why = _NODE_REASONS[type(stmt)]
                raise self.reject(stmt, line, what, why)
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "reward" and reward is None:
                reward = stmt
                continue
            if isinstance(stmt, ast.FunctionDef):
                why = (
                    "define reward() once"
                    if stmt.name == "reward"
                    else "define helper functions inside reward()"
                )
                raise self.reject(stmt, line, f"top-level function {stmt.name!r}", why)
            raise self.reject(
                stmt,
                line,
                "top-level statement",
                "only `def reward(state):` (and a docstring) may appear at the top level",
            )
        if reward is None:
            raise RewardRejected(
                "reward code must define exactly one function `def reward(state):` that returns "
                "a dict of term name -> number"
            )
        self.signature(reward, top=True)
        self.collect(reward)
        for stmt in reward.body:
            self.visit(stmt, stmt.lineno, 1)

    def signature(self, fn: ast.FunctionDef, top: bool) -> None:
        line = fn.lineno
        args = fn.args
        name = "reward()" if top else f"function {fn.name!r}"
        if fn.decorator_list:
            deco = fn.decorator_list[0]
            raise self.reject(deco, line, f"decorator on {name}", "decorators run arbitrary code")
        if args.defaults or args.kw_defaults:
            default = (args.defaults or [d for d in args.kw_defaults if d is not None])[0]
            raise self.reject(
                default,
                line,
                f"default argument of {name}",
                "defaults are evaluated once and shared between calls; pass every argument",
            )
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise self.reject(
                args.vararg or args.kwarg or fn,
                line,
                f"parameter list of {name}",
                "only plain positional parameters are allowed (no *args, **kwargs, keyword-only "
                "or positional-only markers)",
            )
        annotated = [a for a in args.args if a.annotation is not None]
        if annotated or fn.returns is not None:
            raise self.reject(
                annotated[0] if annotated else fn,
                line,
                f"annotation in {name}",
                "annotations are evaluated as code; leave them out",
            )
        if top and [a.arg for a in args.args] != ["state"]:
            raise self.reject(
                fn,
                line,
                "this signature of reward()",
                "it must be exactly `def reward(state):` — one parameter named state",
            )

    def collect(self, reward: ast.FunctionDef) -> None:
        """Gather every name bound inside ``reward`` and check that it may be bound."""
        self.bound.add("state")
        for node in ast.walk(reward):
            if node is reward:
                continue
            names: list[tuple[str, ast.AST]] = []
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.append((node.id, node))
            elif isinstance(node, ast.FunctionDef):
                names.append((node.name, node))
            elif isinstance(node, ast.arg) and node not in reward.args.args:
                names.append((node.arg, node))
            for name, where in names:
                line = getattr(where, "lineno", reward.lineno)
                if name.startswith("_"):
                    raise self.reject(
                        where, line, f"name {name!r}", "names starting with '_' are reserved"
                    )
                if name in _RESERVED:
                    raise self.reject(
                        where,
                        line,
                        f"binding the name {name!r}",
                        f"{name!r} is provided to reward code and cannot be redefined; use "
                        f"another name",
                    )
                if name in _PYTHON_BUILTINS:
                    raise self.reject(
                        where,
                        line,
                        f"binding the name {name!r}",
                        f"{name!r} is a Python builtin; no scope may rebind a builtin's name, "
                        f"so a name always means the same thing; use another name",
                    )
                self.bound.add(name)

    def target(self, node: ast.AST, line: int, subscripts: bool = False) -> None:
        """Assignment and loop targets: names, tuples/lists of them, and (for ``=``) subscripts."""
        if isinstance(node, ast.Name):
            return
        if isinstance(node, ast.Starred):
            self.target(node.value, line, subscripts)
            return
        if isinstance(node, ast.Tuple | ast.List):
            for elt in node.elts:
                self.target(elt, line, subscripts)
            return
        if subscripts and isinstance(node, ast.Subscript):
            return
        if isinstance(node, ast.Attribute):
            raise self.reject(
                node, line, "assigning an attribute", "attributes are never assigned or deleted"
            )
        raise self.reject(node, line, "this assignment target", "assign names or items only")

    def loop(self, iterable: ast.AST, line: int, loops: int) -> int:
        """The product of literal range sizes with this loop added; reject if too large."""
        size = self.range_size(iterable)
        if size is None:
            return loops
        inner = loops * max(size, 1)
        if inner > MAX_ITERATIONS:
            raise self.reject(
                iterable,
                line,
                "this nested loop",
                f"the literal ranges of nested loops multiply to {short(inner, 30)} "
                f"iterations; at most {MAX_ITERATIONS}",
            )
        return inner

    def range_size(self, node: ast.AST) -> int | None:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
        ):
            values = [_literal_int(a) for a in node.args]
            if 1 <= len(values) <= 3 and all(v is not None for v in values):
                return _range_len([v for v in values if v is not None])
        return None
