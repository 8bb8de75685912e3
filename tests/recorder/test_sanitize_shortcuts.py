"""The privacy checks' shortcuts (a recording looks at every metric and operation name) decide
exactly what the plain character-by-character rules decide."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from perftui.recorder import sanitize

PIECES = st.sampled_from(list("aZ9_-.:/ @=é") + ["sk-", "ghp_", "token ", "pwd", "aB3" * 7])
NAMES = (st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=50)
         | st.from_regex(r"[a-z0-9_]{0,60}", fullmatch=True))


def _long_run_reference(text: str) -> bool:
    run = 0
    for char in text:
        run = run + 1 if char in sanitize._ALNUM else 0
        if run >= sanitize._MIN_RUN:
            return True
    return False


def _worth_a_look_reference(text: str) -> bool:
    if "@" in text or "=" in text or any(p in text for p in sanitize._PREFIXES):
        return True
    lower = text.lower()
    if ":" in text and any(w in lower for w in sanitize._ASSIGN_WORDS):
        return True
    if " " in text and any(w in lower for w in sanitize._AUTH_WORDS):
        return True
    return _long_run_reference(text)


@settings(max_examples=1000, deadline=None)
@given(NAMES)
def test_the_shortcuts_decide_as_the_plain_rules(text):
    assert sanitize._long_run(text) == _long_run_reference(text)
    assert sanitize._worth_a_look(text) == _worth_a_look_reference(text)


def test_long_runs_around_and_between_underscores():
    run = "aB3" * 7   # 21 letters and digits
    for text, expected in ((run, True), ("x_" + run, True), (run[:19] + "_" + run[:19], False),
                           (run[:19] + "-" + run, True), ("a_" * 15, False),
                           ("é" * 25, False), ("_" + run[:20] + "é", True)):
        assert sanitize._long_run(text) is expected, text
        assert _long_run_reference(text) is expected, text
