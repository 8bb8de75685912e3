"""A small host application instrumented with perftui's recorder, as the original design does.

Each run is one application start: it times the start-up, builds its service container, validates
and "generates" a definition, records token counts, cost and cache hit rates, and writes one
snapshot. Run it a few times, then look:

    for i in $(seq 25); do python examples/host_app.py; done
    perftui status

Configure the store with PERFTUI_DB (default: the user data directory). Set HOST_APP_SLOW=1
to make validation 40 % slower and watch the regression alert appear within three runs (two
when the steady runs were quiet: the second slow run must stand 3.5 noise sigmas out).
"""

from __future__ import annotations

import asyncio
import os
import random
import time

from perftui import PerformanceTracker, measure, measure_performance

SLOW = os.environ.get("HOST_APP_SLOW") == "1"


class ServiceContainer:
    init_count = 0

    def __init__(self) -> None:
        ServiceContainer.init_count += 1
        tracker = PerformanceTracker.get_instance()
        tracker.record_metric("container_init_count", ServiceContainer.init_count)
        with measure("container_init"):          # -> SVC-002 through the catalog's mapping
            time.sleep(random.uniform(0.004, 0.006))


class ValidationService:
    @measure_performance("validation", "VAL-001")
    async def validate(self, text: str) -> bool:
        await asyncio.sleep(random.uniform(0.009, 0.011) * (1.4 if SLOW else 1.0))
        return bool(text)


class RuleCache:
    def __init__(self) -> None:
        self.hits = self.misses = 0

    def get(self, key: str) -> str:
        if random.random() < 0.93:
            self.hits += 1
        else:
            self.misses += 1
        return key


@measure_performance("generation", "GEN-001")
def generate(term: str) -> dict:
    time.sleep(random.uniform(0.018, 0.022))
    return {"tokens": random.randint(2700, 2900), "cost": random.uniform(0.006, 0.008)}


def main() -> int:
    tracker = PerformanceTracker.get_instance(app="host-app", app_version="1.4.0")
    tracker.start_operation("app_startup")               # -> APP-001
    try:
        ServiceContainer()
        cache = RuleCache()
        for rule in range(200):
            cache.get(f"rule-{rule}")
        tracker.record_metric("rule_cache_hit_rate", cache.hits / (cache.hits + cache.misses))
        tracker.record_cache_stats("rules", {"hits": cache.hits, "misses": cache.misses})
        asyncio.run(ValidationService().validate("a term"))
        result = generate("a term")
        tracker.record_metric("prompt_token_count", result["tokens"])
        tracker.record_metric("api_cost_cents", result["cost"] * 100)
    except Exception as exc:
        tracker.stop_operation("app_startup", error=exc)
        raise
    tracker.stop_operation("app_startup")
    snapshot = tracker.record_baseline_snapshot()
    if snapshot is not None and os.environ.get("HOST_APP_VERBOSE"):
        print(f"snapshot {snapshot.snapshot_id}: {len(snapshot.alerts)} alert(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
