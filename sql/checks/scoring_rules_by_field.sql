-- name: scoring_rules_by_field
-- description: The scoring rules that test a field, before the field is changed or deleted.
-- params: SELECT organization_id, jsonb_build_object('field', criteria ->> 'field') FROM lead_scoring_rules WHERE criteria ? 'field' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- note: ~50-200 rules per tenant: the planner reads the tenant's pages and filters @>, so V19 dropped
-- note: idx_lead_scoring_criteria_gin, which no plan used.
-- note: a few pages for the whole table: a Seq Scan is the right plan at seed volume, one on a table
-- note: above 1000 rows is not.
-- expect: no_seq_scan_above 1000
-- expect: max_buffers 40
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, criteria, points, is_active
FROM lead_scoring_rules
WHERE organization_id = $1 AND criteria @> $2::jsonb;
