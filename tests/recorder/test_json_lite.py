"""perftui._json gives exactly what the json module gives, without importing it."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from perftui import _json

VALUES = [
    None, True, False, 0, -1, 10**30, 1.5, -0.0, 1e300, 5e-324, 0.1 + 0.2, float("nan"),
    float("inf"), -float("inf"), "", "plain", "é ü 漢字 \U0001F600", "quote \" back \\ slash",
    "\x00\x1f\x7f\u2028", [], {}, [1, [2, [3, {"a": None}]]], (1, 2),
    {"b": 1, "a": {"d": [1.25, "x"], "c": False}}, {"APP-001": 401.5, "VAL-001": 0.93},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("sort_keys", [False, True])
def test_dumps_matches_json(value, sort_keys):
    expected = json.dumps(value, separators=(",", ":"), sort_keys=sort_keys)
    assert _json.dumps(value, sort_keys=sort_keys) == expected


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_dumps_with_json_default_separators(value):
    assert _json.dumps(value, compact=False) == json.dumps(value)


def test_dumps_falls_back_for_what_it_does_not_know():
    class Number(float):
        pass

    assert _json.dumps({"x": Number(2.5)}) == json.dumps({"x": Number(2.5)}, separators=(",", ":"))
    assert _json.dumps({1: "int key"}) == json.dumps({1: "int key"}, separators=(",", ":"))
    assert _json.dumps({"d": {1, 2}.__len__()}) == '{"d":2}'
    assert _json.dumps([object()], default=lambda o: "obj") == '["obj"]'
    with pytest.raises(TypeError):
        _json.dumps([object()])


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_loads_round_trips_like_json(value):
    text = json.dumps(value)
    got, expected = _json.loads(text), json.loads(text)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("text", ["", "[1,", "{\"a\" 1}", "[1] x", "\ufeff[]", "nul", "01"])
def test_loads_refuses_what_json_refuses(text):
    with pytest.raises(json.JSONDecodeError) as ours:
        _json.loads(text)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(text)
    assert str(ours.value) == str(theirs.value)


def test_whitespace_around_a_document():
    assert _json.loads(" \n[1, {\"a\": 2}]\t ") == [1, {"a": 2}]


def test_importing_and_using_it_imports_no_json_or_re():
    code = ("import sys; from perftui import _json; "
            "_json.loads(_json.dumps({'a': [1.5, 'x', None]}, sort_keys=True)); "
            "print(sorted(m for m in ('json', 're', 'enum') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
