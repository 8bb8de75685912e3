"""Private files replaced whole, and read only when they are still private: perftui's own small
state beside a store or in the user's cache (the recorder's profile plan, the TUI's parsed-CSS
cache, the compiled-code cache).

Written to a temporary file beside the destination, owner-only (0600), created exclusively and
never through a symbolic link, then renamed into place: a reader sees the old file or the new
one, never half of one. A write that fails removes its temporary file; one left by a process
killed mid-write is removed by the next write once it is ten minutes old. The standard library's
`os` only: the recorder calls it inside host applications.
"""

from __future__ import annotations

import os

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def replace_private(path: str | os.PathLike, data: bytes) -> None:
    """`path` now holds `data` (OSError as the system raises it)."""
    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sweep(path)


STALE_S = 600


def _sweep(path: str) -> None:
    """Remove what writers of `path` killed mid-write left (a TUI closed with its terminal, a
    host killed while saving): `<path>.<pid>.tmp` files older than STALE_S. A younger one may be
    another process writing right now."""
    directory, name = os.path.split(path)
    prefix = name + "."
    remove_stale(directory, lambda n: n.startswith(prefix) and n.endswith(".tmp")
                 and n[len(prefix):-4].isdigit(), STALE_S)


def remove_stale(directory: str, wanted, older_than_s: float) -> None:
    """Remove the files of `directory` whose name `wanted` accepts and that nobody has written
    for `older_than_s` seconds (links themselves, never what they point to; errors ignored)."""
    import time

    try:
        names = [n for n in os.listdir(directory or ".") if wanted(n)]
    except OSError:
        return
    limit = time.time() - older_than_s
    for name in names:
        full = os.path.join(directory, name)
        try:
            if os.lstat(full).st_mtime < limit:
                os.unlink(full)
        except OSError:
            pass


def make_private_dir_and_replace(path: str | os.PathLike, data: bytes) -> bool:
    """`replace_private` into a directory of the user's own, made (0700) when missing: a cache
    under ~/.cache. False, nothing written, when that directory is someone else's or others
    may write to it."""
    directory = os.path.dirname(os.fspath(path)) or "."
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if not private(os.stat(directory)):
        return False
    replace_private(path, data)
    return True


def cache_dir() -> str:
    """perftui's directory in the user's cache: $XDG_CACHE_HOME/perftui, else
    ~/.cache/perftui."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "perftui")


def name_hash(text: str) -> str:
    """16 hex digits naming a file after `text` (a store's URL, an install's directory): a
    64-bit FNV-1a, since hashlib costs a host application's start-up about 3 ms."""
    digest = 0xcbf29ce484222325
    for byte in text.encode("utf-8", "surrogateescape"):
        digest = ((digest ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{digest:016x}"


def private(st) -> bool:
    """`st` (an os.stat result) is the user's own, and nobody else can write it."""
    getuid = getattr(os, "getuid", None)
    return (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022


def read_private(path: str | os.PathLike, limit: int) -> bytes | None:
    """The bytes of `path` when it is a regular file of at most `limit` bytes, ours and writable
    by nobody else, in a directory likewise (never through a symbolic link); else None."""
    import stat

    path = os.fspath(path)
    try:
        if not private(os.stat(os.path.dirname(path) or ".")):
            return None
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not private(st) or st.st_size > limit:
            return None
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read(limit + 1)[:limit]
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
