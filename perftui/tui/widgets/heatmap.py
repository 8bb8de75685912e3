"""The hour-of-day x day-of-week map: two lines per weekday, a shade per hour and below it the
number of runs behind it; an hour with no run is blank on both lines (never a 0).

             0  1  2  3 …
    Mon    ░░░▒▒▒   ███ …
             4  3     2 …

Shades run from ░ (the best hour of this map) to █ (the worst), direction-aware, so the map
reads the same under NO_COLOR; colour repeats them. A cursor (arrow keys or h j k l) picks a
cell, and the line under the map gives its exact mean and run count.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from perftui.tui.format import format_value

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHADES = ("░", "▒", "▓", "█")
SHADE_COLOURS = ("success", "accent", "warning", "error")
CELL = 3
LABEL = 5


def count_text(runs: int) -> str:
    """A run count in a 3-cell column: '4', '128', '12k', '.2M', '3M' (rounded down; the
    line under the map gives a cell's exact count)."""
    if runs < 1000:
        return str(runs)
    if runs < 100_000:
        return f"{runs // 1000}k"
    if runs < 1_000_000:
        return f".{runs // 100_000}M"
    return f"{min(runs // 1_000_000, 99)}M"


def heatmap_text(data: dict, cursor: tuple[int, int] | None = None, app=None) -> Text:
    """The map's header, 7 x 2 lines and the shade legend."""
    variables = app.theme_variables if app is not None else {}
    out = Text(" " * LABEL + "".join(f"{h:>{CELL}}" for h in range(24)) + "\n", style="dim")
    for day, name in enumerate(WEEKDAYS):
        shades, counts = Text(f"{name:<{LABEL}}"), Text(" " * LABEL)
        for hour in range(24):
            cell, level = data["cells"][day][hour], data["levels"][day][hour]
            chosen = cursor == (day, hour)
            mark = " reverse" if chosen else ""
            if cell is None:
                shades.append(" " * CELL, style="reverse" if chosen else None)
                counts.append(" " * CELL, style="reverse" if chosen else None)
                continue
            colour = variables.get(SHADE_COLOURS[level], "")
            shades.append(SHADES[level] * CELL, style=(colour + mark).strip() or None)
            counts.append(f"{count_text(cell['runs']):>{CELL}}",
                          style=("bold" + mark) if chosen else "dim")
        out.append_text(shades)
        out.append("\n")
        out.append_text(counts)
        out.append("\n")
    out.rstrip()
    return out


def cell_text(data: dict, cursor: tuple[int, int]) -> str:
    """'Tue 14:00-15:00: mean 612ms over 4 runs' for the cell under the cursor."""
    day, hour = cursor
    cell = data["cells"][day][hour]
    when = f"{WEEKDAYS[day]} {hour:02d}:00-{(hour + 1) % 24:02d}:00"
    if cell is None:
        return f"{when}: no run"
    runs = cell["runs"]
    value = format_value(cell["mean"], data["metric"]["unit"])
    return f"{when}: mean {value} over {runs:,} run{'s' if runs != 1 else ''}"


def legend_text(data: dict) -> str:
    """What the shades mean in this map: '░ best 400ms … █ worst 800ms'."""
    unit = data["metric"]["unit"]
    if data["worst"] is None:
        return ""
    return (f"{SHADES[0]} best {format_value(data['best'], unit)}  {SHADES[1]} {SHADES[2]}  "
            f"{SHADES[3]} worst {format_value(data['worst'], unit)} · under each: runs")


def worst_cell(data: dict) -> tuple[int, int] | None:
    """(weekday, hour) of the cell with the worst mean (the earliest of equals), or None."""
    sign = -1.0 if data["metric"]["direction"] == "higher" else 1.0
    found = [(sign * cell["mean"], -day, -hour) for day, row in enumerate(data["cells"])
             for hour, cell in enumerate(row) if cell is not None]
    if not found:
        return None
    _mean, day, hour = max(found)
    return -day, -hour


class HeatMap(Widget, can_focus=True):
    """The map of `perftui.core.heatmap.heatmap`, with a cell cursor."""

    DEFAULT_CSS = """
    HeatMap { height: 15; width: 78; }
    """
    BINDINGS = [
        Binding("left,h", "move(0, -1)", "Left", show=False, id="heatmap.left"),
        Binding("right,l", "move(0, 1)", "Right", show=False, id="heatmap.right"),
        Binding("up,k", "move(-1, 0)", "Up", show=False, id="heatmap.up"),
        Binding("down,j", "move(1, 0)", "Down", show=False, id="heatmap.down"),
    ]

    class Moved(Message):
        def __init__(self, cursor: tuple[int, int]):
            super().__init__()
            self.cursor = cursor

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.data: dict | None = None
        self.cursor: tuple[int, int] = (0, 0)

    def show(self, data: dict) -> None:
        first = self.data is None
        self.data = data
        if first or data["cells"][self.cursor[0]][self.cursor[1]] is None:
            self.cursor = worst_cell(data) or self.cursor   # where a person looks first
        self.refresh()
        self.post_message(self.Moved(self.cursor))

    def action_move(self, days: int, hours: int) -> None:
        self.cursor = ((self.cursor[0] + days) % 7, (self.cursor[1] + hours) % 24)
        self.refresh()
        self.post_message(self.Moved(self.cursor))

    def render(self) -> Text:
        if self.data is None:
            return Text("")
        return heatmap_text(self.data, self.cursor if self.has_focus else None, self.app)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
