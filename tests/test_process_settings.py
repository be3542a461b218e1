"""Process-wide settings are made once, at start-up (gradtui/startup.py), never by importing or
calling library code; the tests run with the settings a user's process has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradtui import cli, startup

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_ENV = ("TEXTUAL_FPS", "OMP_NUM_THREADS")


def python(code: str) -> list[str]:
    """Run ``code`` in a fresh Python without the settings' variables; its printed lines."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_importing_the_ui_changes_neither_the_environment_nor_the_collector():
    code = (
        "import gc, os, sys\n"
        "env, frozen, switch = dict(os.environ), gc.get_freeze_count(), sys.getswitchinterval()\n"
        "import gradtui.ui, gradtui.ui.app, gradtui.ui.screens.sandbox\n"
        "print(dict(os.environ) == env, gc.get_freeze_count() == frozen,"
        " sys.getswitchinterval() == switch)\n"
    )
    assert python(code) == ["True", "True", "True"]


def test_loading_torch_twice_freezes_the_heap_once_and_only_through_start_up():
    code = (
        "import gc\n"
        "from gradtui import startup\n"
        "from gradtui.torch_loading import import_torch\n"
        "import_torch(); import_torch()\n"
        "print(gc.get_freeze_count())\n"  # the library froze nothing
        "print(startup.freeze_heap(), gc.get_freeze_count() > 0)\n"
        "frozen = gc.get_freeze_count(); kept = [object() for _ in range(1000)]\n"
        "print(startup.freeze_heap(), startup.load_torch() is import_torch(),"
        " gc.get_freeze_count() == frozen, gc.isenabled())\n"
    )
    assert python(code) == ["0", "True", "True", "False", "True", "True", "True"]


@pytest.mark.parametrize(
    "argv", [[], ["lessons"], ["descend", "x**2", "--from", "3", "--lr", "0.1", "--steps", "1"]]
)
def test_main_starts_up_once_per_call(monkeypatch, capsys, argv):
    calls = []
    monkeypatch.setattr(startup, "start", lambda: calls.append(1))
    monkeypatch.setattr(cli, "open_app", lambda args: 0)
    assert cli.main(argv) == 0
    capsys.readouterr()
    assert calls == [1]


def test_start_up_sets_once_and_a_second_call_changes_nothing(monkeypatch):
    monkeypatch.setattr(startup, "_started", False)
    before = sys.getswitchinterval()
    try:
        startup.start()
        assert sys.getswitchinterval() == startup.SWITCH_INTERVAL
        sys.setswitchinterval(0.004)
        startup.start()
        assert sys.getswitchinterval() == 0.004
    finally:
        sys.setswitchinterval(before)


def test_the_tests_run_with_the_users_frame_rate_switch_interval_and_torch_threads():
    import torch
    from textual import constants

    user = python(
        "import sys\n"
        "from gradtui import startup\n"
        "startup.start()\n"
        "import torch\n"
        "from textual import constants\n"
        "print(constants.MAX_FPS, sys.getswitchinterval(), torch.get_num_threads())\n"
    )
    ours = [str(constants.MAX_FPS), str(sys.getswitchinterval()), str(torch.get_num_threads())]
    assert ours == user == ["120", "0.001", "1"]


async def test_the_screens_update_timer_ticks_at_that_rate():
    from textual.app import App

    app = App()
    async with app.run_test():
        assert app.screen._update_timer._interval == pytest.approx(1 / 120)


def test_training_and_timing_leave_torchs_threads_alone():
    import torch

    from gradtui.engine.autograd.finite_diff import time_gradients

    threads = torch.get_num_threads()
    calls = []
    original = torch.set_num_threads
    try:
        torch.set_num_threads = lambda n: calls.append(n)  # type: ignore[assignment]
        list(time_gradients(sizes=(2,), budget=0.01))
    finally:
        torch.set_num_threads = original
    assert calls == [] and torch.get_num_threads() == threads
