"""Compiled modules kept in one file of the user's cache, for start-up: the recorder's inside a host
application, and everything the terminal UI loads before its first frame.

Python finds and loads every module on its own: it looks the name up along the path, checks the
source's time and size, opens and reads the module's .pyc and unmarshals it. For the thirty-odd
perftui modules a recording loads inside a host's start-up that is about a sixth of their import
(3 of 18 million instructions, callgrind); for the ~300 modules (Textual, Rich, the standard
library, perftui) the terminal UI loads before it can draw, 40-60 million instructions, a good
part of what perftui adds to a bare Textual app (CPython freezes its own start-up modules for
the same reason). So a process that installs the cache (`install(kind)`) notes what it imports,
and when it is done (`save()`: after a recording, when the UI quits) writes the code of those
modules to `$XDG_CACHE_HOME/perftui/code-<kind>-<python tag>-<install hash>.bin`. The next start
serves them from that file: one open, one read, one unmarshalling for the modules it loaded
before `mark()` (the names they share are made once), the others unmarshalled one by one when
imported.

- **recorder**: perftui's own submodules only (never a host's or a third party's modules).
- **tui**: any module loaded from a .py file; the file is used only under the same `sys.path`
  and the same import hooks, since those decide which file a name is.

It changes nothing a program can see: every module has its real `__file__`, `__spec__` and
loader (a `SourceFileLoader` whose `get_code` returns the kept code), and a module is served only
while its source file has the size and modification time (in nanoseconds) it had when its code
was kept, so an upgrade or an edit falls back to Python's own import and the next save rewrites
the file. The file is created owner-only (0700 directory, 0600 file, through a temporary file and
a rename, links not followed) and read only when it is the user's own and nobody else can write
it or its directory: anything odd (unreadable, damaged, another Python, another install) means
importing as Python always does. Nothing is written when `sys.dont_write_bytecode` is set
(PYTHONDONTWRITEBYTECODE, `python -B`); `PERFTUI_CODE_CACHE=0` turns the whole mechanism off.

The standard library's `os`, `sys` and `marshal` only: this is the first thing a host imports.
"""

from __future__ import annotations

import marshal
import os
import sys

FORMAT = 2   # 2: entries carry the compiled file's path; the identity, the optimisation level
KINDS = ("recorder", "tui")
_MAGIC = b"perftui-code\n"
_FILE_LIMIT = 256 << 20

_external = sys.modules.get("_frozen_importlib_external")
_ModuleSpec = getattr(sys.modules.get("_frozen_importlib"), "ModuleSpec", None)
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

_finder: "_Finder | None" = None


def enabled() -> bool:
    return os.environ.get("PERFTUI_CODE_CACHE", "1").strip().lower() not in (
        "0", "no", "false", "off", "")


def cache_path(kind: str) -> str:
    """Where this interpreter and this install of perftui keep the file of `kind`."""
    from perftui._atomic import cache_dir, name_hash

    tag = sys.implementation.cache_tag or "python"
    if sys.flags.optimize:   # -O, -OO: other code, kept apart (no thrashing between the two)
        tag += f"-opt{sys.flags.optimize}"
    return os.path.join(cache_dir(), f"code-{kind}-{tag}-{name_hash(_PACKAGE_DIR)}.bin")


def _identity(kind: str) -> tuple:
    """What the kept code depends on besides each source file: the interpreter, the install, and
    for `tui` (any module) the path and the import hooks that decide which file a name is."""
    # -O and -OO compile other code (no asserts, no docstrings): never served to each other
    # (PYTHONPYCACHEPREFIX moves the compiled files a served module's __cached__ names)
    base = (FORMAT, kind, sys.implementation.cache_tag, tuple(sys.version_info[:3]),
            sys.flags.optimize, sys.pycache_prefix, _PACKAGE_DIR)
    if kind == "recorder":
        return base
    hooks = tuple(f"{type(h).__module__}.{type(h).__qualname__}" if not isinstance(h, type)
                  else f"{h.__module__}.{h.__qualname__}" for h in sys.meta_path
                  if not isinstance(h, _Finder))
    return base + (tuple(sys.path), hooks)


def _source_stamp(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read(path: str, identity: tuple) -> dict[str, tuple]:
    """{module name: (source file, is a package, compiled file, stamp, code or marshalled
    code)}; {} when the file is missing, foreign, damaged or was made for something else."""
    from perftui._atomic import read_private

    data = read_private(path, _FILE_LIMIT)
    if data is None:
        return {}
    try:
        if not data.startswith(_MAGIC):
            return {}
        stored, table = marshal.loads(memoryview(data)[len(_MAGIC):])
        if stored != identity or not isinstance(table, dict):
            return {}
        for origin, _is_package, cached, _stamp, code in table.values():
            if not isinstance(origin, str) or not isinstance(cached, (str, type(None))) or not (
                    isinstance(code, bytes) or type(code).__name__ == "code"):
                return {}
        return table
    except Exception:  # noqa: BLE001 - a damaged file is only a miss
        return {}


class _Loader(_external.SourceFileLoader if _external else object):
    """Python's own loader for a source file, with the code from the cache."""

    def __init__(self, fullname: str, path: str, code):
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname):
        code = self._code
        if fullname != self.name or code is None:
            return super().get_code(fullname)
        self._code = None
        return marshal.loads(code) if isinstance(code, bytes) else code


class _Finder:
    """Serves the modules of `table` whose sources are unchanged (`served`), and notes when a
    module it may serve came from elsewhere (`missed`): then `save` looks at what to rewrite."""

    def __init__(self, kind: str, path: str, identity: tuple, table: dict[str, tuple]):
        self.kind = kind
        self.path = path
        self.identity = identity
        self.table = table
        self.prefix = "perftui." if kind == "recorder" else ""
        self.missed = not table
        self.served: set[str] = set()
        self.marked: frozenset[str] | None = None
        # loaded before the finder was in place: no start can take these from it
        self.before = frozenset(sys.modules)

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(self.prefix):
            return None
        entry = self.table.get(fullname)
        if entry is None:
            self.missed = True
            return None
        origin, is_package, cached, stamp, code = entry
        if _source_stamp(origin) != stamp:
            self.missed = True
            return None
        self.served.add(fullname)
        # the spec `spec_from_file_location` makes, built directly, with the compiled file's
        # path kept from the save (working it out is most of what a served import costs)
        spec = _ModuleSpec(fullname, _Loader(fullname, origin, code), origin=origin,
                           is_package=is_package)
        spec.has_location = True
        spec.cached = cached
        if is_package:
            spec.submodule_search_locations = [os.path.dirname(origin)]
        return spec

    def invalidate_caches(self):
        pass


def install(kind: str = "recorder") -> None:
    """Put the finder for `kind` in front of Python's own (once per process; never raises)."""
    global _finder
    if (_finder is not None or _external is None or _ModuleSpec is None or kind not in KINDS
            or not enabled()):
        return
    try:
        path = cache_path(kind)
        identity = _identity(kind)
        _finder = _Finder(kind, path, identity, read(path, identity))
        sys.meta_path.insert(0, _finder)
    except Exception:  # noqa: BLE001 - no cache: Python imports as always
        _finder = None


def uninstall() -> None:
    """Take the finder out (modules it served stay as they are)."""
    global _finder
    if _finder is not None:
        try:
            sys.meta_path.remove(_finder)
        except ValueError:
            pass
        _finder = None


def mark() -> None:
    """The modules loaded so far are the ones every start needs: the next start unmarshals them
    together; modules loaded after this are kept too, each unmarshalled only when imported."""
    if _finder is not None:
        _finder.marked = frozenset(sys.modules)


def save() -> bool:
    """When this process imported a module the file could not serve, write the file anew with the
    code of every module it may serve that is loaded (and what the old file holds that is still
    current). True when it wrote. Never raises. (The writing is `perftui._codecache_save`,
    loaded only then: a start served from the file never unmarshals it.)"""
    finder = _finder
    if finder is None:
        return False
    report = os.environ.get("PERFTUI_CODE_CACHE_REPORT")
    if not report and (not finder.missed or sys.dont_write_bytecode):
        return False
    missed = finder.missed
    try:
        from perftui import _codecache_save
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        return False
    finder.missed = missed   # loading the writer is no reason to write (it is never kept)
    return _codecache_save.save(finder, report=bool(report))
