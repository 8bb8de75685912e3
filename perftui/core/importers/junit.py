"""JUnit XML as pytest writes it (`pytest --junitxml=FILE`): each test's duration.

Source of truth: pytest's `_pytest/junitxml.py` (pytest 8): `<testsuites><testsuite name
timestamp hostname ...><testcase classname name time [file line]>` with a `<skipped>`,
`<failure>` or `<error>` child for a test that did not pass; `time` is seconds ("%.3f");
`classname`/`name` come from `mangle_test_address(nodeid)`: the file path dotted without
`.py`, then the classes, and the test name with its parameters (`tests.test_x.TestA` +
`test_y[1]`); `file` is written only by the xunit1 family. `timestamp` is the suite's start,
ISO-8601 with an offset (older pytest: local time without one, read as this machine's).

One file is one run: one snapshot at the earliest suite `timestamp` (the file's modification
time, with a note, when no suite has one), one metric per passing test case, its `time`. The id
is the one pytest-benchmark's importer gives the same test (`metric_slug` of the node id): the
node id is rebuilt from `file` when present, else from `classname` (its trailing parts that
start with a capital letter are classes, as pytest's default `python_classes = Test*`, the rest
the module path); the node id is the metric's name. Skipped tests are left out; failed and
errored ones too, with a note (a failing test's time is not a performance measure).

Parsed with the standard library's expat-based `XMLParser` fed 64 KiB at a time with a target
that keeps no tree (memory does not grow with the file). A DOCTYPE (hence any ENTITY) is
refused outright before anything in it is read: no entity is ever expanded. Malformed XML, a
binary file, a time that is not a non-negative number: one ImportFileError naming the place.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perftui.core.importers import model as m

CHUNK = 1 << 16
_TIME = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*\Z")
_ROOTS = ("testsuites", "testsuite")


def looks_like_text(head: str) -> bool:
    """XML whose first element is <testsuites> or <testsuite> (or any XML: the only XML
    format perftui reads; junit.read names what is wrong with it)."""
    return head.lstrip("\ufeff \t\r\n").startswith("<")


class _DoctypeRefused(Exception):
    pass


class _Cases:
    """The parser's target: reads test cases as they end, keeps only the values."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.depth = 0
        self.root: str | None = None
        self.times: list[str] = []
        self.host: str | None = None
        self.case: dict | None = None
        self.outcome = "passed"
        self.index = 0
        self.values: dict[str, float] = {}
        self.names: dict[str, str] = {}
        self.failed: list[str] = []
        self.skipped = 0

    def doctype(self, name, pubid, system) -> None:
        raise _DoctypeRefused()

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth == 1:
            self.root = tag
            if tag not in _ROOTS:
                raise m.ImportFileError(f"{self.path}: XML but not JUnit (the root element is "
                                        f"<{_short(tag)}>, expected <testsuites> or <testsuite>)")
        if tag == "testsuite":
            self._suite(attrs)
        elif tag == "testcase":
            self.index += 1
            self.case, self.outcome = attrs, "passed"
        elif self.case is not None and tag in ("failure", "error"):
            self.outcome = "failed"
        elif self.case is not None and tag == "skipped" and self.outcome == "passed":
            self.outcome = "skipped"

    def end(self, tag: str) -> None:
        self.depth -= 1
        if tag == "testcase" and self.case is not None:
            self._testcase(self.case)
            self.case = None

    def data(self, text: str) -> None:     # system-out, messages: not kept
        pass

    def close(self) -> None:
        return None

    def _suite(self, attrs: dict) -> None:
        where = f"{self.path}: testsuite {attrs.get('name') or ''}".rstrip()
        if attrs.get("timestamp"):
            self.times.append(_suite_time(attrs["timestamp"], f"{where} timestamp"))
        if self.host is None and attrs.get("hostname"):
            self.host = m.text(attrs["hostname"], f"{where} hostname")

    def _testcase(self, attrs: dict) -> None:
        where = f"{self.path}: testcase {self.index}"
        classname = m.text(attrs.get("classname"), f"{where} classname", 1000) or ""
        name = m.text(attrs.get("name"), f"{where} name", 1000)
        if name is None:
            raise m.ImportFileError(f"{where}: the test case has no name")
        node = node_id(classname, name, attrs.get("file"))
        where = f"{where} ({_short(node)})"
        if self.outcome == "skipped":
            self.skipped += 1
            return
        raw = attrs.get("time")
        if raw is None:
            raise m.ImportFileError(f"{where}: no time attribute")
        if not _TIME.match(raw):
            raise m.ImportFileError(f"{where}: time is not a number: {_short(raw)!r}")
        seconds = m.number(float(raw), f"{where}: time")
        if seconds < 0:
            raise m.ImportFileError(f"{where}: time is negative ({raw.strip()})")
        if self.outcome == "failed":
            self.failed.append(node)
            return
        metric_id = m.metric_slug(node)
        if metric_id in self.values:
            raise m.ImportFileError(f"{where}: the test appears twice")
        self.values[metric_id] = seconds
        self.names[metric_id] = node


def node_id(classname: str, name: str, file: Any = None) -> str:
    """pytest's node id for a JUnit test case (the inverse of `mangle_test_address`)."""
    parts = [p for p in classname.split(".") if p]
    if isinstance(file, str) and file.endswith(".py"):
        module = file[:-3].replace("\\", "/").replace("/", ".").split(".")
        if parts[:len(module)] == module:
            return "::".join([file.replace("\\", "/"), *parts[len(module):], name])
    classes = 0
    while classes < len(parts) - 1 and parts[-1 - classes][:1].isupper():
        classes += 1
    module = parts[:len(parts) - classes]
    if not module:
        return "::".join([*parts, name])
    return "::".join(["/".join(module) + ".py", *parts[len(module):], name])


def read(path: Path, defaults: dict) -> m.ImportBatch:
    cases = _parse(path)
    batch = m.ImportBatch("junit")
    if cases.failed:
        shown = ", ".join(cases.failed[:3]) + (f" and {len(cases.failed) - 3} more"
                                                if len(cases.failed) > 3 else "")
        batch.notes.append(f"{path.name}: left out {len(cases.failed)} failed or errored "
                           f"test(s) (a failing test's time is not a performance measure): "
                           f"{shown}")
    if not cases.values:
        raise m.ImportFileError(f"{path}: no passing test case with a time to import")
    if cases.times:
        recorded_at = min(cases.times)
    else:
        batch.notes.append(f"{path.name}: no testsuite timestamp; the run time is the file's "
                           "modification time")
        recorded_at = m.timestamp(path.stat().st_mtime, f"{path}: modification time")
    for metric_id, node in cases.names.items():
        batch.hints[metric_id] = m.MetricHint(metric_id, node[:200], "s", "lower",
                                              "test duration (pytest --junitxml)",
                                              "junit", rescale=True)
    fields = {
        "recorded_at": recorded_at,
        "app": defaults.get("app") or "default",
        "environment": defaults.get("environment") or "local",
        "host": cases.host,
        "git_commit": defaults.get("git_commit"), "git_branch": defaults.get("git_branch"),
        "is_cold_start": False, "status": "ok",
    }
    batch.snapshots.append(m.ImportedSnapshot(fields, cases.values))
    return m.apply_privacy(batch)


def _parse(path: Path) -> _Cases:
    cases = _Cases(path)
    parser = ET.XMLParser(target=cases)
    try:
        with open(path, "rb") as handle:
            first = True
            while chunk := handle.read(CHUNK):
                if first and b"\x00" in chunk and not chunk.startswith(
                        (b"\xff\xfe", b"\xfe\xff")):
                    raise m.ImportFileError(f"{path} is a binary file, not JUnit XML")
                first = False
                parser.feed(chunk)
        parser.close()
    except _DoctypeRefused:
        raise m.ImportFileError(f"{path}: XML with a DOCTYPE (DTD/ENTITY declarations) is "
                                "refused; pytest's JUnit XML has none") from None
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        if reason.startswith("no element found") or reason.startswith("unclosed token"):
            raise m.ImportFileError(f"{path} is truncated: the XML ends before it is complete "
                                    f"(line {line})") from None
        raise m.ImportFileError(f"{path} is not valid XML: {reason} (line {line}, column "
                                f"{column + 1})") from None
    except IsADirectoryError:
        raise m.ImportFileError(f"{path} is a directory") from None
    except OSError as exc:
        raise m.ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if cases.root is None:
        raise m.ImportFileError(f"{path}: no XML element in the file")
    return cases


def _suite_time(value: str, where: str) -> str:
    """A suite timestamp: with an offset as given; without one, this machine's local time
    (what pytest wrote before it added the offset)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return m.timestamp(value, where)          # the shared message
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return m.timestamp(moment.astimezone(timezone.utc).isoformat(), where)


def _short(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[:most - 3] + "..."
