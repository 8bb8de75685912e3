"""Leave when the terminal is gone.

A terminal that hangs up (an SSH connection dropped, a terminal window closed) sends SIGHUP,
whose default action ends the process. A process that ignores SIGHUP (started with `nohup`, or
by a tool that ignores it) would live on with its input at end of file, and Textual's input
thread then reads nothing over and over: a UI nobody can see, spinning a core for ever. So the
real UI ends itself on SIGHUP, whatever it inherited, and checks once a second that its input is
still a terminal (after a hang-up it is not: `isatty` is false, `tcgetattr` fails with EIO).
Armed only when the input is a terminal at the start: never under tests, `perftui serve` or a
pipe.
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
    """Arm both checks for `app` (call from inside its running loop) on `fd`, the input that was
    a terminal at the start (`terminal_fd`); False when there was none (nothing armed). A
    terminal that hung up before this ends the app at once."""
    if fd is None:
        return False

    def gone() -> None:
        if app.is_running:
            app.exit(return_code=EXIT_CODE)

    def check() -> None:
        if not os.isatty(fd):
            gone()

    try:
        import asyncio
        import signal

        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, gone)
    except (ImportError, AttributeError, NotImplementedError, RuntimeError, ValueError):
        pass   # no SIGHUP here (Windows) or not the main thread: the check still runs
    app.set_interval(CHECK_S, check, name="terminal-hangup")
    check()
    return True
