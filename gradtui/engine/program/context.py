"""One run's state beside the program's own variables: output, counters, the loss values.

``Context`` is shared by every frame of a run; a ``Frame`` is one scope being executed (the
program's top level, or one call of a ``def`` function).
"""

from __future__ import annotations

from array import array
from typing import Any

from gradtui.engine.program.budgets import BudgetExceeded, Meter

_NUMBERS = (int, float)


class Output:
    """What the program printed, as lines, within the printed-lines and characters budgets."""

    def __init__(self, meter: Meter):
        self.meter = meter
        self.lines: list[str] = []
        self.partial = ""
        self.chars = 0

    def write(self, text: str) -> None:
        """Add printed text (``print`` with its ``end``); stop once a budget is used up."""
        budgets = self.meter.budgets
        room = budgets.printed_chars - self.chars
        clipped = text[: max(0, room)]
        self.chars += len(clipped)
        pieces = (self.partial + clipped).split("\n")
        self.partial = pieces.pop()
        for line in pieces:
            if len(self.lines) >= budgets.printed_lines:
                raise BudgetExceeded("printed_lines", budgets.printed_lines)
            self.lines.append(line)
        if len(text) > room:
            raise BudgetExceeded("printed_chars", budgets.printed_chars)

    def all_lines(self) -> list[str]:
        """Every printed line, the unfinished last one included."""
        return self.lines + ([self.partial] if self.partial else [])


class Context:
    """A run's meter, output and the counters behind the notes."""

    def __init__(self, meter: Meter, globals_: dict[str, Any], builtins: dict[str, Any]):
        self.meter = meter
        self.output = Output(meter)
        self.globals = globals_
        self.builtins = builtins
        self.losses = array("d")
        self.warnings: list[tuple[int, str]] = []
        self.line = 0  # the statement running now (for warnings)
        self.backward_calls = 0
        self.grad_resets = 0
        self.first_grads: dict[str, float] = {}
        self.frame: Frame | None = None  # the frame of the statement that ran last
        self.stepping = False  # handing out steps: the caller may run torch between them
        import torch  # a run runs torch: it is loaded by now

        self.tensor = torch.Tensor

    def record_loss(self, value: Any) -> None:
        """A value assigned to ``loss``: kept as a number for the loss plot."""
        if type(value) is self.tensor:  # the common case, without the looking up below
            if value.numel() == 1:
                self.losses.append(float(value.item()))
            return
        numel = getattr(value, "numel", None)
        if numel is not None:  # a tensor (or a numpy value): its one number
            if hasattr(value, "item") and numel() == 1:
                self.losses.append(float(value.item()))
        elif isinstance(value, _NUMBERS):
            self.losses.append(float(value))

    def after_backward(self) -> None:
        """``backward()`` ran: count it, and remember the first gradients' sizes."""
        self.backward_calls += 1
        if self.backward_calls == 1:
            self.first_grads = grad_sizes(self.globals)


class Frame:
    """One scope being run: its locals, the globals, the run's context."""

    __slots__ = ("locals", "globals", "ctx", "parent", "function")

    def __init__(
        self,
        locals_: dict[str, Any],
        ctx: Context,
        parent: Frame | None = None,
        function: str = "",
    ):
        self.locals = locals_
        self.globals = ctx.globals
        self.ctx = ctx
        self.parent = parent
        self.function = function


def leaf_tensors(namespace: dict[str, Any]) -> dict[str, Any]:
    """The tensors that get gradients, by the name a learner would write for them."""
    import torch

    found: dict[str, Any] = {}

    def add(name: str, value: Any) -> None:
        if isinstance(value, torch.Tensor) and value.is_leaf and value.requires_grad:
            found.setdefault(name, value)

    for name, value in namespace.items():
        add(name, value)
        if isinstance(value, list | tuple) and len(value) <= 100:
            for i, item in enumerate(value):
                add(f"{name}[{i}]", item)
        elif isinstance(value, torch.nn.Module):
            for pname, param in list(value.named_parameters())[:100]:
                add(f"{name}.{pname}", param)
    return found


def grad_sizes(namespace: dict[str, Any]) -> dict[str, float]:
    """Each leaf tensor's ``.grad`` summed in absolute value (leaves without one left out)."""
    sizes = {}
    for name, tensor in leaf_tensors(namespace).items():
        if tensor.grad is not None:
            sizes[name] = float(tensor.grad.detach().abs().sum())
    return sizes


def pile_up_note(ctx: Context) -> str | None:
    """A note when gradients grew over several ``backward()`` calls and nothing zeroed them."""
    if ctx.backward_calls < 2 or ctx.grad_resets:
        return None
    now = grad_sizes(ctx.globals)
    grown = [
        name
        for name, first in ctx.first_grads.items()
        if name in now and now[name] > first * 1.0001 and first > 0
    ]
    if not grown:
        return None
    names = ", ".join(grown[:5])
    return (
        f"backward() ran {ctx.backward_calls:,} times and nothing zeroed the gradients, so "
        f".grad of {names} kept growing: backward() adds into .grad. Zero them after each "
        "step: p.grad.zero_() (or p.grad = None, or opt.zero_grad())."
    )
