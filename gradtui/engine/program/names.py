"""Which names a program binds, and where: Python's scoping rules, worked out before running.

A function's locals are its parameters and every name it assigns, as in Python: reading one
before it is assigned is an ``UnboundLocalError``; any other name is looked up in the
program's globals, then in the allowed builtins. A list comprehension's loop names belong to
the comprehension.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from gradtui.engine.program.source import walk


def target_names(target: ast.AST) -> Iterator[str]:
    """The names an assignment target binds (``a``, ``a, (b, c)``); none for ``x.data``."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from target_names(element)


def bound_names(body: Iterable[ast.stmt], imports: bool = True) -> set[str]:
    """Names bound by these statements, not looking inside nested functions."""
    names: set[str] = set()
    for stmt in body:
        for node in _walk_statement(stmt):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update(target_names(target))
            elif isinstance(node, ast.AugAssign | ast.For):
                names.update(target_names(node.target))
            elif isinstance(node, ast.FunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom) and imports:
                names.update(name for name, _ in import_bindings(node))
    return names


def import_bindings(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(name bound, dotted path of what it is bound to) for each alias of an import."""
    for alias in node.names:
        if isinstance(node, ast.Import):
            if alias.asname:
                yield alias.asname, alias.name
            else:  # 'import torch.nn' binds torch
                yield alias.name.split(".")[0], alias.name.split(".")[0]
        else:
            yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def _walk_statement(stmt: ast.stmt) -> Iterator[ast.AST]:
    """``stmt`` and the statements nested in it (a def's body is its own scope)."""
    yield stmt
    if isinstance(stmt, ast.FunctionDef):
        return
    for name in ("body", "orelse"):
        for child in getattr(stmt, name, ()):
            yield from _walk_statement(child)


@dataclass
class Scope:
    """One scope while compiling: the module, a function or a comprehension."""

    kind: str  # "module" | "function" | "comprehension"
    names: frozenset[str] = frozenset()  # locals (empty for the module: its names are globals)
    parent: Scope | None = None
    function: str = ""

    def find(self, name: str) -> tuple[str, int]:
        """Where a name read here lives: ("local", hops up the frames) or ("global", 0)."""
        hops, scope = 0, self
        while scope is not None:
            if scope.kind != "module" and name in scope.names:
                return "local", hops
            if scope.kind == "function":  # functions see globals only, not enclosing locals
                return "global", 0
            hops += 1
            scope = scope.parent
        return "global", 0

    @property
    def in_function(self) -> bool:
        """Inside a ``def`` (where ``return`` is allowed)."""
        scope: Scope | None = self
        while scope is not None:
            if scope.kind == "function":
                return True
            scope = scope.parent
        return False


@dataclass
class ProgramNames:
    """What the whole program binds, anywhere: decides which names may be resolved early."""

    everywhere: set[str] = field(default_factory=set)  # bound other than by an import
    imported: dict[str, set[str]] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    parameters: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, tree: ast.Module) -> ProgramNames:
        """Collect the names bound at the top level and inside every function."""
        found = cls()
        found.everywhere = bound_names(tree.body, imports=False)
        for node in walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name, path in import_bindings(node):
                    found.imported.setdefault(name, set()).add(path)
            if isinstance(node, ast.FunctionDef):
                found.everywhere |= bound_names(node.body, imports=False)
                params = [a.arg for a in node.args.args]
                found.parameters.update(params)
                found.everywhere.update(params)
                found.functions.setdefault(node.name, node)
            elif isinstance(node, ast.comprehension):
                found.everywhere.update(target_names(node.target))
        return found

    def rebinds(self, name: str) -> bool:
        """Does the program ever bind ``name`` itself (by import or otherwise)?"""
        return name in self.everywhere or name in self.imported

    def fixed(self, name: str, start: str | None) -> str | None:
        """What ``name`` always holds when only imports bind it, all to ``start`` or one path."""
        if name in self.everywhere:
            return None
        paths = set(self.imported.get(name, ()))
        if start is not None:
            paths.add(start)
        return next(iter(paths)) if len(paths) == 1 else None
