-- name: campaigns_by_segment
-- description: The campaigns targeting a segment, JSON containment on target_criteria.
-- params: SELECT organization_id, jsonb_build_object('industry', target_criteria ->> 'industry') FROM campaigns WHERE target_criteria ? 'industry' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 3
-- note: the planner reads the tenant's campaigns and filters @>, so V19 dropped idx_campaigns_target_criteria_gin,
-- note: which no plan used. At 1M leads the largest tenant's 4,000 campaigns fill ~170 pages and a common segment
-- note: matches 850 of them across all: 181 buffers, 1.5 ms p95, and an index would read the same pages.
-- note: A Seq Scan of the whole table is the right plan while the table is small: at 150,000 leads
-- note: campaigns has 1,518 rows on 64 pages, tenant 1 owns 600 of them (40%), and the Seq Scan reads
-- note: 64 buffers in 0.5 ms. A row limit (formerly no_seq_scan_above 1000) failed it there; the page
-- note: limit stays below max_buffers, so a whole-table read never outgrows the budget unnoticed.
-- expect: no_seq_scan_above_pages 200
-- expect: max_buffers 250
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, name, status, target_criteria
FROM campaigns
WHERE organization_id = $1 AND target_criteria @> $2::jsonb;
