"""Running a compiled program: step by step, or to its end, within its budgets.

``Run.steps()`` yields a ``Step`` after each statement (the line it was on and which of the
seven steps it did) and a last one when the run ends; between two steps the run is paused
(its clock too) and ``Run.moment()`` describes it. ``Run.cancel()`` (from any thread) stops it
before its next statement. ``Run.run()`` goes to the end and returns the ``RunResult``.
A run never raises the program's errors: they end up in the result.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from gradtui.engine.program import dispatch, ops, warnings_sink
from gradtui.engine.program.budgets import BudgetExceeded, Budgets, Cancelled, Meter
from gradtui.engine.program.context import Context, Frame, pile_up_note
from gradtui.engine.program.errors import BudgetStop, ProgramError, program_error
from gradtui.engine.program.interpreter import place, run_block, run_fast
from gradtui.engine.program.program import Program
from gradtui.engine.program.pybuiltins import make_builtins
from gradtui.engine.program.snapshot import Moment, namespace_views
from gradtui.engine.program.source import ProgramRefused
from gradtui.engine.program.values import resolve

PRELUDE_NAMES = ("torch", "tensor", "nn", "F", "DataLoader", "TensorDataset")


class Step(NamedTuple):
    """A statement just ran: its line, its kind of step, and where the run is.

    ``kind``: init, predict, loss, gradient, step, repeat, stop or other while running; the
    last step of a run has kind end, error or stopped (``phases`` (7,) for the end).
    """

    line: int
    kind: str
    phases: tuple[int, ...]
    function: str
    statements: int


@dataclass(frozen=True)
class RunResult:
    """How a run ended and what it left: output, notes, warnings, losses."""

    status: str  # finished | error | stopped | refused
    error: ProgramError | None
    stop: BudgetStop | None
    refused: ProgramRefused | None
    printed: tuple[str, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    losses: tuple[float, ...]
    statements: int
    seconds: float


class Run:
    """One run of a program, with its own variables, budgets and cancel event."""

    def __init__(
        self,
        program: Program,
        inputs: Mapping[str, Any] | None = None,
        budgets: Budgets | None = None,
        cancel: threading.Event | None = None,
    ):
        self.program = program
        self.meter = Meter(budgets or Budgets(), cancel)
        self.prelude = {name: resolve(path) for name, path in _prelude().items()}
        self.globals: dict[str, Any] = {**self.prelude, **(inputs or {})}
        self.ctx = Context(self.meter, self.globals, make_builtins())
        self.result: RunResult | None = None
        self._last: Any = None
        self._started = False
        self._warned: set[tuple[int, str]] = set()

    def cancel(self) -> None:
        """Stop the run before its next statement (safe from any thread)."""
        self.meter.cancel.set()

    def run(self) -> RunResult:
        """Run to the end (or the first error or stop)."""
        self._start()
        frame = Frame(self.globals, self.ctx)
        outcome: BaseException | None = None
        token = warnings_sink.enter(self._warning)
        self.meter.resume()
        try:
            run_fast(self.program.body, frame)
        except Exception as error:  # the program's error, a budget, a refusal
            outcome = error
        finally:
            self.meter.pause()
            warnings_sink.leave(token)
        self.result = self._finish(outcome)
        return self.result

    def steps(self) -> Iterator[Step]:
        """Run, yielding a ``Step`` after each statement and one when the run ends.

        Closing the generator early (the learner resets) ends the run as cancelled.
        """
        self._start()
        meter, ctx = self.meter, self.ctx
        running = run_block(self.program.body, Frame(self.globals, ctx))
        ctx.stepping = True
        outcome: BaseException | None = Cancelled()  # unless the program ends or fails
        try:
            while True:
                token = warnings_sink.enter(self._warning)
                meter.resume()
                try:
                    stmt = next(running)
                except StopIteration:
                    outcome = None
                    break
                except Exception as error:  # the program's error, a budget, a refusal
                    outcome = error
                    break
                finally:
                    meter.pause()
                    warnings_sink.leave(token)
                self._last = stmt
                function = ctx.frame.function
                yield Step(stmt.line, stmt.kind, stmt.phases, function, meter.statements)
        finally:
            running.close()
            self.result = self._finish(outcome)
        last = self._last.line if self._last is not None else 0
        kind = {"finished": "end", "error": "error"}.get(self.result.status, "stopped")
        line = _line_of(self.result) or last
        yield Step(line, kind, (7,) if kind == "end" else (), "", meter.statements)

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a Run runs once: make a new Run to run again")
        self._started = True
        dispatch.load_torch()
        ops.load_torch()
        warnings_sink.forget_shown()

    def moment(self) -> Moment:
        """The variables, output and losses now (between two steps, in the stepping thread)."""
        ctx, stmt = self.ctx, self._last
        frame = ctx.frame
        inside = frame is not None and frame.function != "" and frame.locals is not self.globals
        status = "running" if self.result is None else self.result.status
        return Moment(
            line=stmt.line if stmt is not None else ctx.line,
            kind=stmt.kind if stmt is not None else "other",
            phases=stmt.phases if stmt is not None else (),
            statements=self.meter.statements,
            seconds=self.meter.seconds if self.result is None else self.result.seconds,
            function=frame.function if inside else "",
            variables=namespace_views(self.globals, self.prelude),
            locals=namespace_views(frame.locals, {}) if inside else (),
            printed=tuple(ctx.output.all_lines()),
            losses=tuple(ctx.losses),
            status=status,
        )

    def _warning(self, text: str) -> None:
        key = (self.ctx.line, text)
        if key not in self._warned:
            self._warned.add(key)
            self.ctx.warnings.append(key)

    def _finish(self, outcome: BaseException | None) -> RunResult:
        ctx, meter = self.ctx, self.meter
        source = self.program.source
        error = stop = refused = None
        where = place(outcome) if outcome is not None else None
        line = where.line if where is not None else ctx.line
        if outcome is None:
            status = "finished"
        elif isinstance(outcome, BudgetExceeded):
            status, stop = (
                "stopped",
                BudgetStop(outcome.budget, outcome.message, line, source.line(line)),
            )
        elif isinstance(outcome, Cancelled):
            status = "stopped"
            stop = BudgetStop("cancelled", "stopped by you", line, source.line(line))
        elif isinstance(outcome, RecursionError):
            status = "stopped"
            message = "functions called each other too deeply: stopped (budget 'call_depth')"
            stop = BudgetStop("call_depth", message, line, source.line(line))
        elif isinstance(outcome, MemoryError):
            status = "stopped"
            stop = BudgetStop(
                "memory", "the computer ran out of memory: stopped", line, source.line(line)
            )
        elif isinstance(outcome, dispatch.NotInSubset):
            status = "refused"
            column = where.column if where is not None else 0
            span = where.span if where is not None else 1
            refused = ProgramRefused(str(outcome), line, column, source.line(line), span)
        else:
            status, error = "error", program_error(outcome, source)
        note = pile_up_note(ctx)
        return RunResult(
            status=status,
            error=error,
            stop=stop,
            refused=refused,
            printed=tuple(ctx.output.all_lines()),
            notes=(note,) if note else (),
            warnings=tuple(f"line {line}: {text}" for line, text in ctx.warnings),
            losses=tuple(ctx.losses),
            statements=meter.statements,
            seconds=meter.seconds,
        )


def _line_of(result: RunResult) -> int:
    for part in (result.error, result.stop, result.refused):
        if part is not None:
            return part.line
    return 0


def _prelude() -> dict[str, str]:
    from gradtui.engine.program.allowlist import PRELUDE

    return dict(PRELUDE)


def run_program(
    text: str,
    inputs: Mapping[str, Any] | None = None,
    budgets: Budgets | None = None,
) -> tuple[Run | None, RunResult]:
    """Compile and run ``text`` to its end; a refused program has no ``Run``."""
    from gradtui.engine.program.program import compile_program

    try:
        program = compile_program(text, inputs or ())
    except ProgramRefused as refused:
        return None, RunResult("refused", None, None, refused, (), (), (), (), 0, 0.0)
    run = Run(program, inputs, budgets)
    return run, run.run()
