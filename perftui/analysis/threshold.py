"""Tier 1: the value against the metric's absolute target, warning and error lines.

Rules (direction-aware; "distance" is how far the value is from the reference line in the bad
direction: above it for ``lower``-is-better metrics, below it for ``higher``):

* reaching the warning line (distance >= warning margin) -> ``warning``;
* reaching the error line -> ``error``;
* distance **more than** 1.5 x the error margin (|error - target|) -> ``critical``;
* between target and warning line, or better than target -> no finding.

Default lines, when a target is set without them: warning at 10 % and error at 20 % of |target|
beyond the target (the original's "more than 10 % slower", doubled for error). With only a warning
line the error line sits at twice the warning margin; with only an error line the warning line sits
halfway. Without a target the warning line (or else the error line) stands in for it, so
critical then needs both lines. A value exactly at the target never alerts. These findings do not depend on any baseline.
"""

from __future__ import annotations

import math

from ._stats import safe_ratio
from .messages import threshold_message
from .types import Finding, MetricSpec, bad_sign

DEFAULT_WARNING_FRACTION = 0.10
DEFAULT_ERROR_FRACTION = 0.20
CRITICAL_FACTOR = 1.5


class Lines(tuple):
    """Resolved lines in "badness" margins from the reference line (all >= 0, or None):
    (reference, warning_margin, error_margin, has_target). A plain tuple subclass: NamedTuple
    would import typing inside host applications' start-up."""

    __slots__ = ()

    def __new__(cls, reference: float, warning_margin: float | None,
                error_margin: float | None, has_target: bool) -> "Lines":
        return tuple.__new__(cls, (reference, warning_margin, error_margin, has_target))

    reference = property(lambda self: self[0])            # distances are measured from it
    warning_margin = property(lambda self: self[1])
    error_margin = property(lambda self: self[2])
    has_target = property(lambda self: self[3])


def resolve_lines(spec: MetricSpec) -> Lines | None:
    """Work out the reference line and the warning/error margins of ``spec``; None if no line.

    Raises ValueError when a line lies on the good side of the target or the warning line lies
    beyond the error line (a spec the store should have refused).
    """
    sign = bad_sign(spec.direction)
    target, warn, err = spec.target, spec.warning, spec.error
    for name, v in (("target", target), ("warning", warn), ("error", err)):
        if v is not None and not math.isfinite(v):
            raise ValueError(f"{spec.metric_id}: {name} must be finite, got {v!r}")
    if target is None and warn is None and err is None:
        return None
    if target is not None:
        ref = float(target)
        wm = None if warn is None else sign * (warn - ref)
        em = None if err is None else sign * (err - ref)
        if wm is None and em is None:
            wm = DEFAULT_WARNING_FRACTION * abs(ref)
            em = DEFAULT_ERROR_FRACTION * abs(ref)
        elif wm is None:
            wm = em / 2.0
        elif em is None:
            em = 2.0 * wm
        if wm < 0:
            raise ValueError(f"{spec.metric_id}: warning line {warn} is on the good side of target {ref}")
        if em < 0:
            raise ValueError(f"{spec.metric_id}: error line {err} is on the good side of target {ref}")
        if wm > em:
            raise ValueError(f"{spec.metric_id}: warning line {warn} lies beyond error line {err}")
        return Lines(ref, wm, em, True)
    # no target: measure from the warning line if there is one, else from the error line
    if warn is not None:
        ref = float(warn)
        em = None if err is None else sign * (err - ref)
        if em is not None and em < 0:
            raise ValueError(f"{spec.metric_id}: warning line {warn} lies beyond error line {err}")
        return Lines(ref, 0.0, em, False)
    return Lines(float(err), None, 0.0, False)


def check_threshold(value: float, spec: MetricSpec) -> Finding | None:
    """Threshold finding for ``value`` under ``spec``, or None when no line is reached."""
    lines = resolve_lines(spec)
    if lines is None:
        return None
    sign = bad_sign(spec.direction)
    ref, wm, em, has_target = lines
    dist = sign * (value - ref)
    if dist <= 0:
        return None  # at or better than the reference line
    if em is not None and em > 0 and dist > CRITICAL_FACTOR * em:
        severity = "critical"
    elif em is not None and dist >= em:
        severity = "error"
    elif wm is not None and dist >= wm:
        severity = "warning"
    else:
        return None
    deviation = safe_ratio(dist, ref) * 100.0
    what = "target" if has_target else ("warning line" if wm == 0.0 else "error line")
    message = threshold_message(spec, value, ref, what, sign)
    details = {
        "line": ref,
        "warning_line": None if wm is None else ref + sign * wm,
        "error_line": None if em is None else ref + sign * em,
        "critical_beyond": None if not em else ref + sign * CRITICAL_FACTOR * em,
        "distance": dist,
    }
    return Finding(
        alert_type="threshold",
        severity=severity,
        current_value=value,
        expected_value=ref,
        deviation_percent=deviation,
        message=message,
        details=details,
    )
