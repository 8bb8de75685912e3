"""Prune from the palette: shows what the retention policy would fold and delete (a dry run),
then applies it on enter (`perftui.core.retention.prune`, one transaction); escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from perftui.tui.css import tcss
from perftui.tui.messages import PruneDone
from perftui.tui.screens.base import describe_failure


def confirm_prune(app) -> None:
    if app.source.read_only:
        app.notify("The store is open read-only: pruning is not available.", title="Read-only",
                   severity="warning")
        return
    app.push_screen(PruneDialog())


def plan_text(plan: dict) -> Text:
    policy = plan["policy"]
    text = Text()
    text.append("Retention policy: ", style="bold")
    text.append(f"raw runs {policy['raw_days']} days, then daily aggregates "
                f"{policy['aggregate_days']} days; cold starts {policy['cold_start_days']} "
                "days.\n\n")
    text.append(f"{plan['raw_snapshots']:,} runs older than {plan['raw_cutoff'][:10]} fold into "
                f"{plan['daily_groups']:,} daily aggregates\n")
    text.append(f"{plan['cold_start_snapshots']:,} older cold starts are dropped\n")
    text.append(f"{plan['expired_aggregates']:,} aggregates older than "
                f"{plan['aggregate_cutoff_day']} expire\n")
    text.append("Alerts are kept.", style="dim")
    return text


class PruneDialog(ModalScreen[None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
                Binding("enter", "confirm", "Prune", id="prune.confirm")]

    def __init__(self):
        super().__init__()
        self.plan: dict | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prune-dialog"):
            yield Static("Working out what a prune would do…", id="prune-plan")
            yield Static(Text("enter prunes · escape cancels", style="dim"),
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#prune-dialog").border_title = "Prune old data"
        self.load_plan()

    @work(thread=True, exclusive=True, group="prune")
    def load_plan(self) -> None:
        try:
            plan = self.app.source.retention_plan()
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show_plan, plan)

    def _show_plan(self, plan: dict) -> None:
        self.plan = plan
        self.query_one("#prune-plan", Static).update(plan_text(plan))

    def _failed(self, exc: Exception) -> None:
        _, text, _ = describe_failure(exc)
        self.busy = False
        self.query_one("#prune-plan", Static).update(Text(text, style="bold"))

    def action_confirm(self) -> None:
        if self.plan is None or self.busy:
            return
        self.busy = True
        self.query_one("#prune-plan", Static).update("Pruning…")
        self.run_prune()

    @work(thread=True, exclusive=True, group="prune")
    def run_prune(self) -> None:
        try:
            result = self.app.source.prune()
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._failed, exc)
            return
        self.post_message(PruneDone(result))

    def on_prune_done(self, message: PruneDone) -> None:
        deleted = message.result["deleted"]
        self.app.notify(f"Pruned: {deleted['snapshots']:,} runs removed, "
                        f"{message.result['aggregated']:,} daily aggregates written, "
                        f"{deleted['aggregates']:,} expired.", title="Prune")
        self.dismiss(None)
        self.app.data_changed()
