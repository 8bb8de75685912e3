"""The terminal UI (Textual): status, trends, alert triage and target editing over a store.

    perftui                    # or: perftui tui, perftui demo
    from perftui.tui.app import PerftuiApp, run

Importing this package is cheap; Textual loads with `perftui.tui.app`.
"""
