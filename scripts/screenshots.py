"""Screenshots of every TUI screen, from the demo store, for the README and docs/tui.md.

    python scripts/screenshots.py [--out screenshots] [--snapshots 2000]

Builds a demo store (fixed seed and fixed "now", so the pictures are reproducible), opens each
screen headless at 100x30 (the status screen, current vs target and the heatmap at 80x24; the
heatmap's hours in this machine's zone) with a fixed clock and a fixed
machine-load reading, saves an SVG with `app.save_screenshot()` and converts it to PNG with
`rsvg-convert` (apt-get install librsvg2-bin; fonts-firacode for the intended font). rsvg drops
leading no-break spaces inside SVG text, so the PNG is made from a copy with plain spaces and
xml:space="preserve"; the SVG itself is kept as Textual wrote it. Last, `browser.png`: the
store served by `perftui serve` in Debian's chromium through Playwright (skipped, with a line,
when either is missing).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
WIDE, NARROW = (100, 30), (80, 24)


async def _settle(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        try:
            if condition():
                break
        except Exception:  # noqa: BLE001 - widgets not there yet
            pass
    await pilot.pause(0.3)


def _cards(app) -> bool:
    return len(app.screen.query("MetricCard")) > 0


async def _status(pilot):
    await _settle(pilot, lambda: _cards(pilot.app))


async def _trends(pilot):
    app = pilot.app
    await _settle(pilot, lambda: _cards(app))
    app.open_trend("MEM-001")
    await _settle(pilot, lambda: getattr(app.screen, "trend", None) is not None
                  and app.screen.trend.metric["metric_id"] == "MEM-001")
    await pilot.press("r")  # 30 days
    await _settle(pilot, lambda: app.screen.trend.range == "30d")


async def _trends_history(pilot):
    app = pilot.app
    await _settle(pilot, lambda: _cards(app))
    app.open_trend("API-001")
    await _settle(pilot, lambda: getattr(app.screen, "trend", None) is not None
                  and app.screen.trend.metric["metric_id"] == "API-001")
    await pilot.press("r", "r")  # all: 180 earlier days as daily medians, then every run
    await _settle(pilot, lambda: app.screen.trend.range == "all")


async def _trends_table(pilot):
    app = pilot.app
    await _settle(pilot, lambda: _cards(app))
    app.open_trend("API-001")
    await _settle(pilot, lambda: getattr(app.screen, "trend", None) is not None
                  and app.screen.trend.metric["metric_id"] == "API-001")
    await pilot.press("t")
    await _settle(pilot, lambda: app.screen.query_one("#points").row_count > 0)


async def _alerts(pilot):
    app = pilot.app
    await pilot.press("3")
    await _settle(pilot, lambda: app.screen.query_one("#alerts-table").row_count > 0)
    await pilot.press("f", "f", "f")  # all statuses
    await _settle(pilot, lambda: app.screen.status == "all"
                  and app.screen.query_one("#alerts-table").row_count > 3)


async def _alert_detail(pilot):
    app = pilot.app
    await pilot.press("3")
    await _settle(pilot, lambda: app.screen.query_one("#alerts-table").row_count > 0)
    await pilot.press("f", "f", "f")
    await _settle(pilot, lambda: app.screen.status == "all")
    rows = app.screen.alerts
    index = next((i for i, a in enumerate(rows) if a["alert_type"] != "threshold"
                  and a["severity"] in ("error", "critical", "warning")), 0)
    app.screen.query_one("#alerts-table").move_cursor(row=index, animate=False)
    await pilot.press("enter")
    await _settle(pilot, lambda: getattr(app.screen, "alert", None) is not None)


async def _alert_profile(pilot):
    """The profile the demo stored for its open validation regression (a real cProfile run, so
    its figures differ a little from one build to the next)."""
    app = pilot.app
    await pilot.press("3")
    await _settle(pilot, lambda: app.screen.query_one("#alerts-table").row_count > 0)
    rows = app.screen.alerts
    index = next((i for i, a in enumerate(rows) if a["metric_id"] == "VAL-001"
                  and a["alert_type"] in ("regression", "change_point", "trend")), 0)
    app.screen.query_one("#alerts-table").move_cursor(row=index, animate=False)
    await pilot.press("enter")
    await _settle(pilot, lambda: getattr(app.screen, "alert", None) is not None
                  and app.screen.query_one("#detail-profile").mode not in ("loading", None))
    await pilot.press("p")
    await _settle(pilot, lambda: app.screen.query_one("#detail-profile-box").display)


async def _ack_dialog(pilot):
    app = pilot.app
    await pilot.press("3")
    await _settle(pilot, lambda: app.screen.query_one("#alerts-table").row_count > 0)
    await pilot.press("a")
    await _settle(pilot, lambda: app.screen.id == "ack-dialog")
    await pilot.press(*"slow CI runner, re-run scheduled")


async def _targets(pilot):
    app = pilot.app
    await pilot.press("4")
    await _settle(pilot, lambda: app.screen.query_one("#targets-table").row_count > 0)


async def _edit(pilot):
    app = pilot.app
    await _targets(pilot)
    await pilot.press("j", "j", "j", "e")
    await _settle(pilot, lambda: type(app.screen).__name__ == "EditTarget")
    await pilot.press("tab", "ctrl+u", *"480")


async def _help(pilot):
    await _settle(pilot, lambda: _cards(pilot.app))
    await pilot.press("question_mark")
    await _settle(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")


async def _bars(pilot):
    app = pilot.app
    await _settle(pilot, lambda: _cards(app))
    await pilot.press("b")
    await _settle(pilot, lambda: getattr(app.screen, "data", None) is not None)


async def _heatmap(pilot):
    app = pilot.app
    await _settle(pilot, lambda: _cards(app))
    await pilot.press("w")
    await _settle(pilot, lambda: getattr(app.screen, "data", None) is not None)


SHOTS = (
    ("status", WIDE, _status),
    ("status-80x24", NARROW, _status),
    ("trends", WIDE, _trends),
    ("trends-history", WIDE, _trends_history),
    ("trends-table", WIDE, _trends_table),
    ("alerts", WIDE, _alerts),
    ("alert-detail", WIDE, _alert_detail),
    ("alert-profile", WIDE, _alert_profile),
    ("acknowledge", WIDE, _ack_dialog),
    ("targets", WIDE, _targets),
    ("edit-target", WIDE, _edit),
    ("help", WIDE, _help),
    ("bars-80x24", NARROW, _bars),
    ("heatmap-80x24", NARROW, _heatmap),
)


async def shoot(store: Path, out: Path, name: str, size, steps) -> Path:
    from perftui.tui.app import PerftuiApp
    from perftui.tui.data import StoreSource
    from perftui.tui.load import FixedLoad, Load

    source = StoreSource(str(store), clock=lambda: NOW)
    app = PerftuiApp(source, live=False, load_source=FixedLoad(Load(23.0, 48.0, 7.6, 16.0, 1.12, 8)))
    async with app.run_test(size=size) as pilot:
        await steps(pilot)
        app.save_screenshot(f"{name}.svg", str(out))
    return out / f"{name}.svg"


def to_png(svg: Path) -> Path | None:
    tool = shutil.which("rsvg-convert")
    if tool is None:
        print("rsvg-convert not found (apt-get install librsvg2-bin): SVG only", file=sys.stderr)
        return None
    text = svg.read_text(encoding="utf-8")
    text = text.replace('<svg class="rich-terminal"',
                        '<svg xml:space="preserve" class="rich-terminal"', 1)
    text = text.replace("&#160;", " ")
    png = svg.with_suffix(".png")
    with tempfile.NamedTemporaryFile("w", suffix=".svg", delete=False, encoding="utf-8") as tmp:
        tmp.write(text)
    try:
        subprocess.run([tool, "--zoom", "1", tmp.name, "-o", str(png)], check=True)
    finally:
        Path(tmp.name).unlink(missing_ok=True)
    return png


def browser_shot(store: Path, out: Path) -> Path | None:
    """`perftui serve` on the store, opened in Debian's chromium through Playwright (the system
    binary; nothing downloaded): the alerts screen of a read-only session after `a`."""
    import os
    import re
    import signal

    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright not installed (pip install playwright): no browser shot",
              file=sys.stderr)
        return None
    if not os.access(chromium, os.X_OK):
        print(f"{chromium} missing (apt-get install chromium): no browser shot", file=sys.stderr)
        return None
    server = subprocess.Popen([sys.executable, "-m", "perftui", "--db", str(store), "serve",
                               "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"open (\S+)", server.stdout.readline()).group(1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1000, "height": 600})
            seen: list[str] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: seen.append(
                f if isinstance(f, str) else f.decode("utf-8", "replace"))))
            page.goto(url)
            for wanted, key in (("APP-001", "3"), ("expected", "a"), ("Read-only", None)):
                for _ in range(400):
                    if wanted in "".join(seen):
                        break
                    page.wait_for_timeout(50)
                if key:
                    page.click("#terminal")
                    seen.clear()
                    page.keyboard.press(key)
            page.wait_for_timeout(500)
            png = out / "browser.png"
            page.screenshot(path=str(png))
            browser.close()
        return png
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)


def _pin_edit_times(store: Path) -> None:
    """The catalog rows and audit entries carry the wall-clock time they were written at (the
    demo's history uses NOW); pin them before NOW so every run draws the same pictures."""
    import sqlite3

    pinned = "2026-01-02T09:00:00.000000Z"
    conn = sqlite3.connect(store)
    with conn:
        conn.execute("UPDATE metrics SET updated_at = ? WHERE updated_at > ?", (pinned, pinned))
        conn.execute("UPDATE target_changes SET changed_at = ? WHERE changed_at > ?",
                     (pinned, pinned))
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--snapshots", type=int, default=2000)
    parser.add_argument("--only", nargs="*", help="names of the shots to take")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from perftui.core.demo import generate_demo

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "demo.db"
        generate_demo(str(store), snapshots=args.snapshots, seed=0, now=NOW)
        _pin_edit_times(store)
        for name, size, steps in SHOTS:
            if args.only and name not in args.only:
                continue
            svg = asyncio.run(shoot(store, out, name, size, steps))
            png = to_png(svg)
            print(f"{svg.relative_to(out.parent) if out.parent in svg.parents else svg}"
                  f"{' + ' + png.name if png else ''}")
        if not args.only or "browser" in args.only:
            png = browser_shot(store, out)
            if png:
                print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
