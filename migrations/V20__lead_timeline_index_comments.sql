-- V20: COMMENT ON INDEX for the indexes V19 created (V19 holds only
-- CREATE/DROP INDEX CONCURRENTLY statements, as V14 does; V15 has the rest).

COMMENT ON INDEX idx_communications_lead_created IS
    'FK fk_communications_lead; communication history: WHERE organization_id = $1 AND lead_id = $2 [AND communication_type = $3] ORDER BY created_at DESC LIMIT 50; v_lead_summary per-lead count and max(created_at) (index-only; replaces idx_communications_lead_type_date)';
COMMENT ON INDEX idx_activity_logs_lead_created IS
    'FK fk_activity_logs_lead; a lead''s activity timeline: WHERE organization_id = $1 AND lead_id = $2 [AND activity_type = $3] ORDER BY created_at DESC LIMIT 50 (replaces idx_activity_logs_lead_type_date)';
