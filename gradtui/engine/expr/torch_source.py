"""A learner's expression as plain PyTorch source, computing exactly what ``compile_expr`` runs.

The compiler folds constant arithmetic to floats, turns ``sin(x)`` and ``x.sin()`` into
``torch.sin(x)`` and makes a constant first argument a tensor; this module writes the same
thing down as Python, for exported scripts. Only text that ``compile_expr`` accepted is ever
turned into source.
"""

from __future__ import annotations

import ast
import math

from gradtui.engine.expr.expr import _BINOPS, CONSTANTS, compile_expr


def torch_source(text: str, dtype: str = "float32") -> str:
    """``sin(x) + 2*3`` becomes ``torch.sin(x) + 6.0`` (raises ``ExprError`` if refused)."""
    compile_expr(text)  # the allowlist first: anything else never gets here
    tree = ast.parse(text.strip(), mode="eval")
    return ast.unparse(_Rewrite(dtype).visit(tree.body))


class _Rewrite(ast.NodeTransformer):
    def __init__(self, dtype: str):
        self.dtype = dtype

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return _number(float(node.value))

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in CONSTANTS:
            return _number(CONSTANTS[node.id])
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:  # only torch.pi is allowed
        return _number(math.pi)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        value = _constant(operand)
        if value is not None:
            return _number(-value)
        return ast.UnaryOp(ast.USub(), operand)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        left, right = self.visit(node.left), self.visit(node.right)
        a, b = _constant(left), _constant(right)
        if a is not None and b is not None:
            return _number(float(_BINOPS[type(node.op)][1](a, b)))
        return ast.BinOp(left, node.op, right)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr  # type: ignore[union-attr]
        receiver = None
        if isinstance(func, ast.Attribute) and not (
            isinstance(func.value, ast.Name) and func.value.id == "torch"
        ):
            receiver = func.value
        args = [self.visit(receiver)] if receiver is not None else []
        args += [self.visit(a) for a in node.args]
        has_tensor = any(_constant(a) is None for a in args)
        wrapped = [
            self._tensor(a, has_tensor)
            if _constant(a) is not None and (i == 0 or name in ("maximum", "minimum"))
            else a
            for i, a in enumerate(args)
        ]
        keywords = [ast.keyword(k.arg, self.visit(k.value)) for k in node.keywords]
        call = ast.Attribute(ast.Name("torch", ast.Load()), name, ast.Load())
        return ast.Call(call, wrapped, keywords)

    def _tensor(self, value: ast.AST, has_tensor: bool) -> ast.AST:
        """``torch.tensor(c)``, in the tensors' dtype when a tensor is among the arguments."""
        keywords = []
        if has_tensor and self.dtype == "float64":
            dtype = ast.Attribute(ast.Name("torch", ast.Load()), "float64", ast.Load())
            keywords.append(ast.keyword("dtype", dtype))
        call = ast.Attribute(ast.Name("torch", ast.Load()), "tensor", ast.Load())
        return ast.Call(call, [value], keywords)


def _number(value: float) -> ast.AST:
    """A float literal; negative ones as ``-(c)`` so that ``(-2.0) ** x`` keeps its brackets."""
    if value < 0 or (value == 0 and math.copysign(1, value) < 0):
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _constant(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
    ):
        return -node.operand.value
    return None
