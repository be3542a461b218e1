"""Open the graph and finite-difference views, and export, from any playground screen.

Each works on the screen's ``PlaygroundView``: the graph and the h table at the current
parameter values, the export from the playground's settings (the run from step 1).
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from gradtui.engine.expr.expr import ExprError
from gradtui.engine.present.export import export_script, save_script
from gradtui.io.files import FOLDER_WORDS, file_scope
from gradtui.ui.screens.export import ExportScreen
from gradtui.ui.screens.finite_diff import FiniteDiffScreen
from gradtui.ui.screens.graph import GraphScreen
from gradtui.ui.widgets.playground_view import PlaygroundView


def _view(screen: Screen) -> PlaygroundView | None:
    views = screen.query(PlaygroundView)
    return views.first() if views else None


def _state(screen: Screen) -> tuple[Any, dict[str, Any]] | None:
    """The problem and the parameter values on screen (the replayed step's while replaying),
    or None (and a notice) when there are none."""
    view = _view(screen)
    if view is None:
        return None
    shown = view.replayed or view.frame
    if view.run is None or shown is None:
        loading = not getattr(view.app, "torch_ready", False)
        message = "torch is still loading…" if loading else "fix the inputs first"
        screen.notify(message, severity="information" if loading else "warning", timeout=2)
        return None
    return view.run.problem, dict(shown.snapshot.params)


def open_graph(screen: Screen) -> None:
    """Push the computation graph of the current state."""
    state = _state(screen)
    if state is not None:
        screen.app.push_screen(GraphScreen(*state))


def open_finite_diff(screen: Screen) -> None:
    """Push autograd vs finite differences for the current state."""
    state = _state(screen)
    if state is not None:
        screen.app.push_screen(FiniteDiffScreen(*state))


def export_playground(screen: Screen) -> None:
    """Save the playground as a script (in the current folder, or in the folder files are
    confined to under ``gradtui serve``), copy it to the clipboard and show it."""
    view = _view(screen)
    if view is None:
        return
    try:
        script = export_script(view.playground)
    except (ExprError, ValueError) as err:
        screen.notify(f"cannot export: {err}", severity="error", timeout=6)
        return
    app = screen.app
    app.copy_to_clipboard(script)
    scope = file_scope()
    try:
        path = save_script(script, scope.start(), view.playground.mode)
    except OSError as err:
        where = f"not saved ({err.strerror or err}); copied to the clipboard"
        app.notify(where, title="export", severity="warning", timeout=8)
    else:
        shown = scope.shown(path)
        if scope.confined:
            where = f"saved to {shown} in {FOLDER_WORDS} and copied to the clipboard"
        else:
            where = f"saved to {shown} and copied to the clipboard; run it with: python {shown}"
        app.notify(f"saved to {shown}", title="export", timeout=6)
    app.push_screen(ExportScreen(script, where))
