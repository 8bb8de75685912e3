"""Screen 3, Alerts: triage.

A table of alerts (severity, metric, value, expected, deviation, when, occurrences, status)
filtered by minimum severity (s) and status (f), or unacknowledged only (u); a preview of the
highlighted alert under it; enter opens its details. a acknowledges it with a note, A every
visible one, b accepts its level as the new baseline.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from perftui.severity import at_least
from perftui.tui.css import tcss
from perftui.tui.format import (SEVERITY_LABEL, format_percent, severity_text, value_or_dash,
                                when_text)
from perftui.tui.messages import AlertsLoaded
from perftui.tui.screens.alert_actions import AlertActions
from perftui.tui.screens.base import FAILED, DataScreen
from perftui.tui.widgets.cards import SHORT_UNITS
from perftui.tui.widgets.tables import KeyTable

SEVERITY_FILTERS = (None, *at_least("warning"))  # None: any
STATUS_FILTERS = ("open", "acknowledged", "resolved", "all")
STATUS_SHORT = {"open": "open", "acknowledged": "acked", "resolved": "resolved"}


class AlertsScreen(AlertActions, DataScreen):
    CSS_PATH = tcss("alerts")
    MODE = "alerts"
    BINDINGS = [
        Binding("a", "acknowledge", "Ack", tooltip="Acknowledge the selected alert with a note",
                id="alerts.acknowledge"),
        Binding("A", "acknowledge_all", "Ack all", tooltip="Acknowledge every visible alert",
                show=False, id="alerts.acknowledge_all"),
        Binding("b", "accept_baseline", "Accept", tooltip="Accept as the new baseline",
                id="alerts.accept"),
        Binding("u", "toggle_unacknowledged", "Unacked",
                tooltip="Show only unacknowledged alerts (toggle)", id="alerts.unacknowledged"),
        Binding("s", "cycle_severity", "Severity", tooltip="Minimum severity: any, warning, "
                "error, critical", id="alerts.severity"),
        Binding("f", "cycle_status", "Status", tooltip="Status: open, acknowledged, resolved, "
                "all", id="alerts.status"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.severity: str | None = None
        self.status = "open"
        self.unacknowledged = False
        self.alerts: list[dict] = []
        self.now = None

    def compose(self) -> ComposeResult:
        yield from self.compose_navbar()
        yield Static("", id="alert-filters")
        yield KeyTable(id="alerts-table")
        yield Static("", id="alert-preview")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#alerts-table", KeyTable)
        for label, key, width in (("sev", "sev", 5), ("metric", "metric", 9),
                                  ("value", "value", 8), ("expected", "expected", 8),
                                  ("dev", "dev", 8), ("when", "when", 12), ("occ", "occ", 4),
                                  ("status", "status", 8)):
            table.add_column(label, key=key, width=width)
        self._show_filters()
        table.focus()
        self.reload()

    def reload(self) -> None:
        super().reload()
        self.load_alerts(*self.scope_args(), self.severity, self.status, self.unacknowledged)

    @work(thread=True, exclusive=True, group="alerts")
    def load_alerts(self, app_name, environment, severity, status, unacknowledged) -> None:
        if app_name is None:
            app_name, environment = self.app.resolved_scope()
        alerts = self.call_source(self.source.alerts, app_name, environment, severity, status,
                                  unacknowledged)
        if alerts is not FAILED:
            self.now = self.source.now()
            self.post_message(AlertsLoaded(alerts, (severity, status, unacknowledged)))

    def on_alerts_loaded(self, message: AlertsLoaded) -> None:
        if message.key != (self.severity, self.status, self.unacknowledged):
            return  # an answer to filters that have changed since
        table = self.query_one("#alerts-table", KeyTable)
        selected = self.selected_alert()
        self.alerts = message.alerts
        table.clear()
        for a in self.alerts:
            unit = a["unit"] if a["unit"] in SHORT_UNITS else ""
            status = STATUS_SHORT.get(a["status"], a["status"])
            table.add_row(severity_text(self.app, a["severity"]), a["metric_id"],
                          value_or_dash(a["current_value"], unit),
                          value_or_dash(a["expected_value"], unit),
                          format_percent(a["deviation_percent"]),
                          when_text(a["last_seen_at"], self.now), str(a["occurrences"]),
                          Text(status, style="bold" if a["status"] == "open" else "dim"),
                          key=str(a["id"]))
        if selected is not None and str(selected["id"]) in {str(a["id"]) for a in self.alerts}:
            table.move_cursor(row=table.get_row_index(str(selected["id"])), animate=False)
        self._show_filters()
        self._show_preview()

    # -- selection and preview ------------------------------------------------------------------
    def selected_alert(self) -> dict | None:
        table = self.query_one("#alerts-table", KeyTable)
        if not self.alerts or table.cursor_row is None or table.row_count == 0:
            return None
        row = min(table.cursor_row, len(self.alerts) - 1)
        return self.alerts[row] if row >= 0 else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_preview()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        alert = self.selected_alert()
        if alert is not None:
            from perftui.tui.screens.alert_detail import AlertDetailScreen

            self.app.push_screen(AlertDetailScreen(alert["id"]))

    def _show_filters(self) -> None:
        text = Text(" ")
        text.append("severity ", style="dim")
        text.append(f"{self.severity}+" if self.severity else "any", style="bold")
        text.append("  status ", style="dim")
        text.append(self.status, style="bold")
        text.append("  unacknowledged only ", style="dim")
        text.append("on" if self.unacknowledged else "off", style="bold")
        text.append(f"   {len(self.alerts)} alert{'s' if len(self.alerts) != 1 else ''}",
                    style="dim")
        self.query_one("#alert-filters", Static).update(text)

    def _show_preview(self) -> None:
        alert = self.selected_alert()
        preview = self.query_one("#alert-preview", Static)
        if alert is None:
            preview.update(Text("No alerts match these filters.", style="dim"))
            return
        text = Text()
        text.append(f"#{alert['id']} ", style="bold")
        text.append(f"{SEVERITY_LABEL[alert['severity']]} {alert['alert_type']} · ")
        text.append(alert["metric_name"], style="bold")
        text.append(f" · {alert['app']}/{alert['environment']}\n", style="dim")
        text.append(alert["message"] or "")
        if alert["acknowledged_at"]:
            text.append(f"\nacknowledged by {alert['acknowledged_by'] or '—'}", style="dim")
            if alert["resolution_notes"]:
                text.append(f": {alert['resolution_notes']}", style="dim italic")
        preview.update(text)

    # -- filters --------------------------------------------------------------------------------
    def action_toggle_unacknowledged(self) -> None:
        self.unacknowledged = not self.unacknowledged
        self._show_filters()
        self.reload()

    def action_cycle_severity(self) -> None:
        index = SEVERITY_FILTERS.index(self.severity)
        self.severity = SEVERITY_FILTERS[(index + 1) % len(SEVERITY_FILTERS)]
        self._show_filters()
        self.reload()

    def action_cycle_status(self) -> None:
        index = STATUS_FILTERS.index(self.status)
        self.status = STATUS_FILTERS[(index + 1) % len(STATUS_FILTERS)]
        self._show_filters()
        self.reload()

    def action_acknowledge_all(self) -> None:
        if not self._writable("acknowledging"):
            return
        ids = [a["id"] for a in self.alerts if a["status"] == "open"]
        self.acknowledge_ids(ids, f"{len(ids)} visible open alert{'s' if len(ids) != 1 else ''}"
                                  f" ({self.status}, severity "
                                  f"{self.severity + '+' if self.severity else 'any'})")
