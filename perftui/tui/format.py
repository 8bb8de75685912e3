"""Small text helpers shared by the screens: severities, ages, times, sparklines.

Severity is always shown as a word or symbol as well as a colour, so the screens read the same
with NO_COLOR (Textual then renders in monochrome).
"""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text

from perftui.fmt import age_text, format_percent, format_value  # age_text: for the widgets
from perftui.severity import SEVERITIES

SEVERITY_ORDER = SEVERITIES  # the one order (perftui.severity), under the name screens import
SEVERITY_LABEL = {"ok": "ok", "info": "info", "warning": "warn", "error": "error",
                  "critical": "CRIT"}
SEVERITY_VARIABLE = {"ok": "success", "info": "accent", "warning": "warning", "error": "error",
                     "critical": "error"}
SPARK = "▁▂▃▄▅▆▇█"

__all__ = ["SEVERITY_ORDER", "SEVERITY_LABEL", "age_text", "format_percent", "format_value",
           "severity_text", "short_time", "sparkline", "when_text", "severity_color"]


def severity_color(app, severity: str | None) -> str:
    """The theme's colour for a severity ('' for none)."""
    if not severity:
        return ""
    variables = app.theme_variables if app is not None else {}
    return variables.get(SEVERITY_VARIABLE.get(severity, ""), "")


def severity_text(app, severity: str | None, label: str | None = None) -> Text:
    if not severity:
        return Text("—", style="dim")
    style = severity_color(app, severity)
    if severity == "critical":
        style = f"bold {style}".strip()
    return Text(label or SEVERITY_LABEL.get(severity, severity), style=style)


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    from perftui.timefmt import parse_iso

    try:
        return parse_iso(text)
    except ValueError:
        return None


def short_time(text: str | None) -> str:
    """'2026-01-31T12:00:05.123Z' -> '01-31 12:00' (UTC)."""
    moment = parse_time(text)
    return moment.strftime("%m-%d %H:%M") if moment else "—"


def when_text(text: str | None, now: datetime) -> str:
    moment = parse_time(text)
    if moment is None:
        return "—"
    return age_text((now - moment).total_seconds())


def sparkline(values: list[float], width: int) -> str:
    """The last `width` values as block characters scaled between their min and max."""
    values = [v for v in values if v is not None][-width:]
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[3] * len(values)
    scale = (len(SPARK) - 1) / (hi - lo)
    return "".join(SPARK[int(round((v - lo) * scale))] for v in values)


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def value_or_dash(value: float | None, unit: str) -> str:
    return format_value(value, unit) if value is not None else "—"
