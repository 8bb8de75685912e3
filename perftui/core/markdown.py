"""The one escaper for text put into the markdown the commands write (the PR comment of
`check --markdown`, `report --format markdown`, `compare --format markdown`).

Names, branches, units and notes come from users and benchmark tools; in a PR comment they must
stay text: no breaking out of a table row (`|`, a newline), no raw HTML (`<img onerror=…>`), no
headings, emphasis or links, no `@mentions` pinging people, no leaving a code span.
"""

from __future__ import annotations

import re

# C0 controls (newline and tab too: a cell is one line), DEL and C1 controls -> a space.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPECIAL = {"\\": "\\\\", "|": "\\|", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[",
            "]": "\\]", "~": "\\~", "&": "&amp;", "<": "&lt;", ">": "&gt;",
            "@": "@\u200b"}   # a zero-width space after `@`: no mention, no notification
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))


def md(value) -> str:
    """`value` as literal text in a markdown table cell or line: one line, every markdown and
    HTML special character escaped, `@mentions` neutralised."""
    text = _CONTROLS.sub(" ", str(value))
    text = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], text)
    if text.lstrip().startswith("#"):   # no heading where the value starts a line
        i = len(text) - len(text.lstrip())
        text = text[:i] + "\\" + text[i:]
    return text


def md_code(value) -> str:
    """`value` as an inline code span that it cannot leave: one line, fenced by more backticks
    than its longest run of backticks, padded with spaces when it starts or ends with one (a code span shows no HTML, links or
    mentions). A value with a `|` (in a table) or nothing printable is given as `md` text."""
    text = _CONTROLS.sub(" ", str(value)).strip()
    if not text or "|" in text:
        return md(text)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
