"""The help screen (?): every key, per screen, from the bindings themselves, so it cannot drift
from what the keys do; plus how live refresh and read-only mode behave."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from perftui.tui.css import tcss

GENERAL = (
    ("1 2 3 4", "status, trends, alerts, targets"),
    ("?", "this help"),
    ("q", "quit"),
    ("ctrl+p", "command palette: scope, screens, metrics, themes, export, prune"),
    ("ctrl+r", "reload from the store"),
    ("↑ ↓ j k", "move in tables and between cards"),
    ("enter", "open details (a card's trend, an alert, edit a target)"),
    ("tab", "next field in a dialog; escape cancels a dialog"),
)

NOTES = (
    "Live refresh: the screens reload by themselves within about two seconds when another "
    "process records a run or changes the store (acknowledges, edits). Nothing repaints "
    "while nothing changes.\n"
    "Read-only (--read-only): the store is opened without writing; acknowledging, accepting "
    "baselines and editing targets say so instead.\n"
    "NO_COLOR is honoured: severities are also written out (ok, warn, error, CRIT)."
)


KEY_NAMES = {"right_square_bracket": "]", "left_square_bracket": "[", "question_mark": "?"}


def _keys(bindings) -> list[tuple[str, str]]:
    """(key, what it does) for the bindings a person uses (those with a tooltip)."""
    rows = []
    for b in bindings:
        if not isinstance(b, Binding) or not b.tooltip:
            continue
        key = ", ".join(KEY_NAMES.get(k, k) for k in b.key.split(","))
        rows.append((key, b.tooltip))
    return rows


def help_table() -> Table:
    from perftui.tui.screens.alert_detail import AlertDetailScreen
    from perftui.tui.screens.alerts import AlertsScreen
    from perftui.tui.screens.bars import BarsScreen
    from perftui.tui.screens.heatmap import HeatmapScreen
    from perftui.tui.screens.status import StatusScreen
    from perftui.tui.screens.targets import TargetsScreen
    from perftui.tui.screens.trends import TrendsScreen

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=9)
    table.add_column()
    sections = (("Everywhere", GENERAL),
                ("1 Status", [("arrows, hjkl", "move between metric cards"),
                              ("enter", "open the trend of the selected metric")]
                 + _keys(StatusScreen.BINDINGS)),
                ("  vs target", _keys(BarsScreen.BINDINGS)),
                ("  when slow", _keys(HeatmapScreen.BINDINGS)),
                ("2 Trends", _keys(TrendsScreen.BINDINGS) + [("[ ]", "previous / next metric")]),
                ("3 Alerts", _keys(AlertsScreen.BINDINGS) + [("enter", "details of the alert")]),
                ("  details", _keys(AlertDetailScreen.BINDINGS)),
                ("4 Targets", [("e, enter", "edit the target, warning and error lines")]
                 + _keys(TargetsScreen.BINDINGS)[1:]))
    for title, rows in sections:
        table.add_row(Text(title, style="bold underline"), "")
        for key, text in rows:
            table.add_row(key, text)
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(help_table())
            yield Static(Text(NOTES, style="dim"))

    def on_mount(self) -> None:
        box = self.query_one("#help")
        box.border_title = "perftui keys"
        box.border_subtitle = "escape closes"
        box.focus()
