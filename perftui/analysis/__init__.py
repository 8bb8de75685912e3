"""Pure statistics: numbers in, verdicts out. No database, files, clock or printing.

Plain Python only (no numpy): this package is imported inside a host application's startup.

    from perftui.analysis import MetricSpec, evaluate_metric, plan_alerts
    verdict = evaluate_metric(412.0, previous_values, MetricSpec("APP-001", target=500))
"""

from .baseline import compute_baseline
from .detect import check_threshold, check_value, evaluate_metric
from .downsample import downsample, line_points, trend_line
from .index import evaluate_flags, metric_score, performance_index, regression_score
from .lifecycle import AlertPlan, OpenAlert, plan_alerts
from .types import (
    ALERT_TYPES,
    DEFAULT_CONFIG,
    DIRECTIONS,
    SEVERITIES,
    Baseline,
    DetectorConfig,
    Direction,
    Finding,
    MetricSpec,
    MetricVerdict,
    severity_rank,
    worst,
)

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
