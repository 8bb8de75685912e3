"""`perftui serve` in a real browser: headless Chromium (Debian's package) driven by Playwright.

The server starts on a demo store (both engines); the page loads with every request off this
machine refused (it must need nothing from the internet); the status screen's data arrives
(a metric id); 3 shows the alerts table; a read-only session answers `a` with a notice and the
store is unchanged; a second tab is a session of its own, and its heatmap is in the browser's
time zone. The terminal draws on a canvas, so
what the browser shows is read from the websocket stream it renders (control sequences
stripped); screenshots/browser.png (scripts/screenshots.py) shows the same page.

Elsewhere than CI these tests skip with one line when Playwright or /usr/bin/chromium is
missing (`pip install playwright`, `apt-get install chromium`; never `playwright install`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ENABLE_HINT = ("browser tests skipped: pip install playwright, and apt-get install chromium "
               "(Debian's package; .ci/run installs both)")
CONTROL = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|.)")
TIMEOUT = 60.0
BROWSER_ZONE = "Asia/Kolkata"     # the browser's zone, unlike any CI machine's


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run on CI: {why}")
        pytest.skip(f"{ENABLE_HINT} ({why})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: Chromium's sandbox refuses to run as root (CI containers)
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def served_url(proc) -> str:
    """The URL `perftui serve` printed once it listens (after any warning lines)."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        match = re.search(r"perftui serve: open (http://\S+)", line)
        if match:
            return match.group(1)
    raise AssertionError("perftui serve did not start: " + "".join(seen))


class Served:
    """A `perftui serve` process and the URL it printed."""

    def __init__(self, store: str, env: dict, *extra: str):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "perftui", "--db", store, "serve", "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.url = served_url(self.proc)

    def sessions(self) -> list:
        """The TUI processes serving its tabs (psutil.Process objects)."""
        import psutil

        return [p for p in psutil.Process(self.proc.pid).children(recursive=True)
                if "perftui.tui.served" in " ".join(p.cmdline())]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Tab:
    """A browser tab on the server: what its terminal was sent, as text."""

    def __init__(self, context, url: str):
        self.page = context.new_page()
        self.frames: list[str] = []
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._received))
        self.page.goto(url)

    def _received(self, payload) -> None:
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8", "replace")
        self.frames.append(payload)

    def mark(self) -> int:
        return len(self.frames)

    def text(self, since: int = 0) -> str:
        return CONTROL.sub("", "".join(self.frames[since:]))

    def wait_for(self, *words: str, since: int = 0, timeout: float = TIMEOUT) -> float:
        """Seconds until every word has been drawn (after frame `since`)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            text = self.text(since)
            if all(word in text for word in words):
                return time.monotonic() - start
            self.page.wait_for_timeout(50)
        raise AssertionError(f"not shown within {timeout}s: {words}; got {self.text(since)!r}")

    def press(self, key: str) -> int:
        since = self.mark()
        self.page.keyboard.press(key)
        return since


def make_demo(store: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "perftui", "demo", "--output", store, "--no-tui",
                    "--snapshots", "400"], env=env, check=True, capture_output=True,
                   timeout=300)


def alerts_json(store: str, env: dict) -> str:
    """Every alert of the store as `perftui alerts --format json` prints them."""
    return subprocess.run([sys.executable, "-m", "perftui", "--db", store, "--read-only",
                           "alerts", "--status", "all", "--format", "json"], env=env,
                          check=True, capture_output=True, text=True, timeout=60).stdout


def offline_context(browser, blocked: list[str]):
    """A browser context in which every request to another host than 127.0.0.1 fails."""
    context = browser.new_context(viewport={"width": 1100, "height": 680},
                                  timezone_id=BROWSER_ZONE)

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return context


def test_a_read_only_session_in_the_browser(browser, store_url, subprocess_env, tmp_path):
    make_demo(store_url, subprocess_env)
    before = alerts_json(store_url, subprocess_env)
    served = Served(store_url, subprocess_env)
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    try:
        tab = Tab(context, served.url)
        tab.wait_for("APP-001")
        first_data = time.monotonic() - served.started
        print(f"\nperftui serve ({store_url.split(':')[0] if '://' in store_url else 'sqlite'})"
              f" -> first data in the browser: {first_data:.2f}s")
        assert "read-only" in tab.text()
        tab.page.click("#terminal")
        since = tab.press("3")
        tab.wait_for("expected", "occ", "status", since=since)          # the alerts table
        since = tab.press("a")
        tab.wait_for("Read-only", "acknowledging", since=since)        # a notice, no dialog
        assert "Acknowledge alert" not in tab.text(since)
        # a second tab is a session of its own: it opens on the status screen
        other = Tab(context, served.url)
        other.wait_for("APP-001", "Latest run")
        assert "expected" not in other.text() and "Read-only" not in other.text()
        tuis = [p for p in served.sessions() if not p.cmdline()[0].endswith("sh")]
        assert len(tuis) == 2          # one TUI process per tab
        # the heatmap's hours are the browser's, and the zone is named
        other.page.click("#terminal")
        # (Chromium names Asia/Kolkata by ICU's older name, Asia/Calcutta)
        other.wait_for("times in Asia/", "(IST)", since=other.press("w"))
        assert blocked == []
    finally:
        context.close()
        served.stop()
    assert alerts_json(store_url, subprocess_env) == before


def test_a_writable_session_acknowledges_into_the_store(browser, tmp_path, subprocess_env):
    store = str(tmp_path / "demo.db")
    make_demo(store, subprocess_env)
    served = Served(store, subprocess_env, "--allow-writes")
    context = offline_context(browser, [])
    try:
        tab = Tab(context, served.url)
        tab.wait_for("APP-001")
        assert "read-only" not in tab.text()
        tab.page.click("#terminal")
        tab.wait_for("expected", since=tab.press("3"))
        tab.wait_for("Acknowledge alert", since=tab.press("a"))
        tab.page.keyboard.type("seen in the browser")
        tab.press("Enter")
        deadline = time.monotonic() + TIMEOUT
        while "seen in the browser" not in alerts_json(store, subprocess_env):
            assert time.monotonic() < deadline, "the acknowledgement never reached the store"
            time.sleep(0.2)
        sessions = served.sessions()
        assert sessions
        # stopping the server ends the open sessions with it, at once
        started = time.monotonic()
        served.stop()
        assert served.proc.returncode == 0 and time.monotonic() - started < 10
        assert not [p for p in sessions if p.is_running() and p.status() != "zombie"]
    finally:
        context.close()
        served.stop()


def test_off_loopback_the_page_needs_the_printed_token(browser, tmp_path, subprocess_env):
    import urllib.error
    import urllib.request

    store = str(tmp_path / "demo.db")
    make_demo(store, subprocess_env)
    served = Served(store, subprocess_env, "--host", "0.0.0.0")
    context = offline_context(browser, [])
    try:
        assert "?token=" in served.url
        port = urlsplit(served.url).port
        local = served.url.replace("0.0.0.0", "127.0.0.1")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert refused.value.code == 401
        tab = Tab(context, local)
        tab.wait_for("APP-001")        # the websocket got in with the token's cookie
    finally:
        context.close()
        served.stop()
