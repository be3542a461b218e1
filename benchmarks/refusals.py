"""How long the expression compiler takes to refuse each hostile input of the test corpus.

Every input of ``tests/data/refused_expressions.toml`` (sandbox escapes, power bombs, 1 MB of
text, 10,000 brackets...) is compiled ``--runs`` times; the table gives the median over inputs,
the slowest input's median, and the whole corpus. Goal (issue: hostile input): each refusal
under 1 s. Run: ``.venv/bin/python benchmarks/refusals.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import time
import tomllib
from pathlib import Path

from _table import median, table, verdict

from gradtui.engine.expr.expr import ExprError, compile_expr

CORPUS = Path(__file__).parent.parent / "tests" / "data" / "refused_expressions.toml"
GOAL_S = 1.0


def refusal_seconds(text: str) -> float:
    """Seconds to refuse ``text`` (it must be refused)."""
    start = time.perf_counter()
    try:
        compile_expr(text)
    except ExprError:
        return time.perf_counter() - start
    raise SystemExit(f"accepted, but the corpus says it is refused: {text[:60]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    cases = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["refused"]
    texts = [c["text"] * c.get("repeat", 1) + c.get("suffix", "") for c in cases]
    per_input = [median([refusal_seconds(t) for _ in range(runs)]) for t in texts]
    slowest = max(range(len(texts)), key=per_input.__getitem__)
    shown = texts[slowest][:30] + ("…" if len(texts[slowest]) > 30 else "")
    rows = [
        ("one refusal, median over inputs", f"{median(per_input) * 1e3:.3f} ms", "< 1 s", ""),
        (
            f"slowest input ({shown!r}, {len(texts[slowest]):,} chars)",
            f"{per_input[slowest] * 1e3:.1f} ms",
            "< 1 s",
            verdict(per_input[slowest] < GOAL_S),
        ),
        (f"all {len(texts)} inputs", f"{sum(per_input) * 1e3:.1f} ms", "", ""),
    ]
    print(table(f"refusing the {len(texts)} hostile inputs of the test corpus", rows, runs))


if __name__ == "__main__":
    main()
