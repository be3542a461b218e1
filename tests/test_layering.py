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
- The core is layered (``LAYERS``, lowest first): a module imports its own layer and the ones
  below, never one above, not even inside a function. Files apart from the torch core, then
  the learner's typed text, the seven steps, autograd shown for real (on a training
  ``Problem``), what the panels show, and the program subset on top. Nothing in the core
  imports the curriculum, the command line, the UI or browser mode.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import gradtui.engine
import gradtui.io

CORE = ("gradtui.engine", "gradtui.io")
ROOT = Path(__file__).resolve().parent.parent
LAYERS = (
    "gradtui.io",
    "gradtui.engine.expr",
    "gradtui.engine.training",
    "gradtui.engine.autograd",
    "gradtui.engine.present",
    "gradtui.engine.program",
)
# Modules at the top of the package that any layer may use: they import no other layer.
SHARED = ("gradtui.lazy", "gradtui.limits", "gradtui.safe_text")

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


def layer_of(module: str) -> int | None:
    """The index in ``LAYERS`` of the layer ``module`` is in (None: not in the core)."""
    for i, layer in enumerate(LAYERS):
        if module == layer or module.startswith(layer + "."):
            return i
    return None


def imported_names(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, dotted name) of everything ``source`` imports, at its top or inside a function;
    ``from a import b`` gives ``a.b`` (``b`` may be a module), relative imports resolved."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = here[: len(here) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def wrong_way_imports(module: str, source: str, is_package: bool = False) -> list[str]:
    """The imports of ``module`` (its ``source``) that go up a layer or out of the core."""
    own = layer_of(module)
    found = []
    for line, name in imported_names(module, source, is_package):
        if name.split(".")[0] != "gradtui" or any(
            name == s or name.startswith(s + ".") for s in SHARED
        ):
            continue
        other = layer_of(name)
        if other is None:
            found.append(f"{module}:{line} imports {name}, outside the core")
        elif own is not None and other > own:
            found.append(f"{module}:{line} imports {name}, a layer above it")
    return found


def core_sources() -> list[tuple[str, str, bool]]:
    """(dotted name, source, is a package) of every module of the core."""
    out = []
    for package in CORE:
        folder = ROOT / package.replace(".", "/")
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            out.append((name, path.read_text(), is_package))
    return out


def test_every_core_module_has_a_layer():
    sources = core_sources()
    assert len(sources) > 40
    # the engine's own package (empty) is the only one outside every layer
    assert [name for name, _, _ in sources if layer_of(name) is None] == ["gradtui.engine"]


def test_no_layer_imports_a_higher_one():
    found = [line for module in core_sources() for line in wrong_way_imports(*module)]
    assert not found, "\n".join(found)


def test_the_layer_check_sees_a_wrong_way_import():
    """The check itself can fail: each way of importing upwards, or out of the core, is seen."""
    source = (
        "import math\n"
        "from gradtui.engine.expr.values import Values\n"  # a layer below: fine
        "from gradtui.limits import MAX_LENGTH\n"  # shared: fine
        "from gradtui.engine.present.report import run_json\n"
        "def later():\n"
        "    import gradtui.engine.autograd.probe\n"
        "    from gradtui.ui.app import GradApp\n"
        "    from .. import present\n"
        "    from . import loop\n"  # its own layer: fine
    )
    up = "a layer above it"
    assert wrong_way_imports("gradtui.engine.training.run", source) == [
        f"gradtui.engine.training.run:4 imports gradtui.engine.present.report.run_json, {up}",
        f"gradtui.engine.training.run:6 imports gradtui.engine.autograd.probe, {up}",
        "gradtui.engine.training.run:7 imports gradtui.ui.app.GradApp, outside the core",
        f"gradtui.engine.training.run:8 imports gradtui.engine.present, {up}",
    ]
    assert wrong_way_imports("gradtui.io.csvdata", "from gradtui.engine.expr import values")
    assert wrong_way_imports("gradtui.io", "from .csvdata import x", is_package=True) == []
    on_top = source.replace("gradtui.ui.app", "json")
    assert wrong_way_imports("gradtui.engine.program.run", on_top) == []
