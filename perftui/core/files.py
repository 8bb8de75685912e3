"""Files perftui writes for people (exports, PR comments, catalogs): one way to write them.

A file is written to a temporary file beside its destination and moved into place, so a failed
or interrupted write never leaves half a file. Any OS failure becomes one `OutputError` line
naming the file.

Two refusals protect what is already there: perftui never writes onto a store (the open store
`protect`, any file that starts with the SQLite header, or a store's -wal/-shm/-journal
companion), and never replaces an existing file unless asked to (`force=True`, the CLI's
--force).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from perftui.errors import OutputError

SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")


def write_file(path: str | os.PathLike, write: Callable[[IO[str]], Any], *,
               force: bool = False, protect: Iterable[str | os.PathLike | None] = (),
               mode: int | None = 0o600) -> Any:
    """Call `write(stream)` to fill `path`; returns what `write` returned.

    `force`: replace an existing file (else an existing file is an OutputError). `protect`:
    the open store(s), never written onto whatever `force` says. `mode`: the new file's
    permission bits, whatever the umask: owner-only by default, as everything perftui writes
    (exports, catalogs and PR comments carry a project's figures and names); None means an
    ordinary file (0666 less the umask)."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise OutputError(f"{target} is a directory; give a file name")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: no such directory {target.parent}")
    guarded = [Path(p).expanduser() for p in protect if p]
    refuse_store(target, guarded)
    if not force and os.path.lexists(target):
        raise _exists(target)
    try:
        # mkstemp opens with O_CREAT | O_EXCL (| O_NOFOLLOW): never through a planted symlink
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        try:
            bits = (0o666 & ~_umask()) if mode is None else mode
            if hasattr(os, "fchmod"):
                os.fchmod(fd, bits)
            else:  # pragma: no cover - Windows before 3.13: modes are mostly moot there
                os.chmod(tmp, bits)
            out = os.fdopen(fd, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            raise
        with out:
            result = write(out)
        refuse_store(target, guarded)     # the export may have taken a while
        _move_into_place(tmp, target, force)
    except OSError as exc:
        _discard(tmp)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        _discard(tmp)
        raise
    return result


def write_text(path: str | os.PathLike, text: str, *, force: bool = False,
               protect: Iterable[str | os.PathLike | None] = (),
               mode: int | None = 0o600) -> None:
    write_file(path, lambda out: out.write(text), force=force, protect=protect, mode=mode)


def refuse_store(target: Path, protect: Iterable[Path] = ()) -> None:
    """An OutputError when `target` is a perftui store or one of a store's companion files."""
    if _is_store(target, protect):
        raise OutputError(f"{target} is a perftui store; refusing to write over it")
    for suffix in COMPANIONS:
        if target.name.endswith(suffix) and len(target.name) > len(suffix):
            base = target.with_name(target.name[:-len(suffix)])
            if _is_store(base, protect):
                raise OutputError(f"{target} belongs to the perftui store {base}; "
                                  "refusing to write over it")


def _is_store(path: Path, protect: Iterable[Path]) -> bool:
    for guarded in protect:
        if _same_file(path, guarded):
            return True
    return _has_sqlite_header(path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:     # either is missing: compare the names
        return os.path.abspath(a) == os.path.abspath(b)


def _has_sqlite_header(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        return os.read(fd, len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
    finally:
        os.close(fd)


def _move_into_place(tmp: str, target: Path, force: bool) -> None:
    if force:
        os.replace(tmp, target)
        return
    try:                # a hard link never replaces a file that appeared meanwhile
        os.link(tmp, target, follow_symlinks=False)
    except FileExistsError:
        raise _exists(target) from None
    except (OSError, NotImplementedError):   # no hard links here (some file systems)
        if os.path.lexists(target):
            raise _exists(target) from None
        os.replace(tmp, target)
        return
    _discard(tmp)


def _exists(target: Path) -> OutputError:
    return OutputError(f"{target} exists; add --force to replace it")


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
