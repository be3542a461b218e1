"""The core's layering: what importing one of its modules may pull in.

The rules, each checked by importing the modules one after another in a fresh interpreter and
looking at ``sys.modules`` after each:

- The core, every module under ``gradtui/engine/`` (the expression compiler, autograd, the
  training loop, what the panels show, the program subset) and ``gradtui/io/`` (files and the
  network), never imports textual: it runs the same in the command line, the tests and a
  thread worker, and the UI is only one of its users.
- ``gradtui/io/`` loads no torch when imported: reading a CSV, finding or downloading
  Fashion-MNIST never pays for torch's start-up; the few functions there that make tensors
  import torch inside.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import gradtui.engine
import gradtui.io

CORE = ("gradtui.engine", "gradtui.io")

# Imports each module named on the command line in turn and prints, for each, which of the
# watched packages are loaded once it has been imported.
_PROBE = """
import importlib, json, sys
watched = sys.argv[1].split(",")
seen = []
for name in sys.argv[2:]:
    importlib.import_module(name)
    seen.append([name, [w for w in watched if w in sys.modules]])
print(json.dumps(seen))
"""


def modules_of(package) -> list[str]:
    """Every module of ``package`` and its subpackages, by dotted name, sorted."""
    found = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        found.append(info.name)
    return sorted(found)


def loaded_after_each(modules: list[str], watched: tuple[str, ...]) -> list[tuple[str, list]]:
    """Import ``modules`` in order in a fresh interpreter: the watched ones loaded after each."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(watched), *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return [(name, loaded) for name, loaded in json.loads(out)]


def test_the_core_is_every_engine_and_io_module():
    names = modules_of(gradtui.engine) + modules_of(gradtui.io)
    for expected in (
        "gradtui.engine.expr.expr",
        "gradtui.engine.autograd.probe",
        "gradtui.engine.training.loop",
        "gradtui.engine.present.plotdata",
        "gradtui.engine.program.run",
        "gradtui.io.csvdata",
        "gradtui.io.fetch",
    ):
        assert expected in names
    assert len(names) > 40


def test_no_core_module_imports_textual():
    modules = modules_of(gradtui.engine) + modules_of(gradtui.io)
    for name, loaded in loaded_after_each(modules, ("textual", "rich")):
        assert "textual" not in loaded, f"importing {name} loaded textual"


def test_io_modules_load_no_torch():
    modules = modules_of(gradtui.io)
    assert "gradtui.io.fashion" in modules and "gradtui.io.safe_read" in modules
    for name, loaded in loaded_after_each(modules, ("torch", "textual")):
        assert loaded == [], f"importing {name} loaded {', '.join(loaded)}"


def test_the_probe_sees_an_import(tmp_path):
    """The check itself can fail: a module that imports textual is caught."""
    (tmp_path / "uses_textual.py").write_text("import textual.app\n")
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + _PROBE]
        + ["textual", "json", "uses_textual"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert json.loads(out) == [["json", []], ["uses_textual", ["textual"]]]
