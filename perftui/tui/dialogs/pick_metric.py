"""Pick a metric: type to filter, arrows or j/k to move, enter to choose, escape to cancel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from perftui.tui.css import tcss


class PickMetric(ModalScreen[str | None]):
    CSS_PATH = tcss("dialogs")
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, metrics: list[dict], current: str | None):
        super().__init__()
        self.metrics = metrics
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pick-metric"):
            yield Input(placeholder="filter metrics…", id="pick-filter")
            yield OptionList(id="pick-list")

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = "Chart which metric?"
        self._fill("")
        self.query_one("#pick-filter", Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        needle = text.lower().strip()
        chosen = 0
        for m in self.metrics:
            label = f"{m['metric_id']:<10} {m['name']}"
            if needle and needle not in label.lower() and needle not in (m.get("key") or ""):
                continue
            if m["metric_id"] == self.current:
                chosen = options.option_count
            options.add_option(Option(label, id=m["metric_id"]))
        if options.option_count:
            options.highlighted = chosen

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
