-- Schema version 2.
-- store_meta: small key/value facts about the store (when retention last ran, demo marker).
-- baseline_resets: "accept as new baseline": runs before `since` are left out of the baseline
-- of that metric in that scope, so an intended change stops alerting at once.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

CREATE TABLE baseline_resets (
    id          INTEGER PRIMARY KEY,
    metric_id   INTEGER NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    app         TEXT    NOT NULL,
    environment TEXT    NOT NULL,
    since       TEXT    NOT NULL,
    created_by  TEXT,
    created_at  TEXT    NOT NULL,
    notes       TEXT
);
CREATE INDEX baseline_resets_scope ON baseline_resets (metric_id, app, environment, since);
