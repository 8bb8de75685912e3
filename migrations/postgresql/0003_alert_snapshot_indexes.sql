-- Schema version 3 (PostgreSQL, as ../0003_alert_snapshot_indexes.sql): indexes for the alerts' references to snapshots.
-- Deleting a snapshot (retention) sets these references to NULL (ON DELETE SET NULL); without
-- an index each deletion scanned the whole alerts table.

CREATE INDEX alerts_snapshot ON alerts (snapshot_id);
CREATE INDEX alerts_baseline_snapshot ON alerts (baseline_snapshot_id);
