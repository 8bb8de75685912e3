"""Writing the code cache (`perftui._codecache`): what to keep, the file, the housekeeping.
Loaded only by a process that has something to write, never by a start the file serves."""

from __future__ import annotations

import marshal
import os
import sys

from perftui._codecache import _MAGIC, _PACKAGE_DIR, _external, _Finder, _source_stamp

# this module is loaded by the saving process only: never kept for the next start
_OWN = frozenset((__name__,))


def save(finder: _Finder, report: bool = False) -> bool:
    """`perftui._codecache.save` for `finder`: True when it wrote. Never raises."""
    if report:
        _report(finder)
    if not finder.missed or sys.dont_write_bytecode:
        return False
    try:
        entries = _collect(finder)
        finder.missed = False
        if not entries or _same(entries, finder.table):
            return False
        _write(finder.path, finder.identity, entries)
        finder.table = entries
        return True
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        return False


def _report(finder: _Finder) -> None:
    """For tests: the modules this process took from the cache, one per line, in
    `<cache file>.served` (PERFTUI_CODE_CACHE_REPORT set)."""
    from perftui._atomic import make_private_dir_and_replace

    try:
        make_private_dir_and_replace(finder.path + ".served",
                                     "\n".join(sorted(finder.served)).encode())
    except OSError:
        pass


def _same(new: dict, old: dict) -> bool:
    return new.keys() == old.keys() and all(
        new[name][3] == old[name][3] and isinstance(new[name][4], bytes)
        == isinstance(old[name][4], bytes) for name in new)


def _collect(finder: _Finder) -> dict[str, tuple]:
    """{name: (source file, is package, compiled file, stamp, code)} of what the file should hold: a code
    object for a module loaded before `mark()` (or for every loaded one without a mark), its
    marshalled bytes for the rest."""
    marked = finder.marked
    loaded = dict(sys.modules)
    eager = (lambda name: name in marked) if marked is not None else (lambda name: name in loaded)
    entries: dict[str, tuple] = {}
    before = finder.before
    for name, (origin, is_package, cached, stamp, code) in finder.table.items():
        # what another kind of start kept stays (even a module this start loads before the
        # finder: `perftui tui` and a plain `perftui` load different modules before it)
        if _source_stamp(origin) != stamp:
            continue
        if eager(name) and isinstance(code, bytes):
            code = marshal.loads(code)
        elif not eager(name) and not isinstance(code, bytes):
            code = marshal.dumps(code)
        entries[name] = (origin, is_package, cached, stamp, code)
    prefix = finder.prefix
    for name, module in loaded.items():
        # loaded before the finder was in place: this kind of start never takes it from the file
        if (not name.startswith(prefix) or name in entries or name in before
                or name in _OWN):
            continue
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None)
        if (not isinstance(origin, str) or not origin.endswith(".py") or spec.name != name
                or not isinstance(spec.loader, _external.SourceFileLoader)
                or (prefix and not origin.startswith(_PACKAGE_DIR + os.sep))):
            continue
        stamp = _source_stamp(origin)
        try:
            code = _external.SourceFileLoader(name, origin).get_code(name)
        except Exception:  # noqa: BLE001 - left to Python's own import
            continue
        if code is None or stamp is None or _source_stamp(origin) != stamp:
            continue   # changed while we read it: the next save tries again
        cached = spec.cached
        entries[name] = (origin, spec.submodule_search_locations is not None,
                         cached if isinstance(cached, str) else None, stamp,
                         code if eager(name) else marshal.dumps(code))
    return entries


def _write(path: str, identity: tuple, entries: dict[str, tuple]) -> None:
    from perftui._atomic import make_private_dir_and_replace

    if make_private_dir_and_replace(path, _MAGIC + marshal.dumps((identity, entries))):
        _prune(os.path.dirname(path), os.path.basename(path))


STALE_DAYS = 30


def _prune(directory: str, keep: str) -> None:
    """Remove the files of other installs and Pythons (a deleted virtualenv, an old
    interpreter) not rewritten for STALE_DAYS: each is a few megabytes."""
    from perftui._atomic import remove_stale

    remove_stale(directory, lambda n: n.startswith("code-") and n.endswith(".bin") and n != keep,
                 STALE_DAYS * 86400)
