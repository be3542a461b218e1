"""Text fields and the code editor: their keys take effect in the order they were pressed.

Textual hands each key to the focused widget's message queue and goes on to the next key at
once. An ``Input`` or a ``TextArea`` inserts a typed character when its queue reaches it, but
the keys it binds (backspace, delete, the arrows, home, end, shift+arrows...) and the screen's
(escape, tab, f5...) run only after the key has bubbled back up to the app, behind the keys
that came after it. Keys that arrive together (a fast typist at a busy moment, tmux
send-keys, a key held down) then overtook each other: ``0.01⌫25`` became ``0.012``, what was
typed after tab or enter went into the field just left, and in the code editor ``←←X⌫⌫Y`` at
the end of ``yy = 2345`` gave ``yy = 45`` instead of ``yy = 2Y45``. ``type_in_order`` handles
such a key completely, bindings included, before the app takes the next key; ``FieldInput``
leaves itself on enter at once.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widgets import Input, TextArea


async def type_in_order(app: App, event: events.Key) -> bool:
    """Handle ``event``, a key straight from the terminal, if a text field or the code editor
    has the focus.

    Returns False (the app goes on as usual) when neither has the focus. Otherwise does what
    the app would, in its order: the priority bindings; else the widget's own key handlers
    (they show the cursor again, and type a printable key; the editor types enter and tab
    too); else, for a key they did not take, the bindings from the widget up to the app (its
    own first). But all of it now, before the keys behind it.
    """
    field = app.focused
    if not isinstance(field, Input | TextArea) or app.screen.maximized is not None:
        return False
    app.app_focus = True
    if await app._check_bindings(event.key, priority=True):
        return True
    await field._on_message(event)  # each class's key handler, as Textual calls them
    if not event._stop_propagation:
        await app._check_bindings(event.key)
    return True


class FieldInput(Input):
    """An ``Input`` that leaves itself when enter submits it, so that the keys typed after
    enter are the screen's keys again (``leave_on_submit=False`` keeps the focus)."""

    def __init__(self, *args, leave_on_submit: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.leave_on_submit = leave_on_submit

    async def action_submit(self) -> None:
        """Post ``Submitted`` and, with ``leave_on_submit``, leave the field."""
        await super().action_submit()
        if self.leave_on_submit and self.app.focused is self:
            self.screen.set_focus(None)
