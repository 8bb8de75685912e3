"""Current vs target (b on the status screen): a bar per metric of the latest run, its value
as a share of its target, warning and error lines marked, problems first. escape goes back.
The numbers come from `perftui.core.bars`; the drawing from `perftui.tui.widgets.bars`."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from perftui.tui.css import tcss
from perftui.tui.format import short_time
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.screens.views import BarsLoaded
from perftui.tui.widgets.bars import BarChart


class BarsScreen(DataScreen):
    CSS_PATH = tcss("views")
    MODE = "status"
    BINDINGS = [Binding("escape,b", "app.pop_screen", "Back", tooltip="Back to the status screen",
                        id="bars.back")]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.data: dict | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_navbar()
        yield Static(Text("Current vs target …", style="bold"), id="bars-title",
                      classes="view-title")
        with VerticalScroll(id="bars-body", classes="view-body"):
            yield BarChart(id="bars")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#bars-body").focus()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.query_one(
            "#bars", BarChart).refresh())
        self.reload()

    def reload(self) -> None:
        super().reload()
        self.load_bars()

    @work(thread=True, exclusive=True, group="bars")
    def load_bars(self) -> None:
        data = self.call_source(self.source.current_vs_target, *self.scope_args())
        if data is not FAILED:
            self.post_message(BarsLoaded(data))

    def on_bars_loaded(self, message: BarsLoaded) -> None:
        self.data = message.data
        snap = self.data["snapshot"]      # (the scope is in the bar above)
        title = Text("Current vs target", style="bold")
        problems = sum(1 for b in self.data["bars"] if b["state"] != "ok")
        title.append(f"  {problems}/{len(self.data['bars'])} off target")
        if snap:
            title.append(f"  run {short_time(snap['recorded_at'])} UTC", style="dim")
        self.query_one("#bars-title", Static).update(title)
        self.query_one("#bars", BarChart).show(self.data)
