"""Readers for the files `perftui import` and `perftui check` understand, and format detection.

    batch = read_file(Path("results.json"), "auto", {"app": None, "environment": None})

Formats: perftui (our JSON, minimal or full export), csv (wide, as exported),
pytest-benchmark, asv (result file or results directory), github-action-benchmark (data.js),
pytest-codspeed (`.codspeed/results_*.json`), junit (`pytest --junitxml`).
`auto` looks at the file: a directory or asv result is asv, `window.BENCHMARK_DATA` or an
`entries` object is github-action-benchmark, XML is junit, `benchmarks` + `machine_info` is
pytest-benchmark, `creator` pytest-codspeed (or `instrument` + `benchmarks`) is
pytest-codspeed, a `snapshots` list is perftui, a header with `recorded_at` is csv.
"""

from __future__ import annotations

from pathlib import Path

from perftui.core.importers.model import (ImportBatch, ImportedSnapshot, ImportFileError,
                                          MetricHint)

FORMATS = ("auto", "perftui", "csv", "pytest-benchmark", "asv", "github-action-benchmark",
           "pytest-codspeed", "junit")
# The readers load when a file is read, not with the package: the pytest plugin (every pytest
# session of a project that installs perftui) needs only `model` and the pytest-benchmark reader.
_READERS = ("asv", "codspeed", "csv_wide", "gab", "jsonstream", "junit", "perftui_json",
            "pytest_benchmark")


def __getattr__(name: str):
    if name in _READERS:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_file(path: Path, fmt: str, defaults: dict, *, stream: bool = False) -> ImportBatch:
    """Read and validate `path` in format `fmt` (or detect it). Raises ImportFileError.

    With `stream`, perftui JSON and CSV are read a snapshot at a time and their snapshots are
    in `batch.source` (bounded memory, oldest first; `batch.snapshots` is empty); the other
    formats, small by nature, are read whole either way."""
    from perftui.core.importers import (asv, codspeed, csv_wide, gab, junit, perftui_json,
                                        pytest_benchmark)

    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not path.exists():
        raise ImportFileError(f"no such file: {path}")
    if fmt == "auto":
        return _detect_and_read(path, defaults, stream)
    if fmt == "asv":
        return asv.read(path, defaults)
    if path.is_dir():
        raise ImportFileError(f"{path} is a directory (only --format asv reads a directory)")
    if fmt == "csv":
        return csv_wide.read(path, defaults, stream=stream)
    if fmt == "github-action-benchmark":
        return gab.read(path, defaults)
    if fmt == "pytest-benchmark":
        return pytest_benchmark.read(path, defaults)
    if fmt == "pytest-codspeed":
        return codspeed.read(path, defaults)
    if fmt == "junit":
        return junit.read(path, defaults)
    return perftui_json.read(path, defaults, stream=stream)


def _detect_and_read(path: Path, defaults: dict, stream: bool) -> ImportBatch:
    from perftui.core.importers import (asv, codspeed, csv_wide, gab, junit, perftui_json,
                                        pytest_benchmark)

    if path.is_dir():
        if asv.looks_like_dir(path) or any(path.glob("*.json")):
            return asv.read(path, defaults)
        raise ImportFileError(f"{path} is a directory but not an asv results directory")
    text = _head(path)
    if gab.looks_like_text(text):
        return gab.read(path, defaults)
    if junit.looks_like_text(text):
        return junit.read(path, defaults)
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        if csv_wide.looks_like(text):
            return csv_wide.read(path, defaults, stream=stream)
        raise ImportFileError(f"{path}: cannot tell the format (not JSON, not XML, not a CSV "
                              "with a recorded_at column); give --format")
    document = _top_level(path)
    if document is None:        # a snapshots list (or a list of snapshots): perftui's own
        return perftui_json.read(path, defaults, stream=stream)
    if pytest_benchmark.looks_like(document):
        return pytest_benchmark.read(path, defaults, document)
    if codspeed.looks_like(document):
        return codspeed.read(path, defaults, document)
    if asv.looks_like(document):
        return asv.read(path, defaults)
    if gab.looks_like(document):
        return gab.read(path, defaults, document)
    if perftui_json.looks_like(document):
        return perftui_json.read(path, defaults, document, stream=stream)
    raise ImportFileError(f"{path}: JSON of an unknown shape (expected perftui snapshots, "
                          "pytest-benchmark, pytest-codspeed, asv or github-action-benchmark "
                          "data); give --format")


def _top_level(path: Path):
    """The JSON document, read whole, unless it is perftui's (a top-level `snapshots` list,
    or a list whose first element is an object with `metrics`): then None, found without
    reading past its first snapshot. Malformed text is an ImportFileError naming the place."""
    from perftui.core.importers import asv, codspeed, gab, jsonstream, pytest_benchmark

    members: dict = {}
    parts = jsonstream.events(path)
    for event in parts:
        if event[0] == "member":
            if event[1] is None:
                return event[2]
            members[event[1]] = event[2]
        elif event[0] == "start" and event[1] is not None:     # "snapshots": [
            if not any(f.looks_like(members) for f in (pytest_benchmark, codspeed, asv, gab)):
                parts.close()
                return None
            members[event[1]] = [item for kind, _, item, *_ in _items(parts)]
        elif event[0] == "start":                               # the document is a list
            first = next(parts)
            if first[0] == "item" and isinstance(first[2], dict) and "metrics" in first[2]:
                parts.close()
                return None
            rest = [item for kind, _, item, *_ in _items(parts)]
            return ([first[2]] if first[0] == "item" else []) + rest
    return members


def _items(parts):
    for event in parts:
        if event[0] == "end":
            return
        yield event


def _head(path: Path, most: int = 1 << 20) -> str:
    """The start of the file: at least its first line (up to `most` characters)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read(1 << 16)
            while "\n" not in text and len(text) < most:
                more = handle.read(1 << 16)
                if not more:
                    break
                text += more
            return text
    except UnicodeDecodeError:
        raise ImportFileError(f"{path} is not a UTF-8 text file") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None


__all__ = ["FORMATS", "read_file", "ImportBatch", "ImportedSnapshot", "ImportFileError",
           "MetricHint"]
