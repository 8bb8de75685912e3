"""Pure statistics: numbers in, verdicts out. No database, files, clock or printing.

Plain Python only (no numpy): this package is imported inside a host application's startup.

    from perftui.analysis import MetricSpec, evaluate_metric, plan_alerts
    verdict = evaluate_metric(412.0, previous_values, MetricSpec("APP-001", target=500))
"""

# Names resolve lazily (PEP 562): importing one submodule, as the recorder does inside a host
# app's start-up, does not load the others.
import sys

_EXPORTS = {
    "compute_baseline": "baseline",
    "check_threshold": "detect", "check_value": "detect", "evaluate_metric": "detect",
    "downsample": "downsample", "line_points": "downsample", "trend_line": "downsample",
    "evaluate_flags": "index", "metric_score": "index", "performance_index": "index",
    "regression_score": "index",
    "AlertPlan": "lifecycle", "OpenAlert": "lifecycle", "plan_alerts": "lifecycle",
    **{name: "types" for name in (
        "ALERT_TYPES", "DEFAULT_CONFIG", "DIRECTIONS", "SEVERITIES", "Baseline",
        "DetectorConfig", "Direction", "Finding", "MetricSpec", "MetricVerdict",
        "severity_rank", "worst")},
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perftui.analysis' has no attribute {name!r}")
    # __import__, not importlib.import_module: importing importlib costs a host app ~1 ms
    full = f"{__name__}.{module}"
    __import__(full)
    value = getattr(sys.modules[full], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = [
    "ALERT_TYPES",
    "DEFAULT_CONFIG",
    "DIRECTIONS",
    "SEVERITIES",
    "AlertPlan",
    "Baseline",
    "DetectorConfig",
    "Direction",
    "Finding",
    "MetricSpec",
    "MetricVerdict",
    "OpenAlert",
    "check_threshold",
    "check_value",
    "compute_baseline",
    "downsample",
    "evaluate_flags",
    "evaluate_metric",
    "line_points",
    "metric_score",
    "performance_index",
    "plan_alerts",
    "regression_score",
    "severity_rank",
    "trend_line",
    "worst",
]
