-- V28: extended statistics on the tenant-scoped keys whose value fixes the tenant.
--
-- A lead id or a user id belongs to one tenant, but the planner multiplies the
-- selectivities of `organization_id = $1` and `lead_id = $2` as if they were
-- independent, and underestimates a busy lead's or user's rows by the tenant's
-- share of the table. Under LIMIT with ORDER BY it then prefers a bitmap scan of
-- every matching row plus a top-N sort to the index in order. Measured on
-- `lma seed --scale small --seed 3` (docs/checks.md, "Rules that hold at every
-- size"): lead_activity_timeline read 151 buffers for 50 rows (56 estimated,
-- 162 actual), user_upcoming_communications 400 buffers for 20 rows (20
-- estimated, 429 actual); with these statistics both read the index in order,
-- 53 and 22 buffers. ANALYZE (which `lma seed` runs) builds them.
CREATE STATISTICS st_activity_logs_org_lead (dependencies)
    ON organization_id, lead_id FROM activity_logs;
COMMENT ON STATISTICS st_activity_logs_org_lead IS
    'lead_activity_timeline: lead_id determines organization_id';

CREATE STATISTICS st_communications_org_user (dependencies)
    ON organization_id, user_id FROM communications;
COMMENT ON STATISTICS st_communications_org_user IS
    'user_upcoming_communications: user_id determines organization_id';
