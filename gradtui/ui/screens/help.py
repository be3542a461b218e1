"""Help: what each panel shows and every key (the key table is made from the bindings)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# gradtui help

## The panels
- **Settings**: the function `f(x)` (or, in fit mode, the model), where x starts, the learning
  rate, the dtype and the stop rules. Changes apply as you type; a mistake is shown under its
  field, with a caret, and the last good state stays on screen.
- **Autograd**: the three steps, run for real: `x = torch.tensor(3.).requires_grad_()`,
  `y = f(x)`, `y.backward()`, `x.grad`, with torch's own output, such as
  `tensor(9., grad_fn=<PowBackward0>)` and `tensor(6.)`.
- **Function plot**: f around x, the point `●`, the tangent `·` whose slope is `.grad`, and
  earlier steps `o`. In fit mode: the data `x` and the model's curve.
- **Loss plot**: the loss at each step; `l` switches to log10(loss).
- **Seven steps**: 1 init, 2 predict, 3 loss, 4 gradients, 5 step, 6 repeat, 7 stop; the
  current one is highlighted, and the stop reason shown when a rule fires.
- **Parameters**: each parameter's value and grad now; the status line spells out the last
  step: `x: 3 - 6 × 0.1 → 2.4`.

## Keys
{keys}

While you type in a field, letters go to the field: use the F-keys, or press `enter` first.

## The code editor (lessons 16-21, the sandbox's loop playground)
{editor_keys}

`tab` indents; `escape` leaves the editor, and the letter keys work again.

## Replay and your own data
**Replay** (`b`, or `←` once a run is paused or finished) shows any step again in every panel:
the curve and tangent, the autograd panel, the parameters, the loss so far and the update that
led there. Stepping, running, resetting or `escape` return to the live run. The last 1,000
steps are kept; the run panel says when older ones are gone.

**Your own data** (`i` in the sandbox, or `gradtui sandbox --data FILE`): a CSV file of two
numeric columns, input `t` and target, with an optional header line. A bad cell or row is
named with its file and line; only the first 10,000 rows are used.

## Stop rules
*max steps* (out of steps), *stop at loss ≤* (good enough), *patience* (the loss rose that
many steps in a row: getting worse), *time budget* (out of time). A run that blows up (the loss
becomes nan/inf, or 10,000 × where it started) stops as *diverged*.
"""


# What each key does, by the action it is bound to. The help's key table is made from the
# bindings themselves, in their order, with these words; tests check that every binding has
# its words here and that the README's key table names the same keys.
KEY_WORDS = {
    "playground('step')": "step once (predict, loss, gradient, step)",
    "playground('run')": "run / pause (a stopped run runs again from the start)",
    "playground('reset')": "reset: back to the starting weights (step 0), as the seven steps begin",
    "playground('faster')": "faster",
    "playground('slower')": "slower",
    "playground('lr_times', 10)": "learning rate ×10 (where the task lets you change it)",
    "playground('lr_times', 0.1)": "learning rate ÷10",
    "playground('lr_times', 1.25)": "learning rate ×1.25",
    "playground('lr_times', 0.8)": "learning rate ÷1.25",
    "playground('toggle_log')": "loss plot: linear / log10",
    "scroll_playground(1)": "scroll the panels down (a narrow terminal stacks them)",
    "scroll_playground(-1)": "scroll the panels up",
    "playground('replay')": "replay: scrub the run step by step (again: back to live)",
    "playground('replay_move', -1)": "replay: one step back (outside a text field)",
    "playground('replay_move', 1)": "replay: one step forward",
    "playground('replay_first')": "replay: the first kept step",
    "playground('replay_last')": "replay: the latest step",
    "playground('leave_replay')": "replay: back to the live run",
    "loop('run')": "loop playground: run / pause the program",
    "loop('step')": "loop playground: run one line",
    "loop('step_iteration')": "loop playground: run to the next turn of the loop",
    "loop('stop')": "loop playground: stop the run at once",
    "loop('reset')": "loop playground: reset (the program runs again from its first line)",
    "loop('faster')": "loop playground: faster",
    "loop('slower')": "loop playground: slower",
    "loop('leave_editor')": "loop playground: leave the editor (the letter keys work again)",
    "loop('show_panels')": "loop playground on a small terminal: the variables and output, "
    "in place of the code",
    "loop('show_code')": "loop playground on a small terminal: back to the code",
    "compare_lrs": "compare learning rates: the run with several lrs, labelled",
    "lr_find": "lr_find: loss vs lr from 1e-7 to 10, and a suggested lr (`a` uses it)",
    "optimizers": "optimizers: plain SGD, momentum and Adam on a 2-D surface",
    "see_graph": "the computation graph now: each grad_fn node, its value and the grad flowing in",
    "see_finite_diff": "autograd vs finite differences: the h table and a timing plot",
    "export": "export the run as a plain PyTorch script: saved in the current folder, copied",
    "switch_mode": "sandbox: descend f(x) / fit a model",
    "import_data": "sandbox: fit a model to your own CSV file",
    "loop_playground": "sandbox: the loop playground, where you write the loop (and back)",
    "back": "out of a text field; then back (to the home screen, or the lesson list)",
    "toggle_prose": "lesson: hide / show the lesson's text (hidden, the task has the whole width)",
    "answer": "lesson: type your answer (a digit starts it too; enter leaves the field)",
    "hint": "lesson: the next hint",
    "solution": "lesson: the reference solution (asks first)",
    "task(1)": "lesson: next task",
    "task(-1)": "lesson: previous task",
    "lesson(1)": "next lesson",
    "lesson(-1)": "previous lesson",
    "reset_task": "lesson: reset the task (your inputs, hints and ✓)",
    "help": "this help",
    "quit": "quit",
    "focus_next": "next field",
    "focus_previous": "previous field",
}
# What each key of the code editor does, by action; keys with the same words share a row.
_SELECT = "select as you move: `shift` with a move above"
_ENDS = "start / end of the program (all of it: `ctrl+home`, `ctrl+shift+end`)"
EDITOR_WORDS = {
    "cursor_up": "move the cursor",
    "cursor_down": "move the cursor",
    "cursor_left": "move the cursor",
    "cursor_right": "move the cursor",
    "cursor_word_left": "a word left / right",
    "cursor_word_right": "a word left / right",
    "cursor_line_start": "start / end of the line (`Home`: the indent, then the very start)",
    "cursor_line_end": "start / end of the line (`Home`: the indent, then the very start)",
    "cursor_page_up": "a page up / down",
    "cursor_page_down": "a page up / down",
    "cursor_document_start": _ENDS,
    "cursor_document_end": _ENDS,
    "cursor_up(True)": _SELECT,
    "cursor_down(True)": _SELECT,
    "cursor_left(True)": _SELECT,
    "cursor_right(True)": _SELECT,
    "cursor_word_left(True)": _SELECT,
    "cursor_word_right(True)": _SELECT,
    "cursor_line_start(True)": _SELECT,
    "cursor_line_end(True)": _SELECT,
    "cursor_document_start(True)": _SELECT,
    "cursor_document_end(True)": _SELECT,
    "delete_left": "delete the character before / after the cursor",
    "delete_right": "delete the character before / after the cursor",
    "delete_word_left": "delete the word before / after the cursor",
    "delete_word_right": "delete the word before / after the cursor",
    "delete_to_start_of_line": "delete to the start of the line",
    "delete_to_end_of_line_or_delete_line": "delete to the end of the line (again: the line)",
    "delete_line": "delete the line",
    "cut": "cut / copy / paste",
    "copy": "cut / copy / paste",
    "paste": "cut / copy / paste",
    "undo": "undo",
    "redo": "redo",
}
# Keys by Textual's name, as the help and the README write them.
KEY_LABELS = {
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "question_mark": "?",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "home": "Home",
    "end": "End",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def key_label(key: str) -> str:
    """``right_square_bracket`` as ``]``, ``f6`` as ``F6``."""
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    if key[0] == "f" and key[1:].isdigit():
        return key.upper()
    return key


def bindings() -> list[Binding]:
    """Every key of the app, the playgrounds, the sandbox and the lessons, once each."""
    from gradtui.ui.app import GradApp
    from gradtui.ui.screens.lesson import LessonScreen
    from gradtui.ui.screens.playground_screen import PlaygroundScreen
    from gradtui.ui.screens.sandbox import SandboxScreen

    seen, found = set(), []
    for group in (PlaygroundScreen.KEYS, SandboxScreen.BINDINGS, LessonScreen.BINDINGS):
        for binding in group:
            if isinstance(binding, Binding) and (binding.key, binding.action) not in seen:
                seen.add((binding.key, binding.action))
                found.append(binding)
    found += [b for b in GradApp.BINDINGS if isinstance(b, Binding)]
    return found


def key_table() -> str:
    """The help's key table, one row per binding, from the bindings and ``KEY_WORDS``."""
    rows = ["| key | action |", "|---|---|"]
    for binding in bindings():
        keys = " / ".join(f"`{key_label(k)}`" for k in binding.key.split(","))
        rows.append(f"| {keys} | {KEY_WORDS[binding.action]} |")
    rows.append("| `ctrl+p` | command palette (actions, lessons, themes) |")
    return "\n".join(rows)


def editor_table() -> str:
    """The code editor's keys, from its bindings and ``EDITOR_WORDS`` (same words, one row)."""
    from gradtui.ui.widgets.loop_editor import LoopEditor

    rows: dict[str, list[str]] = {}
    for binding in LoopEditor.BINDINGS:
        if isinstance(binding, Binding):
            keys = rows.setdefault(EDITOR_WORDS[binding.action], [])
            keys += [f"`{key_label(k)}`" for k in binding.key.split(",") if "super" not in k]
    lines = ["| key | action |", "|---|---|"]
    lines += [f"| {' '.join(keys)} | {words} |" for words, keys in rows.items()]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Shown with ? or F1; escape closes it."""

    BINDINGS = [Binding("escape,q,f1,question_mark", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            text = HELP.replace("{keys}", key_table())
            yield Markdown(text.replace("{editor_keys}", editor_table()))
