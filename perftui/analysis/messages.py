"""Alert messages a person can read: every one names the metric and its unit and is a sentence.

    Validation time 957ms is 14% above its baseline of 838ms for 3 runs in a row
    Validation time averaged 957ms over the last 3 runs, 14% above its level of 838ms before them
    Validation time drifted up 14% over the last 40 runs (0.35% a run), from 838ms to 957ms
    Prompt tokens 4,123 tokens is 37% above its target of 3,000 tokens

Each tier builds its message here, from the very numbers its finding carries, so the message and
the row's value, expected value and deviation always agree. The subject is the metric's name
(``MetricSpec.name``), else its id; values carry ``MetricSpec.unit``. Pure; numbers are formatted
by ``perftui.fmt`` (imported on first use: only a run that raises an alert writes a message).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .types import MetricSpec


def _fmt(value: float, unit: str | None) -> str:
    from perftui.fmt import format_value

    return format_value(value, unit or "")


def subject(spec: MetricSpec) -> str:
    """What the message is about: the metric's name, else its id."""
    return (spec.name or "").strip() or spec.metric_id


def _word(effect: float, sign: float) -> str:
    """'above' or 'below': where a value ``effect`` worse (badness, + = worse) lies."""
    worse_is_up = sign > 0
    return "above" if (effect >= 0) == worse_is_up else "below"


def _pct(effect: float) -> str:
    return f"{abs(effect) * 100:.0f}%"


def point_message(spec: MetricSpec, value: float, expected: float, effect: float, sign: float,
                  runs: int) -> str:
    """Regression (``runs`` >= 2 in a row) or anomaly (``runs`` 1) against the baseline."""
    when = "in a single run" if runs <= 1 else f"for {runs} runs in a row"
    return (f"{subject(spec)} {_fmt(value, spec.unit)} is {_pct(effect)} {_word(effect, sign)} "
            f"its baseline of {_fmt(expected, spec.unit)} {when}")


def level_message(spec: MetricSpec, level: float, expected: float, effect: float, sign: float,
                  runs: int) -> str:
    """Change point: the recent runs' level against the level before them."""
    return (f"{subject(spec)} averaged {_fmt(level, spec.unit)} over the last {runs} runs, "
            f"{_pct(effect)} {_word(effect, sign)} its level of {_fmt(expected, spec.unit)} "
            "before them")


def trend_message(spec: MetricSpec, start: float, end: float, change: float, per_run: float,
                  runs: int) -> str:
    """Trend: the fitted line's start and end over ``runs`` runs."""
    way = "up" if end >= start else "down"
    return (f"{subject(spec)} drifted {way} {_pct(change)} over the last {runs} runs "
            f"({abs(per_run):.2f}% a run), from {_fmt(start, spec.unit)} to {_fmt(end, spec.unit)}")


def threshold_message(spec: MetricSpec, value: float, line: float, what: str, sign: float) -> str:
    """Threshold: the value against the target (or the warning or error line)."""
    rel = (value - line) / abs(line) if line else 0.0
    word = "above" if sign > 0 else "below"
    amount = f"{abs(rel) * 100:.0f}% " if line else ""
    return (f"{subject(spec)} {_fmt(value, spec.unit)} is {amount}{word} its {what} of "
            f"{_fmt(line, spec.unit)}")


def still_worse_message(spec: MetricSpec, value: float, expected: float, deviation_percent: float,
                        sign: float) -> str:
    """A repeat of an open alert measured from the level before it (the rolling baseline has
    absorbed the new level): ``deviation_percent`` is + for worse."""
    effect = deviation_percent / 100.0
    return (f"{subject(spec)} {_fmt(value, spec.unit)} is still {_pct(effect)} "
            f"{_word(effect, sign)} {_fmt(expected, spec.unit)}, its level before this alert")
