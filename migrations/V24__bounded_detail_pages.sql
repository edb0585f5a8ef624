-- lma:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
--   (.squawk.toml assumes every file runs in a transaction, as refinery runs
--   them; lma runs this one outside any, because of the marker above.)
-- V24: the findings of `lma check` at 1M leads with the history ending today
-- (docs/benchmarks.md). Like V14, V19 and V22: outside a transaction, one
-- CREATE/DROP INDEX CONCURRENTLY per statement, each idempotent.
--
-- At 1M leads the largest tenant holds 400,000 leads, and the lists the
-- catalog read whole became long: a lead's score history 2,492 rows (2,243
-- buffers, 6.2 ms p95), its workflow runs 505 (459 buffers), the active
-- campaigns of one type 487, the rules testing one field 5,522 (a Seq Scan,
-- 12 ms). The pages that show them
-- show the newest or first 50, and read the next ones by keyset; each index
-- below has the sort column as a key, so a page is a LIMIT read of the index
-- whatever the list's length.
--
-- 1. A lead's score history and workflow runs, newest first. Each replaces
--    the (organization_id, lead_id) index of its FK with one that has the
--    FK's columns as its prefix, so the FK is never without an index: the
--    new one is built first.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_lead_score_history_lead_changed ON lead_score_history
    (organization_id, lead_id, changed_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS ix_lead_score_history_lead_id;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workflow_executions_lead_started ON workflow_executions
    (organization_id, lead_id, started_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS ix_workflow_executions_lead_id;

-- 2. The active campaigns of a type, by name. The index replaces V14's, which
--    lacked the name. (The active workflows of a category need none: V22's
--    idx_workflows_org_active finds the largest tenant's 1,700 active
--    workflows in 65 buffers and 0.9 ms at 1M leads, and on seed small the
--    planner rightly reads the 4-page table.)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_campaigns_active_type_name ON campaigns
    (organization_id, campaign_type, name) WHERE status = 'active';
DROP INDEX CONCURRENTLY IF EXISTS idx_campaigns_org_type_active;

-- 3. The scoring rules that test a field, by name. V19 dropped the GIN index
--    on criteria when a tenant had 50-200 rules; at 1M leads the largest has
--    10,000, and the whole list was a 12 ms Seq Scan. A page by name through
--    uq_lead_scoring_rules_organization_id_name, filtering the containment,
--    is fast for a common field but reads most of the tenant for a rare one
--    (5,281 buffers): rule names start with their field, so the planner's
--    guess that matches are spread evenly is wrong. The field is one scalar
--    path of criteria, so the query compares it (criteria ->> 'field' = $2)
--    and a B-tree on it, with the name as the next key, gives any field's
--    page in 50 entries.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_lead_scoring_rules_field ON lead_scoring_rules
    (organization_id, (criteria ->> 'field'), name);

COMMENT ON INDEX idx_lead_score_history_lead_changed IS
    'FK fk_lead_score_history_lead, fk_lead_score_history_organization; a lead''s score history page: WHERE organization_id = $1 AND lead_id = $2 ORDER BY changed_at DESC LIMIT 50 (V24; replaces ix_lead_score_history_lead_id)';
COMMENT ON INDEX idx_workflow_executions_lead_started IS
    'FK fk_workflow_executions_lead; a lead''s workflow runs page: WHERE organization_id = $1 AND lead_id = $2 ORDER BY started_at DESC LIMIT 50 (V24; replaces ix_workflow_executions_lead_id)';
COMMENT ON INDEX idx_campaigns_active_type_name IS
    'active campaigns of a type, by name: WHERE organization_id = $1 AND status = ''active'' AND campaign_type = $2 ORDER BY name LIMIT 50 (V24; replaces idx_campaigns_org_type_active)';
COMMENT ON INDEX idx_lead_scoring_rules_field IS
    'scoring rules testing a field, a page by name: WHERE organization_id = $1 AND criteria ->> ''field'' = $2 ORDER BY name LIMIT 50 (V24)';
