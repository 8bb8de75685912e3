"""Issue 13's done-when, end to end in the TUI: a host app's operation regresses through one
slow function, the recorder profiles it in fresh processes, and the alert details name that
function first in what grew since the baseline."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A store made only by the recorder in host processes: a baseline profile, the alert, its
    profile (the steps of tests/recorder/test_profiling.py)."""
    import os

    from tests.recorder.test_profiling import run_host, seed_history

    base = tmp_path_factory.mktemp("recorded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERFTUI_")}
    env.update(HOME=str(base / "home"), XDG_DATA_HOME=str(base / "home" / "data"))
    from perftui.recorder.context import CI_VARIABLES

    for name in CI_VARIABLES:        # profiling is off on CI runners unless asked
        env.pop(name, None)
    store = base / "store.db"
    first = [run_host(env, store) for _ in range(2)]
    seed_history(store, min(run["value"] for run in first))
    run_host(env, store)             # judged normal: a baseline profile is due
    run_host(env, store)             # takes it
    alert = None
    for _ in range(6):
        slow = run_host(env, store, HOST_SLOW="1")
        if alert is not None:        # this run profiled the call the alert asked for
            break
        opened = [a for a in slow["alerts"] if a[2] and a[3] == "VAL-001"
                  and a[0] in ("regression", "change_point", "trend")]
        if opened:
            alert = opened[0][1]
    assert alert is not None
    return store, alert


class TestRecordedProfile:
    """What the recorder captured is what the alert details show."""

    async def test_the_slow_function_is_first_in_the_alert_details(self, recorded, h):
        from perftui.tui.screens.alert_detail import AlertDetailScreen

        store, alert = recorded
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: app.screen is not None)
            await app.push_screen(AlertDetailScreen(alert))
            assert await h.settle(pilot, lambda: getattr(app.screen, "alert", None) is not None
                                  and app.screen.query_one("#detail-profile").mode != "loading")
            table = app.screen.query_one("#detail-profile")
            assert table.mode == "diff"
            assert table.diff_rows[0]["name"] == "slow_part"
            await pilot.press("p")
            await pilot.pause(0.1)
            lines = h.screen_text(app).splitlines()
            header = next(i for i, line in enumerate(lines) if "grew most since" in line)
            assert lines[header + 2].strip().startswith("slow_part (")
