-- name: lead_source_conversion
-- description: Leads and won deals per source, index-only.
-- params: SELECT organization_id FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3
-- expect: uses_index idx_leads_org_source_status on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 50
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
-- expect: max_heap_fetches 0
SELECT source, count(*) AS leads, count(*) FILTER (WHERE status = 'CLOSED_WON') AS won
FROM leads
WHERE organization_id = $1
GROUP BY source
ORDER BY source;
