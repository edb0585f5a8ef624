-- name: custom_field_search
-- description: Leads whose custom fields contain a value, JSON containment.
-- params: WITH t AS (SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) SELECT organization_id, jsonb_build_object('industry', i) FROM t CROSS JOIN (VALUES ('saas'), ('legal')) AS v (i)
-- expect: uses_index idx_leads_custom_fields_gin on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 100
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, custom_fields
FROM leads
WHERE organization_id = $1 AND custom_fields @> $2::jsonb
LIMIT 100;
