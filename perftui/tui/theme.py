"""perftui's own themes (dark and light); every Textual theme works too (ctrl+p, "theme")."""

from __future__ import annotations

from textual.theme import Theme

PERFTUI_DARK = Theme(
    name="perftui",
    primary="#5FAFFF",
    secondary="#C792EA",
    accent="#56C8D8",
    warning="#F0B64E",
    error="#F0616D",
    success="#8BD17C",
    foreground="#D8DEE9",
    background="#14171C",
    surface="#1B1F26",
    panel="#262B34",
    dark=True,
)

PERFTUI_LIGHT = Theme(
    name="perftui-light",
    primary="#1F6FC5",
    secondary="#8E44AD",
    accent="#00838F",
    warning="#B8730A",
    error="#C62828",
    success="#2E7D32",
    foreground="#1E232B",
    background="#F7F8FA",
    surface="#FFFFFF",
    panel="#E6E9EF",
    dark=False,
)

THEMES = (PERFTUI_DARK, PERFTUI_LIGHT)
