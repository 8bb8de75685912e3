"""The parsed-CSS cache (perftui.tui.css): a start that finds the rules an earlier one parsed uses
them and draws exactly the same screen; anything odd about the file means parsing as usual."""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from perftui.tui.css import ParsedCSSCache, read_entries


async def _run(h, store, directory, parsed: list):
    """Start the app with the cache in `directory`; record what was parsed for real."""
    app = h.make_app(store)
    app.use_css_cache(directory)
    cache = app.css_cache
    parse = cache._parse

    def counting(css, read_from, *args):
        parsed.append(read_from)
        return parse(css, read_from, *args)

    cache._parse = counting
    async with app.run_test(size=h.SIZE) as pilot:
        # everything the start draws, the keys bar included: it replaces its stand-in after
        # the first frame, later on a busy machine
        assert await h.settle(pilot, lambda: app.first_frame_shown and app.screen.query(
            "MetricCard") and "cpu" in str(app.screen.query_one("#machine").render())
            and "Quit" in h.screen_text(app).splitlines()[-1])
        await pilot.pause(0.1)
        text = h.screen_text(app)
        # (sorted: the order sources are added in follows the order widgets mount, which
        # varies with timing from one run to the next, cache or not)
        rules = sorted(repr((rule.selectors, rule.is_default_rules, rule.tie_breaker,
                             sorted((name, repr(value))
                                    for name, value in rule.styles.get_rules().items())))
                       for rule in app.stylesheet.rules)
    return cache, text, rules


class TestParsedCSSCache:
    async def test_second_start_parses_nothing_and_draws_the_same(self, store, h, tmp_path):
        first: list = []
        cache, text, rules = await _run(h, store, tmp_path / "cache", first)
        assert any("app.tcss" in str(where) for where in first)
        path = tmp_path / "cache" / "css-rules.pickle"
        assert path.is_file()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700

        second: list = []
        cache2, text2, rules2 = await _run(h, store, tmp_path / "cache", second)
        assert second == []                    # every source came from the file
        assert text2 == text and rules2 == rules

    async def test_a_file_others_can_write_is_ignored(self, store, h, tmp_path):
        directory = tmp_path / "cache"
        await _run(h, store, directory, [])
        path = directory / "css-rules.pickle"
        os.chmod(path, 0o622)
        parsed: list = []
        await _run(h, store, directory, parsed)
        assert any("app.tcss" in str(where) for where in parsed)

    async def test_a_corrupt_file_is_only_a_miss(self, store, h, tmp_path):
        directory = tmp_path / "cache"
        directory.mkdir(mode=0o700)
        (directory / "css-rules.pickle").write_bytes(b"not a pickle")
        os.chmod(directory / "css-rules.pickle", 0o600)
        parsed: list = []
        _, text, _ = await _run(h, store, directory, parsed)
        assert parsed and "Status" in text
        assert read_entries(directory / "css-rules.pickle", _identity(directory))  # rewritten

    def test_stored_entries_never_construct_foreign_objects(self, tmp_path):
        from perftui.tui.css import _loads_rules

        class Evil:
            def __reduce__(self):
                return (os.system, ("true",))

        with pytest.raises(pickle.UnpicklingError):
            _loads_rules(pickle.dumps(Evil()))

    async def test_off_with_the_environment_variable(self, store, h, monkeypatch, tmp_path):
        monkeypatch.setenv("PERFTUI_CSS_CACHE", "0")
        app = h.make_app(store)
        app.use_css_cache(tmp_path / "cache")
        assert app.css_cache is None


def _identity(directory):
    from perftui.tui.app import PerftuiApp

    app = PerftuiApp(live=False)
    return ParsedCSSCache(app.stylesheet, directory)._identity()
