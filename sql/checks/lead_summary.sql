-- name: lead_summary
-- description: The lead list page: the tenant's hottest leads with their activity counts (v_lead_summary).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: uses_index idx_leads_org_score_temp on leads
-- expect: uses_index idx_communications_lead_created on communications
-- expect: uses_index ix_lead_notes_lead_id on lead_notes
-- expect: no_seq_scan leads, communications, lead_notes
-- expect: max_buffers 510
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, score, status, assigned_first_name, assigned_last_name,
       communication_count, note_count, last_communication_date
FROM v_lead_summary
WHERE organization_id = $1
ORDER BY score DESC
LIMIT 20;
