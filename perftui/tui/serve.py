"""`perftui serve`: the TUI in a browser, through textual-serve (the `serve` extra).

Every browser tab opens a websocket, and textual-serve starts one TUI process for it
(`perftui.tui.served`): each tab is its own session, with its own screens and cursor. The
store is named to those processes through the environment (PERFTUI_DB, so a PostgreSQL URL's
password never shows in a process list); they open it read-only unless the server was started
with --allow-writes, and never export (that would write a file on the server).

What this module adds to textual-serve's server:
- a page that needs nothing from the internet: textual-serve's own page loads Roboto Mono from
  Google Fonts; ours (serve_templates/app_index.html) loads the font files textual-serve ships;
- websocket and asset URLs taken from the request, so the page works on whatever address the
  browser used (textual-serve builds them from the address it was told to listen on);
- the browser's time zone: the page adds it to its websocket's path, and the tab's TUI runs
  with TZ set to it, so the heatmap's hours are the viewer's (a name the server's zone
  database does not know is ignored: the session keeps the server's zone, and names it);
- guards: on loopback, only requests addressed to a loopback name (a web page elsewhere cannot
  reach the server through DNS rebinding); off loopback, an access token (the URL printed at
  start carries it; the page then keeps it in a same-site cookie for its websocket); and a
  websocket only from the server's own page (its Origin), since browsers let any site open
  a websocket to localhost.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import re
import secrets
import shlex
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

TEMPLATES = Path(__file__).parent / "serve_templates"
COOKIE = "perftui_token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def tui_command(read_only: bool, zone: str | None = None) -> str:
    """The shell command textual-serve runs for a session (`perftui.tui.served`): `exec`, so
    the session's process is the server's own child, not a shell's; in the browser's time zone
    when it sent one."""
    parts = [sys.executable, "-m", "perftui.tui.served"]
    if not read_only:
        parts.append("--allow-writes")
    prefix = ["exec", "env", f"TZ={zone}"] if zone else ["exec"]
    return shlex.join(prefix + parts)


def browser_zone(text: str | None) -> str | None:
    """The IANA zone a page sent ('Europe~Amsterdam': '/' travels as '~'), if it is a name
    this machine's zone database has; else None (the session keeps the server's zone)."""
    if not text:
        return None
    zone = text.replace("~", "/")
    if not ZONE_NAME.fullmatch(zone):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


class PerftuiServer(Server):
    """textual-serve's Server with perftui's page and guards (see the module docstring)."""

    def __init__(self, host: str, port: int, *, read_only: bool = True,
                 token: str | None = None, title: str = "perftui", on_ready=None):
        super().__init__(tui_command(read_only), host=host, port=port, title=title,
                         templates_path=TEMPLATES)
        self.read_only = read_only
        self.token = token
        self.loopback_only = is_loopback(host)
        self.on_ready = on_ready
        self._sessions: set[asyncio.Task] = set()

    # -- textual-serve's hooks ----------------------------------------------------------------
    def initialize_logging(self) -> None:
        """textual-serve logs each session at INFO through rich; perftui prints its own line
        at start and keeps the rest for warnings."""
        import logging

        logging.basicConfig(level="WARNING", format="perftui serve: %(message)s")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/ws/{zone}", self.handle_websocket)   # the page's, with its zone
        app.middlewares.append(self._guard)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints its banner here, before it listens: see `serve`.)"""

    def serve(self, debug: bool = False) -> None:
        """Listen until SIGINT or SIGTERM; `on_ready` is called once the port accepts
        connections (textual-serve's `web.run_app` announces the address before it binds)."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, stop.set)
            except (NotImplementedError, RuntimeError):   # not the main thread, Windows
                pass
        runner = web.AppRunner(await self._make_app(), handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port, shutdown_timeout=5.0).start()
            if self.on_ready is not None:
                self.on_ready()
            await stop.wait()
        finally:
            await self._end_sessions()
            await runner.cleanup()

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A tab's session: its own TUI process, in the browser's time zone when the page
        sent it, kept track of (aiohttp's shutdown would otherwise wait for each open
        websocket to end by itself, tens of seconds)."""
        task = asyncio.current_task()
        self._sessions.add(task)
        zone = browser_zone(request.match_info.get("zone"))
        try:
            return await self._session(request, tui_command(self.read_only, zone))
        finally:
            self._sessions.discard(task)

    async def _session(self, request: web.Request, command: str) -> web.WebSocketResponse:
        """textual-serve 1.1's `handle_websocket`, with this session's own command (its
        takes the server's one command)."""
        from textual_serve.app_service import AppService
        from textual_serve.server import log, to_int

        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service = None
        try:
            await websocket.prepare(request)
            app_service = AppService(command, write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=websocket.close,
                                     download_manager=self.download_manager, debug=self.debug)
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - as textual-serve: logged, session over
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket

    async def _end_sessions(self) -> None:
        """Close every tab's websocket; textual-serve then tells its TUI process to quit and
        waits for it. A session still there after that (a browser that does not answer the
        websocket's close) has its process ended: no session outlives the server."""
        sessions = [task for task in self._sessions if not task.done()]
        for task in sessions:
            task.cancel()
        if sessions:
            await asyncio.wait(sessions, timeout=3)
        await asyncio.to_thread(end_children)

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        scheme = "wss" if request.secure else "ws"
        return {"font_size": _font_size(request.query.get("fontsize")),
                "app_websocket_url": f"{scheme}://{request.host}/ws",
                "config": {"static": {"url": "/static/"}},
                "application": {"name": self.title}}

    # -- guards ---------------------------------------------------------------------------------
    @web.middleware
    async def _guard(self, request: web.Request, handler):
        name = _host_name(request.host)
        if self.loopback_only and name not in LOOPBACK_NAMES and not is_loopback(name):
            raise web.HTTPForbidden(text="perftui serve answers on loopback addresses only "
                                         "(restart it with --host to serve others)\n")
        if request.path == "/ws" or request.path.startswith("/ws/"):
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                raise web.HTTPForbidden(text="websocket from another site refused\n")
        given = None
        if self.token is not None:
            given = request.query.get("token")
            presented = given or request.cookies.get(COOKIE) or ""
            if not hmac.compare_digest(presented.encode(), self.token.encode()):
                raise web.HTTPUnauthorized(text="perftui serve needs its access token: open "
                                                "the URL it printed when it started\n")
        response = await handler(request)
        if given is not None and request.path == "/":
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response


def _host_name(host_header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1', 'localhost' -> 'localhost'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _font_size(text: str | None) -> int:
    try:
        return max(6, min(48, int(text or 16)))
    except ValueError:
        return 16


def end_children(grace: float = 3.0) -> None:
    """Terminate this process's remaining children (the sessions' TUI processes), and kill
    those that do not go within `grace` seconds. Their exit is left for asyncio to collect
    (waiting for them here would take it first, and asyncio would warn of unknown children)."""
    import time

    import psutil

    def running(child) -> bool:
        try:
            return child.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    children = [child for child in psutil.Process().children(recursive=True) if running(child)]
    for child in children:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            pass
    deadline = time.monotonic() + grace
    while any(map(running, children)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for child in filter(running, children):
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
