"""Leave when the terminal is gone.

A terminal that hangs up (an SSH connection dropped, a terminal window closed) sends SIGHUP,
whose default action ends the process. A process that ignores SIGHUP (started with `nohup`, or
by a tool that ignores it) would live on with its input at end of file, and Textual's input
thread then reads nothing over and over: a UI nobody can see, spinning a core for ever. So the
real UI puts SIGHUP's default action back, whatever it inherited, and checks once a second that
its input is still a terminal (after a hang-up it is not: `isatty` is false, `tcgetattr` fails
with EIO); if not, it ends itself as a hang-up would. Not a graceful exit: there is no terminal
left to restore, and Textual's shutdown, writing to it, can wait for ever (it did: every UI the
benchmark's tmux sessions left behind hung there). The store is safe either way: SQLite undoes
an unfinished transaction. Armed only when the input is a terminal at the start: never under
tests, `perftui serve` or a pipe.
"""

from __future__ import annotations

import os
import sys

CHECK_S = 1.0
EXIT_CODE = 129          # 128 + SIGHUP, as a shell reports a process a hang-up ended


def terminal_fd(stream=None) -> int | None:
    """The input's file descriptor when it is a terminal now (at the start), else None."""
    stream = stream if stream is not None else sys.__stdin__
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def watch(app, fd: int | None) -> bool:
    """Arm both for the input `fd` that was a terminal at the start (`terminal_fd`; call from
    the main thread, e.g. once `app` has drawn its first frame); False when there was none
    (nothing armed). A terminal that hung up before this ends the process at once."""
    if fd is None:
        return False
    import signal

    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None:
        try:
            signal.signal(hangup, signal.SIG_DFL)
        except (OSError, ValueError):   # not the main thread: the check still runs
            pass

    def check() -> None:
        if not os.isatty(fd):
            end()

    app.set_interval(CHECK_S, check, name="terminal-hangup")
    check()
    return True


def end() -> None:
    """End the process as a hang-up does: SIGHUP, with its default action (exit status 129 in a
    shell); where there is no SIGHUP, exit at once with that status."""
    import signal

    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None:
        try:
            signal.signal(hangup, signal.SIG_DFL)
            os.kill(os.getpid(), hangup)
        except (OSError, ValueError):
            pass
    os._exit(EXIT_CODE)
