"""A small image drawn with half blocks: each cell shows two pixels, one above the other."""

from __future__ import annotations

import functools
import math

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

UPPER_HALF = "▀"
POSITIVE = (70, 140, 255)  # blue: pushes the score up (towards target 1)
NEGATIVE = (255, 90, 60)  # red: pushes it down (towards target 0)
LEVELS = 24  # brightness steps


class PixelImage(Widget):
    """Shows ``pixels`` (a flat square image): grey levels in [0, 1], or, when ``signed``,
    positive values in blue and negative in red, brighter the larger they are. Shrinks by
    whole factors (averaging blocks of pixels) when the widget is narrower than the image."""

    DEFAULT_CSS = """
    PixelImage { width: 30; height: 16; border: round $primary-lighten-2; }
    """

    pixels: reactive[np.ndarray | None] = reactive(None, always_update=True)
    signed: reactive[bool] = reactive(False)
    note: reactive[str] = reactive("")

    def render(self) -> Text:
        if self.pixels is None or not len(self.pixels):
            return Text(self.note or "no image yet", style="dim")
        side = int(round(math.sqrt(len(self.pixels))))
        image = np.asarray(self.pixels, dtype=np.float32).reshape(side, side)
        width, height = self.content_size.width, self.content_size.height
        factor = max(1, math.ceil(side / max(width, 1)), math.ceil(side / max(2 * height, 1)))
        image = shrink(image, factor)
        rgb = self._colours(image)
        text = Text(no_wrap=True, overflow="crop")
        for row in range(0, len(rgb), 2):
            top = rgb[row]
            bottom = rgb[row + 1] if row + 1 < len(rgb) else [None] * len(top)
            for above, below in zip(top, bottom, strict=True):
                text.append(UPPER_HALF, style=_style(above, below))
            if row + 2 < len(rgb):
                text.append("\n")
        return text

    def _colours(self, image: np.ndarray) -> list[list[tuple[int, int, int]]]:
        """An (r, g, b) per pixel, on LEVELS steps of brightness so styles can be cached."""
        if self.signed:
            scale = float(np.abs(image).max()) or 1.0
            level = np.round(np.clip(np.abs(image) / scale, 0, 1) * LEVELS) / LEVELS
            colour = np.where((image >= 0)[..., None], POSITIVE, NEGATIVE)
            rgb = (colour * level[..., None]).astype(int)
        else:
            grey = (np.round(np.clip(image, 0, 1) * LEVELS) / LEVELS * 255).astype(int)
            rgb = np.stack([grey] * 3, axis=-1)
        return [[tuple(px) for px in row] for row in rgb.tolist()]


def shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """``image`` with each ``factor`` × ``factor`` block averaged into one pixel."""
    if factor <= 1:
        return image
    side = image.shape[0]
    padded = math.ceil(side / factor) * factor
    grown = np.zeros((padded, padded), dtype=image.dtype)
    grown[:side, :side] = image
    return grown.reshape(padded // factor, factor, padded // factor, factor).mean(axis=(1, 3))


@functools.lru_cache(maxsize=4096)
def _style(top: tuple[int, int, int], bottom: tuple[int, int, int] | None) -> Style:
    """The style of one cell: the upper pixel in the foreground, the lower in the background."""
    below = Color.from_rgb(*bottom) if bottom is not None else None
    return Style(color=Color.from_rgb(*top), bgcolor=below)
