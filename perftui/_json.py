"""JSON for the recorder's hot path, without importing the `json` package.

`import json` imports `json.decoder`, which imports `re`, which imports `enum`: about 6 ms of a
host application's start-up, for the few small documents a recorded run writes and reads (the
daily log line, verdict flags, flag rules, breakdowns). The C accelerator `_json` that `json`
itself uses does the work here: `dumps` and `loads` give exactly what `json.dumps(...,
separators=(",", ":"), sort_keys=...)` and `json.loads` give for the plain values perftui
stores (dict with text keys, list, tuple, text, int, float, bool, None); anything else is
handed to the real `json` module, so the result is always the same.
"""

from __future__ import annotations

try:
    import _json
except ImportError:  # pragma: no cover - an interpreter without the accelerator
    _json = None

_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _encode(value, out: list, sort_keys: bool, default, seps=(",", ":")) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif type(value) is str:
        out.append(_json.encode_basestring_ascii(value))
    elif type(value) is int:
        out.append(int.__repr__(value))
    elif type(value) is float:
        out.append(_float(value))
    elif type(value) is dict:
        out.append("{")
        items = sorted(value.items()) if sort_keys else value.items()
        first = True
        for key, item in items:
            if type(key) is not str:
                raise NotImplementedError   # not a plain value: json decides
            if not first:
                out.append(seps[0])
            first = False
            out.append(_json.encode_basestring_ascii(key))
            out.append(seps[1])
            _encode(item, out, sort_keys, default, seps)
        out.append("}")
    elif type(value) in (list, tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(seps[0])
            _encode(item, out, sort_keys, default, seps)
        out.append("]")
    elif default is not None:
        _encode(default(value), out, sort_keys, None, seps)
    else:
        raise NotImplementedError   # not a plain value: json decides


def dumps(value, *, sort_keys: bool = False, default=None, compact: bool = True) -> str:
    """`json.dumps(value, separators=(",", ":"), sort_keys=sort_keys, default=default)`;
    `compact=False`: json's default separators (", " and ": ")."""
    seps = (",", ":") if compact else (", ", ": ")
    if _json is not None:
        out: list[str] = []
        try:
            _encode(value, out, sort_keys, default, seps)
            return "".join(out)
        except (NotImplementedError, RecursionError):
            pass
    import json

    return json.dumps(value, separators=seps, sort_keys=sort_keys, default=default)


def _parse_constant(name: str) -> float:
    return {"NaN": float("nan"), "Infinity": _INFINITY, "-Infinity": -_INFINITY}[name]


def _context():
    """What `_json.make_scanner` reads from a decoder (json.JSONDecoder's defaults), made on
    the first `loads`: a module object as a plain namespace (building a class at import costs
    a host application's start-up about 0.03 ms)."""
    context = type(_json)("perftui._json.context")
    context.strict = True
    context.object_hook = context.object_pairs_hook = None
    context.parse_float, context.parse_int = float, int
    context.parse_constant = _parse_constant
    context.memo = {}
    return context


_scanner = None
_WHITESPACE = " \t\n\r"


def loads(text: str):
    """`json.loads(text)`; a malformed document raises `json.JSONDecodeError` (a ValueError)."""
    global _scanner
    if _json is not None and isinstance(text, str):
        if _scanner is None:
            _scanner = _json.make_scanner(_context())
        start = len(text) - len(text.lstrip(_WHITESPACE))
        try:
            value, end = _scanner(text, start)
        except (StopIteration, ValueError, RecursionError):
            value, end = None, -1
        if end != -1 and not text[end:].strip(_WHITESPACE):
            return value
    import json   # malformed, or not text: the real parser, for its exact error

    return json.loads(text)
