"""Compiling a whole program: every line checked against the subset before anything runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gradtui.engine.program import phases
from gradtui.engine.program.compile_stmt import Compiler
from gradtui.engine.program.names import ProgramNames, Scope
from gradtui.engine.program.source import ProgramRefused, Source, parse
from gradtui.engine.program.statements import Statement


@dataclass(frozen=True)
class Program:
    """A checked, compiled program: run it with ``Run(program, ...)`` (see ``run.py``)."""

    source: Source
    body: tuple[Statement, ...] = field(repr=False)
    functions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The program's text (line ends normalised)."""
        return self.source.text


def compile_program(text: str, inputs: Iterable[str] = ()) -> Program:
    """Check ``text`` against gradtui's subset and compile it; raise ``ProgramRefused``.

    ``inputs``: names the program will be given (a lesson's ``dl``, ``valid_dl`` ...).
    """
    source, tree = parse(text)
    names = ProgramNames.of(tree)
    for name in inputs:
        names.everywhere.add(name)  # given: never resolved as a builtin or a module
    kinds = phases.function_kinds(names.functions)
    compiler = Compiler(source, names, Scope("module"), kinds)
    try:
        body = compiler.block(tree.body)
    except RecursionError:
        raise ProgramRefused("the program is nested too deeply to read") from None
    return Program(source, tuple(body), tuple(names.functions))


def refusal_of(text: str, inputs: Iterable[str] = ()) -> ProgramRefused | None:
    """The refusal ``text`` gets, or None when it compiles."""
    try:
        compile_program(text, inputs)
    except ProgramRefused as refused:
        return refused
    return None


__all__ = ["Program", "ProgramRefused", "compile_program", "refusal_of"]
