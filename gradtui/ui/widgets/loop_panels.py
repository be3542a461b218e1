"""What the loop playground's panels say about one frame of a program's run, as plain text.

Every piece of a program's text (values, printed lines, torch's messages) is drawn as text,
never markup, and cleaned of control characters.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group
from rich.text import Text

from gradtui.safe_text import clean

OUTPUT_LINES = 200  # printed lines kept on screen (the newest)
PHASE_OF_KIND = {
    "init": "init",
    "predict": "predict",
    "loss": "loss",
    "gradient": "gradient",
    "step": "step",
    "repeat": "repeat",
    "stop": "stop",
    "end": "stop",
}


def variables_text(frame: Any) -> Text:
    """Every variable in scope: the program's, then the locals of the function it is in."""
    text = Text(no_wrap=True, overflow="ellipsis")
    moment = frame.moment if frame is not None else None
    if moment is None:
        text.append("No run yet: F5 runs the program, F6 runs one line.", style="dim")
        return text
    shown = [v for v in moment.variables if v.kind not in ("function",)]
    if not shown and not moment.locals:
        text.append("No variables yet.", style="dim")
    for view in shown:
        _variable(text, view)
    if moment.locals:
        text.append(f"in {clean(moment.function, one_line=True)}():\n", style="bold")
        for view in moment.locals:
            _variable(text, view, indent="  ")
    functions = [v.name for v in moment.variables if v.kind == "function"]
    if functions:
        text.append("functions: ", style="dim")
        text.append(", ".join(clean(f, one_line=True) for f in functions) + "\n", style="dim")
    return text


def _variable(text: Text, view: Any, indent: str = "") -> None:
    name = clean(view.name, one_line=True)
    tensor = view.tensor
    text.append(f"{indent}{name}", style="bold cyan")
    if tensor is None:
        text.append(f" = {_one_line(view.text)}\n")
        return
    if tensor.values is not None:
        text.append(f" = {_one_line(tensor.text)}\n")
    else:
        shape = "×".join(str(n) for n in tensor.shape)
        text.append(f": tensor of shape ({shape}), {tensor.dtype}")
        if tensor.requires_grad:
            text.append(", requires_grad=True")
        if tensor.grad_fn:
            text.append(f", grad_fn=<{tensor.grad_fn}>")
        text.append("\n")
    if tensor.requires_grad and tensor.is_leaf:
        grad = tensor.grad
        text.append(f"{indent}  .grad ", style="dim")
        if grad is None:
            text.append("None\n", style="yellow")
        elif grad.values is not None:
            text.append(f"= {_one_line(grad.text)}\n")
        else:
            shape = "×".join(str(n) for n in grad.shape)
            text.append(f"tensor of shape ({shape})\n")


def _one_line(value: str) -> str:
    return " ".join(clean(value).split())


_QUOTED = re.compile(r"^ *\d* \| ")  # '  12 | code' and '     |   ^^^' in an error's text


def output_text(frame: Any, refusal: str = "") -> Group:
    """What the program printed, then how the run ended (error, stop, refusal) or notes.

    The quoted line of an error and its carets are never wrapped, so the carets stay under
    the part they point at."""
    return unwrap_quotes(output_body(frame, refusal))


def unwrap_quotes(text: Text) -> Group:
    """``text`` as lines, the quoted code and its carets never wrapped."""
    parts = []
    for line in text.split("\n", allow_blank=True):
        if _QUOTED.match(line.plain):
            line.no_wrap, line.overflow = True, "crop"
        parts.append(line)
    return Group(*parts)


def output_body(frame: Any, refusal: str = "") -> Text:
    """The output panel's text (see ``output_text``), before it is cut into lines."""
    text = Text(no_wrap=False)
    if refusal:
        text.append(clean(refusal), style="bold red")
        return text
    if frame is None:
        text.append("Printed output and errors appear here.", style="dim")
        return text
    moment, result = frame.moment, frame.result
    printed = result.printed if result is not None else (moment.printed if moment else ())
    for line in printed[-OUTPUT_LINES:]:
        text.append(clean(line) + "\n")
    if frame.failure:
        text.append(clean(frame.failure), style="bold red")
        return text
    if result is None:
        return text
    from gradtui.engine.program.errors import render_refusal

    for warning in result.warnings:
        text.append(f"warning: {clean(warning)}\n", style="yellow")
    for note in result.notes:
        text.append(f"note: {clean(note)}\n", style="yellow")
    if result.error is not None:
        text.append(clean(result.error.render()), style="bold red")
    elif result.stop is not None:
        text.append(clean(result.stop.render()), style="bold yellow")
    elif result.refused is not None:
        text.append(clean(render_refusal(result.refused)), style="bold red")
    else:
        count = f"{result.statements:,} statement{'s' if result.statements != 1 else ''}"
        text.append(f"The program ran to its end ({count}).", "green")
    return text


def error_line(frame: Any) -> int:
    """The line of the run's error, refusal or stop (0 when it has none)."""
    result = frame.result if frame is not None else None
    if result is None:
        return 0
    for part in (result.error, result.refused, result.stop):
        if part is not None:
            return part.line
    return 0


def phase_of(frame: Any) -> str:
    """Which of the seven steps the line that just ran did ('' for none of them)."""
    step = frame.step if frame is not None else None
    if step is None:
        return "init"
    return PHASE_OF_KIND.get(step.kind, "")


def status_text(frame: Any, state: str, speed: str) -> str:
    """One line: the state, the line, the statements and time so far, the speed."""
    parts = [state]
    if frame is not None and frame.step is not None:
        where = f"line {frame.step.line}"
        if frame.step.function:
            where += f" in {clean(frame.step.function, one_line=True)}()"
        parts.append(where)
    if frame is not None and frame.moment is not None:
        moment = frame.moment
        parts.append(f"{moment.statements:,} statements, {moment.seconds:.2f} s")
    parts.append(f"speed {speed}")
    return "  ·  ".join(parts)
