"""perftui: performance baseline tracking for applications, in the terminal.

    from perftui import PerformanceTracker, measure_performance, measure

Importing perftui is cheap (no Textual, plotext, numpy or peewee): it runs inside host apps.
"""

from perftui.recorder import Measure, PerformanceTracker, measure, measure_performance

__version__ = "0.1.0"
__all__ = ["PerformanceTracker", "measure_performance", "measure", "Measure", "__version__"]
