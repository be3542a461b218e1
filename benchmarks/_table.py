"""Medians and a small fixed-width table, shared by the benchmark scripts."""

from __future__ import annotations

import os
import platform
import statistics


def median(values: list[float]) -> float:
    """The median (nan for no values)."""
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    """One line saying where the numbers come from (they depend on it, and on the load)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} at the end"
    )


def table(
    title: str, rows: list[tuple[str, ...]], runs: int, head: tuple[str, ...] | None = None
) -> str:
    """``rows`` of (measure, median, goal, verdict) under a title naming the run count; or
    of any columns named by ``head``."""
    head = head or ("measure", f"median of {runs}", "goal", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"machine: {machine()}")
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
