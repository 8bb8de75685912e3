"""The command palette (ctrl+p): switch scope, jump to a screen or a metric's trend,
acknowledge what is visible, show the audit trail, toggle live refresh, reload, export, prune.
(Themes come from Textual's own provider, which stays in the palette.)"""

from __future__ import annotations

import importlib.util
from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from perftui.tui.screens.views import open_view

Command = tuple[str, Callable[[], object], str]


class PerftuiCommands(Provider):
    def commands(self) -> list[Command]:
        app = self.app
        out: list[Command] = []
        for key, mode, label in (("1", "status", "Status"), ("2", "trends", "Trends"),
                                 ("3", "alerts", "Alerts"), ("4", "targets", "Targets")):
            out.append((f"Go to {label} ({key})", partial(app.switch_mode, mode),
                        f"Show the {label.lower()} screen"))
        current = app.scope
        for scope in app.scopes:
            pair = (scope["app"], scope["environment"])
            if pair == current:
                continue
            out.append((f"Switch scope to {pair[0]} / {pair[1]}",
                        partial(app.set_scope, *pair),
                        (f"{scope['snapshots']:,} runs, " if "snapshots" in scope else "")
                        + f"newest {str(scope['latest'])[:16]}"))
        out.append(("Current vs target (b)", partial(open_view, app, "bars"),
                    "A bar per metric: the latest run as a share of its target, problems first"))
        out.append(("When it is slow (w)", partial(open_view, app, "heatmap"),
                    "The performance index or one metric by hour of day x weekday"))
        for metric in app.known_metrics():
            out.append((f"Trend of {metric['metric_id']} {metric['name']}",
                        partial(app.open_trend, metric["metric_id"]),
                        "Chart this metric on the trends screen"))
        screen = app.screen
        if hasattr(screen, "action_acknowledge_all"):
            out.append(("Acknowledge all visible alerts", screen.action_acknowledge_all,
                        "One note for every open alert in the table"))
        out.append(("Audit trail of all metrics", partial(open_audit, app),
                    "Every change to targets and the catalog, newest first"))
        out.append((f"Live refresh: turn {'off' if app.live else 'on'}", app.action_toggle_live,
                    "Poll the store for runs recorded by other processes"))
        out.append(("Reload from the store", app.action_reload, "Read everything again"))
        if importlib.util.find_spec("perftui.core.export") is not None:
            if current:
                out.append((f"Export {current[0]}/{current[1]} to a file…",
                            partial(open_export, app, True),
                            ".json (full fidelity, re-importable) or .csv (a row per run)"))
            out.append(("Export the whole store to a file…", partial(open_export, app, False),
                        ".json (full fidelity, re-importable) or .csv (a row per run)"))
        if importlib.util.find_spec("perftui.core.retention") is not None:
            out.append(("Prune old data (retention policy)", partial(open_prune, app),
                        "Fold runs older than 30 days into daily aggregates, drop old cold "
                        "starts; shows what it will do first"))
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def open_audit(app) -> None:
    from perftui.tui.dialogs.audit import AuditTrail

    app.push_screen(AuditTrail(None))


def open_export(app, scope_only: bool = True) -> None:
    from perftui.tui.dialogs.export import ExportDialog

    scope = app.scope if scope_only else None
    stamp = app.source.now().strftime("%Y%m%d")
    name = (f"perftui-{scope[0]}-{scope[1]}-{stamp}.json" if scope
            else f"perftui-export-{stamp}.json")

    def done(summary: dict | None) -> None:
        if summary:
            app.notify(f"Exported {summary['snapshots']:,} runs to {summary['path']}",
                       title="Export")

    app.push_screen(ExportDialog(scope, name), done)


def open_prune(app) -> None:
    from perftui.tui.dialogs.prune import confirm_prune

    confirm_prune(app)

