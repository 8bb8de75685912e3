"""Files perftui writes for people (exports, PR comments, catalogs): one way to write them.

A file is written to a temporary file beside its destination and moved into place, so a failed
or interrupted write never leaves half a file. Any OS failure becomes one `OutputError` line
naming the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from perftui.errors import OutputError


def write_file(path: str | os.PathLike, write: Callable[[IO[str]], Any]) -> Any:
    """Call `write(stream)` to fill `path`; returns what `write` returned."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise OutputError(f"{target} is a directory; give a file name")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: no such directory {target.parent}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())     # an ordinary file, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            result = write(out)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


def write_text(path: str | os.PathLike, text: str) -> None:
    write_file(path, lambda out: out.write(text))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
