"""The only code that knows the schema: opening a store, migrations, and every query.

Decisions (issue "One way into the store"):

- **SQL text, through one connection type.** Every query lives once in this package, as SQL
  text with `?` placeholders, in a function that takes an explicit `Database`
  (`perftui.store.engine`) and returns plain tuples and dicts. There is no global connection.
  We chose SQL text over peewee's query builder because it was measured: the status screen's
  reads cost 17–31 ms through the builder and 2.3 ms as plain SQL, and the recorder, which
  writes inside host applications' start-up, must not import peewee at all (8–53 ms).
- **peewee stays the schema's description.** `perftui.store.models` declares every table; a test
  checks the models against the migrated tables, so the two cannot drift. (For PostgreSQL,
  peewee's database class is what turns a `postgresql://` URL into a connection.)
- **One dialect seam.** The engine-specific fragments (how a write transaction begins, index
  hints, epoch seconds, the change counter) are methods of `engine.Dialect`; everything else
  uses the portable forms (`ON CONFLICT … DO UPDATE/NOTHING`, `RETURNING`). SQLite-only
  statements that have no portable form (PRAGMA, `sqlite_master`) stay in `sqlite.py`.
- **One transaction helper**, `Database.transaction()`, serves every writer; nested use joins
  the outer transaction.
- **Failures are classified here**, where a store is opened and where a statement or a
  transaction ends (`errors.classify`), into `perftui.errors.StoreError` subclasses.

Modules: `engine` (Database, Dialect), `sqlite` (open, pragmas, migrations), `db` (open by
location), `metrics`, `snapshots`, `alerts`, `targets`, `meta` (the tables), `bulk` (imports and
export), `series` (trend charts), `reports` (aggregates), `retention`, `catalog` (catalog files),
`models` (peewee schema description), `location` (where the default store lives).
"""
