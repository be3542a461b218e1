"""A Footer that leaves out the keys that do not fit whole.

Textual's Footer shows its keys in one row and cuts the row where the command palette's key
begins: on a narrow terminal the first key that does not fit shows a letter or a word of its
label ("f8 Iteratio"), which reads as a key of its own. This one hides that key and those
after it (help and the palette list them all).

Textual's Footer also builds its keys anew each time the screen's bindings may have changed:
on every focus change, several times a frame while a screen settles (eleven times as the
sandbox opens, half of its start-up), each time mounting and styling a widget per key. This one
builds them once a refresh at most, and only when what it would show has changed.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterLabel


class FittedFooter(Footer):
    """``Footer``, showing only the keys (and groups of keys) that fit whole, rebuilt only
    when they change."""

    _shown: tuple | None = None
    _pending = False
    _unfitted = False  # keys not laid out yet when measured: measured at the next layout

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> tuple:
        """What ``compose`` reads from the screen's bindings to build the keys."""
        return tuple(
            (key, binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._hide_cut)

    def on_mount(self) -> None:
        super().on_mount()
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def on_unmount(self) -> None:
        super().on_unmount()
        self.screen.screen_layout_refresh_signal.unsubscribe(self)

    def _laid_out(self, screen: Screen) -> None:
        if self._unfitted:
            self._unfitted = False
            self.call_after_refresh(self._hide_cut)

    def on_resize(self) -> None:
        self._refit()

    def _refit(self) -> None:
        hidden = [child for child in self.children if not child.display]
        for child in hidden:  # a wider row may hold them: measure them all again
            child.display = True
        self.call_after_refresh(self._hide_cut)

    def _hide_cut(self, tries: int = 20) -> None:
        """Hide the first key that does not fit whole, and every key after it."""
        palette = [c for c in self.children if c.has_class("-command-palette")]
        row = [c for c in self.children if c not in palette]
        if any(c.display and not c.virtual_region.width for c in [*row, *palette]):
            # Keys just composed are laid out a refresh or two later: measure them then, or
            # at the screen's next layout (keys built under the palette wait for it to close).
            if tries:
                self.call_after_refresh(self._hide_cut, tries - 1)
            else:
                self._unfitted = True
            return
        self._unfitted = False
        # In the row's own columns (a key's region on screen is clipped where it is cut).
        limit = (palette[0].region.x if palette else self.region.right) - self.region.x
        cut = False
        for at, child in enumerate(row):
            right = _text_right(child)
            label = row[at + 1] if at + 1 < len(row) else None
            if isinstance(label, FooterLabel):  # a group's keys and its words go together
                right = max(right, _text_right(label))
            cut = cut or right > limit
            if cut and child.display:
                child.display = False


def _text_right(widget) -> int:
    """Where the widget's text ends in the row (its blank padding may be covered)."""
    return widget.virtual_region.right - widget.styles.padding.right
