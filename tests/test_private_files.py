"""perftui._atomic: private files replaced whole (profile plan, CSS and code caches), read only
while private, and what a writer killed mid-write left behind cleared by the next write."""

from __future__ import annotations

import os
import stat
import time

from perftui._atomic import STALE_S, read_private, replace_private


def test_written_owner_only_and_read_back(tmp_path):
    os.chmod(tmp_path, 0o700)
    path = tmp_path / "state.bin"
    replace_private(path, b"one")
    replace_private(path, b"two")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_private(path, 100) == b"two"
    assert sorted(os.listdir(tmp_path)) == ["state.bin"]


def test_not_read_when_others_may_write_it_or_it_is_a_link_or_too_big(tmp_path):
    os.chmod(tmp_path, 0o700)
    path = tmp_path / "state.bin"
    replace_private(path, b"x" * 10)
    assert read_private(path, 9) is None                  # bigger than the caller allows
    link = tmp_path / "link.bin"
    os.symlink(path, link)
    assert read_private(link, 100) is None                 # never through a link
    os.chmod(path, 0o620)
    assert read_private(path, 100) is None                 # the group may write it
    os.chmod(path, 0o600)
    os.chmod(tmp_path, 0o777)
    assert read_private(path, 100) is None                 # anyone may replace it
    assert read_private(tmp_path / "missing", 100) is None


def test_a_killed_writers_leftovers_go_with_the_next_write(tmp_path):
    os.chmod(tmp_path, 0o700)
    path = tmp_path / "css-rules.pickle"
    old = tmp_path / "css-rules.pickle.4242.tmp"          # a TUI killed while saving
    young = tmp_path / "css-rules.pickle.4343.tmp"        # someone writing right now
    other = tmp_path / "notes.4242.tmp"                   # not ours to judge
    for leftover in (old, young, other):
        leftover.write_bytes(b"half")
    past = time.time() - STALE_S - 60
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    replace_private(path, b"rules")
    assert sorted(os.listdir(tmp_path)) == ["css-rules.pickle", "css-rules.pickle.4343.tmp",
                                            "notes.4242.tmp"]
