"""`perftui serve` without a browser: bad input is one line and exit 2, the page needs nothing
from the internet, and the server's guards (loopback names only, websockets only from its own
page, the token off loopback) hold."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

pytest.importorskip("textual_serve", reason="perftui serve needs textual-serve: "
                                            "pip install 'perftui[serve]'")


def perftui(env, *argv, timeout=60):
    return subprocess.run([sys.executable, "-m", "perftui", *argv], env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def store(tmp_path, subprocess_env):
    path = str(tmp_path / "s.db")
    done = perftui(subprocess_env, "--db", path, "record", "startup_time_ms=400")
    assert done.returncode == 0, done.stderr
    return path


def one_line_error(done, *words):
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("perftui: error:"), done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("argv, words", [
    (["--port", "70000"], ["--port", "65535"]),
    (["--port", "http"], ["--port", "port number"]),
    (["--host", "no-such-host.invalid"], ["--host", "no-such-host.invalid"]),
    (["--host", "203.0.113.7"], ["cannot listen on 203.0.113.7"]),   # not this machine's
])
def test_bad_host_or_port_is_one_line(store, subprocess_env, argv, words):
    one_line_error(perftui(subprocess_env, "--db", store, "serve", *argv), *words)


def test_read_only_and_allow_writes_contradict(store, subprocess_env):
    one_line_error(perftui(subprocess_env, "--db", store, "--read-only", "serve",
                           "--allow-writes"), "contradict")


def test_a_missing_store_is_refused_before_serving(tmp_path, subprocess_env):
    done = perftui(subprocess_env, "--db", str(tmp_path / "none.db"), "serve")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not (tmp_path / "none.db").exists()


def test_a_port_in_use_is_one_line(store, subprocess_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_line_error(perftui(subprocess_env, "--db", store, "serve", "--port", str(port)),
                       f"127.0.0.1:{port}")


def served_url(proc) -> str:
    """The URL `perftui serve` printed once it listens (after any warning lines)."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        match = re.search(r"perftui serve: open (http://127\.0\.0\.1:\d+/)$", line.strip())
        if match:
            return match.group(1)
    raise AssertionError("perftui serve did not start: " + "".join(seen))


@pytest.fixture
def served(store, subprocess_env):
    proc = subprocess.Popen([sys.executable, "-m", "perftui", "--db", store, "serve",
                             "--port", "0"], env=subprocess_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = served_url(proc)
    yield url, int(re.search(r":(\d+)/$", url).group(1))
    proc.terminate()
    proc.wait(20)


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_the_page_loads_nothing_from_elsewhere(served):
    url, port = served
    status, page = get(url)
    assert status == 200
    assert not re.search(r"(src|href)=\"https?://", page) and "googleapis" not in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    for asset in re.findall(r"(/static/[\w./-]+)", page):
        assert get(f"http://127.0.0.1:{port}{asset}")[0] == 200, asset
    assert "/static/fonts/RobotoMono-VariableFont_wght.ttf" in page


def test_on_loopback_only_loopback_names_are_answered(served):
    url, port = served
    assert get(url, {"Host": f"localhost:{port}"})[0] == 200
    status, text = get(url, {"Host": f"attacker.example:{port}"})   # DNS rebinding
    assert status == 403 and "loopback" in text


def handshake(port: int, origin: str) -> str:
    """The status line the server answers a websocket handshake from `origin` with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      f"Origin: {origin}\r\n\r\n").encode())
        return conn.recv(4096).decode("latin-1").splitlines()[0]


def test_a_websocket_from_another_site_is_refused(served):
    _url, port = served
    assert " 403 " in handshake(port, "http://attacker.example")
    assert " 101 " in handshake(port, f"http://127.0.0.1:{port}")


def test_sessions_run_the_tui_read_only_unless_writes_are_allowed():
    from perftui.tui.serve import is_loopback, tui_command

    assert tui_command(True).startswith("exec ")
    assert tui_command(True).endswith("-m perftui.tui.served")
    assert tui_command(False).endswith("-m perftui.tui.served --allow-writes")
    assert tui_command(True, "Europe/Amsterdam").startswith("exec env TZ=Europe/Amsterdam ")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


@pytest.mark.parametrize("read_only", [True, False])
def test_a_browser_session_never_writes_a_file_on_the_server(store, tmp_path, read_only):
    from perftui.errors import InputError
    from perftui.tui.served import ServedSource

    source = ServedSource(store, read_only=read_only)
    target = tmp_path / "out.json"
    try:
        with pytest.raises(InputError, match="perftui export"):
            source.export(str(target))
        with pytest.raises(InputError):
            source.export(str(tmp_path / "s.db"), force=True)   # not even over the store
        assert source.status(None, None)["snapshot"] is not None   # reads as in the terminal
    finally:
        source.close()
    assert not target.exists()


def test_without_the_serve_extra_it_says_what_to_install(store, monkeypatch):
    import importlib.util

    from tests._users import run_in_process

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "textual_serve" else real(name, *a))
    code, out, err = run_in_process(["--db", store, "serve"])
    assert code == 2 and out == ""
    assert err.strip() == "perftui: error: serve needs textual-serve: " \
                          "pip install 'perftui[serve]'"


def ended(processes: list, timeout: float = 10.0) -> bool:
    """Whether every process ends within `timeout` (an orphan's exit leaves a zombie until
    PID 1 reaps it, and a container's PID 1 may never do so: a zombie has ended)."""
    import time

    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in processes):
                return True
        except psutil.NoSuchProcess:
            continue
        time.sleep(0.05)
    return False


def session_processes(server_pid: int, timeout: float = 20.0) -> list:
    import time

    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in psutil.Process(server_pid).children(recursive=True)
                 if "perftui.tui.served" in " ".join(p.cmdline())]
        if found:
            return found
        time.sleep(0.05)
    return []


def open_session(port: int) -> socket.socket:
    """A websocket handshake that stays open: a session the server starts a TUI for."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode())
    assert " 101 " in conn.recv(4096).decode("latin-1").splitlines()[0]
    return conn


@pytest.mark.parametrize("how", ["terminated", "killed"])
def test_no_session_outlives_the_server(store, subprocess_env, how):
    """Stopped (SIGTERM) the server ends its sessions; killed outright, each session ends too
    (at its next frame, or when it sees its parent gone)."""
    proc = subprocess.Popen([sys.executable, "-m", "perftui", "--db", store, "serve",
                             "--port", "0"], env=subprocess_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        port = int(re.search(r":(\d+)/", served_url(proc)).group(1))
        with open_session(port):
            sessions = session_processes(proc.pid)
            assert len(sessions) == 1 and sessions[0].ppid() == proc.pid   # no shell between
            if how == "killed":
                proc.kill()
            else:
                proc.terminate()
            assert proc.wait(15) in (0, -9)
            assert ended(sessions)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_session_whose_server_is_gone_ends_itself(subprocess_env):
    """Even one that draws nothing (so never meets a broken pipe), and even when the server
    went before the session started watching it."""
    import textwrap

    import psutil

    session = textwrap.dedent("""
        import time
        from perftui.tui.served import exit_with_parent
        exit_with_parent(0.05)
        time.sleep(60)
    """)
    server = textwrap.dedent(f"""
        import os, subprocess, sys, time
        os.environ["PERFTUI_SERVE_PID"] = str(os.getpid())
        child = subprocess.Popen([sys.executable, "-c", {session!r}])
        print(child.pid, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", server], env=subprocess_env,
                            stdout=subprocess.PIPE, text=True)
    child = psutil.Process(int(proc.stdout.readline()))
    try:
        assert child.is_running()
        proc.kill()
        proc.wait()
        assert ended([child])
    finally:
        if child.is_running():
            child.kill()


def test_only_zone_names_this_machine_knows_reach_a_session():
    from perftui.tui.serve import browser_zone

    assert browser_zone("Europe~Amsterdam") == "Europe/Amsterdam"
    assert browser_zone("America~Argentina~Buenos_Aires") == "America/Argentina/Buenos_Aires"
    assert browser_zone("UTC") == "UTC"
    for bad in (None, "", "Nowhere~Land", "..~..~etc~passwd", "UTC;reboot", "$(id)",
                "Europe~Amsterdam extra"):
        assert browser_zone(bad) is None, bad
