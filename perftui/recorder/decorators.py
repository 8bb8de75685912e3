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
    """Times a block: `with measure("export", "EXP-001"): ...` (also `async with`).

    A call the tracker's profile plan asks for (perftui.recorder.profiling) runs under cProfile
    instead: its profile is held for the next recording and its duration is not added to the
    operation's timings (the profiler slows it down; counted, it would raise false alerts), so
    an operation called once in a run has no value in the run it is profiled in. Calls that end
    on the same thread while a profile runs there (nested operations; for an async operation,
    whatever the event loop runs meanwhile) are left out of the timings too, and show in the
    profile. Enter and exit must run on one thread (they do for `with`, `async with` and the
    decorators).
    """

    __slots__ = ("operation", "metric_id", "tracker", "_start", "duration_ms", "_by", "_profile")

    def __init__(self, operation: str, metric_id: str | None = None, tracker=None):
        self.operation = operation
        self.metric_id = metric_id
        self.tracker = tracker
        self._start = 0.0
        self.duration_ms: float | None = None
        self._by = None
        self._profile = None

    def __enter__(self) -> "Measure":
        try:
            by = self._by = _tracker(self.tracker)
            plan = by._profile_plan
            if plan is None or self.operation in plan:  # the first timed call, or one asked for
                self._profile = by._profile_begin(self.operation)
        except Exception:  # the recorder never breaks the host app
            self._profile = None
        self._start = time.perf_counter()
        if self._profile is not None:
            try:
                self._profile[0].enable()  # last: nothing of the recorder's in the profile
            except Exception:  # 3.12+: another tool holds sys.monitoring's profiler slot
                token, self._profile = self._profile, None
                try:
                    from perftui.recorder.profiling import cancel

                    cancel(self._by, token)
                except Exception:
                    pass
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        token = self._profile
        if token is not None:
            try:
                token[0].disable()  # first: nothing of the recorder's in the profile
            except Exception:
                pass
        self.duration_ms = (time.perf_counter() - self._start) * 1000.0
        try:
            by = self._by or _tracker(self.tracker)
            if token is not None:
                self._profile = None
                from perftui.recorder.profiling import end

                end(by, token, self.duration_ms, self.metric_id)
                return False
            by.add_duration(self.operation, self.duration_ms, exc, self.metric_id)
            if by.profile:
                by._measured_ops.add(self.operation)
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
