"""The playground's keys, bound on the screen so they work wherever the focus is."""

from __future__ import annotations

from textual.binding import Binding

from gradtui.ui.screens import see_inside
from gradtui.ui.widgets.playground_view import PlaygroundView


class PlaygroundKeys:
    """Screen bindings that drive the screen's ``PlaygroundView`` (whatever has focus)."""

    BINDINGS = [
        Binding("s,f6", "playground('step')", "Step"),
        Binding("space,f5", "playground('run')", "Run/Pause"),
        Binding("r,f7", "playground('reset')", "Reset"),
        Binding("plus,equals_sign", "playground('faster')", "Faster"),
        Binding("minus", "playground('slower')", "Slower"),
        Binding("right_square_bracket", "playground('lr_times', 10)", "lr×10"),
        Binding("left_square_bracket", "playground('lr_times', 0.1)", "lr÷10"),
        Binding("right_curly_bracket", "playground('lr_times', 1.25)", "lr×1.25", show=False),
        Binding("left_curly_bracket", "playground('lr_times', 0.8)", "lr÷1.25", show=False),
        Binding("l", "playground('toggle_log')", "Log"),
        # Not in the Footer (it is full at 120 columns): listed in help and the palette.
        Binding("g", "see_graph", "Graph", show=False),
        Binding("d", "see_finite_diff", "Autograd vs numbers", show=False),
        Binding("e", "export", "Export script", show=False),
    ]

    def action_playground(self, action: str, *args: float) -> None:
        """Run ``action_<action>`` on the playground of this screen."""
        views = self.query(PlaygroundView)  # type: ignore[attr-defined]
        if views:
            getattr(views.first(), f"action_{action}")(*args)

    def action_see_graph(self) -> None:
        """The computation graph of the current state."""
        see_inside.open_graph(self)  # type: ignore[arg-type]

    def action_see_finite_diff(self) -> None:
        """Autograd vs finite differences at the current state."""
        see_inside.open_finite_diff(self)  # type: ignore[arg-type]

    def action_export(self) -> None:
        """Save and copy a plain-PyTorch script of this run."""
        see_inside.export_playground(self)  # type: ignore[arg-type]
