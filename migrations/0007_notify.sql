-- Schema version 7: notifications. Channels a store's alerts are announced on (a JSON webhook,
-- a Slack-compatible webhook, an e-mail address), and per channel and alert what was last
-- delivered. What is still to send is derived, never queued: an alert whose state (open,
-- escalated to a higher severity, resolved) differs from what its channel last delivered is
-- pending. So the recorder inside a host app writes nothing here; perftui commands send
-- (perftui.core.notify).

CREATE TABLE notify (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('webhook', 'slack', 'email')),
    target         TEXT    NOT NULL,     -- URL (a secret: masked wherever shown) or e-mail address
    min_severity   TEXT    NOT NULL DEFAULT 'error'
                   CHECK (min_severity IN ('info', 'warning', 'error', 'critical')),
    repeat_hours   REAL    NOT NULL DEFAULT 24,  -- remind of alerts still open; 0: never
    max_per_hour   INTEGER NOT NULL DEFAULT 12,  -- rate limit: messages per hour
    since_alert_id INTEGER NOT NULL DEFAULT 0,   -- alerts up to this id predate the channel
    created_at     TEXT    NOT NULL,
    created_by     TEXT,
    window_start   TEXT,                          -- the rate limit's current hour ...
    window_count   INTEGER NOT NULL DEFAULT 0,    -- ... and messages sent in it
    last_sent_at   TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,    -- failed sends since the last good one
    last_error     TEXT,
    last_error_at  TEXT,
    claimed_until  TEXT,                          -- a sender's lease: one process sends at a time
    UNIQUE (kind, target)
);

-- Per channel and alert: what was last delivered (severity and state 'open' or 'resolved', NULL
-- while nothing was), when, and the failed attempts since.
CREATE TABLE notify_deliveries (
    channel_id      INTEGER NOT NULL REFERENCES notify (id) ON DELETE CASCADE,
    alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    severity        TEXT,
    state           TEXT CHECK (state IN ('open', 'resolved')),
    notified_at     TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_attempt_at TEXT,
    PRIMARY KEY (channel_id, alert_id)
);
-- retention deletes alerts: their deliveries go with them through this index
CREATE INDEX notify_deliveries_alert ON notify_deliveries (alert_id);
