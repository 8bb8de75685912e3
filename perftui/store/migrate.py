"""Numbered migrations, for both engines: which exist, which a store has, applying the rest.

The SQL lives in `migrations/` (shipped in the wheel as `perftui/_migrations`): the SQLite files at
its top level, the PostgreSQL ones in `migrations/postgresql/`, the same numbers and names in
both (a test compares the two migrated schemas). Every pending migration runs in one write
transaction, recorded in `schema_migrations`; on PostgreSQL an advisory lock makes processes that
open a fresh database at the same moment take turns. A brand-new store is seeded with the
default catalog in the same transaction, so nobody ever sees a store without its metrics.
"""

from __future__ import annotations

import os

from perftui.store.engine import Database
from perftui.timefmt import now_iso


def migrations_dir(engine: str = "sqlite") -> str:
    """The migrations of `engine` shipped in the wheel, else the repository's folder."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    packaged = os.path.join(here, "_migrations")
    base = packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(here),
                                                                 "migrations")
    return base if engine == "sqlite" else os.path.join(base, engine)


def available_migrations(engine: str = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, path) of every numbered migration file of `engine`, in order."""
    folder = os.fspath(migrations_dir(engine))
    found = []
    for filename in sorted(os.listdir(folder)):
        # NNNN_name.sql, parsed by hand: no regex to compile inside a host app's start-up
        number, _, rest = filename.partition("_")
        if len(number) == 4 and number.isdigit() and rest.endswith(".sql") and rest[:-4]:
            found.append((int(number), rest[:-4], os.path.join(folder, filename)))
    return found


def latest_version(engine: str = "sqlite") -> int:
    migrations = available_migrations(engine)
    return migrations[-1][0] if migrations else 0


def check_schema(db: Database, where: str, *, version: int, readonly: bool,
                 migrate: bool) -> None:
    """Refuse a store this perftui cannot use; bring an older one up to date."""
    latest = latest_version(db.dialect.name)
    if version < 0:
        raise _error("StoreNotAStore", f"{where} is a database but not a perftui store")
    if version > latest:
        raise _error("StoreTooNew",
                     f"{where} has schema version {version}, newer than this perftui "
                     f"understands ({latest}); upgrade perftui")
    if version < latest:
        if readonly or not migrate:
            raise _error("StoreTooNew",
                         f"{where} has schema version {version} and needs upgrading to "
                         f"{latest}; open it once without --read-only")
        apply_migrations(db)


def apply_migrations(db: Database, upto: int | None = None) -> list[int]:
    """Apply every pending migration; returns the versions applied. On any failure the store is
    left exactly as it was."""
    applied: list[int] = []
    engine = db.dialect.name
    with db.transaction():
        if db.dialect.migration_lock:
            db.execute(db.dialect.migration_lock)
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        start = db.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations")
        for version, name, file in available_migrations(engine):
            if version <= start or (upto is not None and version > upto):
                continue
            for statement in statements(_read_text(file)):
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)",
                       (version, name, now_iso()))
            applied.append(version)
        if start == 0 and applied and (upto is None or upto >= latest_version(engine)):
            _seed_catalog(db)
    return applied


TABLES = ("profiles", "notify_deliveries", "notify", "hourly_rollups", "hourly_runs", "measurements",
          "alerts", "daily_aggregates", "target_changes", "baseline_resets", "snapshots",
          "metrics", "store_meta", "schema_migrations")


def drop_tables(db: Database) -> None:
    """Remove every perftui table (the demo generator recreating its own store on a server)."""
    with db.transaction():
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")


def statements(sql: str) -> list[str]:
    """Split a migration file into statements at the `;` that ends a line outside a string
    literal or comment (the migrations are plain DDL and DML: no procedural blocks)."""
    out, buffer, quoted = [], [], False
    for line in sql.splitlines():
        code = line if quoted else line.split("--", 1)[0]
        quoted ^= code.count("'") % 2 == 1
        buffer.append(line)
        if not quoted and code.rstrip().endswith(";"):
            text = "\n".join(buffer).strip()
            if any(ln.strip() and not ln.strip().startswith("--") for ln in buffer):
                out.append(text)
            buffer = []
    if any(ln.strip() and not ln.strip().startswith("--") for ln in buffer):
        raise ValueError(f"incomplete SQL statement at the end of a migration: "
                         f"{' '.join(buffer)[:60]!r}")
    return out


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _seed_catalog(db: Database) -> None:
    from perftui.store.catalog import default_catalog
    from perftui.store.meta import meta_set
    from perftui.store.metrics import insert_catalog_rows

    metrics, flags = default_catalog()
    insert_catalog_rows(db, metrics, "catalog")
    import json   # only when a store is seeded

    meta_set(db, "flag_rules", json.dumps(flags))


def _error(kind: str, message: str):
    """The perftui.errors class `kind` with `message`, imported only when something fails (the
    error classes cost a host application's start-up a few hundred microseconds)."""
    from perftui import errors

    return getattr(errors, kind)(message)
