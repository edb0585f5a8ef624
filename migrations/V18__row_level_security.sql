-- V18: row-level security on every tenant table (seed 001's multi-tenancy).
--
-- Why: the application connects as a role that is a member of lma_app (V17)
-- and, per request or transaction, says which tenant it acts for:
--     SET lma.organization_id = '42';        -- or SET LOCAL / set_config(..., true)
-- Every table then shows and accepts only that tenant's rows, whatever the
-- query says, and the views (security_invoker, V16) inherit it.
--
-- Fails closed: current_setting('lma.organization_id', true) is NULL when the
-- setting was never made, and '' after a SET LOCAL has ended (the placeholder
-- stays defined); NULLIF turns '' into NULL, and "organization_id = NULL" is
-- never true, so a session without a tenant sees no tenant rows and can write
-- none. A malformed value ('abc') raises an error rather than matching.
--
-- USING filters what lma_app reads, updates and deletes; WITH CHECK rejects
-- an INSERT or UPDATE that would put a row into another tenant.
-- organizations is the tenant itself: its policy keys on id.
-- Policies are TO lma_app only. The owner/migration role is not subject to
-- them (RLS is enabled, not FORCEd), so migrations, `lma seed` and
-- maintenance keep full access. FK checks and cascades run as the table
-- owner and are not filtered either.
--
-- Performance: the policy expression is stable, so it is evaluated once per
-- statement and used as an index condition on the leading organization_id of
-- every index (V14).

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organizations AS PERMISSIVE FOR ALL TO lma_app
    USING (id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON leads AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE communications ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON communications AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE lead_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_notes AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaigns AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE campaign_leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign_leads AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE workflows ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workflows AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE workflow_executions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workflow_executions AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE lead_scoring_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_scoring_rules AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE lead_score_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_score_history AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE activity_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON activity_logs AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE integrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON integrations AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

ALTER TABLE custom_field_definitions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON custom_field_definitions AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer)
    WITH CHECK (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);
