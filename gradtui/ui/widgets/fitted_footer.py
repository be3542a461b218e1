"""The screen's keys in one row, drawn as text by one widget: only the keys that fit whole.

Textual's Footer is a widget per key (a row of them, the command palette's key docked at the
right), rebuilt whenever the screen's bindings may have changed: on every focus change, several
times a frame while a screen settles. Each rebuild removed, mounted and styled a dozen widgets
and laid the whole screen out again, more than once, to measure them; in the tests that was a
quarter of the app's time. On a narrow terminal its row was cut where the palette's key begins,
so the first key that did not fit showed a letter or a word of its label ("f8 Iteratio"),
which reads as a key of its own.

This Footer keeps its size (one row, the screen's width) whatever it shows: a change of keys
draws the row again and lays nothing out. It looks as Textual's compact Footer does (the same
styles, by the same names), leaves out the first key that does not fit whole and those after it
(help and the palette list them all), and a click on a key presses it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


@dataclass(frozen=True)
class Key:
    """One key as shown: what it presses, its label, its words, whether it acts now."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


@dataclass(frozen=True)
class Item:
    """What goes into the row together: one key, or a group's keys and their one label."""

    keys: tuple[Key, ...]
    label: str = ""  # a group's words ("Speed"), after its keys

    @property
    def grouped(self) -> bool:
        return bool(self.label)


class FittedFooter(Widget, can_focus=False):
    """The active bindings of the screen, as Textual's compact Footer shows them, one row."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--item",
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer-key--label",
        "footer-key--rule",
    }
    # Textual's Footer and FooterKey, compact: the same variables for the same parts.
    DEFAULT_CSS = """
    FittedFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--item {
            background: $footer-item-background;
        }
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .footer-key--label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--rule {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__()
        self.show_command_palette = show_command_palette
        self.items: tuple[Item, ...] = ()
        self.palette: Key | None = None
        self._hover: Key | None = None
        self._spans: list[tuple[int, int, Key]] = []  # (start, end, key) as last drawn
        self._strip: Strip | None = None
        self._strip_for: tuple | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self._show(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._show(screen)

    def _show(self, screen: Screen) -> None:
        items, palette = self._keys(screen)
        if (items, palette) != (self.items, self.palette):
            self.items, self.palette = items, palette
            self.refresh()

    def _keys(self, screen: Screen) -> tuple[tuple[Item, ...], Key | None]:
        """What Textual's Footer shows for ``screen``: one key per action (the first bound),
        a group's keys together with its words, and the command palette's key apart."""
        active = screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _node, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        items: list[Item] = []
        for group, runs in groupby(by_action.values(), lambda run: run[0][0].group):
            firsts = [run[0] for run in runs]
            if group is not None and len(firsts) > 1:
                keys = tuple(
                    self._key(binding, "", enabled, tooltip or binding.description)
                    for binding, enabled, tooltip in firsts
                )
                items.append(Item(keys, group.description))
            else:
                items += [Item((self._key(b, b.description, e, t),)) for b, e, t in firsts]
        palette = None
        app = screen.app
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                tip = binding.tooltip or binding.description
                palette = self._key(binding, binding.description, enabled, tip)
        return tuple(items), palette

    def _key(self, binding: Binding, description: str, enabled: bool, tooltip: str) -> Key:
        display = self.app.get_key_display(binding)
        return Key(binding.key, display, description, enabled, tooltip)

    # Drawing ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None  # a new theme: new colours

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        wanted = (width, self.items, self.palette, self._hover)
        if self._strip is None or self._strip_for != wanted:
            self._strip, self._strip_for = self._row(width), wanted
        return self._strip if y == 0 else Strip.blank(width, self._blank())

    def _row(self, width: int) -> Strip:
        """The keys that fit whole left of the palette's key, then the palette's key."""
        base = self._blank()
        rule = self.get_component_rich_style("footer-key--rule")
        segments: list[Segment] = []
        spans: list[tuple[int, int, Key]] = []
        palette, palette_span = self._palette_segments() if self.palette else ([], None)
        limit = max(0, width - sum(cell_len(s.text) for s in palette) - (1 if palette else 0))
        x = 0
        for item in self.items:
            parts, text_end = self._item_segments(item, x, spans)
            if x + text_end > limit:
                del spans[len(spans) - len(item.keys) :]  # not drawn: not clickable
                break
            segments += parts
            x += sum(cell_len(s.text) for s in parts)
        row = Strip(segments).crop(0, limit).extend_cell_length(limit, base)
        spans = [(start, min(end, limit), key) for start, end, key in spans if start < limit]
        if palette:
            row = Strip.join([row, Strip([Segment("▏", rule)]), Strip(palette)])
            start, end, key = palette_span
            spans.append((start + limit + 1, end + limit + 1, key))
        self._spans = spans
        return row.crop(0, width).extend_cell_length(width, base)

    def _item_segments(
        self, item: Item, x: int, spans: list[tuple[int, int, Key]]
    ) -> tuple[list[Segment], int]:
        """An item's segments from column ``x`` (its margins included) and where its text
        ends; the columns of each key go into ``spans``."""
        base = self._blank()
        if not item.grouped:
            key = item.keys[0]
            parts = self._key_segments(key)
            end = x + sum(cell_len(s.text) for s in parts)
            spans.append((x, end, key))
            return [*parts, Segment(" ", base)], end - x
        parts = [Segment(" ", base)]  # the group's own padding
        at = x + 1
        for key in item.keys:
            shown = self._key_segments(key)
            width = sum(cell_len(s.text) for s in shown)
            spans.append((at, at + width, key))
            parts += shown
            at += width
        label = self.get_component_rich_style("footer-key--label")
        parts += [Segment(" ", base), Segment(item.label, label), Segment(" ", base)]
        return parts, at - x + 1 + cell_len(item.label)

    def _key_segments(self, key: Key) -> list[Segment]:
        """``key`` then its words, on the key's own background (the hover's under the
        pointer), dim while the key does nothing."""
        under = self.get_component_rich_style(
            "footer-key--hover" if key == self._hover else "footer-key--item"
        )
        if not key.enabled:
            under += Style(dim=True)
        key_style = under + self.get_component_rich_style("footer-key--key", partial=True)
        parts = [Segment(key.display, key_style)]
        if key.description:
            words = self.get_component_rich_style("footer-key--description", partial=True)
            parts.append(Segment(" " + key.description, under + words))
        return parts

    def _palette_segments(self) -> tuple[list[Segment], tuple[int, int, Key]]:
        """The palette's key and its margin, and the columns of the key among them."""
        assert self.palette is not None
        parts = self._key_segments(self.palette)
        span = (0, sum(cell_len(s.text) for s in parts), self.palette)
        return [*parts, Segment(" ", self._blank())], span

    def _blank(self) -> Style:
        """A blank's style: the row's background alone."""
        return Style(bgcolor=self.rich_style.bgcolor)

    # The pointer ------------------------------------------------------------------------

    def key_at(self, x: int) -> Key | None:
        """The key drawn at column ``x`` (None for a blank, a margin or a group's words)."""
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_on(self.key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover_on(None)

    def _hover_on(self, key: Key | None) -> None:
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
