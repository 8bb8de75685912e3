"""A throwaway PostgreSQL server for the tests, from Debian's `postgresql` package.

`PERFTUI_TEST_PG_URL` (a server you run) wins. Otherwise the binaries of the newest installed
PostgreSQL (`/usr/lib/postgresql/*/bin`) make a cluster in a temporary directory: `initdb`
refuses to run as root, so as root it runs as the `postgres` user; a private socket directory,
a free port on 127.0.0.1, `fsync=off`. On CI (`CI` set) the PostgreSQL tests must run: a missing
server is an error there, and a one-line skip elsewhere.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

ENABLE_HINT = ("PostgreSQL tests skipped: install Debian's `postgresql` package (or set "
               "PERFTUI_TEST_PG_URL to a server) and install perftui[postgres]")


class Unavailable(Exception):
    """No server can be had here; the message says why."""


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A cluster started for this test session (or the one PERFTUI_TEST_PG_URL names)."""

    def __init__(self):
        self.external = os.environ.get("PERFTUI_TEST_PG_URL")
        self.dir: str | None = None
        self.url = self.external
        self.bindir = None

    def start(self) -> "Server":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise Unavailable("psycopg is not installed (pip install -e '.[postgres,test]')")
        if self.external:
            return self
        self.bindir = _bindir()
        if self.bindir is None:
            raise Unavailable("no PostgreSQL binaries (/usr/lib/postgresql/*/bin)")
        self.dir = tempfile.mkdtemp(prefix="perftui-pg-")
        data = os.path.join(self.dir, "data")
        as_root = os.geteuid() == 0
        if as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        port = _free_port()
        run = (lambda *args: ["runuser", "-u", "postgres", "--", *args]) if as_root else \
            (lambda *args: list(args))
        subprocess.run(run(f"{self.bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                           "--no-sync", "-E", "UTF8"),
                       check=True, capture_output=True, timeout=120)
        self.options = (f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                        "-c synchronous_commit=off -c full_page_writes=off "
                        "-c max_connections=200")
        self.start_again()
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return self

    def _pg_ctl(self, *args: str) -> list[str]:
        command = [f"{self.bindir}/pg_ctl", "-D", os.path.join(self.dir, "data"), *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def start_again(self) -> None:
        """(Re)start the cluster with its data (a server that was stopped comes back)."""
        subprocess.run(self._pg_ctl("-o", self.options, "-l", os.path.join(self.dir, "log"),
                                    "-w", "start"), check=True, capture_output=True, timeout=120)

    def stop_keeping_data(self) -> None:
        """Stop the server as an outage would (its data stays for start_again)."""
        subprocess.run(self._pg_ctl("-m", "fast", "-w", "stop"), capture_output=True,
                       timeout=60)

    def stop(self) -> None:
        if self.dir is None:
            return
        subprocess.run(self._pg_ctl("-m", "immediate", "-w", "stop"), capture_output=True,
                       timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def new_database(self) -> str:
        """A fresh, empty database on the server; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"
