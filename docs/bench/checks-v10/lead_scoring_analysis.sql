-- name: lead_scoring_analysis
-- description: Lead count and average score by temperature above a threshold (design doc 000), before V21.
-- params: SELECT organization_id, 70 FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- expect: no_seq_scan leads
-- expect: max_buffers 320
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT lead_temperature, count(*) AS leads, round(avg(score), 1) AS avg_score
FROM leads
WHERE organization_id = $1 AND score >= $2
GROUP BY lead_temperature
ORDER BY lead_temperature;
