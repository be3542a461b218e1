"""One page at a time: on a small terminal the loop playground shows its code or its panels,
and ctrl+o switches (the key is named for the page it shows, in the Footer)."""

from __future__ import annotations

from textual.reactive import reactive

from gradtui.ui.widgets.run_view import SteppedView

# Rows below which the view is cramped: the editor and the panels no longer both fit (ten
# lines of code and a few of each panel), so it shows one page at a time, the code or the
# panels, and ctrl+o switches. Stacked (narrow), they need more rows than side by side.
CRAMPED_BELOW = 26
CRAMPED_BELOW_SIDE_BY_SIDE = 16
CODE, PANELS = "code", "panels"


class PagedView(SteppedView):
    """A view with an editor (``editor``) and panels, which shows one of them while cramped:
    the classes ``cramped`` and ``show-panels`` say which (see loop_view.tcss)."""

    # The page shown while cramped (see CRAMPED_BELOW); ignored when both fit.
    page: reactive[str] = reactive(CODE)
    cramped: reactive[bool] = reactive(False)

    @property
    def editor(self):
        """The code's editor (the subclass's)."""
        raise NotImplementedError

    def on_resize(self) -> None:
        super().on_resize()
        limit = CRAMPED_BELOW if self.has_class("narrow") else CRAMPED_BELOW_SIDE_BY_SIDE
        self.cramped = self.size.height < limit

    def watch_cramped(self, cramped: bool) -> None:
        self.set_class(cramped, "cramped")
        self._page_changed()

    def watch_page(self, page: str) -> None:
        self.set_class(page == PANELS, "show-panels")
        self._page_changed()

    def _page_changed(self) -> None:
        if self.is_mounted:
            self.show_status()
            self.screen.refresh_bindings()  # ctrl+o says what it shows next

    def offers(self, action: str) -> bool:
        """Whether the key for ``action`` acts (and shows) now: the page keys only while
        cramped, each to the page not shown."""
        if action == "show_panels":
            return self.cramped and self.page == CODE
        if action == "show_code":
            return self.cramped and self.page == PANELS
        return True

    def action_show_panels(self) -> None:
        """The variables, printed output, loss plot and seven steps, in place of the code."""
        self.page = PANELS
        if self.screen.focused is self.editor:
            self.screen.set_focus(None)  # the letter keys work on this page

    def action_show_code(self) -> None:
        """The editor, in place of the panels, with the focus in it."""
        self.page = CODE
        self.editor.focus()

    def where_the_message_is(self) -> str:
        """Where a refusal's message is to be read, for a notice."""
        if self.cramped and self.page == CODE:
            return "ctrl+o shows why"
        return "see 'printed · errors'"

    def with_page_cue(self, line: str, detail: str) -> str:
        """The status ``line`` led, while cramped, by the other page and its key (and on the
        code's page, by how a run that failed ended: its message is on the other page)."""
        if not self.cramped:
            return line
        cue = "ctrl+o: variables · output" if self.page == CODE else "ctrl+o: code"
        if self.page == CODE and detail in ("refused", "error", "could not start"):
            cue = f"{detail}: ctrl+o shows why"
        return f"{cue}  ·  {line}"
