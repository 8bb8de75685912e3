"""perftui tui: open the terminal UI (also what `perftui` with no command does)."""

from __future__ import annotations


def add_parser(sub) -> None:
    from perftui.cli.common import command_parser   # not on `perftui`'s own path to the TUI

    p = command_parser(
        sub, "tui", help="open the terminal UI (the default with no command)",
        description="Open the keyboard-driven terminal UI over the store: status (1), trends (2), "
                    "alerts (3), targets (4); ? for help, ctrl+p for the command palette.",
        examples=["perftui", "perftui --db /srv/app/perftui.db --read-only tui"])
    p.set_defaults(func=run_tui)


def run_tui(args) -> int:
    import gc

    from perftui import _codecache

    # the ~300 modules the UI loads before its first frame (Textual, Rich, perftui) come from
    # one file of the user's cache when an earlier start left it (see perftui._codecache)
    _codecache.install("tui")
    # no cycle collection until the first frame is drawn: start-up allocates many long-lived
    # objects (modules, widgets, styles), and collecting among them only delays that frame;
    # `run` enables it again right after
    gc.disable()
    try:
        from perftui.tui.data import StoreSource

        # the status screen's data is read while Textual is imported (the longest part of the
        # start), so it is on screen in the first frame
        source = StoreSource(args.db, read_only=bool(getattr(args, "read_only", False)))
        source.start_early_status(args.app, args.env)
        from perftui.tui.app import run

        _codecache.mark()
        code = run(source=source, app=args.app, environment=args.env)
    finally:
        gc.enable()
    _codecache.save()   # after the UI is gone: what it loaded, for the next start (once)
    return code
