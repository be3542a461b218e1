"""The plotext adapter draws what PlotextPlot draws; a plot plotext cannot draw says why."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual import constants
from textual.app import App, ComposeResult
from textual_plotext import PlotextPlot

from gradtui.ui.widgets import safe_plot
from gradtui.ui.widgets.loss_plot import LossPlot
from gradtui.ui.widgets.plotext_adapter import figure_strips
from gradtui.ui.widgets.safe_plot import SafePlot

SIZE = (70, 24)


def draw(plt) -> None:
    """A figure with what the app's plots use: braille and dot markers, colours, labels."""
    xs = [x / 10 for x in range(-30, 31)]
    plt.plot(xs, [x**2 for x in xs], marker="braille", label="f(x)")
    plt.scatter([1.5, 2.0], [2.25, 4.0], marker="dot", color="red")
    plt.plot([0, 3], [-1, 5], color="orange")
    plt.text("x = 2", 2.0, 4.0)
    plt.title("f(x) = x**2")
    plt.xlabel("x")


class TwoPlots(App):
    """The same figure in a PlotextPlot and in a SafePlot, side by side."""

    CSS = "Horizontal { height: 1fr; } PlotextPlot { width: 1fr; height: 1fr; }"

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal():
            yield PlotextPlot(id="theirs")
            yield SafePlot(id="ours")

    def on_mount(self) -> None:
        for plot in self.query(PlotextPlot):
            draw(plot.plt)


class OneLossPlot(App):
    """The app's loss plot alone."""

    def compose(self) -> ComposeResult:
        yield LossPlot()


def cells(line_segments) -> list[tuple[str, object]]:
    """(character, style) per cell of a line of segments."""
    return [(ch, seg.style) for seg in line_segments for ch in seg.text]


def their_rows(widget: PlotextPlot) -> list[list[tuple[str, object]]]:
    """What PlotextPlot.render shows: its ANSI figure as Rich parses it, line by line."""
    text = widget.render()  # plotext ends the figure with a newline: no blank last line
    console = Console(width=widget.size.width, color_system="truecolor", legacy_windows=False)
    return [cells(line.render(console)) for line in text.split("\n")]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "gruvbox"])
async def test_strips_equal_plotext_plots_own_rendering(theme):
    app = TwoPlots()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await pilot.pause()
        theirs, ours = app.query_one("#theirs"), app.query_one("#ours")
        width, height = ours.content_region.size
        assert (width, height) == tuple(theirs.size) and width > 20 and height > 10
        expected = their_rows(theirs)
        strips = figure_strips(ours, width, height)
        got = [cells(strip) for strip in strips]
        assert len(got) == height == len(expected)
        assert [len(row) for row in got] == [width] * height
        text = ["".join(ch for ch, _ in row) for row in got]
        assert text == ["".join(ch for ch, _ in row) for row in expected]
        assert "f(x) = x**2" in text[0]
        assert got == expected  # every cell's character and style
        # and what the widget puts on screen is those strips
        assert [ours.render_line(y).text for y in range(height)] == text


async def test_a_plot_plotext_cannot_draw_names_the_error_and_logs_it_once(monkeypatch, tmp_path):
    log = tmp_path / "textual.log"
    monkeypatch.setattr(constants, "LOG_FILE", str(log))

    def broken(widget, width, height):
        raise IndexError("list index out of range")

    monkeypatch.setattr(safe_plot, "figure_strips", broken)
    app = OneLossPlot()
    async with app.run_test(size=SIZE) as pilot:
        ours = app.query_one(LossPlot)  # its own `log` is a reactive: logging must not use it
        ours.series = ([0, 1, 2], [9.0, 4.0, 1.0])
        await pilot.pause()
        shown = ours.render_line(0).text
        assert shown.startswith("(this plot cannot be drawn: IndexError: list index out")
        for _ in range(3):  # more frames: the same failure is not logged again
            ours.refresh()
            ours.render_line(0)
        assert app.is_running
    logged = log.read_text(encoding="utf-8")
    assert logged.count("IndexError: list index out of range") == 2  # the note, the traceback
    assert "Traceback (most recent call last)" in logged and "in broken" in logged


def test_the_note_keeps_only_printable_text():
    note = safe_plot.failure_note(ValueError("bad\x1b[31m value\n" + "9" * 500))
    assert note.startswith("(this plot cannot be drawn: ValueError: bad[31m value 99")
    assert all(ch.isprintable() for ch in note) and len(note) < 250
    assert safe_plot.failure_note(OverflowError()) == "(this plot cannot be drawn: OverflowError)"
