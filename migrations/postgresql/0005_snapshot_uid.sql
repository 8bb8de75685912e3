-- Schema version 5 (PostgreSQL, as ../0005_snapshot_uid.sql): every snapshot carries a stable identity (32 hex digits, made where the
-- run was recorded), so the same run copied twice (`perftui push`, a spooled snapshot delivered
-- after a crash, an export imported again) is stored once.
-- Snapshots from before this version get theirs from their row and time (unique in a store).

ALTER TABLE snapshots ADD COLUMN uid TEXT;
UPDATE snapshots SET uid = md5(random()::text || id::text);
CREATE UNIQUE INDEX snapshots_uid ON snapshots (uid);
