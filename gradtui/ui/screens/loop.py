"""The sandbox's loop playground: write any program in gradtui's PyTorch subset and run it
line by line. F9 switches back to the function playground; ``export_loop`` saves the code as
a plain Python script (``e`` here and in a lesson's code task)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from gradtui.ui.screens.playground_screen import LOOP_KEYS, PlaygroundScreen
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.loop_view import LoopView

# The sandbox's starting program: fastbook's seed, x**2 from 3.
STARTER = """\
# The seven steps on f(x) = x**2, starting from 3. Edit freely: F5 runs, F6 steps a line.
def f(x):
    return x**2


x = torch.tensor(3.).requires_grad_()  # 1 init
lr = 0.1
for step in range(20):  # 6 repeat, 7 stop after 20 steps
    loss = f(x)  # 2 predict, 3 loss
    loss.backward()  # 4 gradient
    with torch.no_grad():  # 5 step
        x -= x.grad * lr
        x.grad.zero_()
print(x, loss)
"""


class LoopScreen(PlaygroundScreen):
    """The loop playground full-screen, for free play."""

    CSS_PATH = "../widgets/loop_view.tcss"
    BINDINGS = [
        *LOOP_KEYS,
        Binding("escape", "back", "Home"),
        Binding("f9", "function_playground", "f(x)"),
    ]
    EDITING_ACTIONS = frozenset({"loop", "function_playground"})

    def __init__(self, code: str | None = None):
        super().__init__()
        self._code = STARTER if code is None else code

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoopView(self._code, id="loop")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "sandbox · loop playground"
        self.query_one("#loop-editor").focus()

    @property
    def view(self) -> LoopView:
        return self.query_one(LoopView)

    def action_function_playground(self) -> None:
        """Back to the function and fit playground."""
        from gradtui.ui.screens.sandbox import SandboxScreen

        self.app.switch_screen(SandboxScreen())

    def commands(self) -> Iterable[SystemCommand]:
        """Command palette entries for this screen's actions."""
        v = self.view
        yield SystemCommand("Run / pause", "Run the program, or pause it (F5)", v.action_run)
        yield SystemCommand("Step one line", "Run the next line of the program (F6)", v.action_step)
        yield SystemCommand(
            "Step one iteration", "Run until a loop comes round again (F8)", v.action_step_iteration
        )
        yield SystemCommand("Stop the run", "Stop at once, wherever it is (F4)", v.action_stop)
        yield SystemCommand("Reset", "Back to the start of the program (F7)", v.action_reset)
        yield SystemCommand(
            "Export the loop as a Python script", "Save and copy a plain script (e)", self.export
        )
        yield SystemCommand(
            "Function playground", "Back to f(x) and the fit (F9)", self.action_function_playground
        )

    def export(self) -> None:
        export_loop(self)


def export_loop(screen: Screen, folder: Path | None = None) -> None:
    """Save the loop playground's code as a script (in ``folder``, default the current one),
    copy it to the clipboard and show it."""
    from gradtui.engine.present.export import save_script
    from gradtui.engine.program import ProgramRefused
    from gradtui.engine.program.errors import render_refusal
    from gradtui.engine.program.export import export_program
    from gradtui.io.files import file_scope
    from gradtui.safe_text import clean
    from gradtui.ui.screens.export import ExportScreen

    view = screen.query_one(LoopView)
    try:
        script = export_program(view.text, view.inputs)
    except ProgramRefused as refused:
        why = f"cannot export: {clean(render_refusal(refused))}"  # it quotes the code
        screen.notify(why, severity="error", timeout=8, markup=False)
        return
    except ValueError as err:  # the data set is missing
        screen.notify(f"cannot export: {clean(err)}", severity="error", timeout=8, markup=False)
        return
    app = screen.app
    app.copy_to_clipboard(script)
    scope = file_scope()
    try:
        path = save_script(script, folder or scope.start(), "loop")
    except OSError as err:
        where = f"not saved ({err.strerror or err}); copied to the clipboard"
        app.notify(clean(where), title="export", severity="warning", timeout=8, markup=False)
    else:
        shown = scope.shown(path)
        where = f"saved to {shown} and copied to the clipboard; run it with: python {shown}"
        app.notify(clean(f"saved to {shown}"), title="export", timeout=6, markup=False)
    app.push_screen(ExportScreen(script, where))
