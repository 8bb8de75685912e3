"""Add a metric to the catalog: id, name, unit, direction and optional lines.

Validated by `perftui.core.targets.add_metric` (slug id, numbers, line order, no duplicate);
a refusal shows inline and nothing is written. Enter saves, escape cancels.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from perftui.tui.dialogs.catalog_form import CatalogForm
from perftui.tui.dialogs.edit_target import FIELDS, check_lines, parse_field


class AddMetric(CatalogForm):
    PROBLEM_ID = "add-problem"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compact-form", id="add-dialog"):
            for name, placeholder in (("id", "short slug, e.g. API-004"),
                                      ("name", "what it measures"),
                                      ("unit", "ms, MB, count, ratio, tokens…")):
                with Horizontal(classes="field"):
                    yield Label(f"{name:>9}")
                    yield Input(id=f"add-{name}", placeholder=placeholder, compact=True)
            with Horizontal(classes="field"):
                yield Label(f"{'better':>9}")
                yield Select([("lower is better", "lower"), ("higher is better", "higher")],
                             value="lower", allow_blank=False, id="add-direction", compact=True)
            for name in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(f"{name:>9}")
                    yield Input(id=f"add-{name}", placeholder="optional number", compact=True)
            yield Static("", id="add-problem")
            yield Static(Text("enter saves · tab moves · escape cancels", style="dim"),
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#add-dialog").border_title = "Add a metric"
        self.query_one("#add-id", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#add-{name}", Input).value.strip()

    def entry(self) -> dict:
        direction = self.query_one("#add-direction", Select).value
        entry = {"id": self._value("id"), "name": self._value("name") or self._value("id"),
                 "unit": self._value("unit"), "direction": direction,
                 "source": "added in the TUI"}
        for name in FIELDS:
            entry[name] = parse_field(name, self._value(name))
        problem = check_lines(direction, entry)
        if problem:
            raise ValueError(problem)
        return entry


    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in {f"add-{n}" for n in FIELDS}:
            try:
                self.entry()
            except ValueError as exc:
                self.show_error(str(exc))
            else:
                self.show_error(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._value("id"):
            self.show_error("id is required (a short slug such as API-004)")
            return
        try:
            entry = self.entry()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.save(entry)

    @work(thread=True, exclusive=True, group="add-metric")
    def save(self, entry: dict) -> None:
        self.write(lambda: self.app.source.add_metric(entry), "added")

