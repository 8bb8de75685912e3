-- perftui store, schema version 1: the tables of DESIGN.md "Data model".
-- Values are stored long (one row per snapshot and metric), so a new metric never changes the schema.
-- Timestamps are ISO-8601 UTC text ("2026-01-31T12:00:00.000000Z"), which sorts chronologically.

CREATE TABLE metrics (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL UNIQUE,              -- "APP-001" or any slug
    key          TEXT    UNIQUE,                       -- alias used in code, "startup_time_ms"
    name         TEXT    NOT NULL,
    unit         TEXT    NOT NULL DEFAULT '',
    direction    TEXT    NOT NULL DEFAULT 'lower' CHECK (direction IN ('lower', 'higher')),
    target       REAL,
    warning      REAL,
    error        REAL,
    description  TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    operation    TEXT,                                 -- recorder operation that feeds it ("app_startup")
    updated_at   TEXT    NOT NULL,
    updated_by   TEXT
);

CREATE TABLE snapshots (
    id                INTEGER PRIMARY KEY,
    recorded_at       TEXT    NOT NULL,
    app               TEXT    NOT NULL DEFAULT 'default',
    environment       TEXT    NOT NULL DEFAULT 'local',
    host              TEXT,
    session_id        TEXT,                            -- hashed, never the raw id
    git_commit        TEXT,
    git_branch        TEXT,
    app_version       TEXT,
    python_version    TEXT,
    platform          TEXT,
    cpu_count         INTEGER,
    total_memory_mb   INTEGER,
    is_cold_start     INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed')),
    performance_index REAL,
    regression_score  REAL,
    flags             TEXT,                            -- JSON list of known-issue flags
    operations        TEXT,                            -- JSON: operation breakdown
    cache_stats       TEXT,                            -- JSON
    errors            TEXT,                            -- JSON: operations that failed and the exception type
    notes             TEXT
);
CREATE INDEX snapshots_scope_time ON snapshots (app, environment, recorded_at);
CREATE INDEX snapshots_warm_scope_time ON snapshots (app, environment, recorded_at)
    WHERE is_cold_start = 0 AND status = 'ok';
CREATE INDEX snapshots_time ON snapshots (recorded_at);
CREATE INDEX snapshots_commit ON snapshots (git_commit);

CREATE TABLE measurements (
    metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    value       REAL    NOT NULL,
    PRIMARY KEY (metric_id, snapshot_id)
) WITHOUT ROWID;
CREATE INDEX measurements_snapshot ON measurements (snapshot_id);

CREATE TABLE alerts (
    id                   INTEGER PRIMARY KEY,
    snapshot_id          INTEGER REFERENCES snapshots (id) ON DELETE SET NULL,
    baseline_snapshot_id INTEGER REFERENCES snapshots (id) ON DELETE SET NULL,
    metric_id            INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    app                  TEXT    NOT NULL,
    environment          TEXT    NOT NULL,
    alert_type           TEXT    NOT NULL,             -- threshold, regression, trend, change_point, anomaly
    severity             TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    current_value        REAL    NOT NULL,
    expected_value       REAL,
    deviation_percent    REAL,
    message              TEXT    NOT NULL DEFAULT '',
    triggered_at         TEXT    NOT NULL,
    last_seen_at         TEXT    NOT NULL,
    occurrences          INTEGER NOT NULL DEFAULT 1,
    normal_streak        INTEGER NOT NULL DEFAULT 0,  -- normal runs since last seen; resolves at K
    status               TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    acknowledged_by      TEXT,
    acknowledged_at      TEXT,
    resolution_notes     TEXT,
    resolved_at          TEXT,
    context              TEXT                          -- JSON: baseline statistics, z, slope...
);
CREATE INDEX alerts_open_scope ON alerts (metric_id, app, environment, status);
CREATE INDEX alerts_status_severity ON alerts (status, severity);
CREATE INDEX alerts_triggered ON alerts (triggered_at);

CREATE TABLE daily_aggregates (
    day         TEXT    NOT NULL,                      -- YYYY-MM-DD (UTC)
    app         TEXT    NOT NULL,
    environment TEXT    NOT NULL,
    metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    count       INTEGER NOT NULL,
    mean        REAL    NOT NULL,
    median      REAL    NOT NULL,
    min         REAL    NOT NULL,
    max         REAL    NOT NULL,
    p95         REAL    NOT NULL,
    PRIMARY KEY (day, app, environment, metric_id)
) WITHOUT ROWID;

CREATE TABLE target_changes (
    id         INTEGER PRIMARY KEY,
    metric_id  INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    field      TEXT    NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    changed_by TEXT,
    changed_at TEXT    NOT NULL,
    reason     TEXT
);
CREATE INDEX target_changes_metric ON target_changes (metric_id, changed_at);
