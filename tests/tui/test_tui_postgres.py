"""The TUI pointed at a team store on PostgreSQL: the same screens, acknowledgements that land
in the shared store, and live refresh when someone else records a run."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest


@pytest.fixture(scope="module")
def team_template(pg_server):
    from tests.tui.conftest import build_store

    return build_store(pg_server.new_database())


@pytest.fixture
def team(pg_server, team_template):
    """A private copy of the team store (CREATE DATABASE … TEMPLATE)."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{team_template.rsplit("/", 1)[1]}"')
    return pg_server.url.rsplit("/", 1)[0] + f"/{name}"


def team_query(url: str, sql: str, params=()):
    from perftui.store.db import open_store

    with open_store(url) as db:
        return db.execute(sql, params).fetchall()


def startup(app):
    cards = {c.metric_id: c for c in app.screen.query("MetricCard")}
    card = cards.get("APP-001")
    return card.metric["value"] if card is not None else None


class TestTeamStore:
    """Status, acknowledging and live refresh over PostgreSQL."""

    async def test_status_shows_the_team_store(self, team, h):
        app = h.make_app(team)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: startup(app) is not None)
            assert startup(app) > 600
            assert "#68" in str(app.screen.query_one("#latest-run").render())

    async def test_an_acknowledgement_lands_in_the_team_store(self, team, h):
        app = h.make_app(team)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.press("3")
            assert await h.settle(pilot, lambda: app.current_mode == "alerts"
                                  and app.screen.query_one("#alerts-table").row_count == 3)
            screen = app.screen
            alert_id = screen.alerts[0]["id"]
            await pilot.press("a")
            assert await h.settle(pilot, lambda: app.screen.id == "ack-dialog")
            await pilot.press(*"rollback queued", "enter")
            assert await h.settle(pilot, lambda: app.screen is screen
                                  and screen.alerts[0]["status"] == "acknowledged")
        assert team_query(team, "SELECT status, resolution_notes FROM alerts WHERE id = ?",
                          (alert_id,)) == [("acknowledged", "rollback queued")]

    async def test_a_run_recorded_elsewhere_appears(self, team, h):
        app = h.make_app(team, live=True, poll=0.1)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: startup(app) is not None and app.watcher.ready)

            def elsewhere():
                from perftui.store.db import open_store

                with open_store(team) as conn:
                    h.record(conn, h.NOW - timedelta(minutes=1), {"startup_time_ms": 123.0})

            thread = threading.Thread(target=elsewhere)
            thread.start()
            thread.join()
            assert await h.settle(pilot, lambda: startup(app) == 123.0, timeout=3.0)
