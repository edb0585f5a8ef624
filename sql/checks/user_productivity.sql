-- name: user_productivity
-- description: The team page: every user of the tenant with assigned leads, communications and notes (v_user_productivity).
-- params: SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3
-- expect: uses_index idx_leads_assigned_status on leads
-- expect: uses_index ix_communications_user_id on communications
-- expect: uses_index ix_lead_notes_user_id on lead_notes
-- expect: no_seq_scan leads, communications, lead_notes
-- expect: max_buffers 1020
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, role, assigned_leads, total_communications, total_notes,
       avg_lead_score, won_leads
FROM v_user_productivity
WHERE organization_id = $1
ORDER BY won_leads DESC, id;
