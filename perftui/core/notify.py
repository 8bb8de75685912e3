"""Notifications: channels kept in the store, and sending what they have not been told yet.

    add_channel(store, "webhook", "https://example.com/hook", min_severity="error")
    send_pending(store)        # what the CLI does after a command, and `perftui notify send`

A channel hears about an alert when it opens, when it escalates to a higher severity, and when
it resolves (if the channel was told it opened); never about a repeat. Alerts below the
channel's minimum severity are not announced; alerts that existed before the channel was added
are not either, nor are alerts last seen more than a day ago (history brought in by an import
or a replay is not news). Unresolved, unacknowledged alerts are announced again after
`repeat_hours`.

One message per run: the alerts a run opened, escalated or resolved go out together; reminders
go out together. At most `max_per_hour` messages per channel and hour: when more are due, the
last one the limit allows carries all of them. A message that fails stays pending (what is
pending is derived from the alerts and what the channel last took, see `perftui.store.notify`),
its failure is recorded, and the next command tries again (after two failures in a row, with a
growing pause, up to an hour; `perftui notify send` does not wait).

Nothing here runs in a host app's `record_baseline_snapshot()`: the recorder only changes
alerts, and perftui's commands (CLI, CI) send.
"""

from __future__ import annotations

import time

from perftui.core.notify_send import deliver, mask_target, payload, scrub
from perftui.core.scope import current_user
from perftui.errors import InputError
from perftui.severity import ALERT_SEVERITIES, at_least, severity_rank
from perftui.store import notify as store_notify
from perftui.store.engine import Database
from perftui.textrules import first_control
from perftui.timefmt import iso_from_epoch, parse_iso

KINDS = ("webhook", "slack", "email")
DEFAULT_MIN_SEVERITY = "error"
DEFAULT_REPEAT_HOURS = 24.0
DEFAULT_MAX_PER_HOUR = 12
FRESH_HOURS = 24.0         # an alert last seen longer ago is not announced as new
LEASE_S = 120              # a sender that died keeps the channel this long at most
MAX_TARGET = 2000


# ---------------------------------------------------------------- channels

def check_target(kind: str, target: str) -> str:
    """A webhook or Slack URL (http or https, with a host), or an e-mail address."""
    if kind not in KINDS:
        raise InputError(f"unknown channel kind {kind!r}; expected one of {', '.join(KINDS)}")
    target = (target or "").strip()
    if not target or len(target) > MAX_TARGET or first_control(target) is not None \
            or any(c.isspace() for c in target):
        raise InputError(f"{kind}: expected a {'address' if kind == 'email' else 'URL'} "
                         "without spaces or control characters")
    if kind == "email":
        local, at, domain = target.rpartition("@")
        if not at or not local or not domain or "@" in local or domain.startswith(".") \
                or domain.endswith(".") or any(c in target for c in "<>,;\"'()[]\\"):
            raise InputError(f"email: {target!r} is not an e-mail address (name@domain)")
        return target
    scheme, sep, rest = target.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[2]
    if scheme.lower() not in ("http", "https") or not sep or not host or host.startswith(":"):
        raise InputError(f"{kind}: expected an http:// or https:// URL with a host, got "
                         f"{mask_target(kind, target)}")
    port = host.rpartition(":")[2] if ":" in host and not host.endswith("]") else ""
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise InputError(f"{kind}: the URL's port must be a number from 1 to 65535")
    return target


def check_severity(severity: str) -> str:
    if severity not in ALERT_SEVERITIES:
        raise InputError(f"--min-severity must be one of {', '.join(ALERT_SEVERITIES)}, "
                         f"got {severity!r}")
    return severity


def add_channel(store: Database, kind: str, target: str, *,
                min_severity: str = DEFAULT_MIN_SEVERITY,
                repeat_hours: float = DEFAULT_REPEAT_HOURS,
                max_per_hour: int = DEFAULT_MAX_PER_HOUR, by: str | None = None) -> dict:
    """Add a channel (validated first: on bad input the store is unchanged)."""
    target = check_target(kind, target)
    check_severity(min_severity)
    if not (isinstance(repeat_hours, (int, float)) and 0 <= repeat_hours <= 24 * 365):
        raise InputError(f"--repeat-hours must be from 0 (never) to {24 * 365}, "
                         f"got {repeat_hours!r}")
    if isinstance(max_per_hour, bool) or not isinstance(max_per_hour, int) \
            or not 1 <= max_per_hour <= 3600:
        raise InputError(f"--max-per-hour must be a whole number from 1 to 3600, "
                         f"got {max_per_hour!r}")
    with store.transaction():
        if store_notify.find_channel(store, kind, target) is not None:
            raise InputError(f"{kind} {mask_target(kind, target)} is already a channel")
        channel_id = store_notify.add_channel(store, kind, target, min_severity,
                                              float(repeat_hours), max_per_hour,
                                              iso_from_epoch(time.time()), by or current_user())
    return get_channel(store, channel_id)


def _shown(channel: dict) -> dict:
    """A channel as every output shows it: the target masked, no lease."""
    shown = {k: v for k, v in channel.items() if k not in ("claimed_until", "window_start",
                                                              "window_count")}
    shown["target"] = mask_target(channel["kind"], channel["target"])
    return shown


def get_channel(store: Database, channel_id: int) -> dict:
    if isinstance(channel_id, bool) or not isinstance(channel_id, int) or channel_id <= 0:
        raise InputError(f"channel id must be a positive whole number, got {channel_id!r}")
    channel = store_notify.channel(store, channel_id)
    if channel is None:
        raise InputError(f"no notification channel with id {channel_id} "
                         "(see `perftui notify list`)")
    return _shown(channel)


def list_channels(store: Database, now: float | None = None) -> list[dict]:
    """Every channel (target masked) with its state: last sent, failures and last error, alerts
    delivered, alerts failing, and how many are pending now."""
    now = time.time() if now is None else now
    counts = store_notify.delivery_counts(store)
    out = []
    for channel in store_notify.channels(store):
        shown = _shown(channel)
        delivered, failing = counts.get(channel["id"], (0, 0))
        shown.update(delivered=delivered, failing=failing,
                     pending=len(pending_events(store, channel, now)))
        out.append(shown)
    return out


def remove_channel(store: Database, channel_id: int) -> dict:
    channel = get_channel(store, channel_id)
    with store.transaction():
        store_notify.remove_channel(store, channel_id)
    return channel


def send_test(store: Database, channel_id: int) -> dict:
    """Send a test message now; the outcome is recorded on the channel and returned
    ({"channel", "ok", "error"})."""
    get_channel(store, channel_id)
    raw = store_notify.channel(store, channel_id)
    text = "perftui: test message; this channel will be told about alerts at " \
           f"{raw['min_severity']} and worse"
    body = payload(raw["kind"], [])
    body["text"] = text
    error = deliver(raw["kind"], raw["target"], body)
    with store.transaction():
        store_notify.channel_tested(store, channel_id, error, iso_from_epoch(time.time()))
    return {"channel": get_channel(store, channel_id), "ok": error is None, "error": error}


# ---------------------------------------------------------------- what is pending

def _age_hours(stamp: str | None, now: float) -> float:
    if not stamp:
        return float("inf")
    return (now - parse_iso(stamp).timestamp()) / 3600.0


def pending_events(store: Database, channel: dict, now: float) -> list[dict]:
    """What `channel` has not been told: each an alert with `event` (opened, escalated,
    resolved, reminder) and `at` (the time of the run it belongs to; a reminder: None)."""
    events = []
    for row in store_notify.candidates(store, channel["id"], channel["since_alert_id"],
                                       at_least(channel["min_severity"])):
        if row["status"] == "resolved":
            event, at = "resolved", row["resolved_at"]
        elif row["sent_state"] is None or \
                severity_rank(row["severity"]) > severity_rank(row["sent_severity"] or "info"):
            if _age_hours(row["last_seen_at"], now) >= FRESH_HOURS:
                continue   # not seen for a day: history (an import, a replay), not news
            if row["sent_state"] is None:
                event, at = "opened", row["triggered_at"]
            else:
                event, at = "escalated", row["last_seen_at"]
        elif row["status"] == "open" and channel["repeat_hours"] > 0 \
                and _age_hours(row["notified_at"], now) >= channel["repeat_hours"]:
            event, at = "reminder", None
        else:
            continue
        events.append({**row, "event": event, "at": at})
    return events


def messages(events: list[dict], allowed: int) -> list[list[dict]]:
    """One message per run (scope and time), oldest first, reminders last; when more than
    `allowed` are due, the last allowed one carries the rest."""
    groups: dict[tuple, list[dict]] = {}
    for e in events:
        key = ("~", "", "") if e["at"] is None else (e["at"], e["app"], e["environment"])
        groups.setdefault(key, []).append(e)
    ordered = [groups[k] for k in sorted(groups)]
    if allowed <= 0:
        return []
    if len(ordered) > allowed:
        ordered = ordered[:allowed - 1] + [[e for g in ordered[allowed - 1:] for e in g]]
    return ordered


def _backoff_s(failures: int) -> float:
    """How long a channel that failed `failures` times in a row rests before the automatic
    sends try it again: the next command retries once; then 1, 2, 4 … minutes, at most 1 h."""
    return 0.0 if failures < 2 else min(60.0 * 2 ** (failures - 2), 3600.0)


# ---------------------------------------------------------------- sending

def send_pending(store: Database, *, force: bool = False, now: float | None = None) -> list[dict]:
    """Send every channel what it has not been told. Returns per channel that had something
    to send: {"channel", "messages", "alerts", "error"} (error None when all went).
    `force` (perftui notify send) ignores the pause after repeated failures."""
    results = []
    for channel in store_notify.channels(store):
        t = time.time() if now is None else now
        if not force and channel["failures"] and channel["last_error_at"] \
                and _age_hours(channel["last_error_at"], t) * 3600 < _backoff_s(channel["failures"]):
            continue
        result = _send_channel(store, channel, t)
        if result is not None:
            results.append(result)
    return results


def _send_channel(store: Database, channel: dict, now: float) -> dict | None:
    if not pending_events(store, channel, now):     # a cheap look first: no lease when idle
        return None
    stamp = iso_from_epoch(now)
    with store.transaction():
        if not store_notify.claim(store, channel["id"], stamp, iso_from_epoch(now + LEASE_S)):
            return None    # another perftui process is sending on this channel right now
    try:
        # read again under the lease: a sender that just finished has changed both
        channel = store_notify.channel(store, channel["id"]) or channel
        events = pending_events(store, channel, now)
        window_start, count = channel["window_start"], channel["window_count"]
        if _age_hours(window_start, now) >= 1.0:
            window_start, count = stamp, 0
        batches = messages(events, channel["max_per_hour"] - count)
        result = {"channel": _shown(channel), "messages": 0, "alerts": 0, "error": None,
                  "held": len(events) - sum(len(b) for b in batches)}
        if not events:
            return None
        for batch in batches:
            error = deliver(channel["kind"], channel["target"], payload(channel["kind"], batch))
            at = stamp
            with store.transaction():
                if error is None:
                    count += 1
                    store_notify.delivered(store, channel["id"], [
                        (e["alert_id"], e["severity"],
                         "resolved" if e["event"] == "resolved" else "open") for e in batch], at)
                    store_notify.channel_sent(store, channel["id"], at, window_start, count)
                    result["messages"] += 1
                    result["alerts"] += len(batch)
                else:
                    error = scrub(error, channel["target"], mask_target(channel["kind"],
                                                                        channel["target"]))
                    store_notify.failed(store, channel["id"], [e["alert_id"] for e in batch],
                                        error, at)
                    store_notify.channel_failed(store, channel["id"], error, at)
                    result["error"] = error
                    break    # the channel is down: the rest stays pending too
    finally:
        with store.transaction():
            store_notify.release(store, channel["id"])
    return result


def send_after_command(where: str | None) -> list[str]:
    """What the CLI does after a command that may have changed alerts: send what is pending on
    the store at `where` (unless PERFTUI_NOTIFY=0). Returns one warning line per channel that
    failed; a store that cannot be opened for writing sends nothing and says nothing."""
    import os

    from perftui.core.session import open_session
    from perftui.errors import PerftuiError

    if os.environ.get("PERFTUI_NOTIFY", "").strip() == "0":
        return []
    try:
        store = open_session(where)
    except PerftuiError:
        return []
    try:
        with store:
            if not store_notify.has_channels(store):
                return []
            results = send_pending(store)
    except PerftuiError as exc:
        return [f"notifications not sent: {exc}"]
    return [failure_line(r) for r in results if r["error"]]


def failure_line(result: dict) -> str:
    c = result["channel"]
    return (f"notify: {c['kind']} #{c['id']} {c['target']} failed: {result['error']} "
            "(retried later; see `perftui notify list`)")
