"""The Textual application: four modes (status, trends, alerts, targets), global keys, the
injected data source, live refresh and store-error handling. Screens do the rest.

    run(db="perftui.db", read_only=True)                 # what `perftui` / `perftui tui` call
    PerftuiApp(source=StoreSource(path), live=False)     # tests: a tmp store, no polling
"""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App
from textual.binding import Binding

from perftui.tui.css import tcss
from perftui.tui.data import StoreSource
from perftui.tui.messages import StoreChanged, StoreFailed

_UNSET: Any = object()


def _commands():
    """The command palette's provider, imported when the palette first opens (Textual takes a
    callable in COMMANDS for that)."""
    from perftui.tui.commands import PerftuiCommands

    return PerftuiCommands


def _screen(module: str, name: str):
    """A MODES factory that imports the screen's module only when the mode is first shown."""
    def make():
        import importlib

        return getattr(importlib.import_module(f"perftui.tui.screens.{module}"), name)()
    return make


class PerftuiApp(App):
    TITLE = "perftui"
    CSS_PATH = tcss("app")
    MODES = {
        "status": _screen("status", "StatusScreen"),
        "trends": _screen("trends", "TrendsScreen"),
        "alerts": _screen("alerts", "AlertsScreen"),
        "targets": _screen("targets", "TargetsScreen"),
    }
    DEFAULT_MODE = "status"
    COMMANDS = App.COMMANDS | {_commands}
    BINDINGS = [
        Binding("1", "switch_mode('status')", "Status", show=False,
                tooltip="Latest run against baselines and targets", id="mode.status"),
        Binding("2", "switch_mode('trends')", "Trends", show=False,
                tooltip="A metric over time", id="mode.trends"),
        Binding("3", "switch_mode('alerts')", "Alerts", show=False,
                tooltip="Triage: acknowledge, accept baselines", id="mode.alerts"),
        Binding("4", "switch_mode('targets')", "Targets", show=False,
                tooltip="The catalog: targets, warning and error lines", id="mode.targets"),
        Binding("question_mark", "help", "Help", tooltip="Every key on every screen",
                id="app.help"),
        Binding("q", "quit", "Quit", tooltip="Leave perftui", id="app.quit"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="app.reload"),
    ]

    def __init__(self, source: StoreSource | None = None, *, app_name: str | None = None,
                 environment: str | None = None, live: bool = True,
                 poll_interval: float = 1.0, load_source: Any = _UNSET):
        super().__init__()
        self.source = source if source is not None else StoreSource()
        self.requested = (app_name, environment)
        self.scope: tuple[str, str] | None = None
        self.scopes: list[dict] = []
        self.last_status: dict | None = None
        self.live = live
        self.poll_interval = poll_interval
        self._load_source = load_source
        self.generation = 0
        self.trend_metric: str | None = None
        self.error_screen = None
        self.watcher = None
        self.rollups_building = threading.Lock()   # held while the hourly rollups are built
        self.rollups_tried = False                  # once a session (perftui.tui.rollups)
        self._first_frame_shown = False
        self._after_first_frame: list[tuple[Any, Any]] = []
        self.css_cache = None
        self._use_theme()

    def use_css_cache(self, directory=None) -> None:
        """Read the rules earlier starts parsed instead of parsing them again (perftui.tui.css);
        what this start parses is saved after the first frame and on exit. `run` turns it on;
        tests and embedders get Textual's plain parsing unless they ask."""
        from perftui.tui.css import ParsedCSSCache, cache_enabled

        if cache_enabled():
            self.css_cache = ParsedCSSCache(self.stylesheet, directory).install()
            self.after_first_frame(self.save_css_cache)

    def save_css_cache(self) -> None:
        if self.css_cache is not None and self.css_cache.dirty:
            self.css_cache.save()

    def _use_theme(self) -> None:
        """Register our themes and pick `perftui` (unless TEXTUAL_THEME names another) before
        the first CSS pass, without the theme watcher: a theme change re-parses all CSS, which
        would double the start-up's styling work."""
        import os

        from perftui.tui.theme import THEMES

        for theme in THEMES:
            self.register_theme(theme)
        if os.environ.get("TEXTUAL_THEME"):
            return
        self.set_reactive(App.theme, "perftui")
        stale = {name: False for name in self.classes if name.startswith("-theme-")}
        self.update_classes({**stale, "-theme-perftui": True, "-dark-mode": True,
                             "-light-mode": False}, update=False)
        variables = self.get_css_variables()
        self.stylesheet.set_variables(variables)
        self._parsed_css_variables = variables

    @property
    def current_theme(self):
        """Textual's, without copying every registered theme into a new dict on each call (it
        is asked for on every line drawn)."""
        theme = self._registered_themes.get(self.theme)
        return theme if theme is not None else super().current_theme

    def get_css_variables(self) -> dict[str, str]:
        """Textual's, computed once per theme: start-up asks for them four times, and each
        answer generates the theme's whole colour system (about a millisecond)."""
        theme = self.current_theme
        known = getattr(self, "_css_variables_of", None)
        if known is not None and known[0] is theme:
            self.theme_variables = dict(known[1])   # what Textual's own sets on the way
            return dict(known[1])
        variables = super().get_css_variables()
        self._css_variables_of = (theme, dict(variables))
        return variables

    def refresh_css(self, animate: bool = True) -> None:
        """Textual's, without throwing the parsed CSS away when the variables it substitutes
        are the ones it was parsed with. Textual refreshes CSS when a mode's screen is first
        shown (the status screen at start-up, each other mode on its first visit): it sets the
        variables (which empties the parse cache) and re-parses every source from scratch,
        about a fifth of the first frame. With unchanged variables the cached parse is right,
        so it is kept; the rest (restyling, layout) is Textual's own. A theme change
        (other variables) takes Textual's whole path."""
        variables = self.get_css_variables()
        if variables != getattr(self, "_parsed_css_variables", None):
            self._parsed_css_variables = variables
            super().refresh_css(animate)
            return
        stylesheet = self.stylesheet
        stylesheet.set_variables = lambda _variables: None   # the same ones: keep the cache
        stylesheet.reparse = stylesheet.parse                 # only sources not parsed yet
        try:
            super().refresh_css(animate)
        finally:
            del stylesheet.set_variables, stylesheet.reparse

    # -- the first frame -----------------------------------------------------------------------
    def after_first_frame(self, callback, sender=None) -> None:
        """Call `callback` (in `sender`'s message pump, default the app's) once the first frame
        is on the terminal, or soon if it already is. For work the first frame does not show:
        Textual runs `call_after_refresh` callbacks at once while it starts up (it batches the
        whole start), so they would delay that frame."""
        pump = sender if sender is not None else self
        if self._first_frame_shown:
            pump.call_later(callback)
        else:
            self._after_first_frame.append((pump, callback))

    @property
    def first_frame_shown(self) -> bool:
        return self._first_frame_shown

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        if not self._first_frame_shown and renderable is not None and not self._batch_count:
            self._first_frame_done()

    def _first_frame_done(self) -> None:
        """The first frame went out (or was rendered, headless): run what waited for it."""
        if self._first_frame_shown:
            return
        self._first_frame_shown = True
        waiting, self._after_first_frame = self._after_first_frame, []
        for pump, callback in waiting:
            pump.call_later(callback)

    # -- lifecycle ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        # should no frame ever be drawn (no size yet), deferred work still runs
        self.set_timer(2.0, self._first_frame_done)
        if self.live:
            self.after_first_frame(self.start_watcher)
        self.after_first_frame(self.send_notifications)

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.source.close()
        self.save_css_cache()

    def start_watcher(self) -> None:
        from perftui.tui.watch import StoreWatcher

        self.watcher = StoreWatcher(self.source.path, lambda: self.post_message(StoreChanged()),
                                    self.poll_interval)
        self.watcher.start()

    @property
    def has_load_source(self) -> bool:
        return self._load_source is not _UNSET

    @property
    def load_source(self):
        if self._load_source is _UNSET:
            from perftui.tui.load import MachineLoad

            self._load_source = MachineLoad()
        return self._load_source

    # -- scope and shared state ---------------------------------------------------------------
    def scope_args(self) -> tuple[str | None, str | None]:
        return self.scope if self.scope is not None else self.requested

    def resolved_scope(self) -> tuple[str | None, str | None]:
        """The scope to show; callable from worker threads (asks the store if not known)."""
        if self.scope is not None:
            return self.scope
        try:
            found = self.source.resolve_scope(*self.requested)
        except Exception:  # noqa: BLE001 - the status screen reports store problems
            found = None
        return found if found is not None else (None, None)

    def set_scope(self, app_name: str, environment: str) -> None:
        self.scope = (app_name, environment)
        self.requested = self.scope
        self.data_changed()

    def status_loaded(self, data: dict) -> None:
        self.last_status = data
        self.scopes = data["scopes"]
        if data["scope"]:
            self.scope = (data["scope"]["app"], data["scope"]["environment"])
        for screen in self._all_screens():
            self.update_navbar(screen)

    def known_metrics(self) -> list[dict]:
        return list(self.last_status["metrics"]) if self.last_status else []

    def default_metric(self) -> str | None:
        if self.trend_metric:
            metric, self.trend_metric = self.trend_metric, None
            return metric
        from perftui.tui.format import SEVERITY_ORDER

        metrics = [m for m in self.known_metrics() if m["active"]]
        if not metrics:
            return None
        worst = max(metrics, key=lambda m: SEVERITY_ORDER.index(m["severity"]))
        return worst["metric_id"]

    def open_trend(self, metric_id: str) -> None:
        self.trend_metric = metric_id
        if self.current_mode == "trends":
            self.screen.show_metric(self.default_metric())
        else:
            self.switch_mode("trends")

    def update_navbar(self, screen) -> None:
        from perftui.tui.widgets.navbar import NavBar

        try:
            bar = screen.query_one(NavBar)
        except Exception:  # noqa: BLE001 - screens without a bar
            return
        bar.scope = f"{self.scope[0]}/{self.scope[1]}" if self.scope else ""
        badges = []
        if self.source.read_only:
            badges.append(("read-only", "bold reverse"))
        badges.append(("live" if self.live else "paused", "dim"))
        bar.badges = tuple(badges)

    def _all_screens(self):
        for stack in self._screen_stacks.values():
            yield from stack

    # -- refresh ------------------------------------------------------------------------------
    def data_changed(self) -> None:
        """The store changed: reload what is visible, the rest when it is shown again."""
        from perftui.tui.screens.base import DataScreen

        self.generation += 1
        for screen in list(self.screen_stack):
            if isinstance(screen, DataScreen) and screen.is_mounted:
                screen.reload()

    def on_store_changed(self, message: StoreChanged) -> None:
        if self.error_screen is not None:
            self.retry_store()
        else:
            # the rollups' build commits every 0.1 s: the screens reload once, when it is done
            if not self.rollups_building.locked():
                self.data_changed()
            self.send_notifications()

    def send_notifications(self) -> None:
        from perftui.tui.notifying import send_pending

        send_pending(self)

    def on_store_failed(self, message: StoreFailed) -> None:
        from perftui.tui.screens.store_error import StoreErrorScreen

        if self.error_screen is not None:
            self.error_screen.show(message.error, message.kind)
            return
        self.error_screen = StoreErrorScreen(message.error, message.kind,
                                             getattr(self.source, "shown", self.source.path))
        self.push_screen(self.error_screen)

    def retry_store(self) -> None:
        self.source.reset()
        if self.error_screen is not None:
            screen, self.error_screen = self.error_screen, None
            if screen in self.screen_stack:
                screen.dismiss()
        self.data_changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.error_screen is not None and action in ("switch_mode", "help", "reload"):
            return False
        return True

    # -- actions ------------------------------------------------------------------------------
    def action_help(self) -> None:
        from perftui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_reload(self) -> None:
        self.data_changed()

    def action_toggle_live(self) -> None:
        self.live = not self.live
        if self.live:
            self.start_watcher()
        elif self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self.notify(f"Live refresh {'on' if self.live else 'paused'}")
        for screen in self._all_screens():
            self.update_navbar(screen)


def run(db: str | None = None, app: str | None = None, environment: str | None = None,
        read_only: bool = False, source: StoreSource | None = None) -> int:
    """Open the TUI on a store (or on `source`); returns the exit code (what `perftui tui`
    calls)."""
    import gc

    from perftui.tui import hangup

    source = source if source is not None else StoreSource(db, read_only=read_only)
    tui = PerftuiApp(source, app_name=app, environment=environment)
    tui.use_css_cache()
    terminal = hangup.terminal_fd()
    tui.after_first_frame(lambda: hangup.watch(tui, terminal))   # a hang-up ends the UI
    if not gc.isenabled():   # `perftui tui` starts without the cycle collector: see cmd_tui
        tui.after_first_frame(gc.enable)
    try:
        tui.run()
    finally:
        gc.enable()
    return int(tui.return_code or 0)
