"""A safe arithmetic-expression language for rate laws (never ``eval`` of free text).

Expressions are parsed into a Python AST and checked against a whitelist: numbers, names, ``+ - * / **``,
unary minus, and the functions ``hill(x, K, n)`` and ``mm(x, K)``. A checked expression can be rendered as
NumPy source (for the batched engine) or as SBML L3 infix (for export).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

FUNCTIONS = {"hill": 3, "mm": 2}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}


class ExpressionError(ValueError):
    """An expression uses something outside the whitelist."""


@dataclass(frozen=True)
class Expression:
    """A checked expression with the names it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def to_python(self) -> str:
        return _render(self.tree, python=True)

    def to_sbml(self) -> str:
        return _render(self.tree, python=False)


def parse_expression(text: str) -> Expression:
    """Parse and check ``text``; raise :class:`ExpressionError` on anything not whitelisted."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse expression {text!r}: {exc.msg}") from None
    names: set[str] = set()
    _check(tree, text, names)
    return Expression(text, tree, frozenset(names))


def _check(node: ast.expr, text: str, names: set[str]) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return
    if isinstance(node, ast.Name):
        names.add(node.id)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check(node.left, text, names)
        _check(node.right, text, names)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, text, names)
        return
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and len(node.args) == FUNCTIONS[node.func.id]
        and not node.keywords
    ):
        for arg in node.args:
            _check(arg, text, names)
        return
    raise ExpressionError(f"not allowed in expression {text!r}: {ast.dump(node)[:60]}")


def _render(node: ast.expr, python: bool) -> str:
    if isinstance(node, ast.Constant):
        return repr(float(node.value))  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.BinOp):
        op = _BINOPS[type(node.op)]
        if python and op == "^" and isinstance(node.right, ast.Constant) and node.right.value == 2:
            base = _render(node.left, python)
            return f"({base} * {base})"  # x*x is much faster than pow() on arrays
        if python and op == "^":
            op = "**"
        return f"({_render(node.left, python)} {op} {_render(node.right, python)})"
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        return f"({sign}{_render(node.operand, python)})"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [_render(a, python) for a in node.args]
        n = node.args[-1]
        if python and node.func.id == "hill" and isinstance(n, ast.Constant) and n.value == 2:
            return f"hill2({args[0]}, {args[1]})"
        return f"{node.func.id}({', '.join(args)})"
    raise ExpressionError("unreachable")  # pragma: no cover
