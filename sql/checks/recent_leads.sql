-- name: recent_leads
-- description: A page of the tenant's newest leads, keyset pagination after a cursor.
-- params: SELECT organization_id, created_at, id FROM (SELECT organization_id, created_at, id, row_number() OVER (PARTITION BY organization_id ORDER BY created_at DESC, id DESC) AS n, count(*) OVER (PARTITION BY organization_id) AS size FROM leads) AS x WHERE n = least(51, size) ORDER BY size DESC, 1 LIMIT 3
-- expect: uses_index idx_leads_org_created_desc on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 160
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, status, score, created_at
FROM leads
WHERE organization_id = $1 AND (created_at, id) < ($2, $3)
ORDER BY created_at DESC, id DESC
LIMIT 50;
