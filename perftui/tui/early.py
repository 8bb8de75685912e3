"""The status screen's first read in a forked child process, while the parent imports Textual.

At launch the TUI reads the status data while Textual is being imported (`StoreSource.
start_early_status`), so the data is in the first frame. Read in a thread, that read (importing
perftui's core, store and analysis modules, opening the store, the queries: ~49M instructions)
shares the GIL with Textual's import and compose and delays them. Read in a child forked before
Textual starts, it runs on another core and the parent only unpickles the answer.

    child = fork_read(read, after=close)   # None: not forked (not safe here, or fork failed)
    child.result(fallback=read)            # the child's value, its PerftuiError, or fallback()

Forked only when it is safe: POSIX, one thread in the process, called from the main thread
(the caller also makes sure no store connection is open: a child must not share one). The
child detaches from the terminal first (stdin, stdout and stderr become /dev/null), never
imports Textual, and ends with `os._exit` (no atexit handlers, no buffers flushed, no `finally`
of the parent's stack run). The parent always reaps it. Whatever goes wrong in the child (it
fails, crashes, is killed, sends something unreadable, takes longer than `timeout`) the answer
is `fallback()`, the read in this process, as if nothing had been forked. A PerftuiError the
child's read raised (a missing or damaged store) is raised as it is: the same class and text
the read in this process would raise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, NoReturn

TIMEOUT_S = 30.0         # a read that hangs: the child is killed and the read done here
# a store opened for writing may be migrated, or have spooled runs delivered, first: minutes on
# a big store, and a child killed for it would only leave this process to do it again
TIMEOUT_WRITING_S = 600.0
MAGIC = b"perftui-early-read 1\n"
_LENGTH = 8              # bytes of the pickle's length after MAGIC
_FAILED = 70             # the child's exit status when it has no answer to send


def fork_safe() -> bool:
    """A fork cannot leave another thread's lock held in the child, and works here."""
    return (hasattr(os, "fork") and threading.active_count() == 1
            and threading.current_thread() is threading.main_thread())


def spare_core() -> bool:
    """Whether a second core is likely free for the child: this process may run on two or more
    CPUs and the 1-minute load average is below their number. On a busy machine the child only
    competes with the parent for the same CPU time, and the fork, the copy-on-write faults and
    the child's exit are extra work (measured on 2 cores: no gain at a load of ~3.7; at 4-6
    slower more often than not), so the read stays in a thread there."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return False
    try:
        return os.getloadavg()[0] < cpus
    except (AttributeError, OSError):   # no load average here: assume a quiet machine
        return True


def fork_read(read: Callable[[], Any], *, after: Callable[[], Any] | None = None,
              timeout: float | None = None) -> ForkedRead | None:
    """Run `read()` in a forked child, then `after()` there once the answer is sent (closing
    what `read` opened); None, and nothing started, when forking is not safe or fails. The
    parent waits at most `timeout` seconds (default TIMEOUT_S) for the answer."""
    if not fork_safe():
        return None
    try:
        rfd, wfd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(rfd)
        os.close(wfd)
        return None
    if pid == 0:   # pragma: no cover - the child (coverage does not follow it)
        _child(read, after, rfd, wfd)
    os.close(wfd)
    return ForkedRead(pid, rfd, TIMEOUT_S if timeout is None else timeout)


def encode(answer: tuple[str, Any]) -> bytes:
    import pickle

    data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + len(data).to_bytes(_LENGTH, "big") + data


def decode(data: bytes) -> tuple[str, Any] | None:
    """The answer `encode` made, or None for anything else (cut short, garbage)."""
    head = len(MAGIC) + _LENGTH
    if len(data) < head or not data.startswith(MAGIC):
        return None
    if int.from_bytes(data[len(MAGIC):head], "big") != len(data) - head:
        return None
    import pickle

    try:
        answer = pickle.loads(data[head:])
    except Exception:  # noqa: BLE001 - unreadable: the caller reads for itself
        return None
    if type(answer) is not tuple or len(answer) != 2 or answer[0] not in ("value", "error"):
        return None
    return answer


def _child(read: Callable[[], Any], after: Callable[[], Any] | None, rfd: int,
           wfd: int) -> NoReturn:  # pragma: no cover - runs in the child
    status = _FAILED
    try:
        os.close(rfd)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):   # nothing the read prints (or a library warns) reaches the terminal
            os.dup2(null, fd)
        if null > 2:
            os.close(null)
        import sys

        # and the streams, should they write elsewhere than fds 0-2 (pytest's capture does)
        sys.stdin = sys.stdout = sys.stderr = open(os.devnull, "r+")  # noqa: SIM115
        faulthandler = sys.modules.get("faulthandler")
        if faulthandler is not None:   # a crash dump would go to a copy of the old stderr
            faulthandler.disable()
        from perftui.errors import PerftuiError

        try:
            answer = ("value", read())
        except PerftuiError as exc:   # the store's errors: the parent raises the same
            answer = ("error", exc)
        data = memoryview(encode(answer))
        while data:
            data = data[os.write(wfd, data):]
        os.close(wfd)
        status = 0
        if after is not None:
            after()
    except BaseException:  # noqa: BLE001, S110 - no answer (status says so); never a traceback
        pass
    finally:
        os._exit(status)


class ForkedRead:
    """The parent's side: the child's pid and the pipe its answer comes through."""

    def __init__(self, pid: int, fd: int, timeout: float):
        self.pid = pid
        self._fd = fd
        self._timeout = timeout
        self._lock = threading.Lock()
        self._answer: tuple[str, Any] | None = None
        self._collected = False
        self.exit_status: int | None = None   # the child's, once reaped (None: unknown)

    def result(self, fallback: Callable[[], Any]) -> Any:
        """The child's value; the PerftuiError it reported, raised; else `fallback()`. Waits
        for the child (at most the timeout) and reaps it."""
        try:
            answer = self.collect()
        except Exception:  # noqa: BLE001 - whatever it was, the read is done here
            answer = None
        if answer is not None and answer[0] == "value":
            return answer[1]
        if answer is not None:
            from perftui.errors import PerftuiError

            if isinstance(answer[1], PerftuiError):
                raise answer[1]
        return fallback()

    def collect(self) -> tuple[str, Any] | None:
        """Read the child's answer to the end, reap the child; the decoded answer, or None if
        it failed, crashed, timed out or sent garbage. Once: later calls return the same."""
        with self._lock:
            if not self._collected:
                self._collected = True
                data = self._receive()
                if data is not None and self.exit_status == 0:
                    self._answer = decode(data)
            return self._answer

    def _receive(self) -> bytes | None:
        import select
        import time

        chunks: list[bytes] = []
        ended = False
        try:
            deadline = time.monotonic() + self._timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if not select.select([self._fd], [], [], left)[0]:
                    continue
                chunk = os.read(self._fd, 1 << 16)
                if not chunk:
                    ended = True
                    break
                chunks.append(chunk)
        except (OSError, ValueError):   # ValueError: select() cannot watch so high an fd
            pass
        finally:
            os.close(self._fd)
            if not ended:   # timed out (or the pipe failed): it will not be waited for
                self._kill()
            self._reap()
        return b"".join(chunks) if ended else None

    def _kill(self) -> None:
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def _reap(self) -> None:
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:   # reaped by someone else: its status is unknown
            self.exit_status = None
            return
        self.exit_status = os.waitstatus_to_exitcode(status)
