-- Schema version 4 (PostgreSQL, as ../0004_stored_verdicts.sql): a snapshot is judged once, when it is written, and the verdict of each
-- metric is stored with its measurement. Readers (status, regression, the TUI) read these
-- columns instead of running the detectors again.
--   severity       ok, info, warning, error or critical; NULL: not evaluated (a cold start, a
--                  failed run, an inactive metric, or a run imported without evaluation)
--   tier           the detector behind the worst finding: threshold, regression, change_point,
--                  trend or anomaly; NULL when there was no finding
--   expected       the baseline median the value was judged against (NULL: no baseline yet)
--   deviation      the change from that median in % (signed: + is a higher value)
--   baseline_runs  how many warm runs that baseline was made of
-- Existing stores: the newest snapshot of each scope is judged once after the upgrade
-- (perftui.recorder.evaluate.judge_unjudged), so `perftui status` reads the same after it.

ALTER TABLE measurements ADD COLUMN severity TEXT;
ALTER TABLE measurements ADD COLUMN tier TEXT;
ALTER TABLE measurements ADD COLUMN expected DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN deviation DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN baseline_runs INTEGER;

-- a store with history asks to have each scope's newest run judged once (done by the first
-- writable open through perftui.core.session, which then removes this row)
INSERT INTO store_meta (key, value) SELECT 'judge_newest_runs', 'pending'
    WHERE EXISTS (SELECT 1 FROM snapshots);
