"""The compiled statements, each runnable two ways: stepped, or straight through.

A simple statement (an assignment, a call, ``print``, ``import``, ``def``) has ``exec(frame)``.
A compound one (``for``, ``while``, ``if``, ``with torch.no_grad():``, ``break``,
``continue``, ``return``, a call of a ``def`` function as a whole statement, in
``call_statement.py``) has ``steps(frame)``, a generator run by ``interpreter.run_block`` that
yields its header and then each statement it runs, and ``run(frame)``, the same without
yielding (for ``Run.run()`` and for functions called inside expressions, which are never
stepped into). Both return the block's signal: BREAK, CONTINUE, a ``Returned`` value, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradtui.engine.program import phases
from gradtui.engine.program.dispatch import PLAIN_ITERABLES, iterate
from gradtui.engine.program.interpreter import (
    BREAK,
    CONTINUE,
    Returned,
    Where,
    mark,
    run_block,
    run_fast,
)


class Statement:
    """A simple statement: ``exec(frame)`` runs it."""

    simple = True

    def __init__(self, where: Where, kinds: set[str], exec_: Callable[[Any], None] | None = None):
        # the instance's own: Python 3.11 reads an instance's attribute in a loop quickly, a
        # class attribute through an instance with a general lookup each time
        self.simple = type(self).simple
        self.where = where
        self.line = where.line
        self.kind = phases.main_kind(kinds)
        self.phases = phases.phase_numbers(kinds)
        if exec_ is not None:
            self.exec = exec_

    def __repr__(self) -> str:
        return f"<{type(self).__name__} line {self.line} {self.kind}>"


class Compound(Statement):
    """A statement with a body or a signal: ``steps(frame)`` and ``run(frame)``."""

    simple = False


def guarded(f: Any, where: Where, fn: Callable[[Any], Any]) -> Any:
    """``fn(f)``, an error marked with ``where`` unless a deeper place was marked first."""
    try:
        return fn(f)
    except Exception as error:
        mark(error, where)
        raise


def header(stmt: Statement, f: Any) -> None:
    """The header ran: count it as a statement."""
    ctx = f.ctx
    ctx.line = stmt.line
    try:
        ctx.meter.tick()
    except Exception as error:
        mark(error, stmt.where)
        raise
    ctx.frame = f


class For(Compound):
    """``for target in iterable:``; each iteration counts (and yields) the header first."""

    def steps(self, f: Any) -> Any:
        items = guarded(f, self.where, lambda f: iterate(f.ctx, self.iterable(f)))
        while True:
            try:
                item = next(items)
            except StopIteration:
                return None
            except Exception as error:
                mark(error, self.where)
                raise
            self.store(f, item)
            header(self, f)
            yield self
            signal = yield from run_block(self.body, f)
            if signal is BREAK:
                return None
            if signal is not None and signal is not CONTINUE:
                return signal

    def run(self, f: Any) -> Any:
        store, plan, line, name = self.store, self.plan, self.line, self.name
        space = f.locals if self.local else f.globals  # where a plain name target goes
        ctx = f.ctx
        meter = ctx.meter
        try:
            key = self.key
            if key is None:
                values = self.iterable(f)
            else:
                try:  # for p in params: the name read in place
                    values = (f.locals if self.key_local else f.globals)[key]
                except KeyError:
                    values = self.iterable(f)
            # Python's own loop: no StopIteration raised and caught at the end.
            for item in iter(values) if type(values) in PLAIN_ITERABLES else iterate(ctx, values):
                if name is not None:
                    space[name] = item  # store(f, item), written out
                else:
                    store(f, item)
                ctx.line = line  # header, written out: it runs once an iteration
                meter.statements += 1
                if meter.statements >= meter.next_check:
                    meter.check()
                ctx.frame = f
                try:
                    for exec_, at, current in plan:  # run_fast(body, f), written out
                        if exec_ is not None:  # a simple statement
                            ctx.line = at
                            exec_(f)
                            meter.statements += 1
                            if meter.statements >= meter.next_check:
                                meter.check()
                        else:
                            signal = current.run(f)
                            if signal is not None:
                                if signal is BREAK:
                                    return None
                                if signal is not CONTINUE:
                                    return signal
                                break
                except Exception as error:
                    mark(error, current.where)  # a compound statement marked it already
                    raise
                ctx.frame = f
        except Exception as error:
            mark(error, self.where)  # the header's: the iterable, the target, the count
            raise
        return None


class While(Compound):
    """``while test:``."""

    def steps(self, f: Any) -> Any:
        while guarded(f, self.where, lambda f: bool(self.test(f))):
            header(self, f)
            yield self
            signal = yield from run_block(self.body, f)
            if signal is BREAK:
                return None
            if signal is not None and signal is not CONTINUE:
                return signal
        return None

    def run(self, f: Any) -> Any:
        while guarded(f, self.where, lambda f: bool(self.test(f))):
            header(self, f)
            signal = run_fast(self.body, f)
            if signal is BREAK:
                return None
            if signal is not None and signal is not CONTINUE:
                return signal
        return None


class If(Compound):
    """``if test:`` (an ``elif`` is an ``If`` in the ``else`` block, as Python reads it)."""

    def steps(self, f: Any) -> Any:
        chosen = guarded(f, self.where, lambda f: bool(self.test(f)))
        header(self, f)
        yield self
        return (yield from run_block(self.body if chosen else self.orelse, f))

    def run(self, f: Any) -> Any:
        chosen = guarded(f, self.where, lambda f: bool(self.test(f)))
        header(self, f)
        return run_fast(self.body if chosen else self.orelse, f)


class NoGrad(Compound):
    """``with torch.no_grad():``; when stepping, the grad mode is restored whenever a step is
    handed out (it is per thread, and the caller may run torch between two steps)."""

    def steps(self, f: Any) -> Any:
        import torch

        set_mode = torch._C._set_grad_enabled  # what torch.no_grad() itself calls
        header(self, f)
        yield self
        before = torch.is_grad_enabled()
        set_mode(False)
        try:
            inner = run_block(self.body, f)
            while True:
                try:
                    stmt = next(inner)
                except StopIteration as done:
                    return done.value
                set_mode(before)
                yield stmt
                set_mode(False)
        finally:
            set_mode(before)

    def run(self, f: Any) -> Any:
        import torch

        header(self, f)
        before = torch.is_grad_enabled()
        torch._C._set_grad_enabled(False)
        try:
            return run_fast(self.body, f)
        finally:
            torch._C._set_grad_enabled(before)


class Signal(Compound):
    """``break``, ``continue`` or ``return value``."""

    def steps(self, f: Any) -> Any:
        signal = self.run(f)
        yield self
        return signal

    def run(self, f: Any) -> Any:
        ctx = f.ctx
        ctx.line = self.line
        try:
            value = self.value(f) if self.value is not None else None
            meter = ctx.meter
            meter.statements += 1  # meter.tick(), written out
            if meter.statements >= meter.next_check:
                meter.check()
        except Exception as error:
            mark(error, self.where)
            raise
        ctx.frame = f
        return Returned((value,)) if self.signal is None else self.signal
