"""What every importer produces, and the checks they share.

An importer reads one file (or an asv results directory) and returns an `ImportBatch`: the
snapshots with their metric values, hints for metrics the store may not know yet (unit,
direction, a readable name), and, for perftui's own export, the catalog, alerts and the rest.
Everything is validated while reading: an `ImportFileError` names the file and the place, and
nothing reaches the store.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from perftui.errors import InputError
from perftui.textrules import control_message, first_control
from perftui.recorder.sanitize import (KEY_NAME, private_reason, redact_text, sanitize_breakdown,
                                       store_session_id)
from perftui.timefmt import EARLIEST_RECORDED_AT, latest_recorded_at, normalise_iso, to_iso

# \Z, not $: "$" also matches before a trailing newline ("APP-001\n" is not an id)
_SLUG_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,79}\Z")
_SLUG_BAD = re.compile(r"[^A-Za-z0-9_.:/-]+")
MAX_SLUG = 80
_STORE_TIME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:"
                         r"[0-5]\d\.\d{6}Z\Z")
MAX_MAGNITUDE = 1e15        # no measurement, count or size is this large: a unit or file mix-up
MAX_DEPTH = 64              # nesting of a JSON breakdown (operations, cache_stats, errors)

SNAPSHOT_TEXT_FIELDS = ("app", "environment", "host", "session_id", "git_commit", "git_branch",
                        "app_version", "python_version", "platform", "notes")
SNAPSHOT_NUMBER_FIELDS = ("cpu_count", "total_memory_mb", "performance_index", "regression_score")
SNAPSHOT_JSON_FIELDS = ("flags", "operations", "cache_stats", "errors")


class ImportFileError(InputError):
    """A file that cannot be imported; the message names the file and what is wrong in it."""


@dataclass
class MetricHint:
    """How to register a metric the store does not know yet."""

    id: str
    name: str
    unit: str = ""
    direction: str = "lower"
    description: str = ""
    source: str = ""
    rescale: bool = False      # values are seconds: store them in a readable time unit

    def entry(self) -> dict:
        return {"id": self.id, "key": None, "name": self.name, "unit": self.unit,
                "direction": self.direction, "description": self.description,
                "source": self.source, "active": True}


@dataclass
class ImportedSnapshot:
    fields: dict[str, Any]              # recorded_at (store form), app, environment, ...
    metrics: dict[str, float]
    source_id: int | None = None        # the snapshot's id in an exported store


@dataclass
class ImportBatch:
    source_format: str
    snapshots: Any = field(default_factory=list)   # list[ImportedSnapshot] or Snapshots
    hints: dict[str, MetricHint] = field(default_factory=dict)
    catalog: list[dict] | None = None   # full catalog entries (perftui export only)
    flag_rules: list[dict] | None = None
    alerts: list[dict] = field(default_factory=list)
    baseline_resets: list[dict] = field(default_factory=list)
    target_changes: list[dict] = field(default_factory=list)
    daily_aggregates: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> Any:
        """A streaming reader's snapshots (perftui JSON, CSV read with stream=True): not a
        list but an `importers.ordered.Snapshots`, validated and counted (`len`), iterated
        oldest first, in bounded memory. None when `snapshots` is a list."""
        return None if isinstance(self.snapshots, list) else self.snapshots

    @property
    def snapshot_count(self) -> int:
        return len(self.snapshots)

    @property
    def measurement_count(self) -> int:
        if self.source is not None:
            return self.source.measurements
        return sum(len(s.metrics) for s in self.snapshots)


def apply_privacy(batch: ImportBatch, privacy: Privacy | None = None) -> ImportBatch:
    """The recorder's privacy policy (perftui.recorder.sanitize) on everything a batch would
    store, in place; every reader ends with it.

    A metric whose id or name is private (a private key name such as `user_id`, an e-mail
    address, a secret-looking token) is left out of every snapshot, the catalog, the alerts
    and the rest, with one note in the batch saying so: the rest of the file imports. Session
    ids are stored hashed, notes (snapshots', alerts') redacted, private breakdown keys
    (operations, cache_stats, errors) dropped. Idempotent.

    A reader that streams its snapshots passes each through `privacy.snapshot` as it reads
    them, then the batch (without them) and the same `privacy` here."""
    privacy = privacy or Privacy(batch.hints)
    for snap in batch.snapshots:
        privacy.snapshot(snap)
    return privacy.rest(batch)


class Privacy:
    """apply_privacy, one snapshot at a time; remembers the metrics it left out for the note."""

    def __init__(self, hints: dict[str, MetricHint] | None = None) -> None:
        self.hints = hints if hints is not None else {}
        self.dropped: dict[str, str] = {}
        self.public: set[str] = set()      # names found not private (checked once each)

    def private(self, name: Any) -> bool:
        if name in self.public or not isinstance(name, str):
            return False
        if name not in self.dropped:
            hint = self.hints.get(name)
            reason = private_reason(name) or (private_reason(hint.name) if hint else None)
            if reason is None:
                self.public.add(name)
                return False
            self.dropped[name] = reason
        return True

    def snapshot(self, snap: ImportedSnapshot) -> ImportedSnapshot:
        if not self.public.issuperset(snap.metrics):
            for name in [n for n in snap.metrics if self.private(n)]:
                del snap.metrics[name]
        fields = snap.fields
        if fields.get("session_id") is not None:
            fields["session_id"] = store_session_id(fields["session_id"])
        if fields.get("notes"):
            fields["notes"] = redact_text(fields["notes"])
        for key in ("operations", "cache_stats", "errors"):
            if fields.get(key) is not None:
                fields[key] = sanitize_breakdown(fields[key])
        return snap

    def rest(self, batch: ImportBatch) -> ImportBatch:
        """Everything but the snapshots: hints, catalog, alerts and the rest; the note."""
        private, dropped = self.private, self.dropped
        for name in [n for n in batch.hints if private(n)]:
            del batch.hints[name]
        if batch.catalog is not None:
            batch.catalog = [e for e in batch.catalog
                             if not (private(e.get("id")) or private(e.get("key")))]
        for records in ("alerts", "baseline_resets", "target_changes", "daily_aggregates"):
            kept = [r for r in getattr(batch, records) if not private(r.get("metric_code"))]
            for record in kept:
                for key in ("notes", "resolution_notes", "reason"):
                    if isinstance(record.get(key), str):
                        record[key] = redact_text(record[key])
            setattr(batch, records, kept)
        if dropped:
            named = sorted(n for n, reason in dropped.items() if reason == KEY_NAME)
            others = len(dropped) - len(named)
            what = ", ".join(named + ([f"{others} more holding an e-mail address or a "
                                       "secret-looking token (not shown)"] if others else []))
            batch.notes.append(f"left out {len(dropped)} metric(s) whose names are private "
                               f"(perftui stores no personal data or secrets): {what}")
        return batch


def metric_slug(name: str) -> str:
    """A metric id for a benchmark name: invalid characters become '_', and a name longer than
    80 characters loses leading path components (then gets a short hash) until it fits."""
    slug = _SLUG_BAD.sub("_", name.strip()).strip("_") or "metric"
    if not slug[0].isalnum():
        slug = "m" + slug
    while len(slug) > MAX_SLUG:
        parts = re.split(r"(?<=[./:])", slug, maxsplit=1)
        if len(parts) < 2 or not parts[1]:
            break
        slug = parts[1].lstrip("./:") or slug
    if len(slug) > MAX_SLUG or not _SLUG_OK.match(slug):
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[:MAX_SLUG - 9].rstrip('_.:/-')}-{digest}"
    return slug


def number(value: Any, where: str) -> float:
    """A finite float of sane magnitude (at most 1e15 either way), or ImportFileError naming
    the place."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ImportFileError(f"{where}: expected a number, got {_show(value)}")
    try:
        result = float(value)
    except OverflowError:      # an integer of hundreds of digits
        raise ImportFileError(f"{where}: number out of range (about "
                              f"{int(value.bit_length() * 0.30103)} digits)") from None
    if not math.isfinite(result):
        raise ImportFileError(f"{where}: expected a finite number, got {result}")
    if abs(result) > MAX_MAGNITUDE:
        raise ImportFileError(f"{where}: {result:g} is out of range (at most {MAX_MAGNITUDE:g})")
    return result


def optional_count(value: Any, where: str) -> int | None:
    """A whole number of at least 0 (cpu_count, total_memory_mb), or None."""
    if value is None:
        return None
    result = number(value, where)
    if result < 0:
        raise ImportFileError(f"{where}: must not be negative, got {result:g}")
    return int(result)


def json_value(value: Any, where: str) -> Any:
    """A JSON breakdown (operations, cache_stats, errors) as read: refuses NaN, infinity,
    absurd numbers, lone surrogates and nesting deeper than MAX_DEPTH, naming the field."""
    stack = [(value, where, 0)]
    while stack:
        item, place, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ImportFileError(f"{place}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            for key, inner in item.items():
                _check_unicode(key, f"{place}: key")
                stack.append((inner, f"{place}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, f"{place}[{i}]", depth + 1) for i, inner in enumerate(item))
        elif isinstance(item, str):
            _check_unicode(item, place)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            number(item, place)
    return value


def _check_unicode(value: str, where: str) -> None:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ImportFileError(f"{where}: not valid Unicode text (a lone surrogate "
                                  "such as \\ud800)") from None


def optional_number(value: Any, where: str) -> float | None:
    return None if value is None else number(value, where)


def timestamp(value: Any, where: str) -> str:
    """ISO-8601 text, or epoch seconds / milliseconds, in the store's form."""
    return _in_range(_timestamp(value, where), where)


def _timestamp(value: Any, where: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            finite = math.isfinite(value)
            seconds = value / 1000.0 if value > 1e11 else float(value)
            if finite:
                return to_iso(datetime.fromtimestamp(seconds, tz=timezone.utc))
        except (OverflowError, OSError, ValueError):
            pass
        raise ImportFileError(f"{where}: timestamp {_show(value)} is out of range") from None
    if not isinstance(value, str):
        raise ImportFileError(f"{where}: expected an ISO-8601 timestamp, got {_show(value)}")
    if _STORE_TIME.match(value):     # already in the store's form (a perftui export)
        return value
    try:
        return normalise_iso(value)
    except (ValueError, OverflowError):
        raise ImportFileError(f"{where}: not an ISO-8601 timestamp: {_show(value)}") from None


def _in_range(moment: str, where: str) -> str:
    """A store-form time between 1970 and a day from now."""
    if moment < EARLIEST_RECORDED_AT:
        raise ImportFileError(f"{where}: {moment} is before 1970")
    if moment > latest_recorded_at():
        raise ImportFileError(f"{where}: {moment} is in the future (a run is recorded when it "
                              "happened)")
    return moment


def snapshot_uid(value: Any, where: str) -> str | None:
    """A snapshot's identity as perftui writes it: 16 to 64 lowercase hex digits, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not 16 <= len(value) <= 64 \
            or value.strip("0123456789abcdef"):
        raise ImportFileError(f"{where}: expected 16 to 64 lowercase hex digits, got "
                              f"{_show(value)}")
    return value


def text(value: Any, where: str, limit: int = 200, allowed: str = "") -> str | None:
    """Text of at most `limit` characters, without control characters (but those `allowed`:
    tabs and newlines in notes), as perftui stores text (perftui.textrules)."""
    if value is None:
        return None
    if type(value) is str and len(value) <= limit and value.isascii() and value.isprintable():
        return value.strip() or None   # the common case, fast
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ImportFileError(f"{where}: expected text, got {_show(value)}")
    if isinstance(value, str):
        _check_unicode(value, where)
        check_controls(value, where, allowed)
    elif isinstance(value, int) and value.bit_length() > 3 * limit:
        raise ImportFileError(f"{where}: text longer than {limit} characters")
    result = str(value).strip()
    if len(result) > limit:
        raise ImportFileError(f"{where}: text longer than {limit} characters")
    return result or None


NOTE_FIELDS = ("notes", "resolution_notes", "reason", "message", "description")


def check_controls(value: str, where: str, allowed: str = "") -> None:
    """ImportFileError for a terminal control character (see perftui.textrules)."""
    char = first_control(value, allowed)
    if char is not None:
        raise ImportFileError(control_message(where, char))


def _show(value: Any) -> str:
    try:
        shown = json.dumps(value) if not isinstance(value, str) else ascii(value)
    except (TypeError, ValueError, RecursionError):
        shown = type(value).__name__
    return shown if len(shown) <= 40 else shown[:37] + "..."


def load_json(path: Path) -> Any:
    """Parse a JSON file; a truncated or malformed file is an ImportFileError with the place."""
    return parse_json(path, read_text(path))


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json(path: Path, raw: str) -> Any:
    """Parse JSON text read from `path`. Anything the text cannot be (malformed, truncated,
    nested too deeply, numbers too long, lone surrogates) is one ImportFileError line."""
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise json_error(path, raw, exc) from None
    except RecursionError:
        raise ImportFileError(f"{path}: the JSON is nested too deeply to read") from None
    except ValueError as exc:     # e.g. an integer of more than 4300 digits
        raise ImportFileError(f"{path} is not valid JSON: {exc}") from None
    if _SURROGATE_ESCAPE.search(raw):   # rare: only then look for lone surrogates
        _no_lone_surrogates(path, document)
    return document


def _no_lone_surrogates(path: Path, document: Any) -> None:
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            _check_unicode(item, str(path))


def json_error(path: Path, raw: str, exc: json.JSONDecodeError) -> ImportFileError:
    """The one-line error for a JSON file that does not parse: truncated, or malformed where."""
    at_end = exc.pos >= len(raw.rstrip())
    if at_end or (exc.msg.startswith("Unterminated string") and open_brackets(raw) > 0):
        return ImportFileError(f"{path} is truncated: the JSON ends before it is complete "
                               f"(after line {raw.rstrip().count(chr(10)) + 1})")
    return ImportFileError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno}, "
                           f"column {exc.colno})")


def open_brackets(text: str) -> int:
    """How many { and [ are still open at the end of `text` (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
    return depth + (1 if in_string else 0)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a directory") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path} is not a UTF-8 text file") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None


_TIME_SCALES = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def time_unit_for(seconds: float) -> str:
    """A readable unit for a duration measured in seconds (ns, us, ms or s)."""
    magnitude = abs(seconds)
    if magnitude >= 1.0:
        return "s"
    if magnitude >= 1e-3:
        return "ms"
    if magnitude >= 1e-6:
        return "us"
    return "ns"


def convert_seconds(seconds: float, unit: str) -> float:
    return seconds / _TIME_SCALES[unit]


def is_time_unit(unit: str) -> bool:
    return unit in _TIME_SCALES


def check_status(value: Any, where: str) -> str:
    if value is None:
        return "ok"
    if value not in ("ok", "failed"):
        raise ImportFileError(f"{where}: status must be 'ok' or 'failed', got {_show(value)}")
    return value


def check_bool(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool) and value not in (0, 1):
        raise ImportFileError(f"{where}: expected true or false, got {_show(value)}")
    return bool(value)


def valid_metric_name(name: Any) -> bool:
    """A metric id or key as the store accepts them (a short slug like APP-001)."""
    return isinstance(name, str) and bool(_SLUG_OK.match(name))
