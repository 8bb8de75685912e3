"""The recorder: the public API of the original design, cheap to import inside a host app."""

from perftui.recorder.decorators import Measure, measure, measure_performance
from perftui.recorder.tracker import PerformanceTracker

__all__ = ["PerformanceTracker", "measure_performance", "measure", "Measure"]
