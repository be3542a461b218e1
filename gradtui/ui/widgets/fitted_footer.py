"""A Footer that leaves out the keys that do not fit whole.

Textual's Footer shows its keys in one row and cuts the row where the command palette's key
begins: on a narrow terminal the first key that does not fit shows a letter or a word of its
label ("f8 Iteratio"), which reads as a key of its own. This one hides that key and those
after it (help and the palette list them all).
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterLabel


class FittedFooter(Footer):
    """``Footer``, showing only the keys (and groups of keys) that fit whole."""

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._hide_cut)

    def on_resize(self) -> None:
        hidden = [child for child in self.children if not child.display]
        for child in hidden:  # a wider row may hold them: measure them all again
            child.display = True
        self.call_after_refresh(self._hide_cut)

    def _hide_cut(self) -> None:
        """Hide the first key that does not fit whole, and every key after it."""
        palette = [c for c in self.children if c.has_class("-command-palette")]
        # In the row's own columns (a key's region on screen is clipped where it is cut).
        limit = (palette[0].region.x if palette else self.region.right) - self.region.x
        row = [c for c in self.children if c not in palette]
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
