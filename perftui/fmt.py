"""Formatting numbers with their units, shared by the recorder summary, the CLI and the TUI."""

from __future__ import annotations

_TIGHT_UNITS = {"ms", "us", "ns", "s", "MB", "KB", "GB", "%"}


def format_number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    if magnitude >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if magnitude == 0:
        return "0"
    return f"{value:.{digits}g}"


def format_value(value: float | None, unit: str = "") -> str:
    """387 ms -> '387ms', 4123 tokens -> '4,123 tokens', ratio 0.91 -> '91%'."""
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value * 100:.1f}%".replace(".0%", "%")
    if unit == "count":
        return f"{format_number(value)}x"
    text = format_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit in _TIGHT_UNITS else f"{text} {unit}"


def format_percent(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def age_text(seconds: float | None) -> str:
    """'42s ago', '12 min ago', '5 h ago', '3 days ago'."""
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f}s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"
