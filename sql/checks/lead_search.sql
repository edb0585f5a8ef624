-- name: lead_search
-- description: The lead search box: a substring of name, company or e-mail, trigram index.
-- params: SELECT organization_id, s FROM {{largest_tenant}} CROSS JOIN (VALUES ('surname123'), ('name99 '), ('company 1999')) AS v (s)
-- expect: uses_index idx_leads_search_trgm on leads
-- expect: no_seq_scan leads
-- expect: max_buffers 210
-- expect: p95_ms 5
-- expect: max_misestimate 100
-- expect: no_temp_spill
SELECT id, first_name, last_name, company, email
FROM leads
WHERE organization_id = $1
  AND (first_name || ' ' || last_name || ' ' || coalesce(company, '') || ' ' || email) ILIKE '%' || $2 || '%'
LIMIT 50;
