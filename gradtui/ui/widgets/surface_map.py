"""A 2-D surface as a terminal heatmap with contour lines, and optimizer paths over it."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from gradtui.engine.training.optimizers import Picture

# low → high (viridis): dark valleys, bright ridges
BAND_COLORS = (
    "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c",
    "#28ae80", "#5ec962", "#addc30", "#fde725",
)  # fmt: skip
GLYPHS = {
    "sgd": ("s", "#ff4d4d"),
    "momentum": ("m", "#ffffff"),
    "adam": ("a", "#ff9f1c"),
    "start": ("@", "#ffffff"),
    "minimum": ("*", "#ffff00"),
}
LEGEND = "s plain SGD · m momentum · a Adam · capitals: where each stopped · @ start · * minimum"


class SurfaceMap(Widget):
    """Draws a ``Picture``: one cell per grid sample, ``·`` where a contour band changes."""

    picture: reactive[Picture | None] = reactive(None, always_update=True)
    note: reactive[str] = reactive(
        "running the optimizers… (the first torch.optim call loads torch._dynamo: a few seconds)"
    )

    def render(self) -> Text:
        pic = self.picture
        if pic is None:
            return Text(self.note)
        text = Text(no_wrap=True, overflow="crop")
        for r in range(pic.rows):
            for c in range(pic.cols):
                bg = BAND_COLORS[pic.bands[r][c] % len(BAND_COLORS)]
                mark = pic.marks.get((c, r))
                if mark is not None:
                    key = mark.removesuffix("-end")
                    char, color = GLYPHS[key]
                    if mark.endswith("-end"):
                        char = char.upper()
                    text.append(char, Style(color=color, bgcolor=bg, bold=True))
                elif (c, r) in pic.contour:
                    text.append("·", Style(color="#c0c0c0", bgcolor=bg))
                else:
                    text.append(" ", Style(bgcolor=bg))
            if r < pic.rows - 1:
                text.append("\n")
        return text
