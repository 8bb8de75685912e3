"""Private files replaced whole: perftui's own small state beside a store or in the user's cache
(the recorder's profile plan, the TUI's parsed-CSS cache).

Written to a temporary file beside the destination, owner-only (0600), created exclusively and
never through a symbolic link, then renamed into place: a reader sees the old file or the new
one, never half of one, and an interrupted write leaves no temporary file behind. The standard
library's `os` only: the recorder calls it inside host applications.
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
