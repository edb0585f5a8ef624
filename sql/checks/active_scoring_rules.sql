-- name: active_scoring_rules
-- description: The scoring rules page: the first 20 of the tenant's active rules in evaluation order.
-- params: SELECT organization_id FROM lead_scoring_rules GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3
-- expect: uses_index idx_lead_scoring_rules_active_priority on lead_scoring_rules
-- note: the scoring engine's load of all active rules (50-160 per tenant) is a Seq Scan of the 12-page table
-- note: and a sort at seed volume, the right plan; the page reads the index in order.
-- expect: no_seq_scan lead_scoring_rules
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, criteria, points, priority
FROM lead_scoring_rules
WHERE organization_id = $1 AND is_active
ORDER BY priority DESC
LIMIT 20;
