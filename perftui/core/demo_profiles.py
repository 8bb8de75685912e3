"""The demo store's profiles: real cProfile runs of a small validation routine.

The demo's story has a "refactor validation rules" release that makes validation (VAL-001,
operation `validation`) about 30 % slower. The recorder would have profiled the first run of
`validation` after each regression alert opened, and it profiles a healthy run now and then for
a baseline. The demo does the same with the routine below: a baseline profile of the routine as
it was, and for each open regression alert on VAL-001 a profile of the refactored routine, in
which some rules normalise the text again. So `perftui alerts profile` and the TUI's alert
detail have something true to show: the time went to `normalise_text`, called again by
`check_rule_refactored`.
"""

from __future__ import annotations

import cProfile
from datetime import timedelta

from perftui.store import profiles
from perftui.store.engine import Database
from perftui.timefmt import parse_iso, to_iso

METRIC = "VAL-001"
_WORDS = ("definition", "term", "context", "source", "example", "scope", "rule", "synonym",
          "category", "usage", "note", "status")


def normalise_text(text: str) -> list[str]:
    return [w.strip(".,;:").lower() for w in text.split()]


def load_rules(count: int = 60) -> list[tuple[str, int]]:
    return [(_WORDS[i % len(_WORDS)], 1 + i % 5) for i in range(count)]


def check_rule(rule: tuple[str, int], words: list[str]) -> bool:
    word, at_least = rule
    return sum(1 for w in words if w == word) >= at_least


def check_rule_refactored(rule: tuple[str, int], text: str) -> bool:
    """The 1.6.0 version of the rules that match across sentences: they normalise the whole
    text again themselves."""
    return check_rule(rule, normalise_text(text))


def validate(text: str, rules: list[tuple[str, int]], refactored: bool) -> int:
    words = normalise_text(text)
    if refactored:  # one rule in 25 went through the refactored path: about 30 % slower
        return sum(check_rule_refactored(rule, text) if i % 25 == 0 else check_rule(rule, words)
                   for i, rule in enumerate(rules))
    return sum(check_rule(rule, words) for rule in rules)


# Each profile is the quickest of this many runs: a run of a few milliseconds that the machine
# interrupts (another process on the core) would show the time where the interruption fell.
TRIES = 5


def _document(refactored: bool) -> tuple[dict, float]:
    text = " ".join(_WORDS[(i * 7) % len(_WORDS)] + ("," if i % 9 == 0 else "")
                    for i in range(600))
    rules = load_rules()
    best = min((_profiled(text, rules, refactored) for _ in range(TRIES)),
               key=lambda doc: doc["total_ms"])
    return best, best["total_ms"]


def _profiled(text: str, rules: list[tuple[str, int]], refactored: bool) -> dict:
    """One profile of three validations of `text`."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        validate(text, rules, refactored)
    prof.disable()
    prof.create_stats()
    return profiles.from_stats(prof.stats)


def add_demo_profiles(conn: Database) -> int:
    """A profile for each open regression alert on VAL-001, and per scope (app, environment) a
    baseline profile from before the first of them; returns how many profiles were stored."""
    found = profiles.alerts_to_profile(conn, METRIC)
    if found is None or not found[2]:
        return 0
    metric_id, operation, alerts = found
    base_doc, base_ms = _document(False)
    slow_doc, slow_ms = _document(True)
    stored = 0
    scopes: set = set()
    with conn.transaction():
        for alert_id, app, environment, triggered in alerts:
            if (app, environment) not in scopes:  # a baseline before the scope's first alert
                scopes.add((app, environment))
                before = to_iso(parse_iso(triggered) - timedelta(hours=6))
                profiles.save_profile(conn, metric_id=metric_id, app=app,
                                      environment=environment, operation=operation,
                                      kind="baseline", doc=base_doc, captured_at=before,
                                      duration_ms=base_ms)
                stored += 1
            after = to_iso(parse_iso(triggered) + timedelta(minutes=15))
            profiles.save_profile(conn, metric_id=metric_id, app=app, environment=environment,
                                  operation=operation, kind="regression", doc=slow_doc,
                                  alert_id=alert_id, captured_at=after, duration_ms=slow_ms)
            stored += 1
    return stored
