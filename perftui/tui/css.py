"""Where the .tcss files live, and the parsed-CSS cache that spares each start parsing them.

The app loads `app.tcss` (global rules and the status screen, which is painted first); every
other screen and the dialogs name their own file in CSS_PATH, so Textual reads it when that
screen is first shown, not before the first paint.

Parsing CSS is a good part of the first frame: Textual tokenizes and parses every source (our
.tcss files and the DEFAULT_CSS of each widget class shown) on every start, 10-25 ms. The rules
only depend on the CSS text, where it came from, the theme's variables and the Textual version,
so `ParsedCSSCache` keeps the rules an earlier start parsed in one file of the user's cache
directory (with what they depend on; each rule list pickled on its own and unpickled only when
asked for), and the next start reads them instead. A source that is not in
the file (edited CSS, a new widget, another theme) is parsed as before and added. The file is
created owner-only (0700 directory, 0600 file, links not followed) and read only when it is the
user's own and nobody else can write it; anything odd (unreadable, corrupt, foreign) means
parsing as Textual always does. `PERFTUI_CSS_CACHE=0` turns the cache off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

STYLES = Path(__file__).parent / "styles"
FORMAT = 1               # bump when what is stored changes
MAX_ENTRIES = 256        # beyond this, a save keeps only the sources this run used
_FILE_LIMIT = 64 << 20   # a bigger file is not ours


def tcss(name: str) -> Path:
    return STYLES / f"{name}.tcss"


class ParsedCSSCache:
    """Serves `Stylesheet._parse_rules` from rules parsed by an earlier start (see the module
    docstring). `install()` puts it in front of one stylesheet; `save()` writes what is new."""

    def __init__(self, stylesheet, directory: str | os.PathLike | None = None):
        self.stylesheet = stylesheet
        self.variables = dict(stylesheet._variables)
        self.directory = Path(directory) if directory is not None else cache_directory()
        self.path = self.directory / "css-rules.pickle"
        self._stored: dict[tuple, bytes] | None = None   # read on first use
        self._new: dict[tuple, Any] = {}                  # parsed in this run
        self._used: set[tuple] = set()
        self._parse = stylesheet._parse_rules

    def _identity(self) -> dict:
        """What the stored rules depend on besides their keys; a file made under anything else
        is ignored (and replaced by the next save)."""
        import sys

        return {"format": FORMAT, "python": tuple(sys.version_info[:2]),
                "textual": textual_stamp(), "variables": self.variables}

    def install(self) -> ParsedCSSCache:
        self.stylesheet._parse_rules = self._parse_rules   # this instance only
        return self

    def _parse_rules(self, css: str, read_from, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = ""):
        stylesheet = self.stylesheet
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        if stylesheet._variables != self.variables:   # another theme: Textual's own way
            return self._parse(css, read_from, is_default_rules, tie_breaker, scope)
        try:
            return stylesheet._parse_cache[key]
        except KeyError:
            pass
        rules = self._load(key)
        if rules is None:
            rules = self._parse(css, read_from, is_default_rules, tie_breaker, scope)
            self._new[key] = rules
        stylesheet._parse_cache[key] = rules
        self._used.add(key)
        return rules

    def _load(self, key: tuple):
        if self._stored is None:
            self._stored = read_entries(self.path, self._identity())
        data = self._stored.get(key)
        if data is None:
            return None
        try:
            return _loads_rules(data)
        except Exception:  # noqa: BLE001 - a bad entry is parsed again
            del self._stored[key]
            return None

    @property
    def dirty(self) -> bool:
        return bool(self._new)

    def save(self) -> None:
        """Write the rules parsed in this run next to those read (never raises)."""
        if not self._new:
            return
        try:
            import pickle

            entries = dict(self._stored or {})
            if len(entries) + len(self._new) > MAX_ENTRIES:
                entries = {key: data for key, data in entries.items() if key in self._used}
            for key, rules in self._new.items():
                entries[key] = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
            write_entries(self.path, entries, self._identity())
            self._stored, self._new = entries, {}
        except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
            self._new = {}


def textual_stamp() -> tuple:
    """Which Textual parsed the rules: its parser's and style classes' files (size and mtime;
    any install or upgrade rewrites them). `textual.__version__` would cost ~10 ms: it reads
    the package metadata."""
    import textual

    root = Path(textual.__file__).parent
    stamp = []
    for name in ("__init__.py", "css/parse.py", "css/styles.py", "css/model.py",
                 "css/_styles_builder.py", "css/scalar.py", "color.py"):
        try:
            st = os.stat(root / name)
        except OSError:
            stamp.append((name, None))
        else:
            stamp.append((name, st.st_size, st.st_mtime_ns))
    return str(root), tuple(stamp)


def cache_directory() -> Path:
    from perftui._atomic import cache_dir

    return Path(cache_dir())


def cache_enabled() -> bool:
    return os.environ.get("PERFTUI_CSS_CACHE", "1").strip().lower() not in ("0", "no", "false",
                                                                             "off", "")


def read_entries(path: Path, identity: dict) -> dict[tuple, bytes]:
    """The stored {key: pickled rules}; {} when missing, foreign, or not what we wrote."""
    import io

    from perftui._atomic import read_private

    data = read_private(path, _FILE_LIMIT)
    if data is None:
        return {}
    try:
        # only dicts of tuples, strings, ints, bools and bytes: nothing to construct
        entries = _unpickler(io.BytesIO(data), _no_globals).load()
    except Exception:  # noqa: BLE001 - a corrupt file is only a miss
        return {}
    if not isinstance(entries, dict) or entries.get("identity") != identity:
        return {}
    stored = entries.get("entries")
    return stored if isinstance(stored, dict) else {}


def write_entries(path: Path, entries: dict[tuple, bytes], identity: dict) -> None:
    import pickle

    from perftui._atomic import make_private_dir_and_replace

    make_private_dir_and_replace(path, pickle.dumps({"identity": identity, "entries": entries},
                                                    protocol=pickle.HIGHEST_PROTOCOL))


# What the stored rules are made of: Textual's own classes, and the two helpers pickle uses
# for their selector checks (bound methods, partials). Nothing else is ever constructed.
_ALLOWED = {("builtins", "getattr"), ("functools", "partial"), ("builtins", "set"),
            ("builtins", "frozenset")}


def _allowed_rules(module: str, name: str) -> bool:
    return module == "textual" or module.startswith("textual.") or (module, name) in _ALLOWED


def _no_globals(module: str, name: str) -> bool:
    return False


def _unpickler(handle, allowed):
    import pickle

    class Restricted(pickle.Unpickler):
        def find_class(self, module, name):
            if not allowed(module, name):
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")
            return super().find_class(module, name)

    return Restricted(handle)


def _loads_rules(data: bytes):
    import io

    return _unpickler(io.BytesIO(data), _allowed_rules).load()
