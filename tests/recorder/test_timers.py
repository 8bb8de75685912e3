"""Timers, the decorator (sync and async) and the context manager."""

from __future__ import annotations

import asyncio
import logging

import pytest

from perftui import PerformanceTracker, measure, measure_performance


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000.0


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def tracker(store_path, clock):
    return PerformanceTracker(db=store_path, app="t", summary=False, cold_start=False, clock=clock)


def test_stop_returns_milliseconds(tracker, clock):
    tracker.start_operation("validation")
    clock.advance(12.5)
    assert tracker.stop_operation("validation") == pytest.approx(12.5)
    assert tracker.operations()["validation"]["calls"] == 1


def test_nested_same_name_is_last_in_first_out(tracker, clock):
    tracker.start_operation("load")
    clock.advance(10)
    tracker.start_operation("load")
    clock.advance(5)
    assert tracker.stop_operation("load") == pytest.approx(5)
    clock.advance(1)
    assert tracker.stop_operation("load") == pytest.approx(16)
    ops = tracker.operations()["load"]
    assert ops["calls"] == 2 and ops["total_ms"] == pytest.approx(21)


def test_nested_different_names(tracker, clock):
    tracker.start_operation("outer")
    clock.advance(3)
    tracker.start_operation("inner")
    clock.advance(2)
    assert tracker.stop_operation("inner") == pytest.approx(2)
    assert tracker.stop_operation("outer") == pytest.approx(5)


def test_unmatched_stop_warns_once_and_returns_zero(tracker, caplog):
    with caplog.at_level(logging.WARNING, logger="perftui"):
        assert tracker.stop_operation("never-started") == 0.0
        assert tracker.stop_operation("never-started") == 0.0
    warnings = [r for r in caplog.records if "never-started" in r.getMessage()]
    assert len(warnings) == 1
    assert "never-started" not in tracker.operations()


def test_error_marks_the_call_failed(tracker, clock):
    tracker.start_operation("export")
    clock.advance(4)
    tracker.stop_operation("export", error=ValueError("secret path /home/x"))
    assert tracker.operations()["export"]["errors"] == 1
    assert tracker._errors == {"export": "ValueError"}  # the type only, never the message


def test_sync_decorator_times_and_propagates(store_path):
    tracker = PerformanceTracker(db=store_path, summary=False)

    @measure_performance("validation", "VAL-001", tracker=tracker)
    def validate(x):
        if x < 0:
            raise ValueError("negative")
        return x * 2

    assert validate(21) == 42
    with pytest.raises(ValueError):
        validate(-1)
    ops = tracker.operations()["validation"]
    assert ops["calls"] == 2 and ops["errors"] == 1 and ops["metric"] == "VAL-001"
    assert validate.__name__ == "validate"


def test_async_decorator_keeps_concurrent_calls_apart(store_path):
    tracker = PerformanceTracker(db=store_path, summary=False)

    @measure_performance("generation", tracker=tracker)
    async def generate(delay):
        await asyncio.sleep(delay)
        return delay

    async def main():
        return await asyncio.gather(generate(0.02), generate(0.01), generate(0.0))

    assert asyncio.run(main()) == [0.02, 0.01, 0.0]
    ops = tracker.operations()["generation"]
    assert ops["calls"] == 3
    assert 25 <= ops["total_ms"] < 1000  # 20 + 10 + 0 ms, each timed on its own


def test_decorator_uses_the_singleton_by_default(store_path, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", str(store_path))

    @measure_performance("export")
    def export():
        return "done"

    export()
    assert PerformanceTracker.get_instance().operations()["export"]["calls"] == 1


def test_context_manager_sync_and_async(tracker):
    with measure("rule_loading", tracker=tracker) as m:
        pass
    assert m.duration_ms is not None and m.duration_ms >= 0

    async def main():
        async with tracker.measure("api_call", "API-001"):
            await asyncio.sleep(0)

    asyncio.run(main())
    with pytest.raises(KeyError):
        with measure("lookup", tracker=tracker):
            raise KeyError("x")
    ops = tracker.operations()
    assert ops["rule_loading"]["calls"] == 1
    assert ops["api_call"]["metric"] == "API-001"
    assert ops["lookup"]["errors"] == 1


def test_singleton_is_one_instance(store_path):
    a = PerformanceTracker.get_instance(db=store_path)
    b = PerformanceTracker.get_instance()
    assert a is b
    PerformanceTracker.reset_instance()
    assert PerformanceTracker.get_instance() is not a


def test_disabled_tracker_is_a_no_op(store_path, monkeypatch):
    monkeypatch.setenv("PERFTUI_DISABLE", "1")
    tracker = PerformanceTracker(db=store_path)
    tracker.start_operation("x")
    assert tracker.stop_operation("x") == 0.0
    tracker.record_metric("APP-001", 1)
    assert tracker.record_baseline_snapshot() is None
    assert not store_path.exists()
