"""Where the .tcss files live. The app loads `app.tcss` (global rules and the status screen,
which is painted first); every other screen and the dialogs name their own file in CSS_PATH,
so Textual reads it when that screen is first shown, not before the first paint."""

from __future__ import annotations

from pathlib import Path

STYLES = Path(__file__).parent / "styles"


def tcss(name: str) -> Path:
    return STYLES / f"{name}.tcss"
