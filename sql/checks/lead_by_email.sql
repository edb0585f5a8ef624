-- name: lead_by_email
-- description: Import de-duplication and inbound e-mail matching: a lead by e-mail, case-insensitive.
-- params: SELECT l.organization_id, upper(l.email) FROM leads AS l JOIN {{largest_tenant}} USING (organization_id) ORDER BY l.id LIMIT 3
-- expect: uses_index ix_leads_email on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, status, assigned_to_id
FROM leads
WHERE organization_id = $1 AND lower(email) = lower($2);
