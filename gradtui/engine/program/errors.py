"""How a run ends badly: the learner's error (torch's or Python's own), a budget stop, a refusal.

Each is plain data with the line (and column) it happened on, and one way to write it out:
the line of the program, carets under the part that failed, the message word for word and,
for the classic mistakes of chapter 4, a plain-words explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradtui.engine.expr.syntax import caret
from gradtui.engine.program.interpreter import Where, calls, place
from gradtui.engine.program.source import Source

_GRAD_NONE = (
    ".grad is None here: backward() has not run for this tensor yet (or the tensor does not "
    "require grad, or is not a leaf). Call loss.backward() before reading .grad."
)
# (piece of the message, piece the line must contain or '', explanation)
_EXPLANATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "a leaf Variable that requires grad is being used in an in-place operation",
        "",
        "this line changes a tensor that requires grad in place (-=, +=, zero_() ...) while "
        "torch is recording the graph. Do the update inside 'with torch.no_grad():' "
        "(or on p.data).",
    ),
    ("'NoneType' object has no attribute", ".grad", _GRAD_NONE),
    ("'NoneType'", ".grad", _GRAD_NONE),
    (
        "only Tensors of floating point",
        "",
        "gradients need floating-point numbers, but this tensor holds whole numbers "
        "(torch.tensor(3) makes integers). Write 3. or 3.0, or add dtype=torch.float32.",
    ),
    (
        "modified by an inplace operation",
        "",
        "torch saved this tensor to compute gradients, and a later in-place change (mul_, "
        "+=, ...) overwrote it. Make a new tensor instead: s = s * 2.",
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        "",
        "backward() starts from one number, the loss, but this tensor holds several. "
        "Reduce it to one first: .mean() or .sum().",
    ),
    (
        "Trying to backward through the graph a second time",
        "",
        "backward() frees the graph it walked through. Compute the loss again before each "
        "backward(): the forward pass (preds = ..., loss = ...) belongs inside the loop.",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "",
        "nothing this value was computed from requires grad, so there is no graph to walk "
        "back. Call .requires_grad_() on the parameters first, and compute the loss outside "
        "torch.no_grad().",
    ),
    (
        "Boolean value of Tensor with more than one value is ambiguous",
        "",
        "if, while, and, or need one True or False, but this tensor holds several. Use "
        ".all() or .any(), or compare a single number.",
    ),
    (
        "shapes cannot be multiplied",
        "",
        "for a @ b, the last size of a must equal the first size of b. print(a.shape, "
        "b.shape) to see them; .view() or .T can reshape.",
    ),
    (
        "must match the size of tensor",
        "",
        "the two tensors have sizes that do not line up. print(x.shape) for each to see them.",
    ),
    (
        "cannot access local variable",
        "",
        "a function that assigns a name makes it its own (local) variable, from its first "
        "line on. Assign it before reading it, or pass the value in as a parameter.",
    ),
    (
        "is not defined",
        "",
        "this name has no value here: assign it on an earlier line (and check the spelling).",
    ),
    (
        "'NoneType'",
        "",
        "a value here is None. A function that ends without 'return' gives None.",
    ),
)


def explain(kind: str, message: str, line: str) -> str:
    """A plain-words explanation of a classic mistake, or ''."""
    lowered = message.lower()
    for needle, context, plain in _EXPLANATIONS:
        if needle.lower() in lowered and context in line:
            return plain
    if kind == "OverflowError":
        return "a number grew too large to represent: the learning rate may be too high."
    return ""


@dataclass(frozen=True)
class ProgramError:
    """The learner's program raised: Python's or torch's own type and message, and where."""

    line: int
    column: int
    span: int
    type: str
    message: str
    explanation: str
    text: str  # the program's line
    stack: tuple[tuple[str, int], ...] = ()  # (function, line of its call), innermost first

    def to_json(self) -> dict[str, Any]:
        """``{"line", "type", "message", "explanation"}`` as ``gradtui run --json`` prints it."""
        return {
            "line": self.line,
            "column": self.column,
            "type": self.type,
            "message": self.message,
            "explanation": self.explanation or None,
        }

    def render(self) -> str:
        """The error as the app and ``gradtui run`` show it."""
        where = f"line {self.line}"
        for function, line in self.stack:
            where += f" (in {function}, called on line {line})"
        head = f"{self.type}: {self.message}" if self.message else self.type
        parts = [f"Error on {where}:", _quote(self.line, self.text, self.column, self.span), head]
        if self.explanation:
            parts.append(f"What it means: {self.explanation}")
        return "\n".join(parts)


def program_error(error: BaseException, source: Source) -> ProgramError:
    """The ``ProgramError`` for an exception the program raised."""
    where = place(error) or Where(0)
    text = source.line(where.line)
    kind = type(error).__name__
    message = str(error) if not isinstance(error, KeyError) else repr(error.args[0])
    if isinstance(error, RecursionError):
        message = "maximum recursion depth exceeded"
    stack = tuple((fn, w.line) for fn, w in calls(error))
    return ProgramError(
        where.line,
        where.column,
        where.span,
        kind,
        message,
        explain(kind, message, text),
        text,
        stack,
    )


@dataclass(frozen=True)
class BudgetStop:
    """A budget ran out (or the learner stopped the run): which one and where."""

    budget: str
    message: str
    line: int
    text: str

    def to_json(self) -> dict[str, Any]:
        """``{"budget", "line", "message"}``."""
        return {"budget": self.budget, "line": self.line, "message": self.message}

    def render(self) -> str:
        """The stop as the app and ``gradtui run`` show it."""
        head = f"Stopped on line {self.line}:" if self.line else "Stopped:"
        quoted = _quote(self.line, self.text, 0, 0) if self.line else ""
        return "\n".join(p for p in (head, quoted, self.message) if p)


def render_refusal(refused: Any) -> str:
    """A refusal (``ProgramRefused``) as the app and ``gradtui run`` show it."""
    if not refused.line:
        return f"Refused: {refused.message}"
    quoted = _quote(refused.line, refused.text, refused.column, refused.span)
    return f"Refused, line {refused.line}:\n{quoted}\n{refused.message}"


def _quote(line: int, text: str, column: int, span: int) -> str:
    """``  12 | code`` with carets under the columns, on the next line."""
    gutter = f"{line:>4} | "
    shown = caret(text.expandtabs(1), column or None, width=76, span=max(1, span))
    if not column:
        return gutter + shown
    code, marks = shown.split("\n")
    return f"{gutter}{code}\n{' ' * (len(gutter) - 2)}| {marks}"
