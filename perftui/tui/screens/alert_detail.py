"""Details of one alert (enter on the alerts table): what fired, against which baseline, who
acknowledged it, and a small plot of the metric's recent runs with the baseline band.
a acknowledges, b accepts as new baseline, p shows the alert's profile in place of the stats
and the plot (what grew since the baseline profile, the top functions), escape goes back to
the table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from perftui.tui.charts import history_spec
from perftui.tui.css import tcss
from perftui.tui.format import format_percent, severity_text, short_time, value_or_dash
from perftui.tui.messages import AlertDetailLoaded, AlertProfileLoaded
from perftui.tui.screens.alert_actions import AlertActions
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.widgets.plot import Plot
from perftui.tui.widgets.profile_table import ProfileTable


class AlertDetailScreen(AlertActions, DataScreen):
    CSS_PATH = [tcss("alerts"), tcss("profile")]
    MODE = "alerts"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("a", "acknowledge", "Ack", tooltip="Acknowledge this alert with a note",
                id="detail.acknowledge"),
        Binding("b", "accept_baseline", "Accept baseline",
                tooltip="Accept this level as the new baseline", id="detail.accept"),
        Binding("p", "toggle_profile", "Profile",
                tooltip="The alert's profile: what grew since the baseline (p again: back)",
                id="detail.profile"),
    ]

    def __init__(self, alert_id: int):
        super().__init__()
        self.alert_id = alert_id
        self.alert: dict | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_navbar()
        yield Static("", id="detail-title")
        with Horizontal(id="detail-body"):
            with VerticalScroll(id="detail-stats-box"):
                yield Static("Loading…", id="detail-stats")
                yield Static("", id="detail-profile-hint")
            yield Plot(id="detail-plot")
        with VerticalScroll(id="detail-profile-box"):
            yield ProfileTable(id="detail-profile")
        yield Static("", id="detail-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#detail-plot").border_title = "recent warm runs"
        self.history: list = []
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())
        self.reload()

    def _redraw(self) -> None:
        if self.alert is not None:
            self.query_one("#detail-plot", Plot).update(
                history_spec(self.alert, self.history, self.app))

    def reload(self) -> None:
        super().reload()
        self.load_detail(self.alert_id)
        self.load_profile(self.alert_id)

    @work(thread=True, exclusive=True, group="alert-detail")
    def load_detail(self, alert_id: int) -> None:
        result = self.call_source(self.source.alert_detail, alert_id)
        if result is not FAILED:
            self.post_message(AlertDetailLoaded(*result))

    @work(thread=True, exclusive=True, group="alert-profile")
    def load_profile(self, alert_id: int) -> None:
        view = self.call_source(self.source.alert_profile, alert_id)
        if view is not FAILED:
            self.post_message(AlertProfileLoaded(alert_id, view))

    def on_alert_profile_loaded(self, message: AlertProfileLoaded) -> None:
        if message.alert_id != self.alert_id:
            return
        view = message.view
        self.query_one("#detail-profile", ProfileTable).show(view)
        hint = Text()
        if "damaged" in view:
            hint.append("profile ", style="dim")
            hint.append("cannot be read (p)", style="red")
        elif "missing" not in view:
            hint.append("profile ", style="bold")
            hint.append("p shows it", style="dim")
            rows = self.query_one("#detail-profile", ProfileTable).diff_rows
            if rows:
                hint.append(f"\ngrew most: {rows[0]['name']} {rows[0]['growth']:+.1f}pp")
            elif view.get("diff") is None:
                hint.append("\n(no baseline profile to compare)", style="dim")
        shown = self.query_one("#detail-profile-hint", Static)
        shown.update(hint)
        shown.display = bool(hint.plain)

    def action_toggle_profile(self) -> None:
        self.toggle_class("-profile")
        # the shown part takes the focus, so that the arrows scroll it
        self.query_one("#detail-profile-box" if self.has_class("-profile")
                       else "#detail-stats-box").focus()

    def selected_alert(self) -> dict | None:
        return self.alert

    def on_alert_detail_loaded(self, message: AlertDetailLoaded) -> None:
        a = self.alert = message.alert
        title = Text(" ")
        title.append_text(severity_text(self.app, a["severity"], a["severity"].upper()))
        title.append(f"  {a['alert_type']}  ", style="bold")
        title.append(f"{a['metric_id']} {a['metric_name']}", style="bold")
        title.append(f"  #{a['id']} {a['status']}",
                     style="dim")
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-stats", Static).update(self._stats(a))
        self.history = message.history
        self.query_one("#detail-plot", Plot).update(history_spec(a, message.history, self.app))
        self.query_one("#detail-message", Static).update(Text(a["message"] or ""))

    def _stats(self, a: dict) -> Table:
        unit = a["unit"]
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(no_wrap=False)

        def row(label: str, value) -> None:
            table.add_row(label, value if isinstance(value, Text) else Text(str(value)))

        row("value", Text(value_or_dash(a["current_value"], unit), style="bold"))
        row("expected", value_or_dash(a["expected_value"], unit))
        row("deviation", format_percent(a["deviation_percent"]))
        row("first seen", short_time(a["triggered_at"]))
        row("last seen", short_time(a["last_seen_at"]))
        row("occurrences", a["occurrences"])
        base = (a.get("context") or {}).get("baseline")
        if base:
            row("", Text("baseline", style="bold"))
            row("median", value_or_dash(base.get("median"), unit))
            row("p5 – p95", f"{value_or_dash(base.get('p5'), unit)} – "
                            f"{value_or_dash(base.get('p95'), unit)}")
            row("spread", value_or_dash(base.get("spread"), unit))
            row("sample", f"{base.get('sample_size', '—')} runs, confidence "
                          f"{base.get('confidence', 0):.0%}")
        else:
            row("baseline", "— (threshold alert or too few runs)")
        if a["acknowledged_at"]:
            row("", Text("triage", style="bold"))
            row("acked by", f"{a['acknowledged_by'] or '—'} {short_time(a['acknowledged_at'])}")
        if a["resolution_notes"]:
            row("notes", Text(a["resolution_notes"], style="italic"))
        if a["resolved_at"]:
            row("resolved", short_time(a["resolved_at"]))
        return table
