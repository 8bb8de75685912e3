"""The top line of every screen: the four screens with their keys, the scope, and badges."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

MODES = (("1", "status", "Status"), ("2", "trends", "Trends"), ("3", "alerts", "Alerts"),
         ("4", "targets", "Targets"))


class NavBar(Widget):
    """`perftui  1 Status  2 Trends  3 Alerts  4 Targets      app/env  read-only  live`."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    mode: reactive[str] = reactive("status")
    scope: reactive[str] = reactive("")
    badges: reactive[tuple] = reactive(())

    def __init__(self, mode: str, **kwargs):
        super().__init__(**kwargs)
        self.set_reactive(NavBar.mode, mode)

    def render(self) -> Text:
        variables = self.app.theme_variables
        accent = variables.get("accent", "")
        left = Text(" perftui ", style=f"bold {accent}")
        for key, mode, label in MODES:
            if mode == self.mode:
                left.append(f" {key} {label} ", style="bold reverse")
            else:
                left.append(f" {key}", style="bold")
                left.append(f" {label} ")
        badges = Text()
        for badge, style in self.badges:
            badges.append("  ")
            badges.append(badge, style=style)
        badges.append(" ")
        # at 80 columns everything does not fit: badges (read-only, live) stay, the scope
        # shortens with an ellipsis, and only then do badges go
        room = self.size.width - left.cell_len - 1
        if badges.cell_len > room:
            return left
        scope = self.scope
        space = room - badges.cell_len
        if scope and len(scope) > space:
            scope = scope[:space - 1] + "…" if space > 4 else ""
        right = Text.assemble(Text(scope, style="bold"), badges)
        return Text.assemble(left, " " * (self.size.width - left.cell_len - right.cell_len),
                             right)
