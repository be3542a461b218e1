"""A screen with a playground: its keys, bound on the screen so they work wherever the focus
is, and the views pushed over it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, TextArea

from gradtui.ui.screens import see_inside
from gradtui.ui.widgets.loop_editor import LoopEditor
from gradtui.ui.widgets.loop_view import LoopView
from gradtui.ui.widgets.playground_view import PlaygroundView
from gradtui.ui.widgets.run_view import SteppedView

# The palette's entries for the keys below that open something: (title, help, action).
PALETTE = [
    ("Replay", "Scrub the run step by step: ←/→, Home, End (b)", "replay"),
    (
        "Compare learning rates",
        "The same run with several lrs, overlaid and labelled (c)",
        "compare_lrs",
    ),
    (
        "Find a learning rate (lr_find)",
        "fastai's sweep from 1e-7 to 10, and a suggestion (f)",
        "lr_find",
    ),
    (
        "Optimizers on a surface",
        "Plain SGD, momentum and Adam on a bowl, a valley, Rosenbrock (o)",
        "optimizers",
    ),
    ("Computation graph", "The grad_fn tree with values and grads (g)", "see_graph"),
    (
        "Autograd vs finite differences",
        "The h table beside .grad, and the timing plot (d)",
        "see_finite_diff",
    ),
    ("Export as a PyTorch script", "Save and copy a script that reproduces this run (e)", "export"),
]

# Pairs share one Footer entry ("+- Speed"): the Footer is one line for many keys.
SPEED = Binding.Group("Speed", compact=True)
LR = Binding.Group("lr×÷10", compact=True)


# The loop playground's keys (its view's actions, through ``loop``): F-keys, which the editor
# leaves alone, so that they work while it has the focus and takes the letters; escape leaves
# the editor. Only these are shown and act while the editor has the focus (see check_action).
LOOP_ONLY_KEYS = [
    Binding("f5", "loop('run')", "Run/Pause"),
    Binding("f6", "loop('step')", "Line"),
    # A small terminal shows the code or the panels: one key, named for the page it shows.
    Binding("ctrl+o", "loop('show_panels')", "Panels"),
    Binding("ctrl+o", "loop('show_code')", "Code"),
    Binding("f8", "loop('step_iteration')", "Iteration"),
    Binding("f4", "loop('stop')", "Stop"),
    Binding("f7", "loop('reset')", "Reset"),
    Binding("f3", "loop('faster')", "Faster", group=SPEED),
    Binding("f2", "loop('slower')", "Slower", group=SPEED),
    Binding("escape", "loop('leave_editor')", "Leave editor"),
]
# The loop playground's own screen adds the letters the other playgrounds use, which work
# once escape has left the editor.
LOOP_KEYS = [
    *LOOP_ONLY_KEYS,
    Binding("space", "loop('run')", "Run/Pause", show=False),
    Binding("s", "loop('step')", "Line", show=False),
    Binding("r", "loop('reset')", "Reset", show=False),
    Binding("plus,equals_sign", "loop('faster')", "Faster", show=False),
    Binding("minus", "loop('slower')", "Slower", show=False),
    Binding("e", "export", "Export"),
]


class PlaygroundScreen(Screen):
    """A screen holding one ``SteppedView`` (a ``PlaygroundView``, an ``ImagesView`` or a
    ``LoopView``), driven by the bindings of ``KEYS``, which each screen places among its own
    ``BINDINGS``."""

    KEYS = [
        Binding("s,f6", "playground('step')", "Step"),
        Binding("space,f5", "playground('run')", "Run/Pause"),
        Binding("r,f7", "playground('reset')", "Reset"),
        Binding("plus,equals_sign", "playground('faster')", "Faster", group=SPEED),
        Binding("minus", "playground('slower')", "Slower", group=SPEED),
        Binding("right_square_bracket", "playground('lr_times', 10)", "lr×10", group=LR),
        Binding("left_square_bracket", "playground('lr_times', 0.1)", "lr÷10", group=LR),
        Binding("right_curly_bracket", "playground('lr_times', 1.25)", "lr×1.25", show=False),
        Binding("left_curly_bracket", "playground('lr_times', 0.8)", "lr÷1.25", show=False),
        Binding("l", "playground('toggle_log')", "Log"),
        # A narrow terminal stacks the panels: the page keys scroll them from the keyboard.
        Binding("pagedown", "scroll_playground(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_playground(-1)", "Scroll up", show=False),
        # Replay: arrows reach the screen only when no text field has the focus (enter leaves
        # a field); b enters replay from anywhere else and clears the focus.
        Binding("b", "playground('replay')", "Replay"),
        Binding("left", "playground('replay_move', -1)", "Scrub ←", show=False),
        Binding("right", "playground('replay_move', 1)", "Scrub →", show=False),
        Binding("home", "playground('replay_first')", "First step", show=False),
        Binding("end", "playground('replay_last')", "Latest step", show=False),
        # Shown (in place of the screen's own escape) only while replaying: see check_action.
        Binding("escape", "playground('leave_replay')", "Live", priority=True),
        # The footer is full at 120 columns: these views are listed in help and the palette.
        Binding("c", "compare_lrs", "Compare lrs", show=False),
        Binding("f", "lr_find", "lr_find", show=False),
        Binding("o", "optimizers", "Optimizers", show=False),
        Binding("g", "see_graph", "Graph", show=False),
        Binding("d", "see_finite_diff", "Autograd vs numbers", show=False),
        Binding("e", "export", "Export script", show=False),
    ]

    _run_view: SteppedView | None = None

    def _view(self) -> SteppedView | None:
        # check_action asks for every binding whenever the Footer refreshes: look once.
        view = self._run_view
        if view is None or not view.is_attached:
            views = self.query(SteppedView)
            view = views.first() if views else None
            self._run_view = view
        return view

    # What acts (and shows in the Footer) while the loop playground's editor has the focus:
    # the editor takes the letters and the arrows, not the F-keys.
    EDITING_ACTIONS: ClassVar[frozenset[str]] = frozenset({"loop"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys the screen's view has no action for stay off (the images playground has no
        replay); escape leaves replay only while replaying, otherwise it keeps its screen's
        meaning. A loop playground is driven through ``loop``, and while its editor has the
        focus only the keys the editor leaves alone are on (and shown)."""
        view = self._view()
        is_loop = isinstance(view, LoopView)
        if action == "loop":
            if not is_loop or not parameters:
                return False
            if parameters[0] == "leave_editor":
                return self.editing
            return view.offers(str(parameters[0]))
        if self.editing and action not in self.EDITING_ACTIONS:
            return False
        if action == "playground" and parameters:
            if is_loop or not hasattr(view, f"action_{parameters[0]}"):
                return False
            if parameters[0] == "leave_replay":
                return isinstance(view, PlaygroundView) and view.replaying
        return super().check_action(action, parameters)

    @property
    def editing(self) -> bool:
        """True while the loop playground's editor has the focus."""
        return isinstance(self.focused, LoopEditor)

    def action_loop(self, action: str) -> None:
        """Run ``action_<action>`` on the loop playground of this screen."""
        view = self._view()
        if action == "leave_editor":
            self.set_focus(None)
        elif isinstance(view, LoopView):
            getattr(view, f"action_{action}")()

    def action_scroll_playground(self, pages: int) -> None:
        view = self._view()
        if view is not None:
            view.scroll_page_down() if pages > 0 else view.scroll_page_up()

    def action_back(self) -> None:
        """escape: out of a text field or the editor first (the keys work again), then off
        this screen."""
        if isinstance(self.focused, Input | TextArea):
            self.set_focus(None)
        else:
            self.app.pop_screen()

    def action_playground(self, action: str, *args: float) -> None:
        """Run ``action_<action>`` on the playground of this screen."""
        view = self._view()
        if hasattr(view, f"action_{action}"):
            getattr(view, f"action_{action}")(*args)

    # -- views pushed over the playground, working on its current state ---------------------

    def playground_commands(self) -> Iterable[SystemCommand]:
        """Command palette entries for replay and the views (the images playground has none)."""
        if not self.query(PlaygroundView):
            return
        for title, help_text, action in PALETTE:
            yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))

    def action_replay(self) -> None:
        self.action_playground("replay")

    def _playground_view(self) -> PlaygroundView | None:
        """The screen's ``PlaygroundView``: these views need its ``Playground`` settings."""
        views = self.query(PlaygroundView)
        if not views:
            message = "c, f and o work on a function or model playground, not on this one"
            self.notify(message, timeout=3)
            return None
        return views.first()

    def action_compare_lrs(self) -> None:
        """The learning-rate explorer on the current playground."""
        from gradtui.ui.screens.lr_compare import LrCompareScreen

        if (view := self._playground_view()) is not None:
            self.app.push_screen(LrCompareScreen(view.playground))

    def action_lr_find(self) -> None:
        """The lr_find sweep; its suggestion may be taken back as the playground's lr."""
        from gradtui.ui.screens.lr_find import LrFindScreen

        view = self._playground_view()
        if view is None:
            return
        can_apply = view.editable is None or "lr" in view.editable

        def chosen(lr: float | None) -> None:
            # The playground on screen when the sweep hands its lr back, as if it were typed.
            view = self._playground_view()
            if lr is not None and view is not None:
                view.use_lr(lr)
                view.notify(f"learning rate {lr:g}", timeout=2)

        screen = LrFindScreen(view.playground, can_apply)
        self.app.push_screen(screen, chosen)

    def action_optimizers(self) -> None:
        """Plain SGD, momentum and Adam on a 2-D surface."""
        from gradtui.ui.screens.optimizers import OptimizersScreen

        if (view := self._playground_view()) is not None:
            self.app.push_screen(OptimizersScreen(view.playground))

    def action_see_graph(self) -> None:
        """The computation graph of the current state."""
        see_inside.open_graph(self)

    def action_see_finite_diff(self) -> None:
        """Autograd vs finite differences at the current state."""
        see_inside.open_finite_diff(self)

    def action_export(self) -> None:
        """Save and copy a plain-PyTorch script of this run (of the code, in a loop
        playground)."""
        if isinstance(self._view(), LoopView):
            from gradtui.ui.screens.loop import export_loop

            export_loop(self)
        else:
            see_inside.export_playground(self)
