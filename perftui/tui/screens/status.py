"""Screen 1, Status: the latest run of the scope against baselines and targets.

Three panels (latest run, health, machine load now) over a grid of metric cards. Reloads
when the store changes (live refresh) and when shown again after a change elsewhere. The
machine panel samples every few seconds and repaints only when a rounded figure moved.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from perftui.tui.format import utc
from perftui.tui.messages import StatusLoaded
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.widgets.cards import MetricGrid
from perftui.tui.widgets.panels import InfoPanel, health_text, latest_run_text, load_text

LOAD_INTERVAL = 3.0
CHROME_ROWS = 7   # navigation bar, the panels and the footer: the cards get the rest
AGE_INTERVAL = 30.0


class StatusScreen(DataScreen):
    MODE = "status"
    BINDINGS = [
        Binding("b", "bars", "Vs target", tooltip="Current vs target: a bar per metric",
                id="status.bars"),
        Binding("w", "heatmap", "When slow", tooltip="When it is slow: hour of day x weekday",
                id="status.heatmap"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.data: dict | None = None
        self._early: dict | None = None
        self.loaded_at = None

    def compose(self) -> ComposeResult:
        # The data read at launch, while Textual was imported (StoreSource.start_early_status):
        # when it has arrived, the cards are composed with it and are in the first frame;
        # otherwise they come right after that frame.
        self._early = self.source.early_status(*self.scope_args())
        early = self._early["metrics"] if self._early and self._early["snapshot"] else None
        yield from self.compose_navbar()
        with Horizontal(id="status-panels"):
            yield InfoPanel("Latest run", id="latest-run")
            yield InfoPanel("Health", id="health")
            yield InfoPanel("Machine now", id="machine")
        yield Static("Loading…", id="status-message")
        width, height = self.app.size
        yield MetricGrid(early, first=MetricGrid.fitting(width, height - CHROME_ROWS), id="cards")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        if self._early is not None:   # composed with the early data: the panels too
            data, self._early = self._early, None
            self.generation = self.app.generation
            self.on_status_loaded(StatusLoaded(data, self.source.now()))
        else:
            self.query_one("#cards").display = False
        self.app.after_first_frame(self.first_load, self)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())

    def _redraw(self) -> None:
        """Panel texts carry the theme's colours: build them again in the new one."""
        if self.data is not None:
            self.on_status_loaded(StatusLoaded(self.data, self.loaded_at))
        self.sample_load()

    def first_load(self) -> None:
        """After the first frame: the data if it did not come early, then the machine panel."""
        if self.data is None:
            self.reload()
        if self.app.has_load_source:
            self.start_sampling()
        else:
            self.create_load_source()

    @work(thread=True, exclusive=True, group="machine")
    def create_load_source(self) -> None:
        """The load source imports psutil (tens of ms): off the UI thread."""
        self.app.load_source  # noqa: B018 - created here
        self.app.call_from_thread(self.start_sampling)

    def start_sampling(self) -> None:
        source = self.app.load_source
        if getattr(source, "live", False):  # CPU is measured from now on: first reading in 1 s
            self.set_timer(1.0, self.sample_load)
            if self.app.live:
                self.set_interval(LOAD_INTERVAL, self.sample_load)
        else:
            self.sample_load()
        if self.app.live:
            self.set_interval(AGE_INTERVAL, self.show_latest_run)

    def reload(self) -> None:
        super().reload()
        self.load_status()

    @work(thread=True, exclusive=True, group="status")
    def load_status(self) -> None:
        app_name, environment = self.scope_args()
        data = self.call_source(self.source.status, app_name, environment)
        if data is not FAILED:
            self.post_message(StatusLoaded(data, self.source.now()))

    def on_status_loaded(self, message: StatusLoaded) -> None:
        self.data = message.data
        self.loaded_at = message.now
        self.app.status_loaded(message.data)
        self.show_latest_run()
        self.query_one("#health", InfoPanel).show(
            health_text(self.app, message.data["performance_index"],
                        message.data["open_alerts"]))
        note = self.query_one("#status-message", Static)
        grid = self.query_one("#cards", MetricGrid)
        if message.data["snapshot"] is None:
            note.update("No runs in this store yet. Record one from your app "
                        "(PerformanceTracker.record_baseline_snapshot()), with "
                        "`perftui record KEY=VALUE`, or try `perftui demo`. "
                        "This screen refreshes by itself when the first run lands.")
            note.display = True
            grid.display = False
            return
        note.display = False
        grid.display = True
        grid.set_metrics(message.data["metrics"])

    def show_latest_run(self) -> None:
        if self.data is None:
            return
        snap = self.data["snapshot"]
        age = None
        if snap is not None:
            from perftui.tui.format import parse_time

            moment = parse_time(snap["recorded_at"])
            now = utc(self.source.now())
            age = (now - moment).total_seconds() if moment else None
        self.query_one("#latest-run", InfoPanel).show(latest_run_text(snap, age))

    def sample_load(self) -> None:
        source = self.app.load_source
        load = source.sample() if source is not None else None
        self.query_one("#machine", InfoPanel).show(load_text(self.app, load))

    def action_bars(self) -> None:
        from perftui.tui.screens.views import open_view   # the view loads when first asked for

        open_view(self.app, "bars")

    def action_heatmap(self) -> None:
        from perftui.tui.screens.views import open_view

        open_view(self.app, "heatmap")

    def on_metric_grid_chosen(self, message: MetricGrid.Chosen) -> None:
        self.app.open_trend(message.metric_id)
