"""Profiles beside alerts (migration 0008): the stored format, and the SQL that keeps them.

A profile is one call of an operation the recorder times, run under `cProfile`, taken when a
regression alert opens on that operation (kind `regression`, with the alert's id) or now and
then on a healthy run (kind `baseline`), so that an alert's profile can be set against one from
before it. Stored as zlib-compressed JSON in `profiles.data`:

    {"format": "perftui-profile/1",
     "total_ms": 12.5,                     # own time of every function: the call's total
     "functions": [[file, line, name, calls, primitive_calls, own_ms, cum_ms], ...],
     "edges": [[caller, callee, calls, primitive_calls, own_ms, cum_ms], ...],
     "dropped": [functions, own_ms]}       # what the size bound left out

`functions` are sorted by cumulative time, largest first; `edges` index into them and carry
what the callee spent when called from that caller (cProfile's caller table). At most
MAX_FUNCTIONS functions and MAX_EDGES edges are kept, the ones with the most cumulative time,
so a stored profile is a few kilobytes to a few tens of kilobytes whatever the host app. File
paths under the user's home directory start with `~`.

Standard library only, and no `json` import at module level: the recorder saves profiles from
inside host applications.
"""

from __future__ import annotations

from perftui.store.engine import Database

FORMAT = "perftui-profile/1"
MAX_FUNCTIONS = 300
MAX_EDGES = 1200
MAX_RAW_BYTES = 4 * 1024 * 1024  # a stored profile larger than this when inflated is refused
KEEP_BASELINES = 3               # per app, environment and metric: the latest ones
KINDS = ("regression", "baseline")

_COLUMNS = ("id, metric_id, app, environment, operation, kind, alert_id, snapshot_id,"
            " captured_at, duration_ms, functions, raw_bytes, data")


class ProfileDamaged(ValueError):
    """A stored profile that cannot be read back (truncated, not ours, too large inflated)."""


# -- the format ------------------------------------------------------------------------------
def _short_path(path: str, home: str | None) -> str:
    if home and path.startswith(home + "/"):
        path = "~" + path[len(home):]
    return path if len(path) <= 200 else "…" + path[-199:]


def from_stats(stats: dict, *, max_functions: int = MAX_FUNCTIONS,
               max_edges: int = MAX_EDGES, home: str | None = None) -> dict:
    """The stored document of a `cProfile.Profile().create_stats()` / `pstats` stats dict:
    {(file, line, name): (primitive_calls, calls, own_s, cum_s, {caller: (pc, nc, own_s, cum_s)})}.
    Keeps the `max_functions` functions with the most cumulative time."""
    if home is None:
        import os

        home = os.path.expanduser("~")
        home = home if home not in ("~", "/") else None
    total_s = sum(entry[2] for entry in stats.values())
    ranked = sorted(stats.items(), key=lambda kv: (-kv[1][3], -kv[1][2], kv[0]))
    kept = ranked[:max_functions]
    index = {key: i for i, (key, _) in enumerate(kept)}
    functions = []
    for (file, line, name), (pc, nc, tt, ct, _callers) in kept:
        functions.append([_short_path(str(file), home), int(line), str(name), int(nc), int(pc),
                          round(tt * 1000.0, 6), round(ct * 1000.0, 6)])
    edges = []
    for (callee, (_pc, _nc, _tt, _ct, callers)) in kept:
        j = index[callee]
        for caller, value in (callers or {}).items():
            i = index.get(caller)
            if i is None:
                continue
            if isinstance(value, tuple) and len(value) == 4:
                epc, enc, ett, ect = value
            else:  # very old pstats files: a plain call count
                epc = enc = int(value)
                ett = ect = 0.0
            edges.append([i, j, int(enc), int(epc), round(ett * 1000.0, 6),
                          round(ect * 1000.0, 6)])
    edges.sort(key=lambda e: (-e[5], e[0], e[1]))
    edges = edges[:max_edges]
    dropped = ranked[max_functions:]
    return {"format": FORMAT, "total_ms": round(total_s * 1000.0, 6), "functions": functions,
            "edges": edges,
            "dropped": [len(dropped), round(sum(e[2] for _, e in dropped) * 1000.0, 6)]}


def to_stats(doc: dict) -> dict:
    """The `pstats` stats dict of a stored document (seconds), for `pstats.Stats` and the
    tools that read its files (snakeviz, gprof2dot)."""
    functions = doc["functions"]
    keys = [(f[0], f[1], f[2]) for f in functions]
    callers: list[dict] = [{} for _ in functions]
    for i, j, nc, pc, tt, ct in doc["edges"]:
        callers[j][keys[i]] = (pc, nc, tt / 1000.0, ct / 1000.0)
    return {keys[k]: (f[4], f[3], f[5] / 1000.0, f[6] / 1000.0, callers[k])
            for k, f in enumerate(functions)}


def encode(doc: dict) -> tuple[bytes, int]:
    """(compressed bytes, raw size) of a document."""
    import zlib

    from perftui._json import dumps

    raw = dumps(doc).encode("utf-8")
    return zlib.compress(raw, 6), len(raw)


def decode(data: bytes | memoryview) -> dict:
    """The document of stored bytes; ProfileDamaged if they are not a readable profile (a store
    may come from anyone: inflating is bounded, and the shape is checked)."""
    import zlib

    from perftui._json import loads

    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(bytes(data), MAX_RAW_BYTES)
        if inflater.unconsumed_tail:
            raise ProfileDamaged(f"larger than {MAX_RAW_BYTES // (1024 * 1024)} MB inflated")
        doc = loads(raw.decode("utf-8"))
    except ProfileDamaged:
        raise
    except Exception as exc:
        raise ProfileDamaged(f"not a readable profile ({type(exc).__name__})") from None
    _check(doc)
    return doc


def _check(doc) -> None:
    try:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("format")
        n = len(doc["functions"])
        for f in doc["functions"]:
            if (len(f) != 7 or not isinstance(f[0], str) or not isinstance(f[2], str)
                    or not all(isinstance(v, (int, float)) for v in f[3:])):
                raise ValueError("function")
        for e in doc["edges"]:
            if (len(e) != 6 or not all(isinstance(v, (int, float)) for v in e)
                    or not (0 <= e[0] < n and 0 <= e[1] < n)):
                raise ValueError("edge")
        float(doc["total_ms"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ProfileDamaged(f"not a perftui profile ({exc})") from None


# -- the table -------------------------------------------------------------------------------
def save_profile(db: Database, *, metric_id: int, app: str, environment: str, operation: str,
                 kind: str, doc: dict, captured_at: str, duration_ms: float,
                 alert_id: int | None = None, snapshot_id: int | None = None,
                 keep_baselines: int = KEEP_BASELINES) -> int:
    """Store one profile; a baseline pushes out all but the latest `keep_baselines` of its
    metric. Runs inside the caller's transaction, if any."""
    if kind not in KINDS:
        raise ValueError(f"profile kind {kind!r}: one of {', '.join(KINDS)}")
    data, raw_bytes = encode(doc)
    new_id = db.execute(
        "INSERT INTO profiles (metric_id, app, environment, operation, kind, alert_id,"
        " snapshot_id, captured_at, duration_ms, functions, raw_bytes, data)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
        (metric_id, app, environment, operation, kind, alert_id, snapshot_id, captured_at,
         float(duration_ms), len(doc["functions"]), raw_bytes, data)).scalar()
    if kind == "baseline":
        db.execute(
            "DELETE FROM profiles WHERE kind = 'baseline' AND app = ? AND environment = ?"
            " AND metric_id = ? AND id NOT IN (SELECT id FROM profiles WHERE kind = 'baseline'"
            " AND app = ? AND environment = ? AND metric_id = ?"
            " ORDER BY captured_at DESC, id DESC LIMIT ?)",
            (app, environment, metric_id, app, environment, metric_id, keep_baselines))
    return new_id


def alerts_to_profile(db: Database, metric_code: str) -> tuple[int, str, list[tuple]] | None:
    """(metric id, its operation, [(alert id, app, environment, triggered_at), ...]) of the
    open regression-type alerts of warning and above on a metric timed as an operation, oldest
    first; None when the metric is not an operation's. (What the demo store profiles.)"""
    metric = db.execute("SELECT id, operation FROM metrics WHERE code = ?",
                        (metric_code,)).fetchone()
    if metric is None or not metric[1]:
        return None
    alerts = db.execute(
        "SELECT id, app, environment, triggered_at FROM alerts"
        " WHERE metric_id = ? AND status != 'resolved' AND severity != 'info'"
        " AND alert_type IN ('regression', 'change_point', 'trend') ORDER BY triggered_at, id",
        (metric[0],)).fetchall()
    return metric[0], metric[1], [tuple(a) for a in alerts]


def latest_baselines(db: Database, app: str, environment: str) -> dict[int, str]:
    """metric id -> when its latest baseline profile was taken, for one app and environment."""
    return {r[0]: r[1] for r in db.execute(
        "SELECT metric_id, max(captured_at) FROM profiles WHERE kind = 'baseline'"
        " AND app = ? AND environment = ? GROUP BY metric_id", (app, environment))}


def _record(row: tuple, *, with_data: bool = True) -> dict:
    keys = ("id", "metric_id", "app", "environment", "operation", "kind", "alert_id",
            "snapshot_id", "captured_at", "duration_ms", "functions", "raw_bytes")
    out = dict(zip(keys, row[:12]))
    blob = row[12]
    out["stored_bytes"] = len(blob)
    if with_data:
        try:
            out["data"] = decode(blob)
        except ProfileDamaged as exc:
            raise ProfileDamaged(f"profile {row[0]} is damaged: {exc}") from None
    return out


def profile(db: Database, profile_id: int) -> dict | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM profiles WHERE id = ?", (profile_id,)).fetchone()
    return _record(row) if row else None


def profiles_for_alert(db: Database, alert_id: int) -> dict:
    """{"regression": the first profile taken for the alert, "baseline": the latest baseline
    profile of the same app, environment and metric taken before it} (either may be None).
    Without a profile for the alert, "baseline" is None too. A damaged baseline is None, with
    "baseline_error" saying why; a damaged profile of the alert raises ProfileDamaged."""
    row = db.execute(f"SELECT {_COLUMNS} FROM profiles WHERE alert_id = ?"
                     " ORDER BY captured_at, id LIMIT 1", (alert_id,)).fetchone()
    if row is None:
        return {"regression": None, "baseline": None}
    regression = _record(row)
    base = db.execute(
        f"SELECT {_COLUMNS} FROM profiles WHERE kind = 'baseline' AND app = ?"
        " AND environment = ? AND metric_id = ? AND captured_at <= ?"
        " ORDER BY captured_at DESC, id DESC LIMIT 1",
        (regression["app"], regression["environment"], regression["metric_id"],
         regression["captured_at"])).fetchone()
    found = {"regression": regression, "baseline": None}
    if base:
        try:
            found["baseline"] = _record(base)
        except ProfileDamaged as exc:  # the alert's own profile still shows, without a diff
            found["baseline_error"] = str(exc)
    return found


def alerts_with_profiles(db: Database, alert_ids) -> set[int]:
    """Which of these alerts have a profile (for a marker in lists)."""
    ids = [int(a) for a in alert_ids]
    if not ids:
        return set()
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in db.execute(
            f"SELECT DISTINCT alert_id FROM profiles WHERE alert_id IN ({marks})", chunk))
    return found
