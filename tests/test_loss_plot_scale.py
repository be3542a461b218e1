"""The loss plot shows its scale honestly: a crawl looks like a crawl, and log10 says when it
cannot draw the loss."""

from __future__ import annotations

from textual.app import App, ComposeResult

from gradtui.ui.widgets.loss_plot import LossPlot, change_words


class PlotApp(App):
    def compose(self) -> ComposeResult:
        yield LossPlot()


def drawn(plot: LossPlot) -> str:
    """The plot's lines as text, as the terminal shows them."""
    return "\n".join(strip.text for strip in plot._build(plot.content_region.size))


def test_change_words_name_the_start_the_end_and_the_relative_change():
    assert change_words(9.0, 8.99828) == "9 → 8.99828 (-0.0191%)"
    assert change_words(9.0, 9.0) == "9 → 9"
    assert change_words(0.0, 1.0) == "0 → 1"


async def test_a_crawl_is_drawn_from_zero_and_titled_with_its_change():
    app = PlotApp()
    async with app.run_test(size=(60, 16)) as pilot:
        plot = app.query_one(LossPlot)
        plot.series = ([0, 1, 2], [9.0, 8.99914, 8.99828])  # lr 1e-6 on x**2 from 3
        await pilot.pause()
        text = drawn(plot)
        assert "loss: 9 → 8.99828 (-0.0191%)" in text
        ticks = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
        assert ticks[-1] in ("0", "0.0", "0.00")  # the axis reaches down to 0, not 8.998


async def test_log10_of_a_loss_at_or_below_zero_says_it_cannot_be_drawn():
    app = PlotApp()
    async with app.run_test(size=(70, 16)) as pilot:
        plot = app.query_one(LossPlot)
        plot.series = ([0, 1, 2, 3], [1.0, 0.2, -0.5, -1.2])  # sin(x) going down
        plot.log = True
        await pilot.pause()
        text = drawn(plot)
        assert "log10 cannot be drawn: the loss is -0.5 at step 2" in text
        assert "●" not in text and "⣀" not in text  # no lone dot posing as the plot
        plot.log = False
        await pilot.pause()
        text = drawn(plot)
        assert "loss: 1 → -1.2 (-220%)" in text


async def test_a_narrow_plot_keeps_the_scale_in_its_title():
    app = PlotApp()
    async with app.run_test(size=(36, 12)) as pilot:
        plot = app.query_one(LossPlot)
        plot.series = ([0, 10, 20], [9.0, 0.5, 0.00119631])  # lesson 6 at lr 0.1
        await pilot.pause()
        assert "loss: 9 → 0.00119631 (-100%)" in drawn(plot)  # the l hint gives way


async def test_a_plot_too_short_for_its_data_says_so_under_its_title():
    """At 80×24 a code lesson's loss panel has five rows: plotext drew a one-row scale with
    4.5 above 9.0. Now the title (with the change) and a note; from seven rows, the plot."""
    app = PlotApp()
    async with app.run_test(size=(60, 5)) as pilot:
        plot = app.query_one(LossPlot)
        plot.series = ([1, 2, 3], [9.0, 5.76, 3.6864])
        await pilot.pause()
        lines = drawn(plot).splitlines()
        assert lines[0].startswith("loss: 9 → 3.6864 (-59%)")
        assert lines[1].startswith("(too little room to draw the plot")
        assert "┤" not in "\n".join(lines)
        await pilot.resize_terminal(60, 7)
        await pilot.pause()
        ticks = [line.split("┤")[0].strip() for line in drawn(plot).splitlines() if "┤" in line]
        assert len(ticks) >= 2 and float(ticks[0]) > float(ticks[-1])  # top above bottom
