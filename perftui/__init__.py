"""perftui: performance baseline tracking for applications, in the terminal.

    from perftui import PerformanceTracker, measure_performance, measure

Importing perftui is cheap (no Textual, plotext, numpy or peewee): it runs inside host apps.
The recorder's names load on first use, so the CLI and TUI do not pay for them either.
"""

import sys as _sys

__version__ = "0.1.0"
__all__ = ["PerformanceTracker", "measure_performance", "measure", "Measure", "__version__"]

_EXPORTS = {
    "PerformanceTracker": "perftui.recorder.tracker",
    "measure_performance": "perftui.recorder.decorators",
    "measure": "perftui.recorder.decorators",
    "Measure": "perftui.recorder.decorators",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'perftui' has no attribute {name!r}")
    # __import__ rather than importlib.import_module: importing importlib costs a host app
    # about a millisecond, and this runs inside its start-up
    __import__(module)
    value = getattr(_sys.modules[module], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_EXPORTS))
