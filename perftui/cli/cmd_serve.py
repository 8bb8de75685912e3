"""perftui serve: the terminal UI in a browser (textual-serve; the `serve` extra)."""

from __future__ import annotations

import argparse

from perftui.cli.common import command_parser
from perftui.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def add_parser(sub) -> None:
    p = command_parser(
        sub, "serve", help="serve the terminal UI to web browsers (read-only by default)",
        description="Serve the same terminal UI to web browsers through textual-serve "
                    "(pip install 'perftui[serve]'). Every browser tab is its own session. "
                    "The store is opened read-only unless --allow-writes is given. The server "
                    "listens on 127.0.0.1 only; with --host it listens there, and on any address "
                    "other than a loopback one asks for an access token, printed once at start "
                    "as part of the URL to open. The page "
                    "needs nothing from the internet.",
        examples=["perftui serve", "perftui --db team.db serve --port 8080",
                  "perftui --db postgresql://perftui@db/perf serve --host 0.0.0.0",
                  "perftui serve --allow-writes   # acknowledging and editing from the browser"])
    p.add_argument("--host", default=None, metavar="ADDRESS",
                   help="address to listen on (default: 127.0.0.1); any other than a loopback "
                        "address needs the access token printed at start")
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, metavar="N",
                   help=f"port to listen on (default: {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--allow-writes", action="store_true",
                   help="let browser sessions acknowledge alerts and edit targets (default: "
                        "read-only)")
    p.set_defaults(func=run)


def run(args) -> int:
    import importlib.util

    if args.allow_writes and getattr(args, "read_only", False):
        raise UsageError("serve: --read-only and --allow-writes contradict each other")
    if importlib.util.find_spec("textual_serve") is None:
        raise UsageError("serve needs textual-serve: pip install 'perftui[serve]'")
    read_only = not args.allow_writes
    check_store(args, read_only)
    host = args.host or DEFAULT_HOST
    port = reserve(host, args.port)

    from perftui.tui.serve import PerftuiServer, is_loopback, new_token

    token = None if is_loopback(host) else new_token()
    pass_scope(args)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    mode = "read-only" if read_only else "writes allowed"

    def ready() -> None:
        print(f"perftui serve: open {url}\n  {mode}; every browser tab is its own session; "
              "Ctrl+C stops" + ("\n  the token in this URL is the only key: it is not shown "
                                "again" if token else ""), flush=True)

    server = PerftuiServer(host, port, read_only=read_only, token=token, on_ready=ready)
    try:
        server.serve()
    except OSError as exc:
        raise UsageError(f"serve: cannot listen on {host}:{port}: "
                         f"{exc.strerror or exc}") from None
    return 0


def check_store(args, read_only: bool) -> None:
    """Open the store once now, so a missing or broken one is one line here, not an error
    screen in every browser tab."""
    from perftui.cli.common import open_store_for

    probe = argparse.Namespace(**{**vars(args), "read_only": read_only})
    open_store_for(probe).close()


def reserve(host: str, port: int) -> int:
    """Check that `host`:`port` can be listened on (and pick the port for 0)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"serve: --host {host!r} is not an address this machine has: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    family, _type, _proto, _name, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise UsageError(f"serve: cannot listen on {host}:{port}: "
                             f"{exc.strerror or exc}") from None
        return sock.getsockname()[1]


def pass_scope(args) -> None:
    """Name the store, the scope and the server to the sessions' processes through their
    environment."""
    import os

    for value, name in ((args.db, "PERFTUI_DB"), (args.app, "PERFTUI_APP"),
                        (args.env, "PERFTUI_ENV")):
        if value:
            os.environ[name] = value
    os.environ["PERFTUI_SERVE_PID"] = str(os.getpid())   # a session ends when this one is gone
