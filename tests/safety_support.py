"""Read what the app draws, segment by segment: no escape character, no action or link.

Untrusted text must reach the terminal as plain text. These helpers look at the strips Textual
would write (the whole screen, and every widget rendered in full, scrolled off or not) and at
each cell's style, where an action link (``@click`` meta) or a hyperlink would live.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarCorner
from textual.strip import Strip

from gradtui.safe_text import UNSAFE

SCROLLBARS = (ScrollBar, ScrollBarCorner)


@dataclass(frozen=True)
class Finding:
    """Something unsafe drawn: where, what, and the text it was drawn in."""

    where: str
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what} in {self.text!r}"


def strip_findings(strips: list[Strip], where: str, actions: bool = True) -> list[Finding]:
    """Unsafe characters in the segments' text, links (and ``actions``) in their styles."""
    found = []
    for y, strip in enumerate(strips):
        for segment in strip:
            text, style = segment.text, segment.style
            if UNSAFE.search(text):
                found.append(Finding(f"{where} line {y}", "a control character", text))
            if style is None:
                continue
            meta = {k: v for k, v in style.meta.items() if str(k).startswith("@")}
            if actions and meta:
                found.append(Finding(f"{where} line {y}", f"the action {meta}", text))
            if style.link:
                found.append(Finding(f"{where} line {y}", f"the link {style.link!r}", text))
    return found


def widget_findings(app, widgets: bool = True) -> list[Finding]:
    """The screen as drawn, and (with ``widgets``) every widget of it, toasts too, rendered
    whole.

    On the screen as drawn, actions are looked for cell by cell (``link_cells``): there the
    scroll bars' own actions (``@mouse.down``) are told apart by the widget under the cell.
    """
    screen = app.screen
    found = strip_findings(screen._compositor.render_strips(), "the screen", actions=False)
    found += [
        Finding(f"the screen at {cell}", "an action or a link", "") for cell in link_cells(app)
    ]
    for widget in [screen, *screen.walk_children()] if widgets else ():
        width, height = widget.outer_size
        if width and height and widget.display and not isinstance(widget, SCROLLBARS):
            strips = widget.render_lines(Region(0, 0, width, height))
            found += strip_findings(strips, repr(widget))
    return found


def link_cells(app) -> list[tuple[int, int]]:
    """The screen cells whose style carries an action (``@click`` and the like) or a link.

    The scroll bars' cells, whose actions are Textual's own, are left out.
    """
    cells = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            style, width = segment.style, segment.cell_length
            if style and (style.link or any(str(k).startswith("@") for k in style.meta)):
                for cell in range(x, x + width):
                    widget, _ = app.screen.get_widget_at(cell, y)
                    if not isinstance(widget, SCROLLBARS):
                        cells.append((cell, y))
            x += width
    return cells


def screen_lines(app) -> list[str]:
    """The screen as drawn, one string per row (for finding where a text is)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def click_links(pilot) -> list[tuple[int, int]]:
    """Click every link-looking cell on the screen as it is now; the cells clicked."""
    cells = link_cells(pilot.app)
    for x, y in cells:
        await pilot.click(offset=(x, y))
        await pilot.pause()
    return cells
