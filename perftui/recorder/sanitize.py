"""What may leave a host application: timings, counts and sizes only.

Context keys that name people, secrets or free text (`api_key`, `user_id`, `definition_text`)
are dropped; text values are dropped whatever their key; session ids are hashed.
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


def _is_slug(text: str) -> bool:
    """[A-Za-z0-9][A-Za-z0-9_.:/-]{0,79}, without compiling a regex at import time."""
    return (0 < len(text) <= 80 and text[0].isascii() and text[0].isalnum()
            and _NAME_CHARS.issuperset(text))


def is_denied(key: str) -> bool:
    lower = key.lower()
    return lower in DENIED_KEYS or lower.endswith(DENIED_SUFFIXES)


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
        if not isinstance(key, str) or not _is_slug(key) or is_denied(key):
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
