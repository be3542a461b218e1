"""Help: what each panel shows and every key."""

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
| key | action |
|---|---|
| `s` / `F6` | step once (predict, loss, gradient, step) |
| `space` / `F5` | run / pause |
| `r` / `F7` | reset: back to the starting weights (step 0), as the seven steps begin |
| `+` / `-` | faster / slower |
| `]` / `[` | learning rate ×10 / ÷10 |
| `}` / `{` | learning rate ×1.25 / ÷1.25 |
| `l` | loss plot: linear / log10 |
| `m` | sandbox: descend f(x) / fit a model |
| `b` | replay: scrub the run step by step (again: back to live) |
| `←` / `→` | replay: one step back / forward (outside a text field) |
| `Home` / `End` | replay: first kept step / latest step |
| `i` | sandbox: fit a model to your own CSV file |
| `c` | compare learning rates: the run with several lrs, labelled |
| `f` | lr_find: loss vs lr from 1e-7 to 10, and a suggested lr (`a` uses it) |
| `o` | optimizers: plain SGD, momentum and Adam on a 2-D surface |
| `g` | the computation graph now: each grad_fn node, its value and the grad flowing in |
| `d` | autograd vs finite differences: the h table (float32, float64) and a timing plot |
| `e` | export the run as a plain PyTorch script: saved in the current folder, copied |
| `tab` | next field; `enter` applies and leaves the field |
| `PgDn` / `PgUp` | scroll the panels (a narrow terminal stacks them) |
| `escape` | out of a text field; then back (in replay: back to the live run) |
| `ctrl+p` | command palette (actions, themes) |
| `?` / `F1` | this help |
| `ctrl+q` | quit |

While you type in a field, letters go to the field: use the F-keys, or press `enter` first.

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
            yield Markdown(HELP)
