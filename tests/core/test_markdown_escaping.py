"""The PR comment (`check --markdown`, `report --format markdown`, `compare --format markdown`)
cannot be injected: every cell and interpolated value goes through `perftui.core.markdown.md`
(or `md_code` inside a code span)."""

from __future__ import annotations

import re

import pytest

EVIL_NAME = "x | y <img src=x onerror=alert(1)> @octocat\n## pwned *b* _i_ [l](http://e) `c` \\"
EVIL_BRANCH = "feat`x`<b>\n# h"


def _assert_contained(markdown: str, table_columns: int) -> None:
    """No raw HTML, no heading or mention injected, every table row keeps its columns (code
    spans show their text literally: left out of the HTML check)."""
    markdown_outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown)
    assert "<img" not in markdown_outside_code and "<b>" not in markdown_outside_code
    assert "<img" not in markdown
    assert "@octocat" not in markdown
    assert not any(line.startswith("## pwned") or line.startswith("# h")
                   for line in markdown.splitlines())
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) == table_columns, line


def test_md_escapes_every_special_character():
    from perftui.core.markdown import md

    out = md(EVIL_NAME)
    assert "\n" not in out and "<" not in out and ">" not in out
    assert re.search(r"(?<!\\)[|*_\[\]`]", out) is None
    assert "@\u200boctocat" in out
    assert md("# title") == "\\# title" and md("a\x1b]2;x\x07b") == "a \\]2;x b"
    assert md("a & b") == "a &amp; b" and md("\\") == "\\\\"


@pytest.mark.parametrize("value", ["main", "feat`x`", "`x", "a``b", "a\nb", ""])
def test_md_code_cannot_leave_its_code_span(value):
    from perftui.core.markdown import md_code

    out = md_code(value)
    assert "\n" not in out
    if value and "`" not in value and "\n" not in value:
        assert out == f"`{value}`"
    m = re.fullmatch(r"(`+)(.*)\1", out)
    if m:
        assert "`" * len(m.group(1)) not in m.group(2)


def test_check_markdown_is_contained():
    from perftui.core.check import render_markdown

    result = {
        "current": {"branch": EVIL_BRANCH, "commit": "abc`def0", "file": "r.json"},
        "baseline": {"commit": "0123456789"}, "baseline_branch": "ma`in", "threshold": 10.0,
        "fail_on": "critical", "passed": False, "notes": ["note <script> @team\n## x"],
        "metrics": [{"name": EVIL_NAME, "unit": "ms|<u>", "current": 2.0,
                     "baseline_median": 1.0, "change_percent": 100.0, "level": "critical",
                     "status": "regressed"}],
        "summary": {"improved": 0, "warning": 0, "error": 0, "critical": 1, "new": 0},
    }
    text = render_markdown(result)
    _assert_contained(text, 5)
    assert "<script>" not in text and "@team" not in text and "<u>" not in text
    assert "**Branch:** ``feat`x`&lt;b&gt; # h``" not in text   # not text-escaped in code
    assert "**Branch:** ``feat`x`<b> # h``" in text
    assert "`` ma`in ``" not in text and "``ma`in``" in text


def test_report_markdown_is_contained():
    from perftui.core.report import render_markdown

    data = {
        "scope": {"app": "shop <b>", "environment": "prod @ops"}, "days": 7.0,
        "period": {"first": "2026-01-01T00:00:00Z", "last": "2026-01-02T00:00:00Z",
                   "snapshots": 3, "cold_starts": 0, "failed": 0, "commits": 1,
                   "performance_index_mean": None},
        "metrics": [{"metric_id": "APP-001", "name": EVIL_NAME, "unit": "ms", "median": 1.0,
                     "p95": 1.0, "min": 1.0, "max": 1.0, "target": None, "trend": "stable",
                     "trend_percent": 0.0, "target_status": None, "alerts": {"error": 1}}],
        "open_alerts": {"error": 1},
    }
    text = render_markdown(data)
    _assert_contained(text, 9)
    assert "@ops" not in text and "shop &lt;b&gt;" in text


def test_compare_markdown_is_contained():
    from perftui.core.compare import render_markdown

    side = {"commit": "abc`1234ffff", "branch": EVIL_BRANCH, "snapshots": 2}
    data = {"a": side, "b": dict(side, branch=None), "threshold": 10.0,
            "scope": {"app": "shop|x", "environment": "prod"},
            "metrics": [{"name": EVIL_NAME, "unit": "ms", "median_a": 1.0, "median_b": 2.0,
                         "change_percent": 100.0, "status": "regressed"}],
            "summary": {"improved": 0, "unchanged": 0, "warning": 0, "regressed": 1}}
    text = render_markdown(data)
    _assert_contained(text, 5)
    assert "shop\\|x" in text and "``abc`1234``" in text
