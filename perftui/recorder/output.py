"""What a recording shows: the start-up summary (original design §7.1, with rich, on stderr).
The structured JSON line per snapshot in a daily log file (§7.2) is the recorder's own
(`perftui.recorder.tracker.append_log_line`): this module loads only for a summary."""

from __future__ import annotations

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
