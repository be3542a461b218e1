"""The package's shape: the README's module map matches the folders, and modules stay short.

A module should be readable top to bottom: at most ``MAX_LINES`` lines, unless it is one idea
that would only get harder to follow cut in two. Those are named in ``LONG_MODULES`` with the
reason; an entry that has come back under the limit must be removed, so the list only shrinks.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gradtui"
MAX_LINES = 300

# Over MAX_LINES today, each with the reason it is still one module.
LONG_MODULES = {
    "gradtui/engine/expr/expr.py": "the expression compiler: one allowlist walk over the ast",
    "gradtui/ui/app.py": "the App: screens, bindings, torch loading and the command palette",
    "gradtui/web/server.py": "the browser-mode server: its routes and the guards on each",
    "gradtui/engine/training/optimizers.py": "SGD, momentum and Adam paths on one surface",
    "gradtui/ui/widgets/params_table.py": "the parameters panel: rows, grads and their redraw",
    "gradtui/curriculum/progress.py": "the learner's progress: merge, save and reload",
}


def readme_map() -> list[str]:
    """The folders the README's "Module map" names, one bullet a package."""
    text = (ROOT / "README.md").read_text()
    section = text.split("### Module map", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^- `(gradtui(?:/[a-z_]+)*)/`:", section, flags=re.MULTILINE)


def package_folders() -> list[str]:
    """Every folder of the package that is a Python package (has an ``__init__.py``)."""
    return sorted(str(init.parent.relative_to(ROOT)) for init in PACKAGE.rglob("__init__.py"))


def test_the_module_map_names_every_package_once():
    named = readme_map()
    assert len(named) == len(set(named)), "a package is named twice in the module map"
    assert sorted(named) == package_folders()


def test_modules_stay_short():
    over = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            over[str(path.relative_to(ROOT))] = lines
    unexplained = {name: n for name, n in over.items() if name not in LONG_MODULES}
    assert not unexplained, f"over {MAX_LINES} lines: split them, or say why in LONG_MODULES"
    back_under = sorted(set(LONG_MODULES) - set(over))
    assert not back_under, f"now {MAX_LINES} lines or fewer: remove from LONG_MODULES"
