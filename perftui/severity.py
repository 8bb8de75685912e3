"""The one severity order, shared by analysis, store, use cases and both faces.

Plain module with no imports: the recorder loads it inside host applications' start-up.
"""

SEVERITIES = ("ok", "info", "warning", "error", "critical")
ALERT_SEVERITIES = SEVERITIES[1:]          # what an alert can have
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """Position in SEVERITIES (0 = ok … 4 = critical); ValueError if unknown."""
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError(f"unknown severity {severity!r}; expected one of "
                         f"{', '.join(SEVERITIES)}") from None


def worst(*severities: str) -> str:
    """The worst of the given severities ("ok" for none)."""
    best, rank = "ok", 0
    for s in severities:
        r = severity_rank(s)
        if r > rank:
            best, rank = s, r
    return best


def at_least(severity: str) -> tuple[str, ...]:
    """The alert severities at `severity` or worse."""
    return ALERT_SEVERITIES[ALERT_SEVERITIES.index(severity):]


def sql_rank(column: str) -> str:
    """SQL expression giving the rank of a severity column or parameter (0 when unknown)."""
    cases = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in _RANK.items())
    return f"CASE {column} {cases} ELSE 0 END"
