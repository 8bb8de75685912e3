"""`Plot`: the one widget that draws charts, a thin wrapper around plotext 5.3.2.

Describe a chart as a `PlotSpec` (plain data: series, horizontal lines, a band, tick labels)
and hand it to `Plot.update()`. The widget renders it with plotext only when the spec or its
own size changed, so an idle chart costs nothing. plotext is imported on the first draw (never
at start-up) and is global state: the figure is cleared before every build. With NO_COLOR the
chart is drawn without colours; markers (braille line, `•` cold starts, `x` alerts, `·` band,
`─` median, `╌` target, `┄` warning, `━` error) still tell the series apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich.text import Text
from textual.widget import Widget

Color = tuple[int, int, int] | str | None


@dataclass(frozen=True)
class Series:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    kind: str = "line"          # "line" or "scatter"
    marker: str = "braille"
    color: Color = None


@dataclass(frozen=True)
class HLine:
    y: float
    color: Color = None
    marker: str = "─"


@dataclass(frozen=True)
class PlotSpec:
    series: tuple[Series, ...] = ()
    lines: tuple[HLine, ...] = ()
    band: tuple[float, float] | None = None
    band_color: Color = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    xticks: tuple[tuple[float, ...], tuple[str, ...]] | None = None
    yticks: tuple[tuple[float, ...], tuple[str, ...]] | None = None
    empty_message: str = "no data"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def empty(self) -> bool:
        return not any(s.xs for s in self.series)


def hex_to_rgb(color: str | None) -> tuple[int, int, int] | None:
    """'#1e90ff' -> (30, 144, 255); None for anything else."""
    if not color or not isinstance(color, str) or not color.startswith("#") or len(color) < 7:
        return None
    try:
        return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
    except ValueError:
        return None


def build_chart(spec: PlotSpec, width: int, height: int, color: bool = True) -> str:
    """The chart as a string with ANSI colours (plotext.build())."""
    import plotext as plt

    plt.clear_figure()
    plt.limit_size(False, False)
    plt.plotsize(max(10, width), max(4, height))
    plt.theme("clear")
    plt.xaxes(True, False)  # bottom and left axes only: a lighter frame
    plt.yaxes(True, False)

    def c(value: Color):
        return value if color and value is not None else None

    x0, x1 = spec.xlim or _extent([x for s in spec.series for x in s.xs])
    if spec.band is not None and x1 > x0:
        plt.rectangle([x0, x1], list(spec.band), fill=True, marker="·", color=c(spec.band_color))
    for line in spec.lines:  # as line series, so the band's fill does not hide them
        plt.plot([x0, x1], [line.y, line.y], marker=line.marker, color=c(line.color))
    for s in spec.series:
        if not s.xs:
            continue
        draw = plt.plot if s.kind == "line" else plt.scatter
        draw(list(s.xs), list(s.ys), marker=s.marker, color=c(s.color))
    if spec.xlim:
        plt.xlim(*spec.xlim)
    if spec.ylim:
        plt.ylim(*spec.ylim)
    if spec.xticks:
        plt.xticks(list(spec.xticks[0]), list(spec.xticks[1]))
    if spec.yticks:
        plt.yticks(list(spec.yticks[0]), list(spec.yticks[1]))
    return plt.build()


def _extent(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    return (lo, hi) if hi > lo else (lo - 1, hi + 1)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick positions covering [lo, hi] (1, 2, 2.5, 5 x 10^k steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9 and len(ticks) < 12:
        ticks.append(round(value, 12))
        value += step
    return ticks


class Plot(Widget):
    """A plotext chart that redraws only when its spec or size changes."""

    DEFAULT_CSS = """
    Plot { height: 1fr; min-height: 6; }
    """

    def __init__(self, spec: PlotSpec | None = None, *, name: str | None = None,
                 id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        self._spec = spec or PlotSpec()
        self._cache: tuple | None = None
        self.builds = 0  # how many times plotext ran (tests check idle screens do not redraw)

    @property
    def spec(self) -> PlotSpec:
        return self._spec

    def update(self, spec: PlotSpec) -> None:
        if spec != self._spec:
            self._spec = spec
            self.refresh()

    def render(self) -> Text:
        width, height = self.content_size
        if self._spec.empty:
            return Text(self._spec.empty_message, style="dim", justify="center")
        if width < 12 or height < 4:
            return Text("(too small for a chart)", style="dim")
        color = not self.app.no_color
        key = (self._spec, width, height, color)
        if self._cache is None or self._cache[0] != key:
            self.builds += 1
            text = Text.from_ansi(build_chart(self._spec, width, height, color), no_wrap=True)
            self._cache = (key, text)
        return self._cache[1]
