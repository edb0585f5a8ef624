-- name: lead_source_conversion
-- description: Leads and won deals per source, from the trigger-maintained lead_pipeline_stats (V21).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: V21 departure: the V14 query counted the tenant's leads index-only over
-- note: idx_leads_org_source_status: 50 ms p95 and 459 buffers for the largest tenant at 1M leads.
-- note: a Seq Scan of the summary is the right plan while it is a few pages (the tests' 20k leads).
-- expect: no_seq_scan leads
-- note: buffers: 5 at 1M leads right after a rebuild; after churn at most a page per row (168).
-- expect: max_buffers 200
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT source, sum(leads) AS leads, sum(leads) FILTER (WHERE status = 'CLOSED_WON') AS won
FROM lead_pipeline_stats
WHERE organization_id = $1
GROUP BY source
HAVING sum(leads) > 0
ORDER BY source;
