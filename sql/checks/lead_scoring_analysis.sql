-- name: lead_scoring_analysis
-- description: Lead count and average score by temperature above a score threshold (design doc 000), from the score histogram lead_score_stats (V21).
-- params: SELECT organization_id, 70 FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: V21 departure: the V14 query read every lead of the tenant above the threshold,
-- note: index-only over idx_leads_org_score_temp: 24 ms p95 for the largest tenant at 1M leads
-- note: (120,000 index entries). The histogram has at most 3 x 101 rows per tenant.
-- note: a Seq Scan of the summary is the right plan while it is a few pages (the tests' 20k leads).
-- expect: no_seq_scan leads
-- note: buffers: 5 at 1M leads right after a rebuild; after churn at most a page per row (303).
-- expect: max_buffers 320
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT lead_temperature, sum(leads) AS leads, round(sum(leads * score)::numeric / sum(leads), 1) AS avg_score
FROM lead_score_stats
WHERE organization_id = $1 AND score >= $2
GROUP BY lead_temperature
HAVING sum(leads) > 0
ORDER BY lead_temperature;
