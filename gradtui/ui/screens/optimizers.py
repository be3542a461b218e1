"""Optimizers on a 2-D surface: plain SGD, momentum and Adam side by side over a heatmap."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Select, Static

from gradtui.engine.training.optimizers import (
    OPTIMIZER_NAMES,
    SURFACES,
    Path,
    Surface,
    optimizer_paths,
    parse_settings,
    picture,
    playground_surface,
)
from gradtui.engine.training.playground import Playground
from gradtui.safe_text import plain
from gradtui.ui.delivery import deliver
from gradtui.ui.widgets.fitted_footer import FittedFooter
from gradtui.ui.widgets.surface_map import LEGEND, SurfaceMap

DEBOUNCE = 0.3
SHORT_NAMES = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}
FIELDS = (("lr", "lr (SGD, momentum)"), ("momentum", "momentum"), ("adam_lr", "Adam lr"),
          ("steps", "steps"))  # fmt: skip


class OptimizersScreen(Screen):
    """Pick a surface, edit lr, momentum, Adam's lr and steps; the paths redraw."""

    AUTO_FOCUS = None  # keys work at once; click or tab to reach a field
    CSS_PATH = "optimizers.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, playground: Playground):
        super().__init__()
        self.surfaces: dict[str, Surface] = dict(SURFACES)
        yours = playground_surface(playground)
        if yours is not None and yours.key in SURFACES:
            self.surfaces[yours.key] = yours  # the preset with the playground's lr and steps
        elif yours is not None:
            self.surfaces = {"yours": yours, **self.surfaces}
        self.surface = yours or SURFACES["bowl"]
        self.paths: list[Path] = []
        self.error = ""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="opt-body"):
            with Vertical(id="opt-left"):
                options = [(f"{s.title}: {s.expr}", key) for key, s in self.surfaces.items()]
                yield Select(options, value=self.surface.key, allow_blank=False, id="surface")
                with Vertical(id="opt-form"):
                    for name, label in FIELDS:
                        yield Label(label, classes="field-label")
                        yield Input(self._default(name), id=f"opt-{name}", compact=True)
                yield Static("", id="opt-error")
                yield Static("", id="opt-results")
            yield SurfaceMap(id="surface-map")
        yield Static(LEGEND, id="opt-legend")
        yield FittedFooter()

    def _default(self, name: str) -> str:
        value = getattr(self.surface, name)
        return str(value) if isinstance(value, int) else f"{value:g}"

    def on_mount(self) -> None:
        self.sub_title = "optimizers on a surface"
        self.query_one("#opt-left").border_title = "surface · settings"
        self.query_one("#opt-results").border_title = "where each ended"
        self._title_map()
        self.set_focus(None)
        self.recompute()

    def _title_map(self) -> None:
        s = self.surface
        self.query_one(SurfaceMap).border_title = plain(
            f"f(x, y) = {s.expr}, from ({s.start[0]:g}, {s.start[1]:g})", one_line=True
        )

    @on(Select.Changed, "#surface")
    def _surface_chosen(self, event: Select.Changed) -> None:
        key = str(event.value)
        if key == self.surface.key:
            return
        self.surface = self.surfaces[key]
        self._title_map()
        for name, _ in FIELDS:
            self.query_one(f"#opt-{name}", Input).value = self._default(name)
        self.recompute()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.recompute)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.recompute()
        self.set_focus(None)

    def on_resize(self) -> None:
        if self.paths:
            self._draw(self.surface, self.paths)

    def recompute(self) -> None:
        """Parse the settings and run the three optimizers (in a thread)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        texts = {name: self.query_one(f"#opt-{name}", Input).value for name, _ in FIELDS}
        try:
            settings = parse_settings(texts)
        except ValueError as err:
            self._show_error(str(err))
            return
        self._show_error("")
        self._run(self.surface, settings)

    def _show_error(self, message: str) -> None:
        self.error = message
        box = self.query_one("#opt-error", Static)
        box.update(plain(message))  # it quotes what was typed: never markup
        box.display = bool(message)

    @work(thread=True, exclusive=True, group="optimizers")
    def _run(self, surface: Surface, settings: tuple[float, float, float, int]) -> None:
        try:
            paths = optimizer_paths(surface, *settings)
        except (ValueError, TypeError, RuntimeError, ArithmeticError) as err:
            self.app.call_from_thread(deliver, self, self._show_error, f"cannot run: {err}")
            return
        self.app.call_from_thread(deliver, self, self._ran, surface, paths)

    def _ran(self, surface: Surface, paths: list[Path]) -> None:
        if surface is not self.surface:
            return  # a different surface was picked meanwhile
        self.paths = paths
        self._draw(surface, paths)
        rows = [f"{'optimizer':<9}{'steps':>6} {'x':>9} {'y':>9} {'f':>9}"]
        for p in paths:
            steps = len(p.xs) - 1
            rows.append(
                f"{SHORT_NAMES[p.optimizer]:<9}{steps:>6} {p.xs[-1]:>9.3g} "
                f"{p.ys[-1]:>9.3g} {p.losses[-1]:>9.3g}"
            )
            if p.stopped == "diverged":
                rows.append(f"  {OPTIMIZER_NAMES[p.optimizer]} diverged: f blew up")
        self.query_one("#opt-results", Static).update("\n".join(rows))

    def _draw(self, surface: Surface, paths: list[Path]) -> None:
        view = self.query_one(SurfaceMap)
        cols, rows = view.content_size.width, view.content_size.height
        if cols < 4 or rows < 4:
            view.picture, view.note = None, "too small to draw"
            return
        view.picture = picture(surface, paths, cols, rows)
