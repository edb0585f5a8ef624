-- The one tenant with the most leads, for params queries that sample within it
-- ({{largest_tenant}}, e.g. `FROM leads JOIN {{largest_tenant}} USING (organization_id)`).
SELECT organization_id FROM {{tenants_by_size}} WHERE size_rank = 1
