"""Timestamps as the store keeps them: ISO-8601 UTC text that sorts chronologically.

Kept dependency-free because the recorder imports it inside a host app's start-up.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from datetime import datetime

# datetime is imported inside the functions that need it: now_iso() runs in host apps' start-up,
# where every import counts. Annotations name it as a string.

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> "datetime":
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def to_iso(moment: "datetime") -> str:
    """Store form of a moment: naive datetimes are taken as UTC."""
    from datetime import timezone

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    # isoformat, not strftime: strftime drops the leading zeros of years before 1000
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(
        timespec="microseconds") + "Z"


def now_iso() -> str:
    return iso_from_epoch(time.time())


def iso_from_epoch(seconds: float) -> str:
    """Store form of epoch seconds (microseconds truncated), without datetime (this runs in
    host applications' start-up, where importing datetime costs over a millisecond)."""
    whole = int(seconds // 1)
    micro = int((seconds - whole) * 1e6)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%06dZ" % micro


def parse_iso(text: str) -> "datetime":
    """Parse ISO-8601 ('2026-01-01T00:00:00Z', offsets, dates alone) into an aware UTC datetime.

    Raises ValueError with the offending text.
    """
    from datetime import datetime, timezone

    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"not a timestamp: {text!r}")
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not an ISO-8601 timestamp: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def normalise_iso(text: str) -> str:
    """Any ISO-8601 text -> the store's form."""
    return to_iso(parse_iso(text))


def days_ago_iso(days: float, now: "datetime | None" = None) -> str:
    from datetime import timedelta

    return to_iso((now or utcnow()) - timedelta(days=days))


# The times a run may be recorded at: from 1970 to a day from now (clocks disagree; further
# ahead is a mistake, not skew). Store form, so a plain string comparison decides.
EARLIEST_RECORDED_AT = "1970-01-01T00:00:00.000000Z"
FUTURE_SLACK_S = 86_400


def latest_recorded_at() -> str:
    """A day from now in the store's form: the latest acceptable recorded_at. (time, not
    datetime: this runs inside host applications' start-up.)"""
    return time.strftime("%Y-%m-%dT%H:%M:%S.999999Z", time.gmtime(time.time() + FUTURE_SLACK_S))
