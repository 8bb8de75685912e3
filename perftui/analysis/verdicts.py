"""How a change between two levels of a metric is judged, shared by compare, regression and
the CI check (so a "regression" means the same thing in all three).

With a threshold t (default 10 %), and the change made direction-aware ("worse by"):

* worse by t or more: ``regressed``;
* worse by t/2 or more: ``warning`` (regressed, but within the threshold);
* better by t/2 or more: ``improved``;
* otherwise ``unchanged``.

For the CI gate a regression is graded: ``critical`` when it is also outside the baseline's
noise (robust z of at least 3 with 5 or more baseline runs; with fewer runs the threshold alone
decides), else ``error``; a ``warning`` stays a warning.
"""

from __future__ import annotations

from perftui.severity import at_least

STATUSES = ("improved", "unchanged", "warning", "regressed", "new")
CHECK_LEVELS = at_least("warning")  # ("warning", "error", "critical"), in perftui.severity's order
MIN_RUNS_FOR_NOISE = 5
NOISE_Z = 3.0
SPREAD_FLOOR = 0.01


def change_percent(current: float, reference: float) -> float | None:
    """(current - reference) / |reference| in %, None when the reference is 0."""
    if reference == 0:
        return None
    return (current - reference) / abs(reference) * 100.0


def worse_by(change: float | None, direction: str) -> float | None:
    """The change signed so that positive means worse (lower-is-better: up is worse)."""
    if change is None:
        return None
    return change if direction == "lower" else -change


def classify(change: float | None, direction: str, threshold: float) -> str:
    worse = worse_by(change, direction)
    if worse is None:
        return "unchanged"
    if worse >= threshold:
        return "regressed"
    if worse >= threshold / 2:
        return "warning"
    if worse <= -threshold / 2:
        return "improved"
    return "unchanged"


def outside_noise(current: float, median: float, spread: float, runs: int, direction: str) -> bool:
    """Whether `current` lies beyond the baseline's noise in the bad direction."""
    if runs < MIN_RUNS_FOR_NOISE:
        return True
    sigma = max(spread, SPREAD_FLOOR * abs(median))
    if sigma <= 0:
        return True
    z = (current - median) / sigma
    return (z if direction == "lower" else -z) >= NOISE_Z


def check_level(status: str, significant: bool) -> str:
    """The CI gate's level for a status: ok, warning, error or critical."""
    if status == "regressed":
        return "critical" if significant else "error"
    if status == "warning":
        return "warning"
    return "ok"


def level_rank(level: str) -> int:
    return ("ok", *CHECK_LEVELS).index(level)
