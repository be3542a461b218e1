"""A call as a whole statement (``train_epoch(...)``, ``loss = calc_loss(...)``): when the
callee is a ``def`` function, stepping goes into its body (see ``statements.py``)."""

from __future__ import annotations

from typing import Any

from gradtui.engine.program.dispatch import call_value
from gradtui.engine.program.interpreter import call_user, left_call, mark, user_steps
from gradtui.engine.program.statements import Compound, guarded, header
from gradtui.engine.program.values import UserFunction


class CallStatement(Compound):
    """``fn(...)`` or ``x = fn(...)`` where fn may be a ``def`` function: stepped into."""

    def _callee(self, f: Any) -> tuple[Any, tuple, dict, Any]:
        parts = self.parts
        try:
            fn, args, kwargs = parts.target(f), parts.args(f), parts.kwargs(f)
            bound = fn.bind(args, kwargs) if type(fn) is UserFunction else None
        except Exception as error:
            mark(error, self.where)
            raise
        return fn, args, kwargs, bound

    def _finish(self, f: Any, value: Any) -> None:
        if self.store is not None:
            guarded(f, self.where, lambda f: self.store(f, value))
        header(self, f)

    def steps(self, f: Any) -> Any:
        fn, args, kwargs, bound = self._callee(f)
        if bound is not None:
            try:
                value = yield from user_steps(f.ctx, fn, bound)
            except Exception as error:
                left_call(error, fn.name, self.parts.where)
                mark(error, self.where)
                raise
        else:
            value = guarded(f, self.where, lambda f: call_value(f.ctx, fn, args, kwargs))
        self._finish(f, value)
        yield self

    def run(self, f: Any) -> Any:
        # A closure kept on an object is read, then called: see interpreter.plan().
        parts, ctx = self.parts, f.ctx
        try:
            key = parts.key
            if key is None:
                target = parts.target
                fn = target(f)
            else:
                try:  # the function's name, read in place
                    fn = (f.locals if parts.local else f.globals)[key]
                except KeyError:
                    target = parts.target
                    fn = target(f)
            args = parts.args
            args = args(f)
            if type(fn) is UserFunction:
                if parts.plain and len(args) == fn.arity:  # fn.bind's common case
                    positional = fn.positional
                    bound = positional(args)
                else:
                    bound = fn.bind(args, parts.kwargs(f))
                try:
                    value = call_user(ctx, fn, bound)
                except Exception as error:
                    left_call(error, fn.name, parts.where)
                    raise
            else:
                value = call_value(ctx, fn, args, parts.kwargs(f))
            store = self.store
            if store is not None:
                store(f, value)
            ctx.line = self.line
            meter = ctx.meter
            meter.statements += 1  # meter.tick(), written out
            if meter.statements >= meter.next_check:
                meter.check()
        except Exception as error:
            mark(error, self.where)
            raise
        ctx.frame = f
