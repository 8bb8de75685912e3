"""Readers for the files `perftui import` and `perftui check` understand, and format detection.

    batch = read_file(Path("results.json"), "auto", {"app": None, "environment": None})

Formats: perftui (our JSON, minimal or full export), csv (wide, as exported),
pytest-benchmark, asv (result file or results directory), github-action-benchmark (data.js).
`auto` looks at the file: a directory or asv result is asv, `window.BENCHMARK_DATA` or an
`entries` object is github-action-benchmark, `benchmarks` + `machine_info` is
pytest-benchmark, a `snapshots` list is perftui, a header with `recorded_at` is csv.
"""

from __future__ import annotations

from pathlib import Path

from perftui.core.importers import asv, csv_wide, gab, perftui_json, pytest_benchmark
from perftui.core.importers.model import (ImportBatch, ImportedSnapshot, ImportFileError,
                                          MetricHint, parse_json, read_text)

FORMATS = ("auto", "perftui", "csv", "pytest-benchmark", "asv", "github-action-benchmark")


def read_file(path: Path, fmt: str, defaults: dict) -> ImportBatch:
    """Read and validate `path` in format `fmt` (or detect it). Raises ImportFileError."""
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not path.exists():
        raise ImportFileError(f"no such file: {path}")
    if fmt == "auto":
        return _detect_and_read(path, defaults)
    if fmt == "asv":
        return asv.read(path, defaults)
    if path.is_dir():
        raise ImportFileError(f"{path} is a directory (only --format asv reads a directory)")
    if fmt == "csv":
        return csv_wide.read(path, defaults)
    if fmt == "github-action-benchmark":
        return gab.read(path, defaults)
    if fmt == "pytest-benchmark":
        return pytest_benchmark.read(path, defaults)
    return perftui_json.read(path, defaults)


def _detect_and_read(path: Path, defaults: dict) -> ImportBatch:
    if path.is_dir():
        if asv.looks_like_dir(path) or any(path.glob("*.json")):
            return asv.read(path, defaults)
        raise ImportFileError(f"{path} is a directory but not an asv results directory")
    text = read_text(path)
    if gab.looks_like_text(text):
        return gab.read(path, defaults, gab.parse_text(path, text))
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        if csv_wide.looks_like(text):
            return csv_wide.read(path, defaults)
        raise ImportFileError(f"{path}: cannot tell the format (not JSON, not a CSV with a "
                              "recorded_at column); give --format")
    document = _parse(path, text)
    if pytest_benchmark.looks_like(document):
        return pytest_benchmark.read(path, defaults, document)
    if asv.looks_like(document):
        return asv.read(path, defaults)
    if gab.looks_like(document):
        return gab.read(path, defaults, document)
    if perftui_json.looks_like(document):
        return perftui_json.read(path, defaults, document)
    raise ImportFileError(f"{path}: JSON of an unknown shape (expected perftui snapshots, "
                          "pytest-benchmark, asv or github-action-benchmark data); give --format")


def _parse(path: Path, text: str):
    return parse_json(path, text)  # raises with the place and whether it is truncated


__all__ = ["FORMATS", "read_file", "ImportBatch", "ImportedSnapshot", "ImportFileError",
           "MetricHint"]
