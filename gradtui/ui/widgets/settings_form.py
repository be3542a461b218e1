"""The learner's inputs: function or model, start, lr, dtype and stop rules.

Typing is debounced; the engine parses every field and an invalid one shows its message (with
a caret) under the field while the last good state stays in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Label, Select, Static

from gradtui.engine.training.playground import Playground, parse_fields
from gradtui.engine.training.settings import SETTINGS, TYPED
from gradtui.safe_text import plain
from gradtui.ui.widgets.field_input import FieldInput

DEBOUNCE = 0.3
DTYPES = [
    ("float32", "float32"),
    ("float64", "float64"),
    ("as typed (3 is int)", "auto"),
]


class FieldCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox that enter (or a click) toggles; space stays the run key, as everywhere.

    (Checkbox's own binding, enter and space, is replaced, not added to.)"""

    BINDINGS = [Binding("enter", "toggle_button", "Toggle", show=False)]


def field_text(playground: Playground, name: str) -> str:
    """A playground field as the text shown in its input."""
    value = getattr(playground, name)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class FieldError(Static):
    """The message under a field, shown only while there is one. Each form's check sets
    every field's message; only a changed one is drawn again (an update lays the whole
    screen out again: on every typed value, for each field)."""

    message = ""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # It spans both of the form's columns, but Textual's grid asks its height at the
        # first column's width (15 cells): a message wrapped there took twice its rows,
        # blank under the text. It is as wide as the form.
        form_width = container.width if container.width > width else width
        return super().get_content_height(container, viewport, form_width)

    def show(self, message: str) -> None:
        if message != self.message:
            self.message = message
            self.update(plain(message))  # it quotes what was typed: never markup
            self.display = bool(message)


class SettingsForm(Vertical):
    """Inputs for the playground fields in ``editable`` (all of them by default)."""

    @dataclass
    class Changed(Message):
        """The learner's inputs parsed: ``playground`` is the new state, ``errors`` by field."""

        playground: Playground
        errors: dict[str, str]

    def __init__(
        self,
        playground: Playground,
        editable: Iterable[str] | None = None,
        *,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.playground = playground
        default = (
            "mode",
            "fn",
            "start",
            "lr",
            "dtype",
            "max_steps",
            "target",
            "patience",
            "time_budget",
            "zero_grad",
        )
        self.editable = tuple(editable) if editable is not None else default
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        pg = self.playground
        if "mode" in self.editable:
            yield Label("mode", classes="field-label")
            yield Select(
                [("f(x): descend", "descend"), ("fit a model to data", "fit")],
                value=pg.mode,
                allow_blank=False,
                id="mode",
                compact=True,
            )
        for name in TYPED:
            if name not in self.editable:
                continue
            setting = SETTINGS[name]
            label = setting.title or setting.label
            if name == "fn" and pg.mode == "fit":
                label = "model ="
            yield Label(label, classes="field-label", id=f"{name}-label")
            yield FieldInput(
                field_text(pg, name),
                placeholder=setting.placeholder,
                id=name,
                compact=True,
                select_on_focus=False,
            )
            yield FieldError(classes="field-error", id=f"{name}-error")
        if "dtype" in self.editable:
            yield Label("dtype", classes="field-label")
            yield Select(DTYPES, value=pg.dtype, allow_blank=False, id="dtype", compact=True)
        if "zero_grad" in self.editable:
            label = SETTINGS["zero_grad"].label
            yield FieldCheckbox(label, pg.zero_grad, id="zero_grad", compact=True)

    def texts(self) -> dict[str, str]:
        """The current text of every input, by field name."""
        return {i.id: i.value for i in self.query(Input) if i.id}

    def set_playground(self, playground: Playground) -> None:
        """Show ``playground``'s values in the inputs (no change messages)."""
        self.playground = playground
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            for field in self.query(Input):
                text = field_text(playground, field.id or "")
                if field.value != text:
                    field.value = text
            for select in self.query(Select):
                value = getattr(playground, select.id or "")
                if select.value != value:
                    select.value = value
            for box in self.query(Checkbox):
                box.value = playground.zero_grad
        self._label_fn()
        self._show_errors({})

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.apply)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply()  # the field has left itself (FieldInput): the keys work again

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "mode" and event.value != self.playground.mode:
            self.playground = self.playground.switch_mode(str(event.value))
            self.set_playground(self.playground)
        elif event.select.id == "dtype":
            self.playground = self.playground.with_(dtype=str(event.value))
        self.apply()

    @on(Checkbox.Changed)
    def _checked(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.playground = self.playground.with_(zero_grad=event.value)
        self.apply()

    def apply(self) -> None:
        """Parse every field now and post ``Changed``."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        playground, errors = parse_fields(self.playground, self.texts())
        self._show_errors(errors)
        if not errors:
            self.playground = playground
        self.post_message(self.Changed(playground, errors))

    def _show_errors(self, errors: dict[str, str]) -> None:
        for label in self.query(".field-error").results(FieldError):
            label.show(errors.get((label.id or "").removesuffix("-error"), ""))

    def _label_fn(self) -> None:
        text = "model =" if self.playground.mode == "fit" else "f(x) ="
        for label in self.query("#fn-label").results(Label):
            if label.content != text:  # an update lays the whole screen out again
                label.update(text)
