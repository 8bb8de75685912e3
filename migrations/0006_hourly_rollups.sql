-- Schema version 6: hourly rollups, so reports and long trends cost what their number of hours
-- costs, not what their number of runs costs.
-- They are a cache of the raw runs, kept by the readers (`perftui.store.rollups.refresh`): the
-- hours touched by snapshots newer than store_meta 'rollup_watermark' are recomputed from the
-- raw runs, whole, so recomputing an hour twice changes nothing. Recorders never write them.
-- hour is 'YYYY-MM-DDTHH' (UTC), as recorded_at begins.

-- Per hour, scope and metric. warm_* cover warm, successful runs (what baselines and reports use);
-- cold_* cover cold starts. sketch: the warm values' log-bucket histogram (runs of bucket counts,
-- `perftui.store.rollups.encode`; relative accuracy ALPHA there), mergeable by adding counts.
CREATE TABLE hourly_rollups (
    hour        TEXT    NOT NULL,
    app         TEXT    NOT NULL,
    environment TEXT    NOT NULL,
    metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    runs        INTEGER NOT NULL,       -- every successful run with a value (warm and cold)
    warm_count  INTEGER NOT NULL,
    warm_sum    REAL,
    warm_min    REAL,
    warm_max    REAL,
    warm_last   REAL,                   -- the value of the hour's newest warm run
    cold_count  INTEGER NOT NULL,
    cold_min    REAL,
    cold_max    REAL,
    first_at    TEXT    NOT NULL,       -- recorded_at of the hour's first and last run with a value
    last_at     TEXT    NOT NULL,
    sketch      TEXT,
    PRIMARY KEY (app, environment, hour, metric_id)
) WITHOUT ROWID;
-- one metric's hours (a trend chart)
CREATE INDEX hourly_rollups_metric ON hourly_rollups (metric_id, app, environment, hour);

-- Per hour and scope: what a report's period line counts.
CREATE TABLE hourly_runs (
    hour        TEXT    NOT NULL,
    app         TEXT    NOT NULL,
    environment TEXT    NOT NULL,
    runs        INTEGER NOT NULL,
    cold_starts INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    first_at    TEXT    NOT NULL,
    last_at     TEXT    NOT NULL,
    index_sum   REAL,
    index_count INTEGER NOT NULL,
    warm_index_sum   REAL,             -- the index of warm, successful runs only (the heatmap)
    warm_index_count INTEGER NOT NULL,
    commits     TEXT,                   -- JSON list of the hour's distinct commits
    PRIMARY KEY (app, environment, hour)
) WITHOUT ROWID;
