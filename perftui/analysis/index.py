"""Derived figures of a whole snapshot: performance index, regression score, known-issue flags."""

from __future__ import annotations

import math
import _operator as operator

from .types import MetricSpec, MetricVerdict, bad_sign

# Annotations only: importing typing at run time would cost a host application's start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

FULL_CONFIDENCE = 0.7

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def metric_score(value: float, spec: MetricSpec) -> float | None:
    """0-100 score of one value against its target; None without a target or for NaN/inf.

    100 at or better than the target, falling linearly to 0 at "twice as bad": 2 x target for a
    lower-is-better metric, target / 2 for a higher-is-better one (so a 600 ms startup against
    a 500 ms target scores 80, an 81 % hit rate against 90 % scores 80). With a target of 0 or
    below, the distance is measured in units of |target| (or 1 when the target is 0).
    """
    target = spec.target
    if target is None or not math.isfinite(value) or not math.isfinite(target):
        return None
    sign = bad_sign(spec.direction)
    if sign * (value - target) <= 0:
        return 100.0
    if target > 0:
        if sign > 0:
            badness = value / target - 1.0
        else:
            badness = math.inf if value <= 0 else target / value - 1.0
    else:
        unit = abs(target) if target != 0 else 1.0
        badness = sign * (value - target) / unit
    return max(0.0, 100.0 * (1.0 - badness))


def performance_index(values: Mapping[str, float], specs: Mapping[str, MetricSpec]) -> float | None:
    """Mean of :func:`metric_score` over the metrics in ``values`` that have a spec with a target.

    Returns None when no recorded metric has a target. Unknown metrics and NaN/inf values are
    skipped.
    """
    scores: list[float] = []
    for metric_id, value in values.items():
        spec = specs.get(metric_id)
        if spec is None:
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        score = metric_score(v, spec)
        if score is not None:
            scores.append(score)
    if not scores:
        return None
    return math.fsum(scores) / len(scores)


def signed_change(verdict: MetricVerdict) -> float | None:
    """The verdict's change from baseline in %, signed so that negative means worse."""
    if verdict.change_percent is None:
        return None
    return -bad_sign(verdict.direction) * verdict.change_percent


def regression_score(verdicts: Sequence[MetricVerdict], min_confidence: float = FULL_CONFIDENCE) -> float | None:
    """Mean direction-aware change from baseline in %, negative = regression (the original's
    "Regression Score"). Only metrics whose baseline confidence reaches ``min_confidence``
    (0.7, full alerting) count; None when there is none.
    """
    changes: list[float] = []
    for v in verdicts:
        if v.baseline is None or v.baseline.confidence + 1e-12 < min_confidence:
            continue
        c = signed_change(v)
        if c is not None and math.isfinite(c):
            changes.append(c)
    if not changes:
        return None
    return math.fsum(changes) / len(changes)


def validate_flag_rule(rule: Mapping[str, Any]) -> None:
    """ValueError naming the field when ``rule`` is not {flag, metric, op, value} with a known op."""
    for key in ("flag", "metric", "op", "value"):
        if key not in rule:
            raise ValueError(f"flag rule {dict(rule)!r} is missing {key!r}")
    if rule["op"] not in _OPS:
        raise ValueError(f"flag rule {rule['flag']!r}: op must be one of {' '.join(_OPS)}, not {rule['op']!r}")
    v = rule["value"]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"flag rule {rule['flag']!r}: value must be a finite number, not {v!r}")


def evaluate_flags(values: Mapping[str, float], rules: Sequence[Mapping[str, Any]]) -> list[str]:
    """Known-issue flags raised by ``values``: each rule whose metric is present and whose
    comparison holds contributes its flag once, in rule order.

    A rule looks like {"flag": "double_container_init", "metric": "SVC-001", "op": ">",
    "value": 1}; ops are > >= < <= == !=. Malformed rules raise ValueError; a missing metric or
    a NaN value simply does not raise the flag.
    """
    flags: list[str] = []
    for rule in rules:
        validate_flag_rule(rule)
        metric = rule["metric"]
        if metric not in values:
            continue
        try:
            x = float(values[metric])
        except (TypeError, ValueError):
            continue
        if math.isnan(x):
            continue
        if _OPS[rule["op"]](x, float(rule["value"])) and rule["flag"] not in flags:
            flags.append(str(rule["flag"]))
    return flags
