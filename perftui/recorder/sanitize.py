"""What may reach a store: timings, counts and sizes only, on every path.

One privacy policy for everything that puts text or keys into the store: the recorder (metrics,
timers, decorators, caches, context), `record_snapshot` (so `perftui record` and
`perftui import --replay` too) and every importer (`perftui.core.importers.model.apply_privacy`).

- Dropped: a metric or operation name, a cache name, or any key of a breakdown (operations,
  cache_stats, errors) or context dict that is private (`private_reason`): a private key name
  (`user_id`, `password`, `api_key`; for a plain identifier also one ending in `_id`, `_key`,
  `_token`, ...), or a name holding an e-mail address or a secret-looking token (`sk-...`,
  `ghp_...`, `AKIA...`, a JWT, `Bearer ...`, a long random-looking string). A name is dropped,
  never rewritten: a metric renamed to "[redacted]" would mix unrelated measurements.
  Context values that are text are dropped whatever their key.
- Hashed: every session id (`store_session_id`), one way, to 16 hex digits. A value already in
  that form is what perftui itself wrote (a digest or a random id) and is kept as it is.
- Redacted: free text that may be stored (notes, text values inside breakdowns) keeps its words;
  each e-mail address, secret-looking token, bearer credential and `password=...` value in it
  becomes "[redacted]" (`redact_text`).

Cheap to import (the recorder is imported by host applications at start-up): no `re` here at
import time. A name is first looked at with plain string tests; the patterns are compiled on
first use, only when a string could hold a match.
"""

from __future__ import annotations

import math

DENIED_KEYS = frozenset({
    "api_key", "apikey", "user_id", "userid", "user", "username", "email", "password", "passwd",
    "secret", "token", "auth", "authorization", "cookie", "definition_text", "text", "prompt",
    "ip", "ip_address", "address", "name", "session_id",
})
DENIED_SUFFIXES = ("_key", "_secret", "_password", "_token", "_id", "_text", "_email", "_name")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/-")
_PLAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_HEX = frozenset("0123456789abcdef")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

REDACTED = "[redacted]"
KEY_NAME = "a private key name"
EMAIL = "an e-mail address"
SECRET = "a secret-looking token"

# substrings that may start a secret; a name without any of them (and without "@", "=", a
# long run of letters and digits, ...) is clean without compiling a pattern
_PREFIXES = ("sk-", "sk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
             "xox", "AKIA", "ASIA", "AIza", "eyJ")
_AUTH_WORDS = ("bearer ", "basic ", "token ")
_ASSIGN_WORDS = ("password", "passwd", "pwd", "secret", "key", "token", "auth")
_MIN_RUN = 20           # a random-looking run of letters and digits at least this long
_CACHE_LIMIT = 4096

_patterns: list | None = None
_name_cache: dict[str, str | None] = {}


def _is_slug(text: str) -> bool:
    """[A-Za-z0-9][A-Za-z0-9_.:/-]{0,79}, without compiling a regex at import time."""
    return (0 < len(text) <= 80 and text[0].isascii() and text[0].isalnum()
            and _NAME_CHARS.issuperset(text))


def is_denied(key: str) -> bool:
    lower = key.lower()
    return lower in DENIED_KEYS or lower.endswith(DENIED_SUFFIXES)


def _looks_random(text: str, digits: int = 1) -> bool:
    """Upper and lower case letters and at least `digits` digits: not a word, not hex."""
    return (sum(c.isdigit() for c in text) >= digits and any(c.isupper() for c in text)
            and any(c.islower() for c in text))


def _class(char: str) -> int:
    return 0 if char.isdigit() else 1 if char.isupper() else 2


def _random_run(text: str) -> bool:
    """A run of letters and digits that looks random rather than like words: mixed case,
    digits, and the character class (digit, upper, lower) changing at nearly every other
    character (a random base62 string: about 60 %; `BenchmarkFib20WithAuxMetric`: under 40 %)."""
    if not _looks_random(text, 2):
        return False
    changes = sum(_class(a) != _class(b) for a, b in zip(text, text[1:]))
    return changes >= 0.45 * (len(text) - 1)


def _long_run(text: str) -> bool:
    """A run of at least _MIN_RUN ASCII letters and digits. Looked for within the parts
    between underscores (no run crosses one), character by character only in a part long
    enough that is not all letters and digits: a snake_case name costs a split."""
    if len(text) < _MIN_RUN:
        return False
    for part in text.split("_"):
        if len(part) >= _MIN_RUN and (_ALNUM.issuperset(part) or _run_in(part)):
            return True
    return False


def _run_in(text: str) -> bool:
    run = 0
    for char in text:
        if char in _ALNUM:
            run += 1
            if run >= _MIN_RUN:
                return True
        else:
            run = 0
    return False


def _worth_a_look(text: str) -> bool:
    """Whether `text` may hold an e-mail address or a secret (cheap, no pattern)."""
    # map(str.__contains__): the tests run in C, no generator frame per word
    if "@" in text or "=" in text or any(map(text.__contains__, _PREFIXES)):
        return True
    lower = text.lower()
    if ":" in text and any(map(lower.__contains__, _ASSIGN_WORDS)):
        return True
    if " " in text and any(map(lower.__contains__, _AUTH_WORDS)):
        return True
    return _long_run(text)


def _compiled() -> list:
    """(kind, pattern, accept) triples, compiled on first use."""
    global _patterns
    if _patterns is None:
        import re

        boundary = r"(?<![A-Za-z0-9])"
        _patterns = [
            (EMAIL, re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                               r"\.[A-Za-z]{2,}"), None),
            (SECRET, re.compile(r"(?i:\b(?:bearer|basic|token)\s+)"
                                r"(?P<value>[A-Za-z0-9._~+/=-]{12,})"),
             None),
            (SECRET, re.compile(boundary + r"(?i:password|passwd|pwd|secret|client[_-]?secret|"
                                r"api[_-]?key|access[_-]?key|private[_-]?key|token|auth|"
                                r"authorization)\s*[:=]\s*(?!(?i:bearer|basic)\s)(?P<value>[^\s,;'\"]+)"),
             None),
            (SECRET, re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"
                                r"\.[A-Za-z0-9_-]*"), None),
            (SECRET, re.compile(boundary + r"(?:gh[pousr]_[A-Za-z0-9]{20,}|"
                                r"github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|"
                                r"xox[abprs]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}|"
                                r"AIza[A-Za-z0-9_-]{30,})"), None),
            # sk-... keys: the body must look random ("sk-learn-fit-ms" is a name)
            (SECRET, re.compile(boundary + r"sk[-_](?:live_|test_|proj-|ant-)?"
                                r"(?P<body>[A-Za-z0-9_-]{20,})"),
             lambda m: _looks_random(m.group("body"))),
            # xxx.yyy.zzz with random-looking parts (a JWT without its usual header)
            (SECRET, re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"
                                r"\.[A-Za-z0-9_-]{10,}"),
             lambda m: sum(_looks_random(p) for p in m.group().split(".")) >= 2),
            (SECRET, re.compile(boundary + r"[A-Za-z0-9]{%d,}(?![A-Za-z0-9])" % _MIN_RUN),
             lambda m: _random_run(m.group())),
        ]
    return _patterns


def _findings(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every e-mail address and secret in `text`, sorted."""
    if not _worth_a_look(text):
        return []
    found = []
    for kind, pattern, accept in _compiled():
        for match in pattern.finditer(text):
            if accept is not None and not accept(match):
                continue
            group = "value" if "value" in pattern.groupindex else 0
            found.append((match.start(group), match.end(group), kind))
    return sorted(found)


def private_reason(name: object) -> str | None:
    """Why a name (metric, operation, cache, breakdown or context key) must not be stored:
    KEY_NAME, EMAIL or SECRET; None when it may be stored."""
    if not isinstance(name, str):
        return None
    cached = _name_cache.get(name, "")
    if cached != "":
        return cached
    lower = name.lower()
    if _PLAIN_CHARS.issuperset(lower):          # user_id, customer_email, api_key
        reason = KEY_NAME if is_denied(lower) else None
    else:                                       # a path or label: its last part only
        last = lower
        for sep in ".:/[( ":
            last = last.rsplit(sep, 1)[-1]
        reason = KEY_NAME if last.strip("])'\" ") in DENIED_KEYS else None
    if reason is None:
        findings = _findings(name)
        if findings:
            reason = EMAIL if any(kind == EMAIL for _, _, kind in findings) else SECRET
    if len(_name_cache) < _CACHE_LIMIT:
        _name_cache[name] = reason
    return reason


def shown_name(name: str, reason: str) -> str:
    """How a refusal names a private name: a key name as it is, never an address or secret."""
    return repr(name) if reason == KEY_NAME else "(name not shown)"


def redact_text(text: object) -> object:
    """`text` with each e-mail address and secret replaced by "[redacted]"; not text: as is."""
    if not isinstance(text, str) or not text:
        return text
    findings = _findings(text)
    if not findings:
        return text
    spans: list[list[int]] = []
    for start, end, _ in findings:          # sorted by start: merge overlapping spans
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    parts, at = [], 0
    for start, end in spans:
        parts.append(text[at:start])
        parts.append(REDACTED)
        at = end
    parts.append(text[at:])
    return "".join(parts)


def sanitize_breakdown(value: object) -> object:
    """A breakdown (operations, cache_stats, errors) without private keys at any depth, its
    text values redacted; None when nothing is left."""
    cleaned = _clean(value)
    return None if isinstance(cleaned, dict) and not cleaned and value else cleaned


def _clean(value: object) -> object:
    if isinstance(value, dict):
        return {key: _clean(inner) for key, inner in value.items()
                if not (isinstance(key, str) and (private_reason(key)))}
    if isinstance(value, (list, tuple)):
        return [_clean(inner) for inner in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def store_session_id(raw: object) -> str | None:
    """The session id as stored: always a one-way digest. 16 lowercase hex digits is what
    perftui itself writes (a digest, or the recorder's random id) and is kept."""
    if raw is None or raw == "":
        return None
    text = raw if isinstance(raw, str) else str(raw)
    if len(text) == 16 and _HEX.issuperset(text):
        return text
    return hash_session_id(text)


def safe_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def sanitize_context(context: object) -> dict[str, float]:
    """Keep only numeric values under allowed, well-formed keys."""
    if not isinstance(context, dict):
        return {}
    kept = {}
    for key, value in context.items():
        if (not isinstance(key, str) or not _is_slug(key) or is_denied(key)
                or private_reason(key)):
            continue
        number = safe_number(value)
        if number is not None:
            kept[key] = number
    return kept


def hash_session_id(raw: str) -> str:
    """One-way 16-hex-digit digest of a session identifier."""
    import hashlib

    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:16]


def valid_name(name: object) -> bool:
    return isinstance(name, str) and _is_slug(name)
