"""Triage actions shared by the alerts table and the alert details: acknowledge (one or all
visible) and accept as new baseline. Each asks for notes in a dialog, writes through a thread
worker (`perftui.core.alerts` via the source) and answers with a past-tense message."""

from __future__ import annotations

from rich.text import Text
from textual import work

from perftui.tui.dialogs.notes import NotesDialog
from perftui.tui.format import format_value
from perftui.tui.messages import AlertAcknowledged, BaselineAccepted
from perftui.tui.screens.base import FAILED


def alert_label(alert: dict) -> str:
    return (f"#{alert['id']} {alert['metric_id']} {alert['alert_type']} ({alert['severity']}): "
            f"{format_value(alert['current_value'], alert['unit'])}")


class AlertActions:
    """Mixin for a DataScreen that knows its selected alert (`selected_alert()`)."""

    def selected_alert(self) -> dict | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _writable(self, what: str) -> bool:
        if self.app.source.read_only:
            self.notify(f"The store is open read-only: {what} is not available.",
                        title="Read-only", severity="warning")
            return False
        return True

    def action_acknowledge(self) -> None:
        alert = self.selected_alert()
        if alert is None or not self._writable("acknowledging"):
            return
        if alert["status"] == "resolved":
            self.notify(f"Alert #{alert['id']} is already resolved.", severity="warning")
            return
        verb = "Re-acknowledge" if alert["status"] == "acknowledged" else "Acknowledge"
        description = Text.assemble((f"{verb} ", "bold"), alert_label(alert), "\n",
                                    ("Who looked at it and why: the note is kept with the alert.",
                                     "dim"))

        def done(notes: str | None) -> None:
            if notes is not None:
                self.write_acknowledge([alert["id"]], notes)

        self.app.push_screen(NotesDialog("Acknowledge alert", description, id="ack-dialog"),
                             done)

    def acknowledge_ids(self, ids: list[int], what: str) -> None:
        if not ids:
            self.notify("No unacknowledged alerts in view.", severity="warning")
            return
        description = Text.assemble(("Acknowledge ", "bold"), what, "\n",
                                    ("One note for all of them.", "dim"))

        def done(notes: str | None) -> None:
            if notes is not None:
                self.write_acknowledge(ids, notes)

        self.app.push_screen(NotesDialog("Acknowledge all visible", description,
                                         id="ack-all-dialog"), done)

    def action_accept_baseline(self) -> None:
        alert = self.selected_alert()
        if alert is None or not self._writable("accepting a new baseline"):
            return
        if alert["status"] == "resolved":
            self.notify(f"Alert #{alert['id']} is already resolved.", severity="warning")
            return
        if alert["alert_type"] == "threshold":
            self.notify("A threshold alert compares with the target line, not the baseline: "
                        "edit the target on the Targets screen (4) instead.",
                        title="Not a baseline alert", severity="warning", timeout=8)
            return
        description = Text.assemble(
            ("Accept as new baseline: ", "bold"), alert_label(alert), "\n",
            ("For an intended change: runs before it leave the baseline and the metric's "
             "statistical alerts in this scope resolve.", "dim"))

        def done(notes: str | None) -> None:
            if notes is not None:
                self.write_accept(alert["id"], notes)

        self.app.push_screen(NotesDialog("Accept as new baseline", description,
                                         id="accept-dialog"), done)

    @work(thread=True, exclusive=True, group="alert-write")
    def write_acknowledge(self, ids: list[int], notes: str) -> None:
        result = self.call_source(self.source.acknowledge, ids, notes or None, write=True)
        if result is not FAILED:
            self.post_message(AlertAcknowledged(result))

    @work(thread=True, exclusive=True, group="alert-write")
    def write_accept(self, alert_id: int, notes: str) -> None:
        result = self.call_source(self.source.accept_baseline, alert_id, notes or None,
                                  write=True)
        if result is not FAILED:
            self.post_message(BaselineAccepted(alert_id, result))

    def on_alert_acknowledged(self, message: AlertAcknowledged) -> None:
        n = len(message.alerts)
        self.notify(f"Acknowledged {alert_label(message.alerts[0])}" if n == 1
                    else f"Acknowledged {n} alerts", title="Acknowledged")
        self.app.data_changed()

    def on_baseline_accepted(self, message: BaselineAccepted) -> None:
        n = len(message.resolved)
        self.notify(f"New baseline accepted; {n} alert{'s' if n != 1 else ''} resolved.",
                    title="Baseline accepted")
        self.app.data_changed()
