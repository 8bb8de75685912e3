"""An alert's profile, read: its top functions, what grew since the baseline, and the files other
tools read (speedscope, pstats).

Pure functions over the stored documents of `perftui.store.profiles` (whose docstring gives the
format), plus the one read both faces use, `alert_profile`. No Textual, no rich.

The diff ranking (`diff`): functions of the two profiles are matched by (file, name), never by
line (lines move between versions; where a file has several functions of one name, the two
`<genexpr>`s of a module or `run` of two classes, the n-th matches the n-th when both profiles
have as many, else by line), and compared by *share*: cumulative time over the
profile's total, so that a slower machine or a longer run does not make everything "grow".
The list answers "where did the time go", so the function that carries a growth ranks above
the callers that merely contain it:

* a function is *carried* by a callee when at least `CARRIED` (90 %) of its growth is the
  growth of that one callee's time under it (the caller edge, matched the same way); in
  `op() -> b() -> slow_part()` with slow_part 3x slower, b is carried by slow_part (op is the
  whole call before and after: it does not grow). Also when its own time carries less than
  10 % of its growth and its largest-growing callee at least half: the growth is its callees',
  and that one leads (the others lead on their own);
* following the carried-by links from a function ends at its *lead*, the function where the
  time went; leads are ranked by their growth, and each lead is followed by the functions it
  carries (largest growth first), which name the way to it (`carried_by`);
* except for builtins (file `~`, line 0: `sorted`, `str.join`, a C extension's method): a
  Python function whose growth is carried by a builtin it calls stays the lead, and the
  builtin follows it, when at least 90 % of the builtin's own growth came from this caller.
  "`parse_rows` got slower" is what a person can act on; "`list.sort` got slower" is not,
  unless many callers share it (then it leads, and its callers follow). Likewise a builtin
  whose growth is (90 %) that under one Python caller follows that caller's group even when
  it carries little of the caller's growth (`str.lower` in a slower list comprehension);
* comprehensions and lambdas (`<listcomp>`, `<genexpr>`, ...) are treated as builtins are:
  part of the function that makes them, so "`normalise_text` got slower" leads, not its
  `<listcomp>` (Python 3.12 inlines comprehensions anyway).
"""

from __future__ import annotations

import os

from perftui.errors import InputError

SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"
CARRIED = 0.9            # share of a caller's growth one callee must carry to outrank it
GREW = 0.05              # percentage points: less is "unchanged"
MAX_DEPTH = 64           # speedscope: deepest stack rebuilt
MAX_SAMPLES = 50_000     # speedscope: stacks emitted at most (a DAG can have many paths)
# code objects that are part of the function that makes them (Python 3.12 inlines the
# comprehensions): in the diff they follow that function, as builtins do
INNER = ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>", "<lambda>")
# the profiler's own call, in every profile taken with enable()/disable(): not the app's time
PROFILER_NOISE = ("<method 'disable' of '_lsprof.Profiler' objects>",)


class ProfileUnreadable(InputError):
    """A stored profile that cannot be read back (damaged, or not a perftui profile)."""


class NoProfile(InputError):
    """The alert exists but has no profile yet."""


# -- the read ---------------------------------------------------------------------------------
def alert_profiles(store, alert_id: int) -> dict:
    """{"alert": the alert, "regression": record | None, "baseline": record | None}; records
    as `perftui.store.profiles` gives them, each with its decoded "data". An InputError for an
    unknown alert, ProfileUnreadable for a damaged profile."""
    from perftui.core.alerts import get_alert
    from perftui.store import profiles as stored

    alert = get_alert(store, alert_id)
    try:
        found = stored.profiles_for_alert(store, alert_id)
    except stored.ProfileDamaged as exc:
        raise ProfileUnreadable(f"the profile of alert {alert_id} cannot be read: {exc}") from None
    return {"alert": alert, **found}


def no_profile_message(alert_id: int) -> str:
    return (f"no profile for alert {alert_id} yet: it is taken the next time the host app runs "
            "the operation, if the recorder times it (measure_performance or measure())")


def alert_profile(store, alert_id: int, limit: int = 20) -> dict:
    """`view` of the alert's profiles, read from the store."""
    return view(alert_profiles(store, alert_id), limit)


def view(found: dict, limit: int = 20) -> dict:
    """What the faces show of `alert_profiles`' answer: {"alert", "regression", "baseline"}
    (records without their data), "top" (rows of `top_functions`), "diff" (rows of `diff`,
    or None without a baseline) and "baseline_error" (why a stored baseline could not be read,
    else None). NoProfile when the alert has none yet."""
    regression, baseline = found["regression"], found["baseline"]
    if regression is None:
        raise NoProfile(no_profile_message(found["alert"]["id"]))
    return {"alert": found["alert"], "regression": meta(regression),
            "baseline": meta(baseline) if baseline else None,
            "top": top_functions(regression["data"], limit),
            "diff": (diff(baseline["data"], regression["data"])[:limit] if baseline else None),
            "baseline_error": found.get("baseline_error")}


def meta(record: dict) -> dict:
    """A record without its data, with what was dropped by the size bound."""
    out = {k: v for k, v in record.items() if k != "data"}
    data = record.get("data") or {}
    out["total_ms"] = data.get("total_ms")
    dropped = data.get("dropped") or [0, 0.0]
    out["dropped_functions"], out["dropped_ms"] = dropped[0], dropped[1]
    return out


# -- labels -----------------------------------------------------------------------------------
def is_builtin(file: str, line: int) -> bool:
    return file == "~" and not line


def short_file(file: str) -> str:
    """The last two parts of a path: `~/src/app/ops/slow.py` -> `ops/slow.py`."""
    parts = file.replace(os.sep, "/").split("/")
    return "/".join(parts[-2:])


def label(file: str, line: int, name: str) -> str:
    """`slow_part (ops/slow.py:12)`; a builtin is its name (`<built-in method builtins.sum>`
    shown as `builtins.sum`)."""
    if is_builtin(file, line):
        return builtin_name(name)
    return f"{name} ({short_file(file)}:{line})"


def builtin_name(name: str) -> str:
    """`<built-in method builtins.sorted>` -> `builtins.sorted`,
    `<method 'lower' of 'str' objects>` -> `str.lower`."""
    for prefix in ("<built-in method ", "<method "):
        if name.startswith(prefix) and name.endswith(">"):
            name = name[len(prefix):-1]
            parts = name.split("'")
            if len(parts) == 5 and parts[2] == " of " and parts[4] == " objects":
                return f"{parts[3]}.{parts[1]}"
            return name
    return name


def _noise(f) -> bool:
    return is_builtin(f[0], f[1]) and f[2] in PROFILER_NOISE


# -- top functions ----------------------------------------------------------------------------
def top_functions(doc: dict, limit: int | None = 20) -> list[dict]:
    """The functions by cumulative time, largest first: {"label", "file", "line", "name",
    "calls", "primitive_calls", "own_ms", "cum_ms", "share"} (share: percent of the profile's
    total, which is the whole profiled call)."""
    total = float(doc["total_ms"]) or 0.0
    rows = []
    for file, line, name, calls, primitive, own, cum in doc["functions"]:
        if _noise((file, line, name)):
            continue
        rows.append({"label": label(file, line, name), "file": file, "line": line,
                     "name": name, "calls": calls, "primitive_calls": primitive,
                     "own_ms": own, "cum_ms": cum,
                     "share": (100.0 * cum / total) if total > 0 else 0.0})
    rows.sort(key=lambda r: (-r["cum_ms"], -r["own_ms"], r["label"]))
    return rows if limit is None else rows[:limit]


# -- the diff ---------------------------------------------------------------------------------
def _lines(doc: dict) -> dict[tuple, list[int]]:
    """(file, name) -> the lines of the functions of that name in that file, in order."""
    found: dict[tuple, list[int]] = {}
    for file, line, name, *_ in doc["functions"]:
        found.setdefault((file, name), []).append(line)
    return {k: sorted(v) for k, v in found.items()}


def _by_key(doc: dict, ordinal: set) -> tuple[dict, dict, float]:
    """({key: [cum_ms, own_ms, calls, line]}, {(caller key, callee key): cum_ms}, total_ms) of
    one document. A key is (file, name, n): the n-th function of that name in that file, by
    line, where both profiles have as many of them (one `validate`; the two `<genexpr>`s of a
    module; `run` of two classes), so that moved lines still match; else (file, name, line)."""
    lines = _lines(doc)
    funcs: dict[tuple, list] = {}
    keys = []
    for file, line, name, calls, _pc, own, cum in doc["functions"]:
        group = (file, name)
        key = ((file, name, lines[group].index(line)) if group in ordinal
               else (file, name, -1 - line))
        keys.append(key)
        if _noise((file, line, name)):
            continue
        entry = funcs.setdefault(key, [0.0, 0.0, 0, line])
        entry[0] += cum
        entry[1] += own
        entry[2] += calls
    edges: dict[tuple, float] = {}
    for i, j, _nc, _pc, _own, cum in doc["edges"]:
        a, b = keys[i], keys[j]
        if a != b and a in funcs and b in funcs:
            edges[(a, b)] = edges.get((a, b), 0.0) + cum
    return funcs, edges, float(doc["total_ms"])


def diff(baseline: dict, regression: dict) -> list[dict]:
    """Every function of either profile, ranked so that the one where the time went comes
    first (see the module docstring): {"label", "file", "name", "line", "baseline_share",
    "share", "growth" (percentage points), "baseline_ms", "ms", "delta_ms", "new",
    "carried_by" (the label of the function whose growth this one's is, or None)}."""
    base_lines, reg_lines = _lines(baseline), _lines(regression)
    ordinal = {g for g in set(base_lines) | set(reg_lines)
               if len(base_lines.get(g, ())) == len(reg_lines.get(g, ())) or g not in base_lines
               or g not in reg_lines}
    base, base_edges, base_total = _by_key(baseline, ordinal)
    reg, reg_edges, reg_total = _by_key(regression, ordinal)

    def share(value: float, total: float) -> float:
        return 100.0 * value / total if total > 0 else 0.0

    growth: dict[tuple, float] = {}
    for key in set(base) | set(reg):
        growth[key] = (share(reg[key][0], reg_total) if key in reg else 0.0) - \
            (share(base[key][0], base_total) if key in base else 0.0)
    edge_growth: dict[tuple, float] = {}
    for pair in set(base_edges) | set(reg_edges):
        edge_growth[pair] = share(reg_edges.get(pair, 0.0), reg_total) - \
            share(base_edges.get(pair, 0.0), base_total)

    # who carries whom: the callee with the largest growth under each grown caller
    best: dict[tuple, tuple[float, tuple]] = {}
    for (caller, callee), g in edge_growth.items():
        if g > best.get(caller, (0.0, None))[0]:
            best[caller] = (g, callee)
    own_growth = {key: (share(reg[key][1], reg_total) if key in reg else 0.0)
                  - (share(base[key][1], base_total) if key in base else 0.0) for key in growth}
    carrier: dict[tuple, tuple] = {}
    for caller, (g, callee) in best.items():
        if growth[caller] > GREW and (
                g >= CARRIED * growth[caller]
                # its own time carries almost none of it: its callees do, the largest leads
                or (own_growth[caller] < (1 - CARRIED) * growth[caller]
                    and g >= 0.5 * growth[caller])):
            carrier[caller] = callee
    def folds(key: tuple) -> bool:
        return is_builtin(*_file_line(key, reg, base)) or key[1] in INNER

    for caller, callee in list(carrier.items()):
        # a builtin (or a comprehension) that grew only because of this Python caller: the
        # caller leads
        if (carrier.get(caller) == callee and folds(callee) and not folds(caller)
                and edge_growth[(caller, callee)] >= CARRIED * growth[callee]):
            del carrier[caller]
            carrier[callee] = caller

    # a builtin that grew (nearly) only under one Python caller follows it, whatever it carries
    into: dict[tuple, tuple[float, tuple]] = {}
    for (caller, callee), g in edge_growth.items():
        if g > into.get(callee, (0.0, None))[0]:
            into[callee] = (g, caller)
    for callee, (g, caller) in into.items():
        if (callee not in carrier and growth[callee] > GREW and growth[caller] > GREW
                and folds(callee) and not is_builtin(*_file_line(caller, reg, base))
                and g >= CARRIED * growth[callee] and carrier.get(caller) != callee):
            carrier[callee] = caller

    def lead(key: tuple) -> tuple:
        seen = {key}
        while key in carrier and carrier[key] not in seen:
            key = carrier[key]
            seen.add(key)
        return key

    leads = {key: lead(key) for key in growth}
    rows = {}
    for key, g in growth.items():
        file, name = key[0], key[1]
        now, before = reg.get(key), base.get(key)
        line = (now or before)[3]
        rows[key] = {
            "label": label(file, line, name), "file": file, "name": name, "line": line,
            "baseline_share": share(before[0], base_total) if before else 0.0,
            "share": share(now[0], reg_total) if now else 0.0, "growth": g,
            "baseline_ms": before[0] if before else 0.0, "ms": now[0] if now else 0.0,
            "delta_ms": (now[0] if now else 0.0) - (before[0] if before else 0.0),
            "new": before is None,
            "carried_by": None}
    for key, head in leads.items():
        if head != key:
            rows[key]["carried_by"] = rows[head]["label"]

    def order(key: tuple) -> tuple:
        head = leads[key]
        return (-growth[head], rows[head]["label"], head != key, -growth[key], rows[key]["label"])

    return [rows[key] for key in sorted(growth, key=order)]


def _file_line(key: tuple, *docs: dict) -> tuple[str, int]:
    for funcs in docs:
        if key in funcs:
            return key[0], funcs[key][3]
    return key[0], 0


def grew(rows: list[dict]) -> list[dict]:
    """The rows of `diff` whose share grew (or that are new), in its order."""
    return [r for r in rows if r["growth"] > GREW or (r["new"] and r["ms"] > 0)]


DIFF_HEADERS = ("function", "before", "now", "growth", "+ms")


def diff_cells(row: dict) -> list[str]:
    """One row of `diff` as both faces print it, under DIFF_HEADERS: a function carried by
    another marked `· `, its share before ("new") and now, the growth in points, the ms added."""
    from perftui.fmt import format_number

    return [("· " if row["carried_by"] else "") + row["label"],
            "new" if row["new"] else f"{row['baseline_share']:.1f}%",
            f"{row['share']:.1f}%", f"{row['growth']:+.1f}pp",
            ("+" if row["delta_ms"] > 0 else "") + format_number(round(row["delta_ms"], 3))]


# -- other tools' files -----------------------------------------------------------------------
def speedscope(record: dict) -> dict:
    """A speedscope file (https://www.speedscope.app/file-format-schema.json) of a stored
    profile: one "sampled" profile whose samples are call stacks and whose weights are
    milliseconds.

    cProfile keeps no stacks, only caller edges, so the stacks are rebuilt as flameprof and
    pyprof2calltree do: from each root (a function none of the kept ones calls) down through the
    edges, each edge given its share of the caller's time in this stack (the caller's
    cumulative time in this stack over its cumulative time in all); a node's own weight is its
    time in the stack less its children's. A function already on the stack is not entered
    again (recursion stays in the caller's own time), stacks stop at MAX_DEPTH, and at most
    MAX_SAMPLES stacks are emitted (the rest of a stack's time stays with its last frame)."""
    doc = record["data"]
    functions = doc["functions"]
    n = len(functions)
    children: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    called = [False] * n
    for i, j, _nc, _pc, _own, cum in doc["edges"]:
        if i != j:
            children[i].append((j, float(cum)))
            called[j] = True
    for kids in children:
        kids.sort(key=lambda c: -c[1])
    frames = []
    for file, line, name, *_ in functions:
        if is_builtin(file, line):
            frames.append({"name": builtin_name(name)})
        else:
            frames.append({"name": name, "file": file, "line": int(line)})
    roots = [k for k in range(n) if not called[k] and not _noise(functions[k][:3])]
    if not roots and n:
        roots = [0]        # every function is called by another (a cycle): the largest
    samples: list[list[int]] = []
    weights: list[float] = []
    floor = max(float(doc["total_ms"]), 0.0) * 1e-7

    def walk(node: int, stack: list[int], ms: float) -> None:
        cum = float(functions[node][6])
        own = ms
        if len(stack) < MAX_DEPTH and len(samples) < MAX_SAMPLES and cum > 0:
            fraction = ms / cum
            parts = [(j, edge * fraction) for j, edge in children[node]
                     if j not in stack and edge * fraction > floor]
            spent = sum(p for _, p in parts)
            if spent > ms > 0:          # edges may overlap (recursion): never more than ms
                parts = [(j, p * ms / spent) for j, p in parts]
                spent = ms
            own = ms - spent
            for j, part in parts:
                walk(j, stack + [j], part)
        if own > floor:
            samples.append(stack)
            weights.append(round(own, 6))

    for root in roots:
        walk(root, [root], float(functions[root][6]))
    name = (f"{record.get('operation', 'profile')} ({record.get('kind', '')} profile "
            f"#{record.get('id', '?')}, {record.get('captured_at', '')})")
    total = round(sum(weights), 6)
    return {"$schema": SPEEDSCOPE_SCHEMA,
            "shared": {"frames": frames},
            "profiles": [{"type": "sampled", "name": name, "unit": "milliseconds",
                          "startValue": 0, "endValue": total, "samples": samples,
                          "weights": weights}],
            "name": name, "activeProfileIndex": 0, "exporter": "perftui"}


def pstats_bytes(record: dict) -> bytes:
    """A `pstats` file's bytes (marshal of the stats dict), for `pstats.Stats(path)`, snakeviz
    and gprof2dot."""
    import marshal

    from perftui.store.profiles import to_stats

    return marshal.dumps(to_stats(record["data"]))


def write_bytes(path: str, data: bytes, *, force: bool = False, protect=()) -> None:
    """`data` written to `path` whole or not at all (`perftui.core.files`' rules: never onto a
    store, an existing file only with `force`)."""
    from perftui.core.files import write_file

    def write(out) -> None:
        out.flush()
        out.buffer.write(data)

    write_file(path, write, force=force, protect=protect)
