"""Read a large JSON document a piece at a time: the elements of one array are yielded one by one.

    for event in events(Path("export.json"), stream="snapshots"):
        ("member", key, value)   a top-level member, decoded whole (small: catalog, alerts, ...)
        ("start", key)           the `stream` array begins (key None: the document is an array)
        ("item", index, value)   one element of that array, decoded alone
        ("end", key)             the array ended

Standard library only: `json.JSONDecoder.raw_decode` (the C scanner) decodes each member or
element from a text buffer of BUFFER characters that is refilled as it is consumed; a small
state machine walks the outer object and array between them. Memory is the buffer plus the
largest single element, whatever the file's size. Every way the text can be wrong is one
ImportFileError naming the file and the place (line, column): malformed, truncated, trailing
data, nested too deeply, a number too long for Python, a lone surrogate, a BOM is skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perftui.core.importers.model import ImportFileError, _no_lone_surrogates

BUFFER = 1 << 16                 # characters read at a time
MAX_ELEMENT = 64 << 20           # one member or element larger than this is not a perftui file
_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_DECODER = json.JSONDecoder()


class _Text:
    """A window over the file's text: `buf[pos:]` is what is not consumed yet."""

    def __init__(self, path: Path, stream, size: int) -> None:
        self.path, self.stream, self.size = path, stream, size
        self.buf, self.pos, self.eof = "", 0, False
        self.lines_before = 0            # newlines in the text already dropped from buf
        self.column_before = 0           # characters of the current line dropped from buf

    def more(self, at_least: int = 0) -> bool:
        """Read on (keeping buf[pos:]); False at the end of the file."""
        if self.eof:
            return False
        try:
            chunk = self.stream.read(max(self.size, at_least))
        except UnicodeDecodeError:
            raise ImportFileError(f"{self.path} is not a UTF-8 text file") from None
        if self.pos:
            newline = self.buf.rfind("\n", 0, self.pos)
            if newline < 0:
                self.column_before += self.pos
            else:
                self.lines_before += self.buf.count("\n", 0, self.pos)
                self.column_before = self.pos - newline - 1
            self.buf, self.pos = self.buf[self.pos:], 0
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, allowed: str, what: str) -> str:
        ch = self.peek()
        if ch == "":
            raise self.truncated()
        if ch not in allowed:
            raise self.malformed(f"Expecting {what}", self.pos)
        self.pos += 1
        return ch

    def value(self) -> Any:
        """Decode the JSON value that starts at the next non-space character."""
        if self.peek() == "":
            raise self.truncated()
        while True:
            start = self.pos
            try:
                value, end = _DECODER.raw_decode(self.buf, start)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated")
                if (cut or exc.pos >= len(self.buf) - 12) and not self.eof:
                    self._grow()             # the value may go on in the next chunk
                    continue
                if self.eof and (cut or exc.pos >= len(self.buf.rstrip())):
                    raise self.truncated() from None
                raise self.malformed(exc.msg, exc.pos) from None
            except RecursionError:
                raise ImportFileError(f"{self.path}: the JSON is nested too deeply to read "
                                      f"({self.where(start)})") from None
            except ValueError as exc:        # an integer of more than 4300 digits
                raise ImportFileError(f"{self.path} is not valid JSON: {exc} "
                                      f"({self.where(start)})") from None
            if (len(self.buf) - end <= 2 and not self.eof and type(value) in (int, float)):
                self._grow()      # a number may go on in the next chunk ("12|3", "1.|5")
                continue
            if _SURROGATE_ESCAPE.search(self.buf, start, end):
                _no_lone_surrogates(self.path, value)
            self.pos = end
            return value

    def _grow(self) -> bool:
        """Read more for the value that starts at pos (it may not fit in the buffer yet);
        positions in the buffer change (pos becomes 0)."""
        pending = len(self.buf) - self.pos
        if pending > MAX_ELEMENT:
            raise ImportFileError(f"{self.path}: one value is larger than "
                                  f"{MAX_ELEMENT >> 20} MB ({self.where(self.pos)}); "
                                  "not a file perftui can import")
        return self.more(at_least=pending)

    def where(self, pos: int) -> str:
        line = self.lines_before + self.buf.count("\n", 0, pos) + 1
        newline = self.buf.rfind("\n", 0, pos)
        column = pos - newline if newline >= 0 else self.column_before + pos + 1
        return f"line {line}, column {column}"

    def malformed(self, msg: str, pos: int) -> ImportFileError:
        return ImportFileError(f"{self.path} is not valid JSON: {msg} ({self.where(pos)})")

    def truncated(self) -> ImportFileError:
        while self.more():
            pass
        line = self.lines_before + self.buf.rstrip().count("\n") + 1
        return ImportFileError(f"{self.path} is truncated: the JSON ends before it is complete "
                               f"(after line {line})")


def events(path: Path, stream: str = "snapshots", size: int = BUFFER) -> Iterator[tuple]:
    """The document's events (see the module's docstring). ImportFileError on bad text."""
    try:
        handle = open(path, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a directory") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        text = _Text(path, handle, size)
        first = text.peek()
        if first == "{":
            text.pos += 1
            yield from _object(text, stream)
        elif first == "[":
            text.pos += 1
            yield from _array(text, None)
        else:
            yield "member", None, text.value()
        if text.peek() != "":
            raise text.malformed("Extra data", text.pos)


def _object(text: _Text, stream: str) -> Iterator[tuple]:
    seen: set[str] = set()
    if text.peek() == "}":
        text.pos += 1
        return
    while True:
        if text.peek() != '"':
            text.expect('"', "property name enclosed in double quotes")
        key = text.value()
        if key in seen:
            raise ImportFileError(f"{text.path}: the top-level field {key!r} appears twice")
        seen.add(key)
        text.expect(":", "':' delimiter")
        if key == stream and text.peek() == "[":
            text.pos += 1
            yield from _array(text, key)
        else:
            yield "member", key, text.value()
        if text.expect(",}", "',' delimiter") == "}":
            return


def _array(text: _Text, key: str | None) -> Iterator[tuple]:
    yield "start", key
    index = 0
    if text.peek() == "]":
        text.pos += 1
    else:
        while True:
            yield "item", index, text.value()
            index += 1
            if text.expect(",]", "',' delimiter") == "]":
                break
    yield "end", key
