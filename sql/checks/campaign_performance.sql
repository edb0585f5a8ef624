-- name: campaign_performance
-- description: A campaign's enrolments by status, index-only.
-- params: SELECT c.organization_id, c.campaign_id FROM campaign_leads AS c JOIN {{largest_tenant}} USING (organization_id) GROUP BY 1, 2 ORDER BY count(*) DESC, 2 LIMIT 3
-- expect: uses_index idx_campaign_leads_campaign_status on campaign_leads
-- expect: no_seq_scan campaign_leads
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
-- expect: max_heap_fetches 0
SELECT status, count(*) AS leads
FROM campaign_leads
WHERE organization_id = $1 AND campaign_id = $2
GROUP BY status;
