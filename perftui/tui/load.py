"""The machine's load right now (psutil), so a noisy measurement can be explained.

`MachineLoad.sample()` is cheap and non-blocking (CPU percent since the previous call).
Tests and screenshots inject `FixedLoad` so what is drawn does not depend on the machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Load:
    cpu_percent: float
    memory_percent: float
    memory_used_gb: float
    memory_total_gb: float
    load_1m: float | None
    cpus: int


class MachineLoad:
    live = True  # readings change: sampled every few seconds

    def __init__(self):
        import psutil

        self._psutil = psutil
        psutil.cpu_percent(interval=None)  # prime: the first reading is since this call

    def sample(self) -> Load:
        ps = self._psutil
        memory = ps.virtual_memory()
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):
            load = None
        return Load(cpu_percent=ps.cpu_percent(interval=None), memory_percent=memory.percent,
                    memory_used_gb=(memory.total - memory.available) / 2**30,
                    memory_total_gb=memory.total / 2**30, load_1m=load,
                    cpus=ps.cpu_count() or 1)


class FixedLoad:
    """Always the same reading: deterministic tests and screenshots."""

    live = False

    def __init__(self, load: Load | None = None):
        self.load = load or Load(12.0, 41.0, 3.2, 7.8, 0.42, 4)

    def sample(self) -> Load:
        return self.load
