"""What a command-line user expects of any tool: --version, NO_COLOR, --help with examples."""

from __future__ import annotations

import importlib.metadata
import os
import pty
import re
import shlex
import subprocess
import sys

import pytest

from gradtui import __version__, cli
from gradtui.cli.common import wants_color
from gradtui.cli.parser import EXAMPLES, build_parser

DESCEND = [sys.executable, "-m", "gradtui", "descend", "x**2", "--from", "3", "--lr", "0.1"]
# SGR codes that set a background: 40-47, 100-107, 48;5;N and 48;2;R;G;B
BACKGROUND = re.compile(r"\x1b\[(?:[\d;]*;)?(?:4[0-7]|10[0-7]|48;[\d;]+)m")


def in_terminal(argv: list[str], **env: str) -> str:
    """Run ``argv`` with its stdout on a pseudo-terminal (so it sees a tty); what it wrote."""
    parent, child = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    process = subprocess.Popen(argv, stdout=child, stderr=subprocess.PIPE, env=environ)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # EIO: the program exited and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(parent)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return b"".join(chunks).decode()


def test_version_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"gradtui {__version__}\n"
    # one source: the package metadata is built from gradtui.__version__
    assert importlib.metadata.version("gradtui") == __version__


def test_the_chart_in_a_terminal_colours_the_curve_and_no_background():
    out = in_terminal(DESCEND)
    assert "\x1b[" in out and "log10(loss)" in out
    assert not BACKGROUND.search(out)


def test_no_color_leaves_the_chart_plain():
    out = in_terminal(DESCEND, NO_COLOR="1")
    assert "log10(loss)" in out and "•" in out
    assert "\x1b" not in out


class _Tty:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("value", "colour"), [(None, True), ("1", False), ("", True)])
def test_no_color_counts_when_set_and_not_empty(monkeypatch, value, colour):
    monkeypatch.delenv("NO_COLOR", raising=False)
    if value is not None:
        monkeypatch.setenv("NO_COLOR", value)
    assert wants_color(_Tty()) is colour


def test_every_help_example_parses():
    parser = build_parser()
    for text in EXAMPLES.values():
        for line in text.splitlines()[1:]:
            words = shlex.split(line, comments=True)
            assert words[0] == "gradtui"
            parser.parse_args(words[1:])  # argparse exits on a bad example


@pytest.mark.parametrize("command", ["lesson", "lessons", "data"])
def test_commands_have_help_examples(capsys, command):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and f"gradtui {command}" in out


def test_lessons_help_says_bare_lessons_lists_progress(capsys):
    with pytest.raises(SystemExit):
        cli.main(["lessons", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "With no subcommand, lists every lesson with your progress" in out
