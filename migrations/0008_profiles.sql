-- Schema version 8: profiles beside alerts. When a regression alert opens on an operation the
-- recorder times, the host app's next run of that operation is profiled (cProfile) and the
-- profile is kept here with the alert; now and then a healthy run of each operation is
-- profiled too (kind 'baseline'), so an alert's profile can be compared with one from before
-- it. `data` is the profile itself, bounded in size, as zlib-compressed JSON
-- (perftui.store.profiles documents the format). Alerts are never pruned, and a metric keeps
-- only its latest few baseline profiles, so this table stays small.

CREATE TABLE profiles (
    id          INTEGER PRIMARY KEY,
    metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    app         TEXT    NOT NULL,
    environment TEXT    NOT NULL,
    operation   TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('regression', 'baseline')),
    alert_id    INTEGER REFERENCES alerts (id) ON DELETE CASCADE,  -- NULL for a baseline
    snapshot_id INTEGER,          -- the run it was taken in (plain number: retention may drop it)
    captured_at TEXT    NOT NULL,
    duration_ms REAL    NOT NULL, -- the profiled call, timed under the profiler
    functions   INTEGER NOT NULL, -- functions kept in `data`
    raw_bytes   INTEGER NOT NULL, -- `data` before compression
    data        BLOB    NOT NULL
);
CREATE INDEX profiles_alert ON profiles (alert_id);
CREATE INDEX profiles_metric ON profiles (app, environment, metric_id, kind, captured_at);
