"""Hostile expressions: every one refused with a message and a column, and nothing escapes.

"Nothing escapes" is checked three ways while the corpus runs through every entry point
(``compile_expr``, the probe, the stepper's problem, the playground's form, the CLI): an audit
hook records any attempt to start a process or open a file for writing, the working folder is
an empty one that must stay empty (the corpus writes to relative names such as 'f'), and the
test process must have no child process afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import torch  # noqa: F401 - imported before the tripwire is set, as the app does at start

from gradtui.engine.autograd.probe import probe
from gradtui.engine.expr.expr import ExprError, compile_expr
from gradtui.engine.expr.values import parse_values
from gradtui.engine.training.playground import Playground, parse_fields
from gradtui.engine.training.problem import descend_problem

DATA = Path(__file__).parent / "data" / "refused_expressions.toml"
CASES = tomllib.loads(DATA.read_text(encoding="utf-8"))["refused"]
TEXTS = [c["text"] * c.get("repeat", 1) + c.get("suffix", "") for c in CASES]

# Audit events that start a process, and the ones that open or create files.
_SPAWN_EVENTS = {
    "os.system",
    "os.fork",
    "os.forkpty",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "subprocess.Popen",
    "pty.spawn",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_tripped: list[tuple[str, tuple]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _tripped is None:
        return
    if event in _SPAWN_EVENTS:
        _tripped.append((event, args))
    elif event == "open" and len(args) >= 3:
        mode, flags = args[1], args[2]
        if (isinstance(mode, str) and set(mode) & set("wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        ):
            _tripped.append((event, args))
    elif event in {"os.remove", "os.rename", "os.mkdir", "shutil.rmtree", "os.truncate"}:
        _tripped.append((event, args))


sys.addaudithook(_audit)  # audit hooks cannot be removed; it records only inside `tripwire`


class tripwire:  # noqa: N801 - used as a context manager, reads as a phrase
    """Record process starts and file writes made inside the block."""

    def __enter__(self) -> list[tuple[str, tuple]]:
        global _tripped
        _tripped = []
        return _tripped

    def __exit__(self, *exc) -> None:
        global _tripped
        _tripped = None


def children() -> set[int]:
    """Process ids of this process's live children (from every thread's /proc entry)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            text = (task / "children").read_text()
        except OSError:
            continue
        found |= {int(pid) for pid in text.split()}
    return found


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to list child processes"
)


@needs_proc
def test_the_checks_can_fail():
    # A live child shows in children(), and the tripwire sees a spawn and a write.
    with tripwire() as tripped:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            assert child.pid in children()
        finally:
            child.kill()
            child.wait()
    assert child.pid not in children()
    assert any(event == "subprocess.Popen" for event, _ in tripped)
    with tripwire() as tripped, open(os.devnull, "w") as handle:
        handle.write("")
    assert [event for event, _ in tripped] == ["open"]


def test_the_corpus_covers_every_category_of_the_issue():
    def has(predicate) -> bool:
        return any(predicate(t) for t in TEXTS)

    assert len(TEXTS) >= 150
    for piece in [
        "__import__",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__dict__",
        "getattr(",
        "globals()",
        "open(",
        "torch.load",
        "torch.save",
        "torch.ops",
        "torch.from_file",
        "x.numpy()",
        "x.data_ptr()",
        "ｅｖａｌ",
        "9**9**9",
        "x**1e308",
        "torch.ones(10**10)",
        "x.expand(10**9)",
        "x.repeat(",
        "lambda",
        " for ",
        "f'",
        ":=",
        "(*",
        "=0",
        "[0:1]",
        " < x <",
        "@",
        "#",
        ";",
        "\n",
        "\x00",
    ]:
        assert has(lambda t, p=piece: p in t), f"no input with {piece!r}"
    assert has(lambda t: any("\uff10" <= ch <= "\uff19" for ch in t)), "full-width digits"
    assert has(lambda t: t == "(" * 10_000)
    assert has(lambda t: len(t) >= 1_000_000)


TRIMMED_OK = {"x"}


@needs_proc
def test_no_entry_point_runs_a_refused_input(tmp_path, monkeypatch):
    """The corpus through compile_expr, the probe, the loop's problem and the form."""
    monkeypatch.chdir(tmp_path)
    start = {"": parse_values("3.")}
    before = children()
    with tripwire() as tripped:
        for text in TEXTS:
            with pytest.raises(ExprError) as compiled:
                compile_expr(text)
            column = compiled.value.column
            with pytest.raises(ExprError) as probed:
                probe(text, start)
            assert probed.value.column == column
            with pytest.raises(ExprError):
                descend_problem(text, start)
            if text.strip() in TRIMMED_OK:
                continue  # the form trims the line break off 'x\n' as whitespace
            playground, errors = parse_fields(Playground(), {"fn": text})
            assert playground.fn == "x**2"  # the last good function stays
            assert compiled.value.message in errors["fn"]
    assert tripped == []
    assert list(tmp_path.iterdir()) == []
    assert children() == before


# Inputs for the real command line: each would write the sentinel or start a process.
CLI_INPUTS = [
    "__import__('os').system('touch {sentinel}')",
    "open('{sentinel}', 'w').write('x')",
    "torch.save(x, '{sentinel}')",
    "torch.from_file('{sentinel}', True, 10)",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__dict__",
    "getattr(x, 'grad')",
    "ｅｖａｌ('1')",
    "9**9**9",
    "torch.ones(10**10)",
    "x.expand(10**9)",
    "(" * 10_000,
    "x+" * 50_000 + "x",  # 100 KB: a single argument cannot be much longer
    "x;import os",
    "lambda: x",
    "1 < x < 2",
]


@needs_proc
@pytest.mark.parametrize("command", ["grad", "descend"])
def test_the_cli_refuses_with_exit_2_and_a_column(tmp_path, command):
    sentinel = tmp_path / "sentinel"
    before = children()
    extra = ["--at", "3"] if command == "grad" else ["--from", "3", "--lr", "0.1"]
    for template in CLI_INPUTS:
        text = template.replace("{sentinel}", str(sentinel))
        ran = subprocess.run(
            [sys.executable, "-m", "gradtui", command, text, *extra],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        shown = text[:40]
        assert ran.returncode == 2, (shown, ran.stderr[-500:])
        assert ran.stdout == ""
        assert ran.stderr.startswith("gradtui: error: "), shown
        assert "(column " in ran.stderr, shown
        assert "Traceback" not in ran.stderr, shown
    assert not sentinel.exists()
    assert list(tmp_path.iterdir()) == []
    assert children() == before
