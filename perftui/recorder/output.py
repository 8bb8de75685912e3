"""What a recording shows and logs: the start-up summary (original design §7.1, with rich, on
stderr) and one structured JSON line per snapshot in a daily log file (§7.2)."""

from __future__ import annotations

import os

RULE = "─" * 60
_ICON = {"ok": "✅", "info": "ℹ", "warning": "⚠", "error": "✖", "critical": "✖"}
_STYLE = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red", "critical": "bold red"}


def summary_lines(result) -> list[tuple[str, str]]:
    """(text, severity) lines of the summary; plain data so it is testable without a terminal."""
    from perftui.fmt import format_percent, format_value  # only for a summary: the log line
    from perftui.severity import severity_rank            # of every run needs neither

    lines: list[tuple[str, str]] = []
    lines.append((f"{result.app} Startup Performance", "title"))
    for m in result.metrics:
        if m["target"] is None and m["severity"] == "ok":
            target = ""
        else:
            target = f" (target: {format_value(m['target'], m['unit'])})" if m["target"] is not None else ""
        label = f"{m['name']}:"
        lines.append((f" {label:<30} {format_value(m['value'], m['unit']):>12}  "
                      f"{_ICON.get(m['severity'], '')}{target}", m["severity"]))
    if result.performance_index is not None:
        pi = result.performance_index
        sev = "ok" if pi >= 80 else ("warning" if pi >= 50 else "error")
        lines.append((f" {'Performance Index:':<30} {pi:>9.0f}/100  {_ICON[sev]}", sev))
    alerts = [a for a in result.alerts if a.severity != "info"]
    if alerts:
        lines.append(("", "ok"))
        lines.append(("⚠ WARNINGS:", "warning"))
        for a in sorted(alerts, key=lambda a: severity_rank(a.severity), reverse=True)[:5]:
            repeat = "" if a.is_new else " (again)"
            # the message names the metric, its value and unit (analysis.messages)
            lines.append((f"  • {a.message} [{a.severity}{repeat}]", a.severity))
    if result.regression_score is not None:
        score = result.regression_score
        word = "stable" if abs(score) < 2 else ("improving" if score > 0 else "regressing")
        lines.append((f"Trend: performance {word} ({format_percent(score)} vs baseline, "
                      f"confidence {result.baseline_confidence or 0:.2f})",
                      "ok" if score > -2 else "warning"))
    elif not result.evaluated:
        lines.append(("Trend: not evaluated (cold start or failed run; kept out of baselines)", "info"))
    return lines


def print_summary(result, stream) -> None:
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=True)
    console.print(RULE, style="dim")
    for text, severity in summary_lines(result):
        style = "bold" if severity == "title" else _STYLE.get(severity, "")
        console.print(text, style=style, markup=False)
    console.print(RULE, style="dim")


def log_record(result, session_id: str | None = None) -> dict:
    confidence = result.baseline_confidence
    return {
        "timestamp": result.recorded_at,
        "snapshot_id": result.snapshot_id,
        "app": result.app,
        "environment": result.environment,
        "session_id": session_id,
        "metrics": result.values,
        "alerts": [{"metric_id": a.metric_id, "severity": a.severity, "type": a.alert_type,
                    "message": a.message, "deviation": a.deviation_percent, "new": a.is_new}
                   for a in result.alerts],
        "performance_index": None if result.performance_index is None
        else round(result.performance_index, 1),
        "regression_score": None if result.regression_score is None
        else round(result.regression_score, 2),
        "flags": result.flags,
        "baseline_confidence": None if confidence is None else round(confidence, 2),
    }


def append_log_line(result, log_dir: str, session_id: str | None = None) -> str | None:
    """Append the JSON line to <log_dir>/performance_YYYYMMDD.log (created 0600); returns the
    file's path, or None when that name is a symbolic link (never followed: no line is
    written, and the recording goes on)."""
    os.makedirs(log_dir, mode=0o700, exist_ok=True)
    day = result.recorded_at[:10].replace("-", "")
    path = os.path.join(log_dir, f"performance_{day}.log")
    from perftui._json import dumps

    line = dumps(log_record(result, session_id), sort_keys=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        if os.path.islink(path):     # planted in logs/: refused (ELOOP), not followed
            return None
        raise
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")
    return path
