"""The spool: snapshots the store could not take yet, kept on local disk until it can.

When the store is locked past the busy timeout, full, read-only, unwritable or (PostgreSQL) its
server does not answer, the recorder saves the run here instead of losing it, and the next
successful write delivers it (`deliver`, which `perftui` commands call too). Each snapshot is
one JSON file named `<recorded_at digits>-<uid>.json`, so the names sort oldest first and a
snapshot delivered twice (a crash between the commit and the delete) is recognised by its uid
and stored once.

Where: beside an SQLite store, `<store path>.spool/`; for a server URL,
`<user data dir>/spool/<sha256 of the URL without its password, 16 hex>/`. The directory is the
owner's only (0700, files 0600); a directory planted there by someone else, or a symbolic link,
is refused (`SpoolUnsafe`), and files are created with O_EXCL | O_NOFOLLOW relative to the
directory they were checked in.

Only `os` at module level: the recorder imports this module inside a host application, and
only when a write failed or a spool directory exists.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from typing import Any, Callable

    from perftui.store.engine import Database

MAX_FILES = 10_000  # per store; beyond that the oldest snapshots are dropped
SUFFIX = ".spool"  # beside an SQLite store (the tracker checks `<store>.spool` without this module)
URL_SCHEMES = ("postgresql://", "postgres://")
_STALE_TMP_S = 3600.0  # a temporary file this old was left by a process that died mid-write
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# relative to an open directory (POSIX): a directory swapped for a link after the checks
# cannot redirect a write
_DIR_FD = bool(_DIRECTORY) and os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd


class SpoolUnsafe(OSError):
    """The spool directory is a symbolic link, not a directory, or someone else's: not used."""


def is_url(location: str) -> bool:
    return "://" in location


def spool_dir(location: str) -> str:
    """Where snapshots for the store at `location` wait: `<store path>.spool` beside an SQLite
    store; for a server URL, a directory under the user data directory named by a hash of the
    URL without its password (the password is never written anywhere)."""
    location = os.fspath(location)
    if not is_url(location):
        return os.path.abspath(location) + SUFFIX
    import hashlib

    from perftui.store.location import user_data_dir

    digest = hashlib.sha256(url_without_password(location).encode("utf-8")).hexdigest()
    return os.path.join(user_data_dir(), "spool", digest[:16])


def url_without_password(url: str) -> str:
    """The URL with the password left out of its user part and of its query (`password=`);
    `postgres://` is spelled `postgresql://`, so both name one spool."""
    scheme, _, rest = url.partition("://")
    if scheme.lower() == "postgres":
        scheme = "postgresql"
    cut = len(rest)
    for mark in "/?#":
        at = rest.find(mark)
        if at != -1:
            cut = min(cut, at)
    netloc, tail = rest[:cut], rest[cut:]
    auth, at, hosts = netloc.rpartition("@")
    if at:
        netloc = auth.split(":", 1)[0] + "@" + hosts
    tail, hash_mark, fragment = tail.partition("#")
    path, question, query = tail.partition("?")
    if question:
        kept = [p for p in query.split("&") if p.split("=", 1)[0].lower() != "password"]
        tail = path + ("?" + "&".join(kept) if kept else "")
    return f"{scheme.lower()}://{netloc}{tail}{hash_mark}{fragment}"


# ---------------------------------------------------------------------------------- the folder

class _Dir:
    """The checked spool directory; on POSIX every file operation is relative to its open fd."""

    __slots__ = ("path", "fd")

    def __init__(self, path: str, fd: int | None):
        self.path, self.fd = path, fd

    @classmethod
    def open(cls, path: str, *, create: bool) -> "_Dir | None":
        """The spool directory, created 0700 when `create`; None when it does not exist and
        is not to be created. Raises SpoolUnsafe for a link, a non-directory or someone else's
        directory, OSError when it cannot be created."""
        if create:
            try:
                os.makedirs(path, mode=0o700, exist_ok=True)
            except FileExistsError:  # something that is not a directory is there: see below
                pass
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if create:
                raise
            return None
        import stat

        if stat.S_ISLNK(st.st_mode):
            raise SpoolUnsafe(f"spool {path} is a symbolic link; not used")
        if not stat.S_ISDIR(st.st_mode):
            raise SpoolUnsafe(f"spool {path} is not a directory; not used")
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise SpoolUnsafe(f"spool {path} belongs to another user; not used")
        if not _DIR_FD:
            if stat.S_IMODE(st.st_mode) != 0o700:
                os.chmod(path, 0o700)
            return cls(path, None)
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        try:
            now = os.fstat(fd)
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                raise SpoolUnsafe(f"spool {path} was replaced while it was opened; not used")
            if stat.S_IMODE(now.st_mode) != 0o700:
                os.fchmod(fd, 0o700)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _at(self, name: str) -> tuple[str, dict]:
        if self.fd is None:
            return os.path.join(self.path, name), {}
        return name, {"dir_fd": self.fd}

    def names(self) -> list[str]:
        return os.listdir(self.fd if self.fd is not None else self.path)

    def pending(self) -> list[str]:
        """Spooled snapshot files, oldest first (temporary and set-aside files excluded)."""
        return sorted(n for n in self.names() if n.endswith(".json") and not n.startswith("."))

    def write(self, name: str, data: bytes) -> None:
        """`name` holding `data`, all or nothing: a new 0600 temporary file, then renamed."""
        tmp = f".{name}.{os.getpid()}.tmp"
        where, at = self._at(tmp)
        fd = os.open(where, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW | _BINARY, 0o600,
                     **at)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            self.replace(tmp, name)
        except BaseException:
            self.remove(tmp)
            raise
        if self.fd is not None:
            try:
                os.fsync(self.fd)  # the rename itself survives a power cut
            except OSError:
                pass

    def read(self, name: str) -> bytes:
        where, at = self._at(name)
        fd = os.open(where, os.O_RDONLY | _NOFOLLOW | _BINARY, **at)
        try:
            chunks = []
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        finally:
            os.close(fd)

    def replace(self, src: str, dst: str) -> None:
        if self.fd is None:
            os.replace(os.path.join(self.path, src), os.path.join(self.path, dst))
        else:
            os.replace(src, dst, src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def remove(self, name: str) -> bool:
        """Delete `name`; False when it was gone already (another process took it)."""
        where, at = self._at(name)
        try:
            os.unlink(where, **at)
        except FileNotFoundError:
            return False
        return True

    def set_aside(self, name: str) -> None:
        """A file that can never be delivered: renamed `<name>.bad`, out of the queue."""
        try:
            self.replace(name, name + ".bad")
        except OSError:
            pass

    def trim(self, keep: int, warn: "Callable[[str], None]") -> None:
        """Drop the oldest snapshots so that at most `keep` remain."""
        names = self.pending()
        extra = len(names) - keep
        if extra <= 0:
            return
        for name in names[:extra]:
            self.remove(name)
        warn(f"perftui: spool {self.path} is full ({MAX_FILES} snapshots); dropped the "
             f"{extra} oldest")

    def sweep(self) -> None:
        """Remove temporary files left by a process that died mid-write."""
        import time

        now = time.time()
        for name in self.names():
            if name.startswith(".") and name.endswith(".tmp"):
                where, at = self._at(name)
                try:
                    if now - os.stat(where, follow_symlinks=False, **at).st_mtime > _STALE_TMP_S:
                        os.unlink(where, **at)
                except OSError:
                    pass


def _log_warning(message: str) -> None:
    import logging

    logging.getLogger("perftui").warning(message)


# ---------------------------------------------------------------------------------- the API

def save(location: str, snapshot: Any, *, warn: "Callable[[str], None] | None" = None) -> str:
    """Keep a SnapshotInput that could not be written, for the store at `location`; returns the
    file's path. Its `recorded_at` (the time it was taken: now, if it has none) and its `uid`
    (made now if it has none) are kept, so a redelivery is recognised. Raises SpoolUnsafe or
    OSError when it cannot be kept. `warn` (default: the "perftui" logger) hears about snapshots
    dropped because the spool is full."""
    import json

    from perftui.timefmt import normalise_iso, now_iso

    fields = {name: getattr(snapshot, name) for name in type(snapshot).__slots__}
    metrics = fields.get("metrics")
    if metrics is not None and not isinstance(metrics, dict) and hasattr(metrics, "items"):
        fields["metrics"] = dict(metrics.items())
    if fields.get("recorded_at"):
        try:
            fields["recorded_at"] = normalise_iso(fields["recorded_at"])
        except (TypeError, ValueError):
            pass  # kept as it is: validation refuses it on delivery (the file is set aside)
    else:
        fields["recorded_at"] = now_iso()
    if not fields.get("uid"):
        from perftui.store.snapshots import new_uid

        fields["uid"] = new_uid()
    digits = "".join(c for c in str(fields["recorded_at"]) if c.isdigit())[:20]
    ident = "".join(c for c in str(fields["uid"]) if c.isalnum() or c in "_-")[:64]
    name = f"{digits or '0'}-{ident or 'snapshot'}.json"
    data = json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("utf-8")
    path = spool_dir(location)
    for attempt in (1, 2):
        folder = _Dir.open(path, create=True)
        try:
            folder.trim(MAX_FILES - 1, warn or _log_warning)
            folder.write(name, data)
            return os.path.join(path, name)
        except FileNotFoundError:
            if attempt == 2:  # the directory went away under us (emptied by a delivery): again
                raise
        finally:
            folder.close()
    raise AssertionError("unreachable")


def pending(location: str) -> list[str]:
    """Paths of the snapshots waiting for the store at `location`, oldest first (none when
    nothing waits). Raises SpoolUnsafe for a spool directory that is not safe to read."""
    path = spool_dir(location)
    folder = _Dir.open(path, create=False)
    if folder is None:
        return []
    try:
        return [os.path.join(path, name) for name in folder.pending()]
    finally:
        folder.close()


def _load(raw: bytes) -> dict:
    """The fields of a spooled snapshot; ValueError for anything that is not one."""
    import json

    from perftui.recorder.evaluate import SnapshotInput

    fields = json.loads(raw.decode("utf-8"))
    if not isinstance(fields, dict) or "metrics" not in fields:
        raise ValueError("not a spooled snapshot")
    unknown = set(fields) - set(SnapshotInput.__slots__)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
    if not isinstance(fields["metrics"], dict):
        raise ValueError("metrics must be an object")
    for name, value in fields.items():
        if value is None or name in _ANY_JSON:
            continue
        kinds = _KINDS.get(name, (str,))
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise ValueError(f"{name} has the wrong type")
    return fields


_ANY_JSON = ("metrics", "operations", "cache_stats", "errors")  # stored as JSON, any shape
_KINDS = {"cpu_count": (int, float), "total_memory_mb": (int, float),
          "is_cold_start": (bool, int)}  # every other field is text


def deliver(db: Database, location: str, *, limit: int | None = None) -> int:
    """Record the snapshots waiting for the store at `location` into `db` (the same store,
    open for writing), oldest first, each in its own transaction, deleting each file once its
    snapshot is committed; one the store holds already (same uid) is deleted too. Returns how
    many were taken into the store; stops after `limit`.

    A file that cannot be read as a snapshot, or that validation refuses (InputError), is
    renamed `<name>.bad` and skipped. A store failure (StoreError) stops delivery and
    propagates: what was not delivered stays spooled. Raises SpoolUnsafe for a spool directory
    that is not safe to read. This is the one function `perftui` commands call."""
    path = spool_dir(location)
    folder = _Dir.open(path, create=False)
    if folder is None:
        return 0
    from perftui.errors import InputError
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot

    delivered = 0
    try:
        for name in folder.pending():
            if limit is not None and delivered >= limit:
                break
            try:
                raw = folder.read(name)
            except FileNotFoundError:  # delivered by another process meanwhile
                continue
            except OSError:  # a link, or unreadable: never blocks the queue
                folder.set_aside(name)
                continue
            try:
                snapshot = SnapshotInput(**_load(raw))
            except (ValueError, TypeError):
                folder.set_aside(name)
                continue
            try:
                record_snapshot(db, snapshot)
            except InputError:
                folder.set_aside(name)
                continue
            folder.remove(name)
            delivered += 1
        else:
            folder.sweep()
            try:  # nothing left: remove the folder, so the next start has nothing to look at
                os.rmdir(path)
            except OSError:
                pass
    finally:
        folder.close()
    return delivered
