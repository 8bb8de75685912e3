"""The recorder: the public API of the original design, cheap to import inside a host app."""

from perftui import _codecache

_codecache.install()   # before the recorder's own modules: they may come from the cache

from perftui.recorder.tracker import PerformanceTracker  # noqa: E402

__all__ = ["PerformanceTracker", "measure_performance", "measure", "Measure"]


def __getattr__(name: str):
    """The decorators load on first use: they import functools (about 3 ms of a host app's
    start-up that records without them)."""
    if name in ("Measure", "measure", "measure_performance"):
        from perftui.recorder import decorators

        return getattr(decorators, name)
    raise AttributeError(f"module 'perftui.recorder' has no attribute {name!r}")
