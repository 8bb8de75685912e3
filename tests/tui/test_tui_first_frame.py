"""The first frame comes first: what it does not show waits until it is drawn
(PerftuiApp.after_first_frame), and then everything is there as before."""

from __future__ import annotations

import gc


class TestFirstFrame:
    async def test_deferred_work_runs_after_the_first_frame(self, store, h):
        app = h.make_app(store)
        order = []
        app.after_first_frame(lambda: order.append(("deferred", app.first_frame_shown)))
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: order)
            assert order == [("deferred", True)]
            app.after_first_frame(lambda: order.append(("later", True)))   # already shown
            assert await h.settle(pilot, lambda: len(order) == 2)

    async def test_footer_keys_cards_and_machine_panel_follow(self, store, h):
        from textual.widgets._footer import FooterKey

        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            def keys():
                return [k.description for k in app.screen.query(FooterKey)]

            assert await h.settle(pilot, lambda: "Trend" in keys()
                                  and "cpu" in str(app.screen.query_one("#machine").render()))
            assert "Help" in keys() and "Quit" in keys()
            assert app.screen.focused is app.screen.query("MetricCard").first()
            assert not app.screen.query("FooterStandIn")   # the real footer took its place

    async def test_the_first_frame_has_an_empty_footer_bar_then_the_keys(self, store, h):
        app = h.make_app(store)
        seen = {}
        done = app._first_frame_done

        def first_frame_done():
            seen.setdefault("text", h.screen_text(app))
            done()

        app._first_frame_done = first_frame_done
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: "text" in seen)
            assert await h.settle(pilot, lambda: "Quit" in h.screen_text(app).splitlines()[-1])
        first = seen["text"].splitlines()
        assert len(first) == h.SIZE[1] and first[-1].strip() == ""   # the stand-in: a bare bar

    async def test_footer_rebuilds_once_for_a_burst_of_binding_changes(self, store, h):
        from perftui.tui.widgets.footer import KeysFooter

        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            footer = app.screen.query_one(KeysFooter)
            assert await h.settle(pilot, lambda: not footer._recompose_pending and
                                  footer.children)
            scheduled = []
            footer.call_after_refresh = lambda callback: scheduled.append(callback)
            footer.call_later(lambda: [footer.bindings_changed(app.screen) for _ in range(3)])
            assert await h.settle(pilot, lambda: scheduled)
            await pilot.pause(0.1)
            assert scheduled == [footer.recompose]   # three changes, one rebuild

    def test_cli_leaves_the_cycle_collector_on(self, store, monkeypatch):
        import argparse

        from perftui.cli.cmd_tui import run_tui
        from perftui.tui import app as tui_app

        seen = {}
        monkeypatch.setattr(tui_app, "run", lambda **kw: seen.setdefault("gc", gc.isenabled())
                            and 0)
        run_tui(argparse.Namespace(db=str(store), app=None, env=None, read_only=True))
        assert seen["gc"] is False          # off while the UI starts
        assert gc.isenabled()               # on again, whatever run() did
