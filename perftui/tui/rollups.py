"""The hourly rollups, built in the background for the screens that read them (trends, the
heatmap).

A chart or a map folds at most `perftui.core.trends.ROLLUP_REFRESH_LIMIT` new runs into the
store's hourly rollups before it draws; a store further behind (recorders never fold, and nobody
charted or reported it for a long while) is read run by run until they are built. So when a
screen finds it so, they are built once a session on a daemon thread of their own (quitting does
not wait for a fold of a million runs; what it committed stays, and the next build goes on from
there), with a notice when it starts and how it ended; the screens reload once when it is done
(`PerftuiApp.on_store_changed` ignores the build's own commits meanwhile).
"""

from __future__ import annotations

import threading

from perftui.tui.messages import StoreChanged


def build_if_behind(app, source) -> None:
    """From a screen's worker thread, after a load: start the build when the rollups are more
    than a chart folds behind and this session has not tried yet."""
    from perftui.core.trends import ROLLUP_REFRESH_LIMIT

    building = app.rollups_building
    if app.rollups_tried or not building.acquire(blocking=False):
        return   # done, failed or under way
    try:
        behind = source.rollups_pending()
    except Exception:  # noqa: BLE001 - only a chance to speed charts up; nothing to report
        behind = 0
    if behind <= ROLLUP_REFRESH_LIMIT:
        building.release()
        return
    app.rollups_tried = True
    try:
        threading.Thread(target=build, args=(app, source, behind), name="perftui-rollups",
                         daemon=True).start()
    except Exception:  # noqa: BLE001 - no thread: the screens read runs as before
        building.release()


def build(app, source, behind: int) -> None:
    """Build them, saying when it starts and how it ended; the visible screen reloads from
    them when they are built."""
    from perftui.tui.screens.base import describe_failure

    def tell(text: str, **options) -> None:
        try:
            app.call_from_thread(app.notify, text, title="Rollups", **options)
        except Exception:  # noqa: BLE001 - the app is gone
            pass

    built, failure = False, None
    try:
        tell(f"Summarising {behind:,} runs into hourly rollups in the background; long charts "
             "and maps read them once they are built.", timeout=8)
        built = source.build_rollups()
    except Exception as exc:  # noqa: BLE001 - reported below, never as a store error
        failure = describe_failure(exc, True)[1]
    finally:
        app.rollups_building.release()
    if built:
        tell("Hourly rollups built: a chart of any length now costs its hours, not its runs.",
             timeout=6)
        app.post_message(StoreChanged())
    else:
        tell(f"Hourly rollups not built ({failure or 'the store is busy or not yours to write'})"
             ": long charts are read run by run.", severity="warning", timeout=8)
