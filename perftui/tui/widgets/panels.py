"""The three small panels above the status cards: latest run, health, machine load."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from perftui.severity import ALERT_SEVERITIES
from perftui.tui.format import SEVERITY_LABEL, age_text, severity_color


class InfoPanel(Static):
    """A bordered Static that only repaints when its text changed."""

    def __init__(self, title: str, **kwargs):
        super().__init__("", **kwargs)
        self.border_title = title
        self._last: str | None = None

    def show(self, text: Text) -> None:
        key = text.markup
        if key != self._last:
            self._last = key
            self.update(text)


def latest_run_text(snapshot: dict | None, age_seconds: float | None) -> Text:
    if snapshot is None:
        return Text("no runs yet", style="dim")
    text = Text()
    text.append(f"#{snapshot['id']}", style="bold")
    text.append(f"  {age_text(age_seconds)}\n")
    commit = (snapshot.get("git_commit") or "")[:8] or "—"
    text.append(commit, style="bold")
    if snapshot.get("git_branch"):
        text.append(f" ({snapshot['git_branch']})")
    text.append("\n")
    text.append(snapshot.get("host") or "unknown host", style="dim")
    if snapshot.get("is_cold_start"):
        text.append("  cold start", style="italic")
    if snapshot.get("status") == "failed":
        text.append("  FAILED", style="bold")
    return text


def health_text(app, index: float | None, counts: dict[str, int]) -> Text:
    text = Text()
    text.append("index ", style="dim")
    if index is None:
        text.append("—")
    else:
        severity = "ok" if index >= 80 else "warning" if index >= 60 else "error"
        text.append(f"{index:.0f}", style=f"bold {severity_color(app, severity)}")
        text.append("/100")
    text.append("\n")
    open_total = sum(counts.values())
    text.append("alerts ", style="dim")
    if not open_total:
        text.append("none open", style=severity_color(app, "ok"))
        return text
    parts = [(sev, counts.get(sev, 0)) for sev in ALERT_SEVERITIES[::-1]]  # worst first
    first = True
    for i, (sev, n) in enumerate(parts):
        if i == 2:
            text.append("\n       ")
            first = True
        if not first:
            text.append(" ")
        first = False
        style = severity_color(app, sev) if n else "dim"
        text.append(f"{n} {SEVERITY_LABEL[sev]}", style=style)
    return text


def load_text(app, load) -> Text:
    if load is None:
        return Text("—", style="dim")
    text = Text()

    def pct(value: float) -> None:
        sev = "ok" if value < 70 else "warning" if value < 90 else "error"
        text.append(f"{value:3.0f}%", style=severity_color(app, sev))

    text.append("cpu ", style="dim")
    pct(load.cpu_percent)
    if load.load_1m is not None:
        text.append(f"  load {load.load_1m:.2f}", style="dim")
    text.append("\nmem ", style="dim")
    pct(load.memory_percent)
    text.append(f"  {load.memory_used_gb:.1f}/{load.memory_total_gb:.0f} GB", style="dim")
    text.append(f"\n{load.cpus} cpus", style="dim")
    return text
