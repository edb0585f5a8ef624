-- lma:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
--   (.squawk.toml assumes every file runs in a transaction, as refinery runs
--   them; lma runs this one outside any, because of the marker above.)
-- V22: the index changes that go with V21's summaries, found by `lma check`
-- at 1M leads (docs/benchmarks.md). Outside a transaction, one statement at
-- a time, each idempotent, as V14 and V19.
--
-- 1. A rep's pipeline is a page, not the whole list: at 1M leads the busiest
--    rep has ~5,800 leads in one status, and "ORDER BY score DESC" over
--    idx_leads_assigned_status (score only INCLUDEd) read all of them (5,824
--    buffers, 13 ms p95). With score and id as keys the first page is a
--    LIMIT read of the index, and the next pages are keyset reads
--    ("AND (score, id) < ($4, $5)"). It still leads with the columns of
--    fk_leads_assigned_to, and still serves v_user_activity_summary's per-user
--    counts index-only. Created first, so the FK is never without an index.
-- 2. v_organization_health counts the tenant's users and workflows; the
--    largest tenant has 4,000 users and 2,000 workflows, one heap page each
--    through the FK indexes (2,163 buffers in all). These two make both
--    counts index-only (161 buffers).
-- 3. The dashboards that aggregated leads read V21's summaries now, so the
--    two leads indexes that only served them are dropped: each cost an
--    update on every lead write (and a build in every `lma seed`).
--    idx_leads_org_status_score (pipeline dashboard) and
--    idx_leads_org_source_status (source conversion). No check uses either
--    any more (`lma check` coverage), and neither backs an FK.

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_rep_pipeline ON leads
    (organization_id, assigned_to_id, status, score DESC, id DESC);
DROP INDEX CONCURRENTLY IF EXISTS idx_leads_assigned_status;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_org_login ON users
    (organization_id, last_login) INCLUDE (is_active);

-- (organization_id, is_active) rather than (organization_id) INCLUDE
-- (is_active): the latter's key is a prefix of the FK and unique indexes on
-- (organization_id, ...), and `lma indexes` would rightly call it redundant
-- by its keys.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workflows_org_active ON workflows
    (organization_id, is_active);

DROP INDEX CONCURRENTLY IF EXISTS idx_leads_org_status_score;
DROP INDEX CONCURRENTLY IF EXISTS idx_leads_org_source_status;

COMMENT ON INDEX idx_leads_rep_pipeline IS
    'FK fk_leads_assigned_to; a rep''s pipeline page: WHERE organization_id = $1 AND assigned_to_id = $2 AND status = $3 ORDER BY score DESC, id DESC LIMIT 50; v_user_activity_summary per-user counts (index-only; replaces idx_leads_assigned_status)';
COMMENT ON INDEX idx_users_org_login IS
    'v_organization_health: the tenant''s users, active and logged in during the last 30 days (index-only)';
COMMENT ON INDEX idx_leads_org_score_temp IS
    'hottest leads, v_lead_summary''s list page: WHERE organization_id = $1 ORDER BY score DESC LIMIT n (the scoring analysis reads lead_score_stats since V21)';
COMMENT ON INDEX idx_workflows_org_active IS
    'v_organization_health: the tenant''s workflows and active workflows (index-only)';
