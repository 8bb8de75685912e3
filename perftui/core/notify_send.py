"""Notification messages and how they travel: a JSON webhook and a Slack-compatible webhook over
urllib, e-mail over smtplib. Standard library only; nothing here runs inside a host app.

A message is one run's news (alerts opened, escalated or resolved by that run) or a reminder of
alerts still open. `deliver(channel, message)` returns None when the channel took it, else the
reason it did not, with the channel's secret (its URL) never in that text.

E-mail settings come from the environment (a password is never stored):
    PERFTUI_SMTP_HOST (required), PERFTUI_SMTP_PORT (default 587 with starttls, 465 with ssl,
    else 25), PERFTUI_SMTP_USER, PERFTUI_SMTP_PASSWORD, PERFTUI_SMTP_FROM,
    PERFTUI_SMTP_SECURITY: starttls, ssl or none (default: starttls when a user is set).
"""

from __future__ import annotations

import os

from perftui.fmt import format_percent, format_value

TIMEOUT_S = 5.0          # a channel that does not answer in this long failed (retried later)
MAX_ERROR = 300          # characters of a failure kept in the store
EVENT_WORDS = {"opened": "new", "escalated": "escalated", "resolved": "resolved",
               "reminder": "still open"}


# ---------------------------------------------------------------- masking

def mask_target(kind: str, target: str) -> str:
    """A channel's target as it may be shown: a URL keeps its scheme and host, never its path,
    query or credentials (a webhook URL is its own password); an address is shown as is."""
    if kind == "email":
        return target
    scheme, sep, rest = target.partition("://")
    if not sep:
        return "***"
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
    return f"{scheme}://{host}/***"


def scrub(text: str, secret: str, shown: str) -> str:
    """`text` with `secret` (and its path part) replaced by `shown`, cut to MAX_ERROR."""
    for needle in (secret, secret.partition("://")[2]):
        if needle:
            text = text.replace(needle, shown)
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR - 1] + "…"


# ---------------------------------------------------------------- messages

def event_line(e: dict) -> str:
    """One alert in a message: `new critical regression APP-001 Startup: 300 ms (expected
    100 ms, +200%)`."""
    word = EVENT_WORDS[e["event"]]
    value = format_value(e["current_value"], e["unit"] or "")
    expected = ""
    if e["expected_value"] is not None:
        expected = f" (expected {format_value(e['expected_value'], e['unit'] or '')}"
        if e["deviation_percent"] is not None:
            expected += f", {format_percent(e['deviation_percent'])}"
        expected += ")"
    return (f"{word} {e['severity']} {e['alert_type']} {e['metric_id']} {e['metric_name']}: "
            f"{value}{expected} [alert {e['alert_id']}]")


def summary(events: list[dict]) -> str:
    """The message's headline: counts by event, and the scopes they are in."""
    counts: dict[str, int] = {}
    for e in events:
        counts[e["event"]] = counts.get(e["event"], 0) + 1
    parts = [f"{n} {EVENT_WORDS[kind]}" for kind, n in counts.items()]
    scopes = sorted({f"{e['app']}/{e['environment']}" for e in events})
    noun = "alert" if len(events) == 1 else "alerts"
    return f"perftui: {', '.join(parts)} {noun} in {', '.join(scopes)}"


MAX_LINES = 30           # alerts listed in a message's text (a JSON webhook gets every event)


def text_of(events: list[dict]) -> str:
    lines = [summary(events), *(f"- {event_line(e)}" for e in events[:MAX_LINES])]
    if len(events) > MAX_LINES:
        lines.append(f"- and {len(events) - MAX_LINES} more (perftui alerts)")
    return "\n".join(lines)


def payload(kind: str, events: list[dict]) -> dict:
    """What a webhook receives: for Slack its `text`; for a JSON webhook the same text and
    every event's fields (a stable shape: source, text, events[])."""
    text = text_of(events)
    if kind == "slack":
        return {"text": _slack_escape(text)}
    fields = ("event", "alert_id", "app", "environment", "metric_id", "metric_name", "unit",
              "alert_type", "severity", "status", "current_value", "expected_value",
              "deviation_percent", "message", "at")
    return {"source": "perftui", "text": text,
            "events": [{k: e.get(k) for k in fields} for e in events]}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- transports

def deliver(kind: str, target: str, body: dict) -> str | None:
    """Send `body` (a payload; for e-mail its text) on one channel: None when it was taken,
    else why not (secret-free)."""
    shown = mask_target(kind, target)
    try:
        if kind == "email":
            _send_mail(target, body["text"])
        else:
            _post_json(target, body)
    except Exception as exc:  # noqa: BLE001 - any failure of the channel is recorded, retried
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return scrub(reason, target, shown)
    return None


def _post_json(url: str, body: dict) -> None:
    import json
    import urllib.request

    data = json.dumps(body, allow_nan=False, default=str).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "perftui"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
        response.read(65536)   # checked scheme (http/https) at `notify add`


def smtp_settings(env=None) -> dict:
    env = os.environ if env is None else env
    host = env.get("PERFTUI_SMTP_HOST", "").strip()
    user = env.get("PERFTUI_SMTP_USER") or None
    security = (env.get("PERFTUI_SMTP_SECURITY") or ("starttls" if user else "none")).lower()
    if security not in ("starttls", "ssl", "none"):
        raise ValueError(f"PERFTUI_SMTP_SECURITY must be starttls, ssl or none, got {security!r}")
    default_port = {"starttls": 587, "ssl": 465}.get(security, 25)
    port_text = env.get("PERFTUI_SMTP_PORT") or str(default_port)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"PERFTUI_SMTP_PORT must be a port number, got {port_text!r}")
    return {"host": host, "port": int(port_text), "user": user,
            "password": env.get("PERFTUI_SMTP_PASSWORD") or None, "security": security,
            "sender": env.get("PERFTUI_SMTP_FROM") or "perftui@localhost"}


def _send_mail(address: str, text: str) -> None:
    import smtplib
    from email.message import EmailMessage

    settings = smtp_settings()
    if not settings["host"]:
        raise ValueError("PERFTUI_SMTP_HOST is not set (e-mail settings come from the "
                         "environment)")
    message = EmailMessage()
    message["From"], message["To"] = settings["sender"], address
    message["Subject"] = text.splitlines()[0]
    message.set_content(text)
    factory = smtplib.SMTP_SSL if settings["security"] == "ssl" else smtplib.SMTP
    with factory(settings["host"], settings["port"], timeout=TIMEOUT_S) as smtp:
        if settings["security"] == "starttls":
            smtp.starttls()
        if settings["user"]:
            try:
                smtp.login(settings["user"], settings["password"] or "")
            except smtplib.SMTPException as exc:   # never let the password into a message
                raise smtplib.SMTPException(f"login as {settings['user']} refused "
                                            f"({getattr(exc, 'smtp_code', '?')})") from None
        smtp.send_message(message)
