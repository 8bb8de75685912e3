"""A terminal that hangs up ends the UI (perftui.tui.hangup): with SIGHUP ignored, as under
nohup, the UI used to live on with its input at end of file, Textual's input thread reading
nothing in a loop, a core busy for ever. Driven through a real pseudo-terminal."""

from __future__ import annotations

import os
import signal

import pytest

from tests.tui._pty import Terminal

IGNORE_HUP = "import signal\nsignal.signal(signal.SIGHUP, signal.SIG_IGN)"


@pytest.fixture
def env(subprocess_env):
    return dict(subprocess_env, TERM="xterm-256color")


@pytest.fixture
def db(tmp_path):
    from perftui.store.sqlite import connect

    path = tmp_path / "s.db"
    connect(str(path)).close()
    return str(path)


class TestHangUp:
    """The UI ends when its terminal is gone, whatever it inherited for SIGHUP."""

    def test_a_dropped_terminal_ends_the_ui_even_with_sighup_ignored(self, env, db, tmp_path):
        terminal = Terminal(["--db", db, "--read-only"], env, tmp_path, prefix=IGNORE_HUP)
        try:
            terminal.wait_for(b"Status")
            terminal.hang_up()
            assert terminal.wait_exit(timeout=15) == -signal.SIGHUP, "still running after a hang-up"
        finally:
            terminal.close()

    def test_sighup_ends_it_even_when_inherited_ignored(self, env, db, tmp_path):
        terminal = Terminal(["--db", db, "--read-only"], env, tmp_path, prefix=IGNORE_HUP)
        try:
            terminal.wait_for(b"Status")
            # the default action is back once the first frame is out: until then the inherited
            # SIG_IGN holds, so the signal is sent again until it takes
            code = None
            for _ in range(30):
                os.kill(terminal.proc.pid, signal.SIGHUP)
                code = terminal.wait_exit(timeout=0.5)
                if code is not None:
                    break
            assert code == -signal.SIGHUP
        finally:
            terminal.close()

    def test_a_hang_up_ends_it_at_once_not_through_a_shutdown_that_waits(self, env, db,
                                                                         tmp_path):
        """tmux kill-session: a hang-up and SIGHUP together. The process is gone in well under
        the check's second, and leaves nothing running (UIs used to hang in Textual's
        shutdown, writing to a terminal that was gone)."""
        terminal = Terminal(["--db", db, "--read-only"], env, tmp_path)
        try:
            terminal.wait_for(b"Status")
            terminal.hang_up()
            os.kill(terminal.proc.pid, signal.SIGHUP)
            assert terminal.wait_exit(timeout=10) == -signal.SIGHUP
        finally:
            terminal.close()

    def test_not_armed_without_a_terminal(self):
        """Under tests, serve or a pipe the input is no terminal: nothing is armed."""
        from perftui.tui import hangup

        class App:
            def set_interval(self, *args, **kwargs):   # pragma: no cover - must not be called
                raise AssertionError("armed without a terminal")

        with open(os.devnull) as stream:
            assert hangup.terminal_fd(stream) is None
        assert hangup.watch(App(), None) is False
