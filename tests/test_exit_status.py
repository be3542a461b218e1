"""Exit statuses: a crash is a failure, and a Python without a working torch gets one message.

Each test runs ``gradtui``'s real entry point in a subprocess (the app headless), so what is
checked is what a shell sees: the status, and stderr without a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CPU_INDEX = "--index-url https://download.pytorch.org/whl/cpu"
# The app as ``gradtui`` starts it, but headless: no terminal is needed.
HEADLESS = """
import sys
from gradtui.ui import app as ui

run = ui.GradApp.run
ui.GradApp.run = lambda self, **kw: run(self, headless=True)
"""


def gradtui(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def broken_torch(folder: Path, error: str) -> dict[str, str]:
    """An environment where ``import torch`` finds a torch that raises ``error``."""
    (folder / "torch").mkdir()
    (folder / "torch" / "__init__.py").write_text(f"raise {error}\n")
    return {"PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}


def test_an_app_that_crashes_exits_with_status_1():
    done = gradtui(
        HEADLESS
        + """
def crash(self):
    raise RuntimeError("a bug")

ui.GradApp.on_ready = crash
from gradtui.cli import main
sys.exit(main([]))
"""
    )
    assert done.returncode == 1, done.stderr
    assert "a bug" in done.stderr  # Textual's traceback says what happened


def test_a_textual_panic_exits_with_status_1():
    """Textual's own way out of a failure (its input thread dying) sets no return code."""
    done = gradtui(
        HEADLESS
        + """
ui.GradApp.on_ready = lambda self: self.panic("the input thread died")
from gradtui.cli import main
sys.exit(main([]))
"""
    )
    assert done.returncode == 1, done.stderr
    assert "the input thread died" in done.stderr


@pytest.mark.parametrize(
    "error",
    [
        "OSError('libtorch_cpu.so: cannot open shared object file: No such file or directory')",
        "ImportError('numpy.core.multiarray failed to import')",
    ],
)
def test_a_broken_torch_gives_one_message_on_the_command_line(tmp_path, error):
    env = broken_torch(tmp_path, error)
    done = gradtui(
        "import sys; from gradtui.cli import main; sys.exit(main(['grad', 'x**2', '--at', '3']))",
        env,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("gradtui: error: this Python cannot import PyTorch (")
    assert error.split("(")[0] in lines[0]  # the reason, as torch gave it
    assert (
        lines[1]
        == f"Install its CPU build with: {sys.executable} -m pip install torch "
        + (CPU_INDEX if sys.platform.startswith("linux") else "").rstrip()
    )
    assert len(lines) == 2


def test_a_missing_torch_gives_one_message_on_the_command_line():
    done = gradtui(
        "import sys; sys.modules['torch'] = None\n"  # what ``import torch`` meets without torch
        "from gradtui.cli import main\n"
        "sys.exit(main(['descend', 'x**2', '--from', '3', '--lr', '0.1']))"
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "pip install torch" in done.stderr and "ModuleNotFoundError" in done.stderr


def test_the_app_without_torch_leaves_with_the_same_message(tmp_path):
    env = broken_torch(tmp_path, "OSError('libc10.so: cannot open shared object file')")
    done = gradtui(HEADLESS + "from gradtui.cli import main\nsys.exit(main([]))\n", env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert (
        "gradtui: error: this Python cannot import PyTorch" in done.stderr
        and "libc10.so" in done.stderr
    )
    assert "-m pip install torch" in done.stderr


def test_other_import_errors_keep_their_traceback():
    """Only torch's failure is turned into the install message: a bug stays visible."""
    done = gradtui(
        "import sys\n"
        "import gradtui.cli.runs as runs\n"
        "def broken(args):\n"
        "    import gradtui_no_such_module\n"
        "runs.cmd_grad = broken\n"
        "from gradtui.cli import main; sys.exit(main(['grad', 'x**2', '--at', '3']))"
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "gradtui_no_such_module" in done.stderr
    assert "pip install torch" not in done.stderr
