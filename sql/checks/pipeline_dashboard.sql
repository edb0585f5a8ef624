-- name: pipeline_dashboard
-- description: The pipeline dashboard: leads, average score and value per status, from the trigger-maintained lead_pipeline_stats (V21).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: V21 departure: the V14 query aggregated the tenant's leads, index-only over
-- note: idx_leads_org_status_score: 68 ms p95 and 2,177 buffers for the 400,000-lead tenant at 1M
-- note: leads. The running totals give the same numbers from at most 168 rows per tenant.
-- note: a Seq Scan of the summary is the right plan while it is a few pages (the tests' 20k leads).
-- expect: no_seq_scan leads
-- note: buffers: 5 at 1M leads right after a rebuild; after churn at most a page per row (168).
-- expect: max_buffers 200
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT status, sum(leads) AS leads, round(sum(score_sum)::numeric / sum(leads), 1) AS avg_score,
       sum(value_sum) FILTER (WHERE valued_leads > 0) AS total_value
FROM lead_pipeline_stats
WHERE organization_id = $1
GROUP BY status
HAVING sum(leads) > 0
ORDER BY status;
