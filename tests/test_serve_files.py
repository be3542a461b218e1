"""Under ``gradtui serve`` a learner's files stay in one folder: the import dialog, exports and
screenshots refuse ``..``, absolute paths, ``~`` and links that lead out of it."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from ui_support import ready, screen_text, wait_for

from gradtui.engine.training.playground import Playground
from gradtui.io.files import ENV_FILES, FileScope, OutsideFolder, file_scope
from gradtui.ui.app import GradApp
from gradtui.ui.screens.export import ExportScreen
from gradtui.ui.screens.import_data import ImportDataScreen
from gradtui.ui.screens.sandbox import SandboxScreen
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.web.serve import app_command
from gradtui.web.server import GradServer

SIZE = (120, 40)
DATA = "t,y\n1,2\n2,4\n3,6\n"
TOKEN = "abcDEF0123456789_-xyz"


@pytest.fixture
def room(tmp_path, monkeypatch):
    """The server's working directory (with a secret CSV beside the folder), the confined
    folder (with data.csv, a link out, and a link to a file inside), set for this process."""
    cwd, files = tmp_path / "server-cwd", tmp_path / "files"
    cwd.mkdir()
    files.mkdir()
    (cwd / "secret.csv").write_text("1,1\n")
    (tmp_path / "secret.csv").write_text("1,1\n")
    (files / "data.csv").write_text(DATA)
    (files / "out.csv").symlink_to(cwd / "secret.csv")
    (files / "outdir").symlink_to(cwd, target_is_directory=True)
    (files / "alias.csv").symlink_to(files / "data.csv")
    monkeypatch.chdir(cwd)
    monkeypatch.setenv(ENV_FILES, str(files))
    return cwd, files


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("../secret.csv", "only files in this session's files folder"),
        ("sub/../../secret.csv", "only files in this session's files folder"),
        ("/etc/passwd", "only files in this session's files folder"),
        ("~/secret.csv", "only files in this session's files folder"),
        ("out.csv", "a link that leads outside"),
        ("outdir/secret.csv", "a link that leads outside"),
    ],
)
def test_a_confined_scope_refuses_paths_out_of_its_folder(room, typed, why):
    with pytest.raises(OutsideFolder, match=why):
        file_scope().path(typed)


def test_a_confined_scope_allows_its_own_files_and_links_inside(room):
    _, files = room
    scope = file_scope()
    assert scope.confined and scope.start() == files.resolve()
    assert scope.path("data.csv") == files.resolve() / "data.csv"
    assert scope.path(" alias.csv ") == files.resolve() / "data.csv"
    assert scope.shown(files / "gradtui-fit.py") == "gradtui-fit.py"


def test_at_a_terminal_nothing_is_confined(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_FILES, raising=False)
    monkeypatch.chdir(tmp_path)
    scope = file_scope()
    assert not scope.confined and scope.start() == Path.cwd()
    assert scope.path("../x.csv") == tmp_path / "../x.csv"
    assert scope.path("/etc/passwd") == Path("/etc/passwd")


def test_a_missing_confined_folder_is_made_on_first_use(tmp_path):
    scope = FileScope(tmp_path / "browsers" / TOKEN / "files")
    assert scope.start().is_dir()


def test_each_browser_app_is_confined_to_its_own_folder_or_to_files(tmp_path):
    browsers = tmp_path / "browsers"
    own = GradServer("127.0.0.1", 8000, [], browsers).session_command(TOKEN)
    assert _env(own)[ENV_FILES] == str(browsers / TOKEN / "files")
    shared = tmp_path / "workshop"
    named = GradServer("127.0.0.1", 8000, [], browsers, files_dir=shared)
    assert _env(named.session_command(TOKEN))[ENV_FILES] == str(shared)
    assert ENV_FILES not in _env(app_command())  # at a terminal: not confined


def _env(command: str) -> dict[str, str]:
    """The environment the shell command gives the app it runs."""
    setup = command.split("exec ", 1)[0]
    shown = subprocess.run(["sh", "-c", setup + "env"], capture_output=True, text=True)
    return dict(line.split("=", 1) for line in shown.stdout.splitlines() if "=" in line)


def test_serve_refuses_a_files_folder_that_does_not_exist(tmp_path):
    out = subprocess.run(
        [*shlex.split(app_command())[1:], "serve", "--files", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert f"--files {tmp_path / 'nope'}: no such folder" in out.stderr


async def _type_path(pilot, path: str) -> None:
    pilot.app.screen.query_one("#path").value = path
    await pilot.press("enter")
    await wait_for(pilot, lambda: not any(w.group == "import-read" for w in pilot.app.workers))
    await pilot.pause()


async def test_the_import_dialog_stays_in_the_folder(room):
    cwd, files = room
    app = GradApp(sandbox=Playground())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDataScreen))
        await wait_for(pilot, lambda: "data.csv" in screen_text(app))
        text = screen_text(app)
        assert "this session's files folder" in text  # the tree's root, not a server path
        assert str(files) not in text and str(cwd) not in text
        assert "out.csv" not in text and "outdir" not in text  # links out are not listed
        for typed in ("../server-cwd/secret.csv", str(cwd / "secret.csv"), "out.csv"):
            await _type_path(pilot, typed)
            assert isinstance(app.screen, ImportDataScreen)
            said = str(app.screen.query_one("#import-error").content)
            assert "only files in this session's files folder" in said or "leads outside" in said
        await _type_path(pilot, "data.csv")
        await wait_for(pilot, lambda: isinstance(app.screen, SandboxScreen))
        await ready(pilot)
        view = app.screen.query_one(PlaygroundView)
        assert view.run.problem.targets == (2.0, 4.0, 6.0)


async def test_export_and_screenshots_land_in_the_folder(room):
    cwd, files = room
    app = GradApp(sandbox=Playground(fn="(x - 2)**2", max_steps=5))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert (files / "gradtui-descend.py").is_file()
        assert not list(cwd.glob("gradtui-*"))
        assert "saved to gradtui-descend.py in this session's files folder" in screen_text(app)
        await pilot.press("escape")

        app.action_screenshot("shot.svg")
        await wait_for(pilot, lambda: (files / "shot.svg").is_file())
        app.action_screenshot("v.svg", str(cwd))  # the action a markup link once reached
        app.action_screenshot("../v.svg")
        app.save_screenshot("w.svg", str(cwd))
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert sum("not saved: " in message for message in said) == 3
        assert sorted(os.listdir(cwd)) == ["secret.csv"]
        assert not (files.parent / "v.svg").exists()
