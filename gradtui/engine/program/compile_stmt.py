"""Statements of a program, checked against the subset and compiled (see ``statements.py``).

Each statement is refused with its line and a hint when it is outside the subset, or becomes
a statement object that knows its line and which of the seven steps it does.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from gradtui.engine.program import allowlist, hints, phases
from gradtui.engine.program.call_statement import CallStatement
from gradtui.engine.program.compile_call import call_parts
from gradtui.engine.program.compile_expr import ExprCompiler
from gradtui.engine.program.compile_names import NAME
from gradtui.engine.program.compile_store import compile_store, plain_name
from gradtui.engine.program.compile_update import compile_augassign
from gradtui.engine.program.interpreter import BREAK, CONTINUE, Where, plan
from gradtui.engine.program.names import ProgramNames, Scope, bound_names, import_bindings
from gradtui.engine.program.source import Source
from gradtui.engine.program.statements import (
    For,
    If,
    NoGrad,
    Signal,
    Statement,
    While,
)
from gradtui.engine.program.values import UserFunction, resolve


class Compiler:
    """Compiles the statements of one scope."""

    def __init__(
        self,
        source: Source,
        names: ProgramNames,
        scope: Scope,
        function_kinds: Mapping[str, frozenset[str]],
        no_grad: bool = False,
        loop: bool = False,
    ):
        self.source = source
        self.names = names
        self.scope = scope
        self.kinds_of_functions = function_kinds
        self.no_grad = no_grad
        self.loop = loop
        self.expr = ExprCompiler(source, names, scope)

    def inner(self, **changes: Any) -> Compiler:
        """A compiler for a nested block (inside a loop, inside no_grad ...)."""
        values = {"no_grad": self.no_grad, "loop": self.loop, **changes}
        return Compiler(self.source, self.names, self.scope, self.kinds_of_functions, **values)

    def block(self, body: list[ast.stmt]) -> list[Statement]:
        return [self.statement(s) for s in body]

    def where(self, node: ast.AST) -> Where:
        return self.expr.where(node)

    def kinds(self, node: ast.AST) -> set[str]:
        looping = self.loop or self.scope.kind == "function"
        return phases.kinds_of(node, self.no_grad, looping, self.kinds_of_functions)

    def statement(self, node: ast.stmt) -> Statement:
        method = getattr(self, f"stmt_{type(node).__name__}", None)
        if method is None:
            hint = hints.STATEMENTS.get(type(node), "")
            name = type(node).__name__.lower()
            raise self.expr.refuse(f"'{name}' statements are not in gradtui's subset", node, hint)
        return method(node)

    def make(self, cls: type, node: ast.AST, **attributes: Any) -> Any:
        stmt = cls(self.where(node), self.kinds(node))
        for key, value in attributes.items():
            setattr(stmt, key, value)
        return stmt

    # --- simple statements
    def stmt_Expr(self, node: ast.Expr) -> Statement:
        parts = call_parts(self.expr, node.value)
        if parts is not None:
            return self.make(CallStatement, node, parts=parts, store=None)
        value = self.expr.visit(node.value)  # run for its effect: its value is dropped
        return Statement(self.where(node), self.kinds(node), value)

    def stmt_Assign(self, node: ast.Assign) -> Statement:
        stores = [compile_store(self.expr, t) for t in node.targets]
        if len(stores) == 1:
            store = stores[0]
        else:

            def store(f: Any, value: Any) -> None:
                for one in stores:
                    one(f, value)

        parts = call_parts(self.expr, node.value)
        if parts is not None:
            return self.make(CallStatement, node, parts=parts, store=store)
        value = self.expr.visit(node.value)
        target = node.targets[0]
        if len(stores) == 1 and isinstance(target, ast.Name) and target.id != "loss":
            name = target.id
            if self.expr.scope.find(name) == ("global", 0):

                def run(f: Any) -> None:
                    f.globals[name] = value(f)

                return Statement(self.where(node), self.kinds(node), run)
            if self.expr.scope.find(name) == ("local", 0):

                def run_local(f: Any) -> None:
                    f.locals[name] = value(f)

                return Statement(self.where(node), self.kinds(node), run_local)
        return Statement(self.where(node), self.kinds(node), lambda f: store(f, value(f)))

    def stmt_AugAssign(self, node: ast.AugAssign) -> Statement:
        return Statement(self.where(node), self.kinds(node), compile_augassign(self.expr, node))

    def stmt_Pass(self, node: ast.Pass) -> Statement:
        return Statement(self.where(node), set(), lambda f: None)

    def stmt_Assert(self, node: ast.Assert) -> Statement:
        test = self.expr.visit(node.test)
        message = self.expr.visit(node.msg) if node.msg is not None else None

        def run(f: Any) -> None:
            if not test(f):
                raise AssertionError(*([message(f)] if message is not None else []))

        return Statement(self.where(node), set(), run)

    def stmt_Import(self, node: ast.Import) -> Statement:
        for alias in node.names:
            if alias.name not in allowlist.IMPORT_MODULES:
                raise self.expr.refuse(
                    f"'import {alias.name}' is not in gradtui's subset",
                    node,
                    _import_hint(alias.name),
                )
        return self._bind_imports(node)

    def stmt_ImportFrom(self, node: ast.ImportFrom) -> Statement:
        module = node.module or ""
        if node.level or module not in allowlist.IMPORT_MODULES:
            raise self.expr.refuse(
                f"'from {'.' * node.level}{module} import' is not in gradtui's subset",
                node,
                _import_hint(module),
            )
        for alias in node.names:
            if alias.name == "*":
                raise self.expr.refuse(
                    "'import *' is not in the subset", node, "import the names you use"
                )
            if alias.name not in allowlist.MODULES[module]:
                raise self.expr.refuse(
                    f"'{module}.{alias.name}' is not in gradtui's subset",
                    node,
                    f"allowed: {hints.torch_members(module)}",
                )
        return self._bind_imports(node)

    def _bind_imports(self, node: ast.Import | ast.ImportFrom) -> Statement:
        if self.scope.kind != "module":
            raise self.expr.refuse("imports go at the top of the program", node)
        bindings = list(import_bindings(node))

        def run(f: Any) -> None:
            for name, path in bindings:
                f.globals[name] = resolve(path)

        return Statement(self.where(node), set(), run)

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> Statement:
        if self.scope.kind != "module" or self.loop or self.no_grad:
            raise self.expr.refuse("define functions at the top level of the program", node)
        args = node.args
        if node.decorator_list:
            raise self.expr.refuse("decorators are not in the subset", node.decorator_list[0])
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise self.expr.refuse("only plain parameters are in the subset: def f(x, y)", node)
        if node.returns is not None or any(a.annotation is not None for a in args.args):
            raise self.expr.refuse("annotations are not in the subset: def f(x, y)", node)
        params = tuple(a.arg for a in args.args)
        for param in params:
            if param.startswith("__"):
                raise self.expr.refuse(
                    f"'{param}': names starting with __ are not in the subset", node
                )
        defaults = [self.expr.visit(d) for d in args.defaults]
        local_names = frozenset(params) | bound_names(node.body, imports=False)
        scope = Scope("function", local_names, self.scope, node.name)
        body = Compiler(self.source, self.names, scope, self.kinds_of_functions).block(node.body)
        name, line = node.name, node.lineno
        final = body[-1] if body and getattr(body[-1], "returns", False) else None

        def run(f: Any) -> None:
            values = tuple(d(f) for d in defaults)
            made = UserFunction(name, params, values, body, line, local_names, final)
            f.globals[name] = made

        return Statement(self.where(node), set(), run)

    # --- compound statements
    def stmt_For(self, node: ast.For) -> Statement:
        if node.orelse:
            raise self.expr.refuse("'else' after a loop is not in the subset", node.orelse[0])
        iterable = self.expr.operand(node.iter)
        store = compile_store(self.expr, node.target)
        local, name = plain_name(self.expr, node.target) or (False, None)
        body = self.inner(loop=True).block(node.body)
        return self.make(
            For,
            node,
            iterable=iterable.load,
            key=iterable.value if iterable.kind == NAME else None,
            key_local=iterable.local,
            store=store,
            name=name,
            local=local,
            body=body,
            plan=plan(body),
        )

    def stmt_While(self, node: ast.While) -> Statement:
        if node.orelse:
            raise self.expr.refuse("'else' after a loop is not in the subset", node.orelse[0])
        return self.make(
            While,
            node,
            test=self.expr.visit(node.test),
            body=self.inner(loop=True).block(node.body),
        )

    def stmt_If(self, node: ast.If) -> Statement:
        return self.make(
            If,
            node,
            test=self.expr.visit(node.test),
            body=self.block(node.body),
            orelse=self.block(node.orelse),
        )

    def stmt_With(self, node: ast.With) -> Statement:
        item = node.items[0] if len(node.items) == 1 else None
        call = item.context_expr if item is not None else None
        is_no_grad = (
            isinstance(call, ast.Call)
            and not call.args
            and not call.keywords
            and self.expr.static_path(call.func)[0] == "torch.no_grad"
        )
        if not is_no_grad and call is not None:
            self.expr.visit(call)  # with open(...): the call is what is refused
        if not is_no_grad or item.optional_vars is not None:
            raise self.expr.refuse(
                "the one with statement in the subset is 'with torch.no_grad():'", node
            )
        return self.make(NoGrad, node, body=self.inner(no_grad=True).block(node.body))

    def stmt_Break(self, node: ast.Break) -> Statement:
        return self._signal(node, BREAK, "'break' outside loop")

    def stmt_Continue(self, node: ast.Continue) -> Statement:
        return self._signal(node, CONTINUE, "'continue' not properly in loop")

    def stmt_Return(self, node: ast.Return) -> Statement:
        if self.scope.kind != "function":
            raise self.expr.refuse("SyntaxError: 'return' outside function", node)
        value = self.expr.visit(node.value) if node.value is not None else None
        return self.make(Signal, node, signal=None, value=value, returns=value is not None)

    def _signal(self, node: ast.stmt, signal: object, outside: str) -> Statement:
        if not self.loop:
            raise self.expr.refuse(f"SyntaxError: {outside}", node)
        return self.make(Signal, node, signal=signal, value=None, returns=False)


def _import_hint(module: str) -> str:
    root = module.split(".")[0]
    if root == "numpy":
        return "tensors do what numpy does here; " + hints.IMPORTS
    if root == "fastai":
        return "fastai's names are here already (torch, tensor, nn, F, DataLoader)"
    return hints.IMPORTS
