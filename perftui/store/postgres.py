"""Opening a PostgreSQL store (a team's shared history), selected by a `postgresql://` URL.

The driver is psycopg 3 (`pip install 'perftui[postgres]'`), used directly: the recorder opens
stores inside host applications and must not import peewee, and psycopg takes the URL as it is.
Connecting is bounded by a timeout (`connect_timeout`, default 2 s) so a host app never waits on
a server that is down; the failure is `StoreUnreachable`, and the recorder spools the run.

The same store queries run here as on SQLite: `PostgresDialect` turns the `?` and `:name`
placeholders into psycopg's, and supplies the few engine-specific pieces (see
`perftui.store.engine.Dialect`). Writers announce each commit with `NOTIFY perftui`, which is how
a TUI pointed at the team store notices other people's runs and acknowledgements.
"""

from __future__ import annotations

from perftui.store.engine import Database, Dialect

CHANNEL = "perftui"
CONNECT_TIMEOUT_S = 2


def mask(url: str) -> str:
    """The URL with its password replaced by ***, for every message, log line and title."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    auth, at, host = rest.rpartition("@")
    if not at or ":" not in auth:
        return url
    user = auth.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def _driver():
    try:
        import psycopg
    except ImportError:
        from perftui.errors import UsageError

        raise UsageError("a postgresql:// store needs the PostgreSQL driver: "
                         "pip install 'perftui[postgres]'") from None
    return psycopg


class _Connection:
    """psycopg's connection, shaped like the sqlite3 one the Database drives."""

    __slots__ = ("raw", "notified")

    def __init__(self, raw):
        self.raw = raw
        self.notified = 0

    def execute(self, sql: str, params=()):
        return self.raw.execute(sql, params or None)

    def executemany(self, sql: str, rows) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(sql, list(rows))

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class PostgresDialect(Dialect):
    name = "postgresql"
    begin_write = "BEGIN"
    # processes opening a fresh database at once take turns creating it
    migration_lock = "SELECT pg_advisory_xact_lock(7274706572667475)"
    cross_join = "JOIN"

    def __init__(self):
        psycopg = _driver()
        self.operational = (psycopg.Error,)
        self.bugs = (psycopg.IntegrityError, psycopg.InterfaceError)
        self.integrity = psycopg.IntegrityError
        self._converted: dict[str, str] = {}

    def indexed(self, index: str) -> str:
        return ""  # the planner needs no hints here

    def epoch(self, column: str) -> str:
        # the stored text ends in Z (UTC); double precision, as SQLite's julianday arithmetic
        return f"CAST(extract(epoch FROM CAST({column} AS timestamptz)) AS double precision)"

    def temp_index(self, name: str) -> str:
        return name

    def before_commit(self, db: Database) -> None:
        db.conn.execute(f"NOTIFY {CHANNEL}")

    def after_explicit_ids(self, db: Database, table: str) -> None:
        db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                   f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")

    def lock_for_bulk(self, db: Database) -> None:
        # ids are assigned by the importer: no recorder may take one meanwhile (they wait, up
        # to their timeout, then spool)
        db.execute("LOCK TABLE snapshots IN EXCLUSIVE MODE")

    def change_token(self, db: Database) -> int:
        conn = db.conn
        if conn.notified == 0:
            conn.raw.execute(f"LISTEN {CHANNEL}")
            conn.notified = 1
        for _ in conn.raw.notifies(timeout=0):
            conn.notified += 1
        return conn.notified

    def sql(self, text: str) -> str:
        """`?` -> `%s`, `:name` -> `%(name)s`, a literal `%` -> `%%` (outside quotes)."""
        done = self._converted.get(text)
        if done is None:
            done = self._converted[text] = _placeholders(text)
        return done


def _placeholders(text: str) -> str:
    out, quoted, i, n = [], False, 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            quoted = not quoted
            out.append(c)
        elif quoted:
            out.append("%%" if c == "%" else c)
        elif c == "?":
            out.append("%s")
        elif c == "%":
            out.append("%%")
        elif c == ":" and i + 1 < n and (text[i + 1].isalpha() or text[i + 1] == "_") \
                and (i == 0 or text[i - 1] != ":"):
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(f"%({text[i + 1:j]})s")
            i = j
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def current_version(db: Database) -> int:
    """Schema version of a PostgreSQL store; 0 for an empty database, -1 for some other one."""
    tables = {r[0] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE'")}
    if "schema_migrations" not in tables:
        return -1 if tables else 0
    return db.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations")


def connect(url: str, *, create: bool = True, readonly: bool = False, migrate: bool = True,
            busy_timeout_ms: int | None = None, statement_timeout_ms: int | None = None
            ) -> Database:
    """Open (and by default migrate) the PostgreSQL store at `url`. The database itself must
    exist (creating databases is the server owner's business); its tables are created here.

    Connecting gives up after CONNECT_TIMEOUT_S; a statement waiting for another writer's lock
    after `busy_timeout_ms` (as SQLite's busy timeout); any statement after
    `statement_timeout_ms` when given (the recorder's bound on a slow server)."""
    psycopg = _driver()
    shown = mask(url)
    if busy_timeout_ms is None:
        from perftui.store.sqlite import default_busy_timeout_ms

        busy_timeout_ms = default_busy_timeout_ms()
    seconds = CONNECT_TIMEOUT_S
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=seconds,
                              application_name="perftui")
    except psycopg.Error as exc:
        from perftui.store.errors import classify

        raise classify(exc, shown) from None
    db = Database(_Connection(raw), shown, readonly=readonly, dialect=PostgresDialect())
    try:
        if readonly:
            db.execute("SET default_transaction_read_only = on")
        db.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        if statement_timeout_ms is not None:
            db.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
        from perftui.store.migrate import check_schema

        version = current_version(db)
        if version == 0 and not create:
            from perftui.errors import StoreMissing

            raise StoreMissing(f"no perftui store in {shown} yet (record a snapshot first, or "
                               "`perftui push --to` one)")
        check_schema(db, shown, version=version, readonly=readonly, migrate=migrate)
    except BaseException:
        db.close()
        raise
    return db
