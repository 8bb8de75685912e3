"""An alert's profile in the alert details (p): the functions whose share of the call grew most
since the baseline profile (the function where the time went first, see
`perftui.core.profiles.diff`), then the top functions by cumulative time; or one line saying
there is no profile yet, or that it cannot be read.

A Static that renders a rich table sized to its own width: function names are cut in the
middle, numbers never. `mode`, `diff_rows` and `top_rows` say what is shown (for the tests)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from perftui.fmt import middle
from perftui.tui.format import short_time


def _number(value: float) -> str:
    from perftui.fmt import format_number

    return format_number(round(value, 3))


class ProfileTable(Static):
    """The profile section of the alert details."""

    def __init__(self, **kwargs):
        super().__init__("Loading the profile…", **kwargs)
        self.view: dict | None = None
        self.mode = "loading"
        self.diff_rows: list[dict] = []
        self.top_rows: list[dict] = []

    def show(self, view: dict) -> None:
        from perftui.core.profiles import grew

        self.view = view
        if "missing" in view:
            self.mode, self.diff_rows, self.top_rows = "missing", [], []
        elif "damaged" in view:
            self.mode, self.diff_rows, self.top_rows = "damaged", [], []
        else:
            self.mode = "diff" if view.get("diff") is not None else "top"
            self.diff_rows = grew(view["diff"]) if view.get("diff") is not None else []
            self.top_rows = view["top"]
        self.update(self._content())

    def on_resize(self) -> None:
        if self.view is not None:
            self.update(self._content())

    def _content(self):
        view = self.view or {}
        if self.mode == "missing":
            why = view["missing"].split(": ", 1)[-1]
            return Text.assemble(("No profile yet. ", "bold"), why[:1].upper() + why[1:] + ".")
        if self.mode == "damaged":
            return Text(view["damaged"], style="bold red")
        width = max(self.size.width or 78, 40)
        reg = view["regression"]
        parts = [Text.assemble(
            ("operation ", "dim"), (reg["operation"], "bold"),
            ("  taken ", "dim"), short_time(reg["captured_at"]),
            ("  ", ""), f"{_number(reg['duration_ms'])}ms", (" under the profiler", "dim"))]
        if self.mode == "diff":
            base = view["baseline"]
            parts.append(Text.assemble(
                ("grew most since the baseline of ", "bold"), (short_time(base["captured_at"]),
                                                                "bold"),
                (f" ({_number(base['duration_ms'])}ms)", "dim")))
            if self.diff_rows:
                parts.append(self._diff_table(width))
            else:
                parts.append(Text("  no function's share grew: spread as in the baseline",
                                  style="dim"))
        elif view.get("baseline_error"):
            parts.append(Text(f"the baseline {view['baseline_error']}: top functions only",
                              style="dim"))
        else:
            parts.append(Text("no baseline profile from before the alert: top functions only",
                              style="dim"))
        parts.append(Text("top functions by cumulative time", style="bold"))
        parts.append(self._top_table(width))
        return Group(*parts)

    def _table(self, width: int, headers: list[str], rows: list[list[str]],
               styles: list[str | None]) -> Table:
        numbers = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)
                   if i > 0]
        name_width = max(12, width - sum(numbers) - 2 * len(numbers))
        table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="dim",
                      show_edge=False)
        table.add_column(headers[0], no_wrap=True, width=name_width, overflow="ellipsis")
        for h in headers[1:]:
            table.add_column(h, justify="right", no_wrap=True)
        for r, style in zip(rows, styles):
            table.add_row(Text(middle(r[0], name_width), style=style or ""), *r[1:])
        return table

    def _diff_table(self, width: int) -> Table:
        from perftui.core.profiles import DIFF_HEADERS, diff_cells

        rows = [diff_cells(r) for r in self.diff_rows]
        styles = ["dim" if r["carried_by"] else "bold" for r in self.diff_rows]
        return self._table(width, list(DIFF_HEADERS), rows, styles)

    def _top_table(self, width: int) -> Table:
        rows = [[r["label"], str(r["calls"]), _number(r["own_ms"]), _number(r["cum_ms"]),
                 f"{r['share']:.1f}%"] for r in self.top_rows]
        return self._table(width, ["function", "calls", "own ms", "cum ms", "share"], rows,
                           [None] * len(rows))
