"""A file's validated snapshots, handed out oldest first, in memory that does not grow with the file.

    snaps = Snapshots()
    for snap in validated_snapshots:        # the reading pass: every value checked
        snaps.add(snap)
    snaps.count, snaps.ranges, snaps.first, snaps.last     # what the import checks up front
    for snap in snaps:                      # the writing pass: oldest first, file order on ties
        ...
    snaps.close()

A file of up to RUN snapshots stays in memory (imported as it was read). Beyond that, runs
of RUN snapshots, each sorted by recorded_at, go to a temporary directory (owner only,
removed by `close()`) as pickled blocks of BLOCK, and are read back a block at a time: in file
order when the file was in time order (an export always is), else merged (heapq.merge, FAN_IN
runs at a time). The writing pass reads what the reading pass validated, never the file again,
so a file changed in between cannot slip unchecked values in.
"""

from __future__ import annotations

import heapq
import os
import pickle
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator

from perftui.core.importers.model import ImportedSnapshot, ImportFileError

RUN = 20_000      # a file of at most RUN snapshots is held in memory; beyond, sorted runs
BLOCK = 250       # snapshots per block in a run file (the merge holds a block per run)
FAN_IN = 64       # run files merged at once


def _at(item: tuple) -> str:
    return item[0]["recorded_at"]


class Snapshots:
    """Validated snapshots: counts and per-metric value ranges, then oldest first on demand."""

    def __init__(self) -> None:
        self.count = 0
        self.measurements = 0
        self.ranges: dict[str, list[float]] = {}     # metric id -> [min, max] of its values
        self.first: str | None = None
        self.last: str | None = None
        self.in_order = True                          # recorded_at never went back in the file
        self.spilled = 0                              # run files written
        self._previous = ""
        self._memory: list[tuple] = []
        self._runs: list[str] = []
        self._dir: str | None = None
        self._cleanup: weakref.finalize | None = None

    @classmethod
    def of(cls, snapshots: Iterable[ImportedSnapshot]) -> Snapshots:
        made = cls()
        for snap in snapshots:
            made.add(snap)
        return made

    def add(self, snap: ImportedSnapshot) -> None:
        at = snap.fields["recorded_at"]
        if at < self._previous:
            self.in_order = False
        self._previous = at
        if self.first is None or at < self.first:
            self.first = at
        if self.last is None or at > self.last:
            self.last = at
        self.count += 1
        self.measurements += len(snap.metrics)
        ranges = self.ranges
        for name, value in snap.metrics.items():
            bounds = ranges.get(name)
            if bounds is None:
                ranges[name] = [value, value]
            elif value < bounds[0]:
                bounds[0] = value
            elif value > bounds[1]:
                bounds[1] = value
        self._memory.append((snap.fields, snap.metrics, snap.source_id))
        if len(self._memory) > RUN:
            self._spill()

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[ImportedSnapshot]:
        if self._runs and self._memory:
            self._spill()
        if not self._runs:
            items: Iterable[tuple] = (self._memory if self.in_order
                                      else sorted(self._memory, key=_at))
        elif self.in_order:
            items = (item for path in self._runs for item in _read_run(path))
        else:
            items = self._merged()
        for fields, metrics, source_id in items:
            yield ImportedSnapshot(fields, metrics, source_id)

    def close(self) -> None:
        self._memory = []
        if self._cleanup is not None:
            self._cleanup()

    def _merged(self) -> Iterator[tuple]:
        runs = self._runs
        while len(runs) > FAN_IN:        # merge groups into longer runs until FAN_IN are left
            runs = [self._write_run(heapq.merge(*map(_read_run, runs[i:i + FAN_IN]), key=_at))
                    for i in range(0, len(runs), FAN_IN)]
        return heapq.merge(*map(_read_run, runs), key=_at)

    def _spill(self) -> None:
        items = self._memory if self.in_order else sorted(self._memory, key=_at)
        self._runs.append(self._write_run(items))
        self._memory = []

    def _write_run(self, items: Iterable[tuple]) -> str:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="perftui-import-")
            self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, True)
        path = os.path.join(self._dir, f"run-{self.spilled:06d}")
        self.spilled += 1
        block: list[tuple] = []
        try:
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                for item in items:
                    block.append(item)
                    if len(block) == BLOCK:
                        pickle.dump(block, out, protocol=pickle.HIGHEST_PROTOCOL)
                        block = []
                if block:
                    pickle.dump(block, out, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            raise ImportFileError(f"cannot write the import's sorted runs to {self._dir}: "
                                  f"{exc.strerror or exc} (set TMPDIR to a roomier place)"
                                  ) from None
        return path


class Collect:
    """Where a streaming reader puts its checked snapshots: `with Collect(batch, stream) as
    add:` gives the function to call per snapshot. Without `stream`, the batch's list; with it,
    a `Snapshots` (sorted runs on disk beyond a few thousand) that becomes `batch.snapshots`
    when the block ends well, and is closed (its files removed) when it fails."""

    def __init__(self, batch, stream: bool) -> None:
        self.batch = batch
        self.source = Snapshots() if stream else None

    def __enter__(self):
        return self.source.add if self.source is not None else self.batch.snapshots.append

    def __exit__(self, kind, exc, tb) -> None:
        if self.source is None:
            return
        if kind is not None:
            self.source.close()
        else:
            self.batch.snapshots = self.source


def _read_run(path: str) -> Iterator[tuple]:
    with open(path, "rb") as run:
        while True:
            try:
                block = pickle.load(run)
            except EOFError:
                return
            yield from block
