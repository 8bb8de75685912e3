"""Edit a metric's target, warning and error lines, with validation as you type.

Each field must be a number (or empty to clear the line); the lines must lie in the metric's
bad direction in order (target, warning, error). Simple mistakes show at once under the
fields; on enter the edit goes to `perftui.core.targets.set_target` in a worker, and if the
core refuses it the message appears inline, the dialog stays open and the store is unchanged.
Escape cancels.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from perftui.tui.dialogs.catalog_form import CatalogForm

FIELDS = ("target", "warning", "error")


def number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def parse_field(name: str, text: str) -> float | None:
    """'' -> None; a finite number -> float; otherwise ValueError naming the field."""
    text = text.strip()
    if text.lower() in ("", "none", "-"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {text!r}")
    return value


def check_lines(direction: str, values: dict[str, float | None]) -> str | None:
    """The first ordering problem, as the message to show, or None."""
    present = [(n, values[n]) for n in FIELDS if values.get(n) is not None]
    for (n1, v1), (n2, v2) in zip(present, present[1:]):
        if (v2 < v1) if direction == "lower" else (v2 > v1):
            side = "below" if direction == "lower" else "above"
            return (f"{n2} ({v2:g}) must not be {side} {n1} ({v1:g}): {direction} is better, "
                    f"so lines go {'up' if direction == 'lower' else 'down'} from the target")
    return None


class EditTarget(CatalogForm):
    PROBLEM_ID = "edit-problem"

    def __init__(self, metric: dict):
        super().__init__()
        self.metric = metric

    def compose(self) -> ComposeResult:
        m = self.metric
        better = "lower" if m["direction"] == "lower" else "higher"
        with Vertical(classes="dialog", id="edit-dialog"):
            yield Static(Text.assemble((f"{m['metric_id']} {m['name']}", "bold"),
                                       (f"  {m['unit'] or 'no unit'}, {better} is better",
                                        "dim")))
            for name in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(f"{name:>8}")
                    yield Input(number_text(m[name]), id=f"edit-{name}",
                                placeholder="empty clears the line")
            with Horizontal(classes="field"):
                yield Label(f"{'reason':>8}")
                yield Input(id="edit-reason", placeholder="why (kept in the audit trail)")
            yield Static("", id="edit-problem")
            yield Static(Text("enter saves · tab moves · escape cancels", style="dim"),
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#edit-dialog").border_title = "Edit target lines"
        self.query_one("#edit-target", Input).focus()

    def values(self) -> dict[str, float | None]:
        return {n: parse_field(n, self.query_one(f"#edit-{n}", Input).value) for n in FIELDS}

    def problem(self) -> str | None:
        try:
            values = self.values()
        except ValueError as exc:
            return str(exc)
        return check_lines(self.metric["direction"], values)


    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "edit-reason":
            self.show_error(self.problem())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.problem()
        if problem:
            self.show_error(problem)
            return
        changes = {n: self.query_one(f"#edit-{n}", Input).value for n in FIELDS}
        reason = self.query_one("#edit-reason", Input).value.strip() or None
        self.save(self.metric["metric_id"], changes, reason)

    @work(thread=True, exclusive=True, group="edit-target")
    def save(self, metric: str, changes: dict, reason: str | None) -> None:
        self.write(lambda: self.app.source.set_target(metric, reason=reason, **changes))

