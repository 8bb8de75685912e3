"""The status screen's first read in a forked child (perftui.tui.early): the same dict as the
read in this process, the read in this process whenever the child cannot answer, the store's
errors as they are, the child always reaped and never writing to the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only: no os.fork here")

FROZEN = datetime(2026, 12, 3, 7, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> str:
    from perftui.core.demo import generate_demo

    path = str(tmp_path_factory.mktemp("forked") / "demo.db")
    generate_demo(path, snapshots=300, seed=3)
    return path


@pytest.fixture
def frozen(monkeypatch):
    """`age_seconds` is measured against the clock: the same instant in parent and child."""
    import perftui.core.status as core_status

    monkeypatch.setattr(core_status, "utcnow", lambda: FROZEN)


@pytest.fixture
def parent_reads(monkeypatch):
    """Counts the reads done in this process; `child_does` sets what the child's read does
    instead of reading (called in the child only: this process reads for real)."""
    from perftui.tui.data import StoreSource

    real = StoreSource._status
    parent = os.getpid()
    state = {"parent": 0, "child_does": None}

    def status(self, app, environment):
        if os.getpid() != parent:
            if state["child_does"] is not None:
                return state["child_does"](lambda: real(self, app, environment))
            return real(self, app, environment)
        state["parent"] += 1
        return real(self, app, environment)

    monkeypatch.setattr(StoreSource, "_status", status)
    return state


def alone() -> None:
    """Forking needs this process to have one thread: pause the session's PostgreSQL database
    pools (tests/cli/conftest.py; they start again when next asked) and wait for other tests'
    threads to end."""
    import sys

    for module in list(sys.modules.values()):   # the conftest, whatever pytest named it
        pause = getattr(module, "pause_database_pools", None)
        if callable(pause):
            pause()
    deadline = time.monotonic() + 5
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]


def forked_source(path: str, read_only: bool = True):
    from perftui.tui.data import StoreSource

    alone()
    source = StoreSource(path, read_only=read_only)
    source.start_early_status(None, None, fork=True)
    child = source._early.child
    assert child is not None, "the read was not forked"
    return source, child


def in_process(path: str) -> dict:
    from perftui.tui.data import StoreSource

    source = StoreSource(path, read_only=True)
    try:
        return source._status(None, None)
    finally:
        source.close()


def assert_reaped(pid: int) -> None:
    with pytest.raises(ChildProcessError):   # no child of ours left with that pid: no zombie
        os.waitpid(pid, os.WNOHANG)
    assert not os.path.exists(f"/proc/{pid}") or _state(pid) != "Z"


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


class TestSameAnswer:
    def test_the_forked_read_is_the_in_process_dict(self, demo_store, frozen, parent_reads):
        source, child = forked_source(demo_store)
        forked = source.status(None, None)
        assert parent_reads["parent"] == 0          # the child read it, not this process
        assert child.exit_status == 0
        assert_reaped(child.pid)
        expected = in_process(demo_store)
        assert forked == expected
        assert len(forked["metrics"]) == 21 and forked["snapshot"] is not None
        assert forked["age_seconds"] == expected["age_seconds"]
        assert source._store is None                # this process never opened the store

    def test_a_session_that_may_write_too(self, demo_store, frozen, parent_reads, tmp_path):
        import shutil

        path = str(tmp_path / "writable.db")
        shutil.copy(demo_store, path)
        source, child = forked_source(path, read_only=False)
        forked = source.status(None, None)
        assert parent_reads["parent"] == 0 and child.exit_status == 0
        assert_reaped(child.pid)
        assert forked == in_process(path)

    def test_types_survive_the_pipe(self, demo_store, frozen):
        source, _child = forked_source(demo_store)
        forked = source.status(None, None)
        expected = in_process(demo_store)

        def shape(value):
            if isinstance(value, dict):
                return {k: shape(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return (type(value).__name__, [shape(v) for v in value])
            return type(value).__name__

        assert shape(forked) == shape(expected)

    async def test_the_app_shows_the_forked_data_in_its_first_frame(self, demo_store, h,
                                                                    parent_reads):
        from perftui.tui.app import PerftuiApp
        from perftui.tui.load import FixedLoad

        source, child = forked_source(demo_store)
        source._early.result()                      # arrived before the UI starts
        app = PerftuiApp(source, live=False, load_source=FixedLoad())
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.pause(0)
            assert len(app.screen.query("MetricCard")) >= 1   # composed with the data
            assert "Loading" not in h.screen_text(app)
            assert app.last_status["metrics"][0]["metric_id"] in h.screen_text(app)
        assert parent_reads["parent"] == 0
        assert_reaped(child.pid)

    def test_a_launch_does_not_read_in_the_parent(self, demo_store, tmp_path):
        """As `perftui` starts it (no test in the process, fork decided by the source): the
        parent gets the data without importing the status read's modules."""
        code = (
            "import os, sys\n"
            "os.getloadavg = lambda: (0.0, 0.0, 0.0)       # a quiet machine, whatever this one is\n"
            "os.sched_getaffinity = lambda pid: {0, 1}\n"
            "from perftui.tui.data import StoreSource\n"
            f"s = StoreSource({demo_store!r}, read_only=True)\n"
            "s.start_early_status(None, None)\n"
            "data = s._early.result()\n"
            "print(s._early.child is not None, s._early.child.exit_status,\n"
            "      'perftui.core.status' in sys.modules, len(data['metrics']))\n")
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTEST_CURRENT_TEST", "PERFTUI_EARLY_FORK")}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["True", "0", "False", "21"]
        assert out.stderr == ""


class TestFallback:
    """Whatever goes wrong in the child, the read is done here and gives the same dict."""

    @pytest.mark.parametrize("failure", ["exit", "crash", "raises", "interrupted"])
    def test_a_failing_child(self, demo_store, frozen, parent_reads, failure):
        import signal

        def fail(read):
            if failure == "exit":
                os._exit(3)
            if failure == "crash":
                os.kill(os.getpid(), signal.SIGSEGV)
            if failure == "interrupted":
                raise KeyboardInterrupt
            raise RuntimeError("a bug in the read")

        parent_reads["child_does"] = fail
        source, child = forked_source(demo_store)
        data = source.status(None, None)
        assert parent_reads["parent"] == 1          # read here instead
        assert child.exit_status != 0
        if failure == "crash":
            assert child.exit_status == -signal.SIGSEGV
        assert_reaped(child.pid)
        assert data == in_process(demo_store)

    @pytest.mark.parametrize("sent", ["garbage", "cut short", "nothing", "wrong shape"])
    def test_an_unreadable_answer(self, demo_store, frozen, parent_reads, monkeypatch, sent):
        import pickle

        import perftui.tui.early as early

        real = early.encode

        def bad(answer):
            if sent == "garbage":
                return b"\x00\xffnot an answer" * 100
            if sent == "cut short":
                return real(answer)[:-7]
            if sent == "nothing":
                return b""
            data = pickle.dumps(["value", answer[1]])
            return early.MAGIC + len(data).to_bytes(8, "big") + data

        monkeypatch.setattr(early, "encode", bad)   # the child (a copy of this process) uses it
        source, child = forked_source(demo_store)
        data = source.status(None, None)
        assert parent_reads["parent"] == 1
        assert child.exit_status == 0               # it ran well; what it sent is not usable
        assert_reaped(child.pid)
        assert data == in_process(demo_store)

    def test_a_child_that_hangs_is_killed(self, demo_store, frozen, parent_reads,
                                          monkeypatch):
        import signal

        import perftui.tui.early as early

        parent_reads["child_does"] = lambda read: time.sleep(60)
        monkeypatch.setattr(early, "TIMEOUT_S", 0.5)
        source, child = forked_source(demo_store)
        started = time.monotonic()
        data = source.status(None, None)
        assert time.monotonic() - started < 10
        assert child.exit_status == -signal.SIGKILL
        assert parent_reads["parent"] == 1
        assert_reaped(child.pid)
        assert data == in_process(demo_store)

    def test_the_decoder_refuses_what_encode_did_not_make(self):
        from perftui.tui.early import decode, encode

        good = encode(("value", {"a": [1, 2.5, None, "x"]}))
        assert decode(good) == ("value", {"a": [1, 2.5, None, "x"]})
        assert decode(good[:-1]) is None
        assert decode(good + b"x") is None
        assert decode(b"x" + good[1:]) is None
        assert decode(b"") is None


class TestStoreErrors:
    """A missing or broken store: the error the read in this process raises, same class and
    text, so the same error screen."""

    @pytest.mark.parametrize("kind", ["missing", "not a store", "a directory"])
    def test_the_childs_store_error_is_raised_as_it_is(self, tmp_path, parent_reads, kind):
        from perftui.errors import StoreError
        from perftui.tui.data import StoreSource

        path = tmp_path / "store.db"
        if kind == "not a store":
            path.write_bytes(b"this is not SQLite\n" * 200)
        elif kind == "a directory":
            path.mkdir()
        source, child = forked_source(str(path))
        with pytest.raises(StoreError) as forked:
            source.status(None, None)
        assert parent_reads["parent"] == 0          # reported by the child, not read again
        assert child.exit_status == 0
        assert_reaped(child.pid)
        with pytest.raises(StoreError) as here:
            StoreSource(str(path), read_only=True)._status(None, None)
        assert type(forked.value) is type(here.value)
        assert str(forked.value) == str(here.value)

    async def test_the_error_screen_as_without_the_fork(self, tmp_path, h):
        source, child = forked_source(str(tmp_path / "missing.db"))
        from perftui.tui.app import PerftuiApp
        from perftui.tui.load import FixedLoad

        app = PerftuiApp(source, live=False, load_source=FixedLoad())
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: app.error_screen is not None
                                  and app.screen is app.error_screen)
            assert "no store" in h.screen_text(app).lower() or "missing" in \
                h.screen_text(app).lower()
        assert_reaped(child.pid)


class TestTheChildKeepsQuiet:
    def test_nothing_reaches_the_terminal_and_no_atexit_runs(self, demo_store, parent_reads,
                                                             capfd, tmp_path):
        import atexit

        marker = tmp_path / "atexit-ran"

        def noisy(read):
            print("to stdout", flush=True)
            print("to stderr", file=sys.stderr, flush=True)
            os.write(1, b"fd 1\n")
            os.write(2, b"fd 2\n")
            import warnings

            warnings.warn("a library's warning")
            fds = [os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)]
            data = read()
            data["fds"] = fds
            return data

        def leave_marker():
            marker.write_text("ran")

        parent_reads["child_does"] = noisy
        atexit.register(leave_marker)
        try:
            source, child = forked_source(demo_store)
            data = source.status(None, None)
        finally:
            atexit.unregister(leave_marker)
        out, err = capfd.readouterr()
        assert out == "" and err == ""
        assert data["fds"] == [os.devnull] * 3
        assert parent_reads["parent"] == 0
        assert not marker.exists()
        assert_reaped(child.pid)

    def test_the_child_imports_no_textual(self, demo_store, parent_reads):
        parent_reads["child_does"] = lambda read: {
            "textual": sorted(m for m in sys.modules if m.startswith("textual"))}
        # this test process imported Textual long ago: the child only inherits, never adds
        before = sorted(m for m in sys.modules if m.startswith("textual"))
        source, _child = forked_source(demo_store)
        assert source.status(None, None)["textual"] == before


class TestWhenNotForked:
    def test_not_with_another_thread_running(self, demo_store, parent_reads):
        from perftui.tui.data import StoreSource

        alone()
        stop = threading.Event()
        other = threading.Thread(target=stop.wait, daemon=True)
        other.start()
        try:
            source = StoreSource(demo_store, read_only=True)
            source.start_early_status(None, None, fork=True)
            assert source._early.child is None
            assert source.status(None, None)["metrics"]
            assert parent_reads["parent"] == 1      # the thread read it, as before
        finally:
            stop.set()
            other.join()

    def test_not_with_the_store_already_open(self, demo_store, parent_reads):
        from perftui.tui.data import StoreSource

        alone()
        source = StoreSource(demo_store, read_only=True)
        source.check()                              # a connection a child must not share
        source.start_early_status(None, None, fork=True)
        assert source._early.child is None
        source._early.result()
        source.close()

    def test_when_the_source_forks_by_itself(self, demo_store, monkeypatch):
        from perftui.tui.data import StoreSource

        monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
        monkeypatch.delenv("PERFTUI_EARLY_FORK", raising=False)
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
        monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.5, 0.5))
        assert StoreSource(demo_store, read_only=True).fork_early()
        assert not StoreSource(demo_store, clock=lambda: FROZEN).fork_early()   # a test's
        assert not StoreSource("postgresql://u@localhost/perftui").fork_early()
        monkeypatch.setenv("PERFTUI_EARLY_FORK", "0")
        assert not StoreSource(demo_store, read_only=True).fork_early()

    @pytest.mark.parametrize("cpus, load, forks", [
        (2, 0.5, True), (2, 1.9, True), (2, 2.0, False), (2, 5.5, False), (8, 5.5, True),
        (1, 0.0, False)])
    def test_only_with_a_core_to_spare(self, demo_store, monkeypatch, cpus, load, forks):
        from perftui.tui.data import StoreSource

        monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
        monkeypatch.delenv("PERFTUI_EARLY_FORK", raising=False)
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)),
                            raising=False)
        monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
        assert StoreSource(demo_store, read_only=True).fork_early() is forks
        monkeypatch.setenv("PERFTUI_EARLY_FORK", "1")          # whatever the load
        assert StoreSource(demo_store, read_only=True).fork_early()
        assert not StoreSource(demo_store, clock=lambda: FROZEN).fork_early()
        monkeypatch.setenv("PERFTUI_EARLY_FORK", "0")
        assert not StoreSource(demo_store, read_only=True).fork_early()

    def test_a_url_store_is_never_forked(self, parent_reads, monkeypatch):
        import perftui.tui.early as early
        from perftui.tui.data import StoreSource

        forks = []
        monkeypatch.setattr(early, "fork_read", lambda *a, **k: forks.append(a))
        source = StoreSource("postgresql://u@127.0.0.1:1/none", read_only=True)
        source.start_early_status(None, None, fork=True)
        assert forks == [] and source._early.child is None
        source._early._done.wait(30)   # the thread's read fails (no server): left to it
