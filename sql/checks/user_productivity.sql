-- name: user_productivity
-- description: The team page, one page of the tenant's users by won deals, with assigned leads, communications and notes (v_user_productivity).
-- params: SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank <= 3 ORDER BY size_rank
-- note: V21: the per-user numbers come from the trigger-maintained user_stats; at 1M leads the V16
-- note: view took 235 ms p95 and 101,917 buffers for the largest tenant (4,000 users).
-- note: one page of the team (20 users), ordered by won deals: a LIMIT read of idx_user_stats_won
-- note: (10.8 ms without it for the 4,000-user tenant at 1M leads: all of them joined and sorted).
-- note: tenants of a few dozen users sort them instead, rightly: no uses_index; the largest tenant's
-- note: plan uses it at every scale, which keeps it covered.
-- expect: no_seq_scan leads, communications, lead_notes
-- expect: no_seq_scan_above_pages 200
-- note: buffers: 159 at 1M leads for 50 users, each a user_stats, users and organizations probe.
-- expect: max_buffers 250
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, role, assigned_leads, total_communications, total_notes,
       avg_lead_score, won_leads
FROM v_user_productivity
WHERE organization_id = $1
ORDER BY won_leads DESC, id
LIMIT 20;
