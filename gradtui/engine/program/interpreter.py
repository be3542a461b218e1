"""Running compiled statements, one at a time: the generator behind stepping.

``run_block`` runs a block's statements in order, counting each against the budgets and
yielding it once it has run, so a caller can stop after any statement and look at the
variables. ``for``, ``while``, ``if`` and ``with`` yield their own header and then run their
body through ``run_block``; a ``def`` function's body runs the same way, stepped into when
the call is a whole statement (``train_epoch(...)``, ``loss = calc_loss(...)``) and run to
its end when it is part of an expression.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

from gradtui.engine.program.context import Context, Frame
from gradtui.engine.program.values import UserFunction


@dataclass(frozen=True)
class Where:
    """A place in the program: line, 1-based column and width of the part that failed."""

    line: int
    column: int = 0
    span: int = 1


class Returned(tuple):
    """A ``return`` leaving a function's body: ``Returned((value,))``, made without a call
    of Python code (the interpreter reads ``signal[0]``)."""

    __slots__ = ()

    @property
    def value(self) -> Any:
        """The value returned."""
        return self[0]


BREAK = object()
CONTINUE = object()

# Exceptions carry where they happened: the innermost place, then the calls they left.
_WHERE = "gradtui_where"
_CALLS = "gradtui_calls"


def mark(error: BaseException, where: Where) -> None:
    """Remember where ``error`` happened, unless a deeper place is known already."""
    try:
        if getattr(error, _WHERE, None) is None:
            setattr(error, _WHERE, where)
    except AttributeError:  # an exception type without a __dict__
        pass


def place(error: BaseException) -> Where | None:
    """Where ``error`` happened, if known."""
    return getattr(error, _WHERE, None)


def calls(error: BaseException) -> list[tuple[str, Where]]:
    """The ``def`` functions ``error`` left, innermost first, with the line of each call."""
    return list(getattr(error, _CALLS, ()))


def left_call(error: BaseException, function: str, where: Where) -> None:
    """``error`` left the call of ``function`` made at ``where``."""
    try:
        found = getattr(error, _CALLS, None)
        if found is None:
            found = []
            setattr(error, _CALLS, found)
        found.append((function, where))
    except AttributeError:
        pass


Steps = Generator[Any, None, Any]


def plan(statements: Sequence[Any]) -> tuple[tuple[Any, int, Any], ...]:
    """``statements`` as the loops that run them read them: (its ``exec`` for a simple
    statement, else None; its line; the statement). A closure kept on an instance and called
    as ``stmt.exec(frame)`` is looked up in full on every call (Python 3.11 specializes that
    call for methods of the class only); unpacked from a tuple it is not."""
    return tuple((s.exec if s.simple else None, s.line, s) for s in statements)


def run_block(statements: Sequence[Any], frame: Frame) -> Steps:
    """Run ``statements``; yield each after it ran; return BREAK, CONTINUE, Returned or None."""
    ctx = frame.ctx
    tick = ctx.meter.tick
    for stmt in statements:
        if stmt.simple:
            ctx.line = stmt.line
            try:
                stmt.exec(frame)
                tick()
            except Exception as error:
                mark(error, stmt.where)
                raise
            ctx.frame = frame
            yield stmt
        else:
            signal = yield from stmt.steps(frame)
            if signal is not None:
                return signal
    return None


def run_fast(statements: Sequence[Any], frame: Frame) -> Any:
    """``run_block`` without yielding: for a whole run, and for calls inside expressions."""
    ctx = frame.ctx
    meter = ctx.meter
    for stmt in statements:
        if stmt.simple:
            ctx.line = stmt.line
            try:
                exec_ = stmt.exec  # read, then called: see plan()
                exec_(frame)
                meter.statements += 1  # meter.tick(), written out: the hottest loop
                if meter.statements >= meter.next_check:
                    meter.check()
            except Exception as error:
                mark(error, stmt.where)
                raise
        else:
            signal = stmt.run(frame)
            if signal is not None:
                return signal
    ctx.frame = frame
    return None


def user_steps(ctx: Context, fn: UserFunction, bound: dict[str, Any]) -> Steps:
    """A call of a ``def`` function with its arguments bound (``fn.bind``), statement by
    statement; returns its value."""
    frame = Frame(bound, ctx, None, fn.name)
    ctx.meter.enter_call()
    try:
        signal = yield from run_block(fn.body, frame)
    finally:
        ctx.meter.depth -= 1
    return signal[0] if type(signal) is Returned else None


def call_user(ctx: Context, fn: UserFunction, bound: dict[str, Any]) -> Any:
    """A call of a ``def`` function, run to its end: its value.

    A body ending with ``return expr`` runs its other statements as a block (``run_fast``'s
    loop written out when they are all simple), then that statement here, counted and marked
    as ``Signal.run`` would (the value needs no signal).
    """
    meter = ctx.meter
    if meter.depth >= meter.budgets.call_depth:
        meter.enter_call()  # raises the call_depth stop
    meter.depth += 1  # meter.enter_call(), written out
    try:
        frame = Frame(bound, ctx, None, fn.name)
        if fn.straight:  # predictions = predictions.sigmoid(): run_fast, written out
            stmt = None
            try:
                for exec_, line, stmt in fn.plan:  # noqa: B007 (stmt: for the error below)
                    ctx.line = line
                    exec_(frame)
                    meter.statements += 1
                    if meter.statements >= meter.next_check:
                        meter.check()
            except Exception as error:
                mark(error, stmt.where)
                raise
            ctx.frame = frame
        elif fn.leading:
            signal = run_fast(fn.leading, frame)
            if signal is not None:
                return signal[0] if type(signal) is Returned else None
        returns = fn.returns
        if returns is None:
            return None
        ctx.line = fn.return_line
        try:
            value = returns(frame)
            meter.statements += 1  # meter.tick(), written out
            if meter.statements >= meter.next_check:
                meter.check()
        except Exception as error:
            mark(error, fn.final_return.where)
            raise
        return value
    finally:
        meter.depth -= 1
