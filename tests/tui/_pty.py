"""The real `perftui` in an 80x24 pseudo-terminal, for tests of what only a real terminal shows
(caches written on quit, a terminal that hangs up)."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time


class Terminal:
    """`perftui ARGS` on a fresh pseudo-terminal; `prefix` runs before it in the same process
    (e.g. to ignore SIGHUP as nohup does)."""

    def __init__(self, args: list[str], env: dict, cwd, prefix: str = ""):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        code = (prefix + "\nimport runpy, sys\nsys.argv = ['perftui'] + " + repr(list(args))
                + "\nrunpy.run_module('perftui', run_name='__main__')")
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, cwd=cwd, start_new_session=True)
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: bytes, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break
        assert text in self.seen, self.seen[-2000:]

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        """The exit code, or None if it still runs after `timeout` (output is drained)."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            if self.master < 0:
                time.sleep(0.1)
                continue
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    os.read(self.master, 65536)
                except OSError:
                    time.sleep(0.1)
        return self.proc.poll()

    def hang_up(self) -> None:
        """What a dropped connection does to the terminal: its other end is gone."""
        os.close(self.master)
        self.master = -1

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
