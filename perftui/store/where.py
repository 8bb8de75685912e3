"""The one builder of the filters most queries share: a scope (app, environment), optionally a
start time, with a table alias."""

from __future__ import annotations


def scope_terms(app: str | None = None, environment: str | None = None, *,
                since: str | None = None, prefix: str = "") -> tuple[list[str], list]:
    """(terms, params) for `WHERE`/`AND`: each given value becomes one `column = ?` term."""
    terms, params = [], []
    for column, value in ((f"{prefix}recorded_at >=", since), (f"{prefix}app =", app),
                          (f"{prefix}environment =", environment)):
        if value is not None:
            terms.append(f"{column} ?")
            params.append(value)
    return terms, params


def scope_where(app: str | None = None, environment: str | None = None, *,
                since: str | None = None, prefix: str = "") -> tuple[str, list]:
    """(" WHERE …" or "", params) for the given scope filters."""
    terms, params = scope_terms(app, environment, since=since, prefix=prefix)
    return (" WHERE " + " AND ".join(terms)) if terms else "", params
