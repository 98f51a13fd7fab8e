"""The AST allow-list checker: :func:`check_reward_code` (the rules are listed in
:mod:`gendexhand.sandbox`)."""

from __future__ import annotations

import ast

from gendexhand.sandbox.errors import RewardRejected
from gendexhand.sandbox.expressions import _ExpressionRules
from gendexhand.sandbox.limits import _FILENAME, MAX_SOURCE_CHARS
from gendexhand.sandbox.rules import _ALLOWED_NODES, _NODE_REASONS
from gendexhand.sandbox.statements import _StatementRules


class _Checker(_StatementRules, _ExpressionRules):
    """One pass over a parsed reward module; raises :class:`RewardRejected` at the first fault."""

    # -------------------------------------------------------------- nodes
    def visit(self, node: ast.AST, line: int, loops: int) -> None:
        line = getattr(node, "lineno", line)
        kind = type(node)
        if kind not in _ALLOWED_NODES:
            what, why = _NODE_REASONS.get(
                kind, (kind.__name__, "it is not among the constructs reward code may use")
            )
            raise self.reject(node, line, what, why)
        if isinstance(node, ast.FunctionDef):
            self.signature(node, top=False)
            for stmt in node.body:
                self.visit(stmt, stmt.lineno, 1)
            return
        if isinstance(node, ast.For):
            self.visit(node.iter, line, loops)
            inner = self.loop(node.iter, line, loops)
            self.target(node.target, line)
            for stmt in (*node.body, *node.orelse):
                self.visit(stmt, stmt.lineno, inner)
            return
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner = loops
            for gen in node.generators:
                if gen.is_async:
                    raise self.reject(node, line, "async comprehension", "reward code is sync")
                self.visit(gen.iter, line, inner)
                inner = self.loop(gen.iter, line, inner)
                self.target(gen.target, line)
                for cond in gen.ifs:
                    self.visit(cond, line, inner)
            parts = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
            for part in parts:
                self.visit(part, line, inner)
            return
        if isinstance(node, ast.Name):
            self.name(node, line)
        elif isinstance(node, ast.Attribute):
            self.visit(node.value, line, loops)  # inner first: `np.lib.format` names np.lib
            self.attribute(node, line)
            return
        elif isinstance(node, ast.Call):
            self.call(node, line, loops)
            return
        elif isinstance(node, ast.BinOp):
            self.binop(node, node.left, node.op, node.right, line)
        elif isinstance(node, ast.AugAssign):
            if not isinstance(node.target, ast.Name | ast.Subscript):
                raise self.reject(
                    node.target, line, "this assignment target", "assign names or items only"
                )
            self.binop(node, node.target, node.op, node.value, line)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.target(target, line, subscripts=True)
        elif isinstance(node, ast.Constant):
            self.constant(node, line)
        for child in ast.iter_child_nodes(node):
            self.visit(child, line, loops)


def _parse_checked(source: str) -> ast.Module:
    """Parse and check ``source`` (see :func:`check_reward_code`); return the tree."""
    if not isinstance(source, str):
        raise RewardRejected(f"reward code must be a string, not {type(source).__name__}")
    if not source.strip():
        raise RewardRejected("reward code is empty; it must define `def reward(state):`")
    if len(source) > MAX_SOURCE_CHARS:
        raise RewardRejected(
            f"reward code is {len(source)} characters long; at most {MAX_SOURCE_CHARS}"
        )
    try:
        tree = ast.parse(source, filename=_FILENAME, mode="exec")
    except SyntaxError as exc:
        where = f"reward code line {exc.lineno}" if exc.lineno else "reward code"
        column = f" (column {exc.offset})" if exc.lineno and exc.offset else ""
        raise RewardRejected(f"{where}: syntax error: {exc.msg}{column}") from None
    except RecursionError:
        raise RewardRejected("reward code is nested too deeply to parse") from None
    except (ValueError, MemoryError, OverflowError) as exc:
        why = str(exc)[:80] or type(exc).__name__
        raise RewardRejected(f"reward code cannot be parsed: {why}") from None
    try:
        _Checker(source).module(tree)
    except RewardRejected:
        raise
    except RecursionError:
        raise RewardRejected("reward code is nested too deeply to check") from None
    except Exception as exc:  # the checker's own limits; never anything but a rejection
        raise RewardRejected(
            f"reward code could not be checked ({type(exc).__name__}: {str(exc)[:80]})"
        ) from None
    return tree


def check_reward_code(source: str) -> None:
    """Accept ``source`` if it follows the allow-list in :mod:`gendexhand.sandbox`, else raise.

    Raises :class:`RewardRejected` with a message of the form ``reward code line N: <construct>
    `<snippet>` is not allowed: <why>`` at the first construct that breaks a rule. Passing the
    check does not mean the code terminates quickly or stays within memory: run it in a
    :class:`~gendexhand.sandbox.RewardWorker`.
    """
    _parse_checked(source)
