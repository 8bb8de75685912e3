"""The only code that knows the schema: connection, migrations, models, catalog seeding.

Two ways in, over the same file:
- `perftui.store.sqlite` (stdlib sqlite3): opening, migrating and the recorder's write path,
  cheap enough to import inside a host application's start-up;
- `perftui.store.models` / `perftui.store.db` (peewee): queries and edits for the CLI and TUI.
"""
