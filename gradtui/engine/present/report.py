"""Runs as JSON objects and as plain text (a compact table and an ASCII loss curve)."""

from __future__ import annotations

import math
from typing import Any

from gradtui.engine.expr.values import format_value
from gradtui.engine.training.loop import StepRecord, Stop
from gradtui.engine.training.problem import Problem

TABLE_ROWS = 12


def _flat(names: tuple[str, ...], values: dict[str, Any]) -> Any:
    return values[names[0]] if len(names) == 1 else {n: values[n] for n in names}


def run_json(problem: Problem, lr: float, records: list[StepRecord], stop: Stop) -> dict:
    """``{"steps": [{"step", <param>..., "loss", "grad"}], "stop", "final"}``.

    Record i holds the parameters, f and the grad before update i. ``grad`` is a number (or
    list) for one parameter and an object keyed by name for several.
    """
    names = problem.param_names
    steps = []
    for r in records:
        row: dict[str, Any] = {"step": r.step, **r.params, "loss": _num(r.loss)}
        row["grad"] = _flat(names, r.grads)
        steps.append(row)
    return {
        "expr": problem.expr.text,
        "lr": lr,
        "steps": steps,
        "stop": stop.reason,
        "message": stop.message,
        "final": {**stop.params, "loss": _num(stop.loss), "steps": stop.steps},
    }


def _num(value: float) -> float | str:
    """JSON has no nan/inf: spell them as strings so the output stays valid JSON."""
    return value if math.isfinite(value) else str(value)


def render_run(problem: Problem, records: list[StepRecord], stop: Stop, color: bool) -> str:
    """A compact table (sampled rows when long), the stop line and a loss curve."""
    names = problem.param_names
    header = ["step", *names, "loss", *[f"{n}.grad" for n in names]]
    rows = [
        [
            str(r.step),
            *[format_value(r.params[n]) for n in names],
            format_value(r.loss),
            *[format_value(r.grads[n]) for n in names],
        ]
        for r in _sample(records)
    ]
    rows.append(
        [
            "end",
            *[format_value(stop.params[n]) for n in names],
            format_value(stop.loss),
            *["" for _ in names],
        ]
    )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"stop: {stop.reason} ({stop.message})")
    if len(records) >= 2:
        lines.append(loss_chart([r.step for r in records], [r.loss for r in records], color))
    return "\n".join(lines)


def _sample(records: list[StepRecord]) -> list[StepRecord]:
    if len(records) <= TABLE_ROWS:
        return records
    stride = (len(records) - 1) / (TABLE_ROWS - 1)
    picks = sorted({round(i * stride) for i in range(TABLE_ROWS)})
    return [records[i] for i in picks]


def loss_chart(steps: list[int], losses: list[float], color: bool, width: int = 72) -> str:
    """An ASCII loss curve drawn with plotext; log10 when the loss spans decades."""
    import plotext

    finite = [(s, v) for s, v in zip(steps, losses, strict=True) if math.isfinite(v)]
    if len(finite) < 2:
        return ""
    xs, ys = zip(*finite, strict=True)
    title = "loss"
    if min(ys) > 0 and max(ys) / min(ys) > 1e3:
        ys = [math.log10(v) for v in ys]
        title = "log10(loss)"
    plotext.clear_figure()
    plotext.plotsize(width, 16)
    # "pro" colours the curve only: the default theme paints a white canvas, a glaring block
    # on a dark terminal.
    plotext.theme("pro" if color else "clear")
    plotext.plot(list(xs), list(ys), marker="braille" if color else "dot")
    plotext.title(title)
    plotext.xlabel("step")
    chart = plotext.build()
    return chart if color else plotext.uncolorize(chart)


def describe_step(record: StepRecord, after: dict[str, Any], limit: int = 3) -> str:
    """Step 5 in numbers: ``x -= x.grad * lr: 3 - 6 × 0.1 → 2.4`` (per parameter)."""
    parts = []
    for name in list(record.params)[:limit]:
        before, grad, new = record.params[name], record.grads.get(name), after.get(name)
        if isinstance(before, list) or grad is None or new is None:
            parts.append(f"{name} -= {name}.grad * lr → {format_value(new)}")
        else:
            parts.append(f"{name}: {before:.4g} - {grad:.4g} × {record.lr:g} → {new:.4g}")
    more = " …" if len(record.params) > limit else ""
    return f"step {record.step}: " + "; ".join(parts) + more + f"   (loss was {record.loss:.4g})"
