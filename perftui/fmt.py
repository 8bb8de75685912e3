"""Formatting numbers with their units, shared by the recorder summary, the CLI and the TUI."""

from __future__ import annotations

_TIGHT_UNITS = {"ms", "us", "ns", "s", "MB", "KB", "GB", "%"}


def format_number(value: float | None) -> str:
    """The one number format, for tables, summaries and alert messages alike:
    19,997 / 832 / 99.95 / 1.25 / 0.85 / 0.001234 / 0.

    Thousands separators and no decimals from 1,000 up, whole numbers from 100, 4 significant
    digits below 100 (so 99.95 stays 99.95), and no scientific notation down to 0.001.
    None is shown as "—".
    """
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 999.5:  # rounds to 1,000 or more: separators even for 999.7
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude == 0:
        return "0"  # also for -0.0
    if magnitude >= 0.001:
        return f"{value:.4g}"
    return f"{value:.3g}"


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


def middle(text: str, width: int) -> str:
    """``text`` shortened in the middle to ``width`` characters, so both ends stay readable
    (a metric's family and its last word, a function's name and its line):
    `benchmarks.TimeSuite.time_keys` -> `benchmarks.Tim…e.time_keys`."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:max(width, 0)]
    tail = (width - 1) // 2
    head = width - 1 - tail
    return text[:head] + "…" + (text[len(text) - tail:] if tail else "")
