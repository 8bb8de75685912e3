"""The metric catalog as data: reading, validating and writing catalog files.

A catalog file is JSON: {"format": "perftui-catalog", "version": 1, "metrics": [...], "flags": [...]}.
Each metric: id, key, name, unit, direction ("lower"|"higher" is better), target, warning, error
(absolute, in the unit), description, source, active, and optionally the recorder operation
name that feeds it. The default catalog (the original design's APP-001 … UFO-001) ships as
`perftui/data/catalog.json`.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from perftui.errors import CatalogError
from perftui.textrules import first_control

DEFAULT_CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog.json"
CATALOG_FORMAT = "perftui-catalog"

# \Z, not $: "$" also matches before a trailing newline ("APP-001\n" is not an id)
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,79}\Z")
_FIELDS = {"id", "key", "name", "unit", "direction", "target", "warning", "error",
           "description", "source", "active", "operation"}


def check_number(value: Any, field: str) -> float | None:
    """A finite float, or None for null. Refuses text, booleans, NaN and infinity."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise CatalogError(f"{field} must be a number, got {value!r}") from None
        else:
            raise CatalogError(f"{field} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise CatalogError(f"{field} must be a finite number, got {value}")
    return value


def validate_lines(direction: str, target: float | None, warning: float | None,
                   error: float | None, where: str = "") -> None:
    """Lines must lie in the bad direction in order: target, then warning, then error.

    For lower-is-better: target <= warning <= error. For higher-is-better: target >= warning >= error.
    """
    prefix = f"{where}: " if where else ""
    if direction not in ("lower", "higher"):
        raise CatalogError(f"{prefix}direction must be 'lower' or 'higher', got {direction!r}")
    word = "above" if direction == "lower" else "below"
    ordered = [("target", target), ("warning", warning), ("error", error)]
    present = [(n, v) for n, v in ordered if v is not None]
    for (n1, v1), (n2, v2) in zip(present, present[1:]):
        bad = v2 < v1 if direction == "lower" else v2 > v1
        if bad:
            raise CatalogError(
                f"{prefix}{n2} line ({v2:g}) must not be {('below' if direction == 'lower' else 'above')} "
                f"the {n1} line ({v1:g}) for a metric where {direction} is better "
                f"(lines go {word} the target)")


def normalise_entry(raw: Any, index: int = 0) -> dict:
    """Validate one catalog metric entry and return it with every field present."""
    where = f"metrics[{index}]"
    if not isinstance(raw, dict):
        raise CatalogError(f"{where} must be an object")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    code = raw.get("id")
    if not isinstance(code, str) or not _SLUG.match(code):
        raise CatalogError(f"{where}.id must be a short slug like 'APP-001', got {code!r}")
    where = f"metric {code}"
    key = raw.get("key")
    if key is not None and (not isinstance(key, str) or not _SLUG.match(key)):
        raise CatalogError(f"{where}: key must be a slug like 'startup_time_ms', got {key!r}")
    direction = raw.get("direction", "lower")
    entry = {
        "id": code,
        "key": key,
        "name": str(raw.get("name") or code),
        "unit": str(raw.get("unit") or ""),
        "direction": direction,
        "target": check_number(raw.get("target"), f"{where}: target"),
        "warning": check_number(raw.get("warning"), f"{where}: warning"),
        "error": check_number(raw.get("error"), f"{where}: error"),
        "description": str(raw.get("description") or ""),
        "source": str(raw.get("source") or ""),
        "active": raw.get("active", True),
        "operation": raw.get("operation"),
    }
    for field in ("name", "unit", "description"):   # a description may have lines and tabs
        bad = first_control(entry[field], "\n\t" if field == "description" else "")
        if bad is not None:
            raise CatalogError(f"{where}: {field} holds a control character ({bad!r})")
    if not isinstance(entry["active"], bool):
        raise CatalogError(f"{where}: active must be true or false")
    if entry["operation"] is not None and not isinstance(entry["operation"], str):
        raise CatalogError(f"{where}: operation must be text")
    validate_lines(direction, entry["target"], entry["warning"], entry["error"], where)
    return entry


def parse_catalog(document: Any) -> tuple[list[dict], list[dict]]:
    """Validate a whole catalog document; returns (metrics, flags). Duplicate ids or keys refused."""
    if not isinstance(document, dict) or not isinstance(document.get("metrics"), list):
        raise CatalogError("a catalog must be a JSON object with a 'metrics' list")
    if document.get("format", CATALOG_FORMAT) != CATALOG_FORMAT:
        raise CatalogError(f"format must be {CATALOG_FORMAT!r}, got {document.get('format')!r}")
    metrics = [normalise_entry(raw, i) for i, raw in enumerate(document["metrics"])]
    seen: dict[str, str] = {}
    for m in metrics:
        for name in (m["id"], m["key"]):
            if name is None:
                continue
            if name in seen:
                raise CatalogError(f"metric {m['id']}: {name!r} is already used by metric {seen[name]}")
            seen[name] = m["id"]
    flags = document.get("flags", [])
    if not isinstance(flags, list):
        raise CatalogError("flags must be a list")
    for i, rule in enumerate(flags):
        if not isinstance(rule, dict) or not {"flag", "metric", "op", "value"} <= set(rule):
            raise CatalogError(f"flags[{i}] needs flag, metric, op and value")
        if rule["op"] not in (">", ">=", "<", "<=", "==", "!="):
            raise CatalogError(f"flags[{i}].op must be one of > >= < <= == !=")
        check_number(rule["value"], f"flags[{i}].value")
    return metrics, flags


def read_catalog_file(path: str | Path) -> tuple[list[dict], list[dict]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{path} is not a UTF-8 text file (a catalog is JSON)") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise CatalogError(f"{path}: the JSON is nested too deeply to read") from None
    except ValueError as exc:     # e.g. an integer of more than 4300 digits
        raise CatalogError(f"{path} is not valid JSON: {exc}") from None
    if "\\ud" in text.lower():   # rare: only then look for lone surrogates ("\\ud800")
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise CatalogError(f"{path}: not valid Unicode text (a lone surrogate such as "
                               "\\ud800)") from None
    try:
        return parse_catalog(document)
    except OverflowError:         # an integer of hundreds of digits where a number belongs
        raise CatalogError(f"{path}: a number is out of range") from None


def default_catalog() -> tuple[list[dict], list[dict]]:
    return read_catalog_file(DEFAULT_CATALOG)


def catalog_document(metrics: Iterable[dict], flags: Iterable[dict]) -> dict:
    return {"format": CATALOG_FORMAT, "version": 1, "metrics": list(metrics), "flags": list(flags)}


# Guessing unit and direction of a metric first seen in a recording.
_UNIT_SUFFIXES = (
    ("_ms", "ms"), ("_us", "us"), ("_ns", "ns"), ("_seconds", "s"), ("_sec", "s"), ("_s", "s"),
    ("_mb", "MB"), ("_kb", "KB"), ("_bytes", "bytes"), ("_tokens", "tokens"), ("_token_count", "tokens"),
    ("_count", "count"), ("_cents", "cents"), ("_rate", "ratio"), ("_ratio", "ratio"), ("_pct", "%"),
    ("_percent", "%"),
)
_HIGHER_HINTS = ("hit_rate", "hit_ratio", "throughput", "per_sec", "per_second", "ops", "rps", "qps",
                 "score", "success")


def guess_metric(name: str) -> dict:
    """Catalog entry for a metric recorded under an unknown name: unit from its suffix, no target."""
    lower = name.lower()
    if lower.endswith(("per_sec", "per_second", "_ops", "_rps", "_qps")):
        unit = "/s"
    else:
        unit = next((u for suffix, u in _UNIT_SUFFIXES if lower.endswith(suffix)), "")
    direction = "higher" if any(h in lower for h in _HIGHER_HINTS) else "lower"
    pretty = re.sub(r"[_\-]+", " ", name).strip().capitalize() or name
    return {"id": name, "key": None, "name": pretty, "unit": unit, "direction": direction,
            "target": None, "warning": None, "error": None, "description": "",
            "source": "registered on first recording", "active": True, "operation": None}
