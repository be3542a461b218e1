"""f(x) with the current point, its tangent and the trail; or, in fit mode, data and model."""

from __future__ import annotations

from textual.reactive import reactive

from gradtui.engine.present.plotdata import CurveView, FitView
from gradtui.ui.widgets.safe_plot import SafePlot


class FunctionPlot(SafePlot):
    """Draws a ``CurveView`` or a ``FitView`` (series told apart by marker and label)."""

    view: reactive[CurveView | FitView | None] = reactive(None, always_update=True)
    note: reactive[str] = reactive("loading torch…")
    fn_label: reactive[str] = reactive("f(x)")

    def watch_view(self) -> None:
        self.replot()

    def watch_note(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Rebuild the figure from ``view`` (a full redraw: callers throttle)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        view = self.view
        self.message = self.note if view is None else None  # words, not an empty figure
        if isinstance(view, CurveView):
            self._curve(view)
        elif view is not None:
            self._fit(view)
        self.refresh()

    def _curve(self, v: CurveView) -> None:
        plt = self.plt
        if v.xs:  # empty when f is nan or inf all around x (plotext fails on an empty series)
            plt.plot(v.xs, v.ys, marker="braille", label=self.fn_label)
        if v.tangent_xs:
            label = "tangent (slope = .grad)" if v.slope_is_tangent else "slope = piled-up .grad"
            plt.plot(v.tangent_xs, v.tangent_ys, marker="·", label=label)
        if v.trail_xs:
            plt.scatter(v.trail_xs, v.trail_ys, marker="o", label="earlier steps")
        plt.scatter([v.point[0]], [v.point[1]], marker="●", label="x now")
        plt.ylim(*v.ylim)
        plt.xlabel("x")
        plt.title(self.note or f"{self.fn_label} near x = {v.point[0]:.4g}")

    def _fit(self, v: FitView) -> None:
        plt = self.plt
        plt.scatter(v.data_x, v.data_y, marker="x", label="data")
        if v.model_x:
            plt.plot(v.model_x, v.model_y, marker="braille", label="model")
        plt.xlabel(v.input_name)
        plt.title(self.note or "predictions bending towards the data")
