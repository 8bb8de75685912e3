"""`@measure_performance(...)` for sync and async functions, and the `measure(...)` context manager.

Each measured call keeps its own start time, so concurrent async calls of the same operation
never steal each other's timers.
"""

from __future__ import annotations

import functools
import time

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from typing import Any, Callable

_CO_COROUTINE = 0x0080  # inspect.CO_COROUTINE, without importing inspect (20 ms)


def _tracker(tracker=None):
    if tracker is not None:
        return tracker
    from perftui.recorder.tracker import PerformanceTracker

    return PerformanceTracker.get_instance()


class Measure:
    """Times a block: `with measure("export", "EXP-001"): ...` (also `async with`)."""

    __slots__ = ("operation", "metric_id", "tracker", "_start", "duration_ms")

    def __init__(self, operation: str, metric_id: str | None = None, tracker=None):
        self.operation = operation
        self.metric_id = metric_id
        self.tracker = tracker
        self._start = 0.0
        self.duration_ms: float | None = None

    def __enter__(self) -> "Measure":
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.duration_ms = (time.perf_counter() - self._start) * 1000.0
        try:
            _tracker(self.tracker).add_duration(self.operation, self.duration_ms, exc,
                                                self.metric_id)
        except Exception:  # the recorder never breaks the host app
            pass
        return False

    async def __aenter__(self) -> "Measure":
        return self.__enter__()

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        return self.__exit__(exc_type, exc, tb)


def measure(operation: str, metric_id: str | None = None, tracker=None) -> Measure:
    return Measure(operation, metric_id, tracker)


def measure_performance(operation_name: str, metric_id: str | None = None, tracker=None):
    """Decorator timing every call of a sync or async function as `operation_name`.

        @measure_performance("validation", "VAL-001")
        async def validate(self, text): ...
    """

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        code = getattr(func, "__code__", None)
        if code is not None and code.co_flags & _CO_COROUTINE:
            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with Measure(operation_name, metric_id, tracker):
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            with Measure(operation_name, metric_id, tracker):
                return func(*args, **kwargs)

        return sync_wrapper  # type: ignore[return-value]

    return decorator
