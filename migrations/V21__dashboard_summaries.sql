-- V21: trigger-maintained summary tables for the dashboard aggregates, and the
-- two reporting views that aggregate a whole tenant rewritten to read them.
--
-- Why (seed 002's denormalization; docs/benchmarks.md, "Checks at 1M leads"):
-- a per-tenant aggregate reads the tenant's whole range, and no index changes
-- that. At 1M leads the largest tenant has 400,000 leads and 1.2M
-- communications: v_organization_health took 365 ms (52k buffers),
-- v_user_productivity 235 ms, the pipeline dashboard 68 ms, the source
-- conversion 50 ms and the scoring analysis 24 ms, against a 5 ms budget.
-- The numbers these read change one row at a time, so they are kept as
-- running totals per (tenant, group), written in the same transaction as the
-- row that changes them: always exact, never stale (a materialized view would
-- be stale between refreshes, and its refresh re-reads every tenant).
--
-- How:
--   * Statement-level AFTER triggers with transition tables (PG 10+): one
--     aggregate per statement, not one upsert per row, so a bulk UPDATE of
--     10,000 leads costs one pass, not 10,000 upserts. Transition tables
--     allow one event per trigger, hence three triggers per table sharing
--     one function.
--   * The trigger hands the summarized columns of the statement's rows to a
--     function that sums +1 per new row and -1 per old row per group, and
--     writes only the groups whose sums changed (HAVING): an UPDATE that
--     touches no summarized column (notes, last_contacted_at, ...) writes
--     nothing. Upserts are ordered by key so that two statements lock summary
--     rows in the same order.
--   * SECURITY DEFINER with the migration's search_path: the application
--     role (lma_app) may read the summaries but not write them, so it cannot
--     falsify its own dashboard; the functions run as their owner, who is not
--     subject to RLS (V18).
--   * Deltas of a tenant or user that no longer exists are skipped: deleting
--     an organization (or a user) cascades to its summary rows and, in the
--     same statement, to the base rows whose triggers would otherwise insert
--     negative totals for a row that is gone.
--   * TRUNCATE fires no DELETE trigger: each summarized table has an AFTER
--     TRUNCATE trigger that rebuilds the summaries.
--   * refresh_summaries() rebuilds all four from the base tables, returns
--     their names (`lma seed` calls it after its COPY, which runs with
--     session_replication_role = replica and so fires no trigger, and then
--     VACUUM ANALYZEs what it returned), and repairs drift if it is ever
--     suspected. Below it backfills the summaries for existing data.
--
-- Write cost and contention (measured in docs/benchmarks.md, "Summary
-- tables"): every INSERT, UPDATE or DELETE statement on leads, communications,
-- lead_notes and workflow_executions runs one to four extra upserts. Writers of
-- the same tenant that change the same group (e.g. two new leads of one
-- tenant, same status, source and temperature) serialize on that summary row
-- until the first commits; the application should keep such transactions
-- short.
--
-- Departure from v_organization_health's V16 definition: leads_last_30_days,
-- workflow_runs_last_30_days and failed_workflow_runs_last_30_days now count
-- the last 30 calendar days in UTC, today included, instead of a rolling
-- now() - 30 days: a running total is kept per day, and a dashboard counts
-- whole days anyway. users_logged_in_last_30_days stays rolling (users is
-- small and read directly).
--
-- Locks: CREATE TRIGGER takes SHARE ROW EXCLUSIVE on each summarized table,
-- which blocks its writers until this migration commits; that is what makes
-- the backfill exact (no write can slip between the backfill's snapshot and
-- the triggers). The backfill reads the four tables once (about 5 s at 1M
-- leads, docs/benchmarks.md), so plan this migration for a quiet moment on a
-- large database. lma's lock_timeout and retry apply as to any migration.

-- Per tenant and (status, source, temperature): counts, score and value sums.
-- At most 7 x 8 x 3 = 168 rows per tenant.
CREATE TABLE lead_pipeline_stats (
    organization_id  integer NOT NULL,
    status           lead_status_enum NOT NULL,
    source           lead_source_enum NOT NULL,
    lead_temperature lead_temperature_enum NOT NULL,
    leads            bigint NOT NULL DEFAULT 0,
    score_sum        bigint NOT NULL DEFAULT 0,
    -- sum(value) over the leads that have one, and how many do: sum() of no
    -- values is NULL, and the dashboards keep that meaning.
    valued_leads     bigint NOT NULL DEFAULT 0,
    value_sum        bigint NOT NULL DEFAULT 0,
    CONSTRAINT pk_lead_pipeline_stats PRIMARY KEY (organization_id, status, source, lead_temperature),
    CONSTRAINT fk_lead_pipeline_stats_organization FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE
);

-- Per tenant, temperature and score (0-100): the score histogram, so that
-- "leads above a threshold" is a sum over at most 3 x 101 rows.
CREATE TABLE lead_score_stats (
    organization_id  integer NOT NULL,
    lead_temperature lead_temperature_enum NOT NULL,
    score            integer NOT NULL,
    leads            bigint NOT NULL DEFAULT 0,
    CONSTRAINT pk_lead_score_stats PRIMARY KEY (organization_id, lead_temperature, score),
    CONSTRAINT fk_lead_score_stats_organization FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE
);

-- Per user: assigned leads (count, score sum, won), communications and notes
-- by that user. Every user has a row (a trigger on users adds it), so the
-- team page can walk idx_user_stats_won in order and stop after one page.
CREATE TABLE user_stats (
    organization_id integer NOT NULL,
    user_id         integer NOT NULL,
    assigned_leads  bigint NOT NULL DEFAULT 0,
    score_sum       bigint NOT NULL DEFAULT 0,
    won_leads       bigint NOT NULL DEFAULT 0,
    communications  bigint NOT NULL DEFAULT 0,
    notes           bigint NOT NULL DEFAULT 0,
    CONSTRAINT pk_user_stats PRIMARY KEY (organization_id, user_id),
    CONSTRAINT fk_user_stats_user FOREIGN KEY (organization_id, user_id)
        REFERENCES users (organization_id, id) ON DELETE CASCADE
);
-- v_user_productivity's "ORDER BY won_leads DESC, id LIMIT n". The table is
-- new and empty, so a plain CREATE INDEX locks nothing anyone is using.
CREATE INDEX idx_user_stats_won ON user_stats (organization_id, won_leads DESC, user_id);
COMMENT ON INDEX idx_user_stats_won IS
    'v_user_productivity, the team page: WHERE organization_id = $1 ORDER BY won_leads DESC, id LIMIT 20';

-- Per tenant and UTC day: leads created, workflow runs started, and of those
-- the ones that ended in 'error'. Windowed KPIs sum the last N rows.
CREATE TABLE organization_daily_stats (
    organization_id      integer NOT NULL,
    day                  date NOT NULL,
    leads_created        bigint NOT NULL DEFAULT 0,
    workflow_runs        bigint NOT NULL DEFAULT 0,
    failed_workflow_runs bigint NOT NULL DEFAULT 0,
    CONSTRAINT pk_organization_daily_stats PRIMARY KEY (organization_id, day),
    CONSTRAINT fk_organization_daily_stats_organization FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE
);

-- What a trigger hands to its summarizing function: the summarized columns of
-- each row of the statement, with sign +1 (a new row) or -1 (an old row).
-- An UPDATE gives both, so a change within one group nets to zero.
CREATE TYPE lead_fact AS (
    organization_id  integer,
    assigned_to_id   integer,
    status           lead_status_enum,
    source           lead_source_enum,
    lead_temperature lead_temperature_enum,
    score            integer,
    value            integer,
    created_at       timestamptz,
    sign             integer
);
CREATE TYPE user_fact AS (organization_id integer, user_id integer, sign integer);
CREATE TYPE run_fact AS (organization_id integer, started_at timestamptz, status text, sign integer);

-- The summarizing functions hold only static SQL, so PL/pgSQL prepares each
-- statement once per session and reuses its plan: single-row writes, the
-- common case, pay no parse or plan per statement. (A first version built
-- the SQL with EXECUTE format(), one source per trigger event, and tripled
-- the cost of a single-row INSERT.)
CREATE FUNCTION summarize_leads(facts lead_fact[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    INSERT INTO lead_pipeline_stats AS s
        (organization_id, status, source, lead_temperature, leads, score_sum, valued_leads, value_sum)
    SELECT f.organization_id, f.status, f.source, f.lead_temperature, sum(f.sign), sum(f.sign * f.score),
           coalesce(sum(f.sign) FILTER (WHERE f.value IS NOT NULL), 0), coalesce(sum(f.sign * f.value), 0)
    FROM unnest(facts) AS f
    WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = f.organization_id)
    GROUP BY 1, 2, 3, 4
    HAVING sum(f.sign) <> 0 OR sum(f.sign * f.score) <> 0 OR coalesce(sum(f.sign * f.value), 0) <> 0
        OR coalesce(sum(f.sign) FILTER (WHERE f.value IS NOT NULL), 0) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, status, source, lead_temperature) DO UPDATE
    SET leads = s.leads + excluded.leads, score_sum = s.score_sum + excluded.score_sum,
        valued_leads = s.valued_leads + excluded.valued_leads, value_sum = s.value_sum + excluded.value_sum;

    INSERT INTO lead_score_stats AS s (organization_id, lead_temperature, score, leads)
    SELECT f.organization_id, f.lead_temperature, f.score, sum(f.sign)
    FROM unnest(facts) AS f
    WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = f.organization_id)
    GROUP BY 1, 2, 3
    HAVING sum(f.sign) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (organization_id, lead_temperature, score) DO UPDATE SET leads = s.leads + excluded.leads;

    INSERT INTO user_stats AS s (organization_id, user_id, assigned_leads, score_sum, won_leads)
    SELECT f.organization_id, f.assigned_to_id, sum(f.sign), sum(f.sign * f.score),
           coalesce(sum(f.sign) FILTER (WHERE f.status = 'CLOSED_WON'), 0)
    FROM unnest(facts) AS f
    WHERE f.assigned_to_id IS NOT NULL
      AND EXISTS (SELECT FROM users AS u WHERE u.organization_id = f.organization_id AND u.id = f.assigned_to_id)
    GROUP BY 1, 2
    HAVING sum(f.sign) <> 0 OR sum(f.sign * f.score) <> 0
        OR coalesce(sum(f.sign) FILTER (WHERE f.status = 'CLOSED_WON'), 0) <> 0
    ORDER BY 1, 2
    ON CONFLICT (organization_id, user_id) DO UPDATE
    SET assigned_leads = s.assigned_leads + excluded.assigned_leads,
        score_sum = s.score_sum + excluded.score_sum, won_leads = s.won_leads + excluded.won_leads;

    INSERT INTO organization_daily_stats AS s (organization_id, day, leads_created)
    SELECT f.organization_id, (f.created_at AT TIME ZONE 'UTC')::date, sum(f.sign)
    FROM unnest(facts) AS f
    WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = f.organization_id)
    GROUP BY 1, 2
    HAVING sum(f.sign) <> 0
    ORDER BY 1, 2
    ON CONFLICT (organization_id, day) DO UPDATE SET leads_created = s.leads_created + excluded.leads_created;
END
$fn$;

-- communications and lead_notes each feed one column of user_stats.
CREATE FUNCTION summarize_user_activity(facts user_fact[], kind text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    INSERT INTO user_stats AS s (organization_id, user_id, communications, notes)
    SELECT f.organization_id, f.user_id,
           CASE kind WHEN 'communications' THEN sum(f.sign) ELSE 0 END,
           CASE kind WHEN 'notes' THEN sum(f.sign) ELSE 0 END
    FROM unnest(facts) AS f
    WHERE f.user_id IS NOT NULL
      AND EXISTS (SELECT FROM users AS u WHERE u.organization_id = f.organization_id AND u.id = f.user_id)
    GROUP BY 1, 2
    HAVING sum(f.sign) <> 0
    ORDER BY 1, 2
    ON CONFLICT (organization_id, user_id) DO UPDATE
    SET communications = s.communications + excluded.communications, notes = s.notes + excluded.notes;
END
$fn$;

CREATE FUNCTION summarize_runs(facts run_fact[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    INSERT INTO organization_daily_stats AS s (organization_id, day, workflow_runs, failed_workflow_runs)
    SELECT f.organization_id, (f.started_at AT TIME ZONE 'UTC')::date, sum(f.sign),
           coalesce(sum(f.sign) FILTER (WHERE f.status = 'error'), 0)
    FROM unnest(facts) AS f
    WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = f.organization_id)
    GROUP BY 1, 2
    HAVING sum(f.sign) <> 0 OR coalesce(sum(f.sign) FILTER (WHERE f.status = 'error'), 0) <> 0
    ORDER BY 1, 2
    ON CONFLICT (organization_id, day) DO UPDATE
    SET workflow_runs = s.workflow_runs + excluded.workflow_runs,
        failed_workflow_runs = s.failed_workflow_runs + excluded.failed_workflow_runs;
END
$fn$;

-- The trigger functions turn the statement's transition tables into facts.
-- A transition table exists only for the events that declared it, and
-- PL/pgSQL compiles a trigger function once per trigger, so a branch that
-- names old_rows is never planned in the INSERT trigger.
CREATE FUNCTION leads_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
DECLARE
    facts lead_fact[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        facts := ARRAY(SELECT ROW(n.organization_id, n.assigned_to_id, n.status, n.source, n.lead_temperature,
                                  n.score, n.value, n.created_at, 1)::lead_fact FROM new_rows AS n);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        facts := facts || ARRAY(SELECT ROW(o.organization_id, o.assigned_to_id, o.status, o.source, o.lead_temperature,
                                           o.score, o.value, o.created_at, -1)::lead_fact FROM old_rows AS o);
    END IF;
    PERFORM summarize_leads(facts);
    RETURN NULL;
END
$fn$;

-- TG_ARGV[0]: which column of user_stats the table feeds.
CREATE FUNCTION user_activity_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
DECLARE
    facts user_fact[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        facts := ARRAY(SELECT ROW(n.organization_id, n.user_id, 1)::user_fact FROM new_rows AS n);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        facts := facts || ARRAY(SELECT ROW(o.organization_id, o.user_id, -1)::user_fact FROM old_rows AS o);
    END IF;
    PERFORM summarize_user_activity(facts, TG_ARGV[0]);
    RETURN NULL;
END
$fn$;

CREATE FUNCTION workflow_executions_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
DECLARE
    facts run_fact[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        facts := ARRAY(SELECT ROW(n.organization_id, n.started_at, n.status, 1)::run_fact FROM new_rows AS n);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        facts := facts || ARRAY(SELECT ROW(o.organization_id, o.started_at, o.status, -1)::run_fact
                                FROM old_rows AS o);
    END IF;
    PERFORM summarize_runs(facts);
    RETURN NULL;
END
$fn$;

-- Rebuilds every summary from the base tables and returns the summary tables.
-- The EXCLUSIVE lock lets readers in but no writer: a concurrent writer's
-- trigger waits for this to commit and then adds its delta to the rebuilt
-- totals (its own rows were not yet committed, hence not counted here).
-- DELETE rather than TRUNCATE: an AFTER TRUNCATE trigger calls this while the
-- TRUNCATE that fired it (TRUNCATE organizations ... CASCADE reaches the
-- summaries too) still has them open, and TRUNCATE refuses a table in use.
CREATE FUNCTION refresh_summaries() RETURNS SETOF regclass
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    LOCK TABLE lead_pipeline_stats, lead_score_stats, user_stats, organization_daily_stats IN EXCLUSIVE MODE;
    DELETE FROM lead_pipeline_stats;
    DELETE FROM lead_score_stats;
    DELETE FROM user_stats;
    DELETE FROM organization_daily_stats;

    INSERT INTO lead_pipeline_stats
        (organization_id, status, source, lead_temperature, leads, score_sum, valued_leads, value_sum)
    SELECT organization_id, status, source, lead_temperature, count(*), sum(score), count(value),
           coalesce(sum(value), 0)
    FROM leads
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4;

    INSERT INTO lead_score_stats (organization_id, lead_temperature, score, leads)
    SELECT organization_id, lead_temperature, score, count(*) FROM leads GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

    INSERT INTO user_stats AS s (organization_id, user_id, assigned_leads, score_sum, won_leads, communications, notes)
    SELECT organization_id, user_id, sum(assigned_leads), sum(score_sum), sum(won_leads),
           sum(communications), sum(notes)
    FROM (
        SELECT organization_id, assigned_to_id AS user_id, count(*) AS assigned_leads, sum(score) AS score_sum,
               count(*) FILTER (WHERE status = 'CLOSED_WON') AS won_leads, 0 AS communications, 0 AS notes
        FROM leads WHERE assigned_to_id IS NOT NULL GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, user_id, 0, 0, 0, count(*), 0
        FROM communications WHERE user_id IS NOT NULL GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, user_id, 0, 0, 0, 0, count(*)
        FROM lead_notes WHERE user_id IS NOT NULL GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, id, 0, 0, 0, 0, 0 FROM users
    ) AS per_source
    GROUP BY 1, 2
    ORDER BY 1, 2;

    INSERT INTO organization_daily_stats (organization_id, day, leads_created, workflow_runs, failed_workflow_runs)
    SELECT organization_id, day, sum(leads_created), sum(workflow_runs), sum(failed_workflow_runs)
    FROM (
        SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS leads_created,
               0 AS workflow_runs, 0 AS failed_workflow_runs
        FROM leads GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, (started_at AT TIME ZONE 'UTC')::date, 0, count(*),
               count(*) FILTER (WHERE status = 'error')
        FROM workflow_executions GROUP BY 1, 2
    ) AS per_source
    GROUP BY 1, 2
    ORDER BY 1, 2;

    RETURN QUERY VALUES ('lead_pipeline_stats'::regclass), ('lead_score_stats'::regclass),
        ('user_stats'::regclass), ('organization_daily_stats'::regclass);
END
$fn$;

-- A new user starts with an all-zero row (see user_stats).
CREATE FUNCTION users_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    INSERT INTO user_stats (organization_id, user_id)
    SELECT organization_id, id FROM new_rows ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$fn$;

CREATE FUNCTION summaries_truncated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    PERFORM refresh_summaries();
    RETURN NULL;
END
$fn$;

CREATE TRIGGER users_summarize_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_summarize();

CREATE TRIGGER leads_summarize_insert AFTER INSERT ON leads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_summarize();
CREATE TRIGGER leads_summarize_update AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_summarize();
CREATE TRIGGER leads_summarize_delete AFTER DELETE ON leads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_summarize();
CREATE TRIGGER leads_summarize_truncate AFTER TRUNCATE ON leads
    FOR EACH STATEMENT EXECUTE FUNCTION summaries_truncated();

CREATE TRIGGER communications_summarize_insert AFTER INSERT ON communications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_activity_summarize('communications');
CREATE TRIGGER communications_summarize_update AFTER UPDATE ON communications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_activity_summarize('communications');
CREATE TRIGGER communications_summarize_delete AFTER DELETE ON communications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION user_activity_summarize('communications');
CREATE TRIGGER communications_summarize_truncate AFTER TRUNCATE ON communications
    FOR EACH STATEMENT EXECUTE FUNCTION summaries_truncated();

CREATE TRIGGER lead_notes_summarize_insert AFTER INSERT ON lead_notes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_activity_summarize('notes');
CREATE TRIGGER lead_notes_summarize_update AFTER UPDATE ON lead_notes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_activity_summarize('notes');
CREATE TRIGGER lead_notes_summarize_delete AFTER DELETE ON lead_notes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION user_activity_summarize('notes');
CREATE TRIGGER lead_notes_summarize_truncate AFTER TRUNCATE ON lead_notes
    FOR EACH STATEMENT EXECUTE FUNCTION summaries_truncated();

CREATE TRIGGER workflow_executions_summarize_insert AFTER INSERT ON workflow_executions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION workflow_executions_summarize();
CREATE TRIGGER workflow_executions_summarize_update AFTER UPDATE ON workflow_executions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION workflow_executions_summarize();
CREATE TRIGGER workflow_executions_summarize_delete AFTER DELETE ON workflow_executions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION workflow_executions_summarize();
CREATE TRIGGER workflow_executions_summarize_truncate AFTER TRUNCATE ON workflow_executions
    FOR EACH STATEMENT EXECUTE FUNCTION summaries_truncated();

-- The backfill, under the triggers' locks (see "Locks" above).
SELECT count(*) FROM refresh_summaries();

-- The application reads the summaries (through the views or directly) and
-- never writes them; RLS as on every tenant table (V18).
GRANT SELECT ON lead_pipeline_stats, lead_score_stats, user_stats, organization_daily_stats TO lma_app;
ALTER TABLE lead_pipeline_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_pipeline_stats AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);
ALTER TABLE lead_score_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_score_stats AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);
ALTER TABLE user_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_stats AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);
ALTER TABLE organization_daily_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organization_daily_stats AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

-- v_user_productivity: the same columns, from user_stats (one row per user).
-- avg_lead_score: score_sum / assigned_leads in numeric, which is exactly how
-- avg(integer) computes its result, so the values are digit-for-digit V16's.
CREATE OR REPLACE VIEW v_user_productivity WITH (security_invoker = true) AS
SELECT
    u.id,
    u.organization_id,
    u.first_name,
    u.last_name,
    u.email,
    u.role,
    o.name AS organization_name,
    s.assigned_leads,
    s.communications                                            AS total_communications,
    s.notes                                                     AS total_notes,
    s.score_sum::numeric / nullif(s.assigned_leads, 0)::numeric AS avg_lead_score,
    s.won_leads
FROM users AS u
JOIN organizations AS o ON o.id = u.organization_id
JOIN user_stats AS s ON s.organization_id = u.organization_id AND s.user_id = u.id;

-- v_organization_health: the same columns; leads from lead_pipeline_stats,
-- the 30-day windows from organization_daily_stats (calendar days, see the
-- departure above). sum(bigint) is numeric, cast back to V16's bigint.
CREATE OR REPLACE VIEW v_organization_health WITH (security_invoker = true) AS
SELECT
    o.id,
    o.name,
    o.subscription_tier,
    o.is_active,
    u.total_users,
    u.active_users,
    u.users_logged_in_last_30_days,
    l.total_leads,
    d.leads_last_30_days,
    l.won_leads,
    l.lost_leads,
    l.won_leads::numeric / nullif(l.won_leads + l.lost_leads, 0) AS conversion_rate,
    w.total_workflows,
    w.active_workflows,
    d.workflow_runs_last_30_days,
    d.failed_workflow_runs_last_30_days
FROM organizations AS o
CROSS JOIN LATERAL (
    SELECT count(*)                                                            AS total_users,
           count(*) FILTER (WHERE us.is_active)                                AS active_users,
           count(*) FILTER (WHERE us.last_login >= now() - interval '30 days') AS users_logged_in_last_30_days
    FROM users AS us
    WHERE us.organization_id = o.id
) AS u
CROSS JOIN LATERAL (
    SELECT coalesce(sum(ps.leads), 0)::bigint                                         AS total_leads,
           coalesce(sum(ps.leads) FILTER (WHERE ps.status = 'CLOSED_WON'), 0)::bigint  AS won_leads,
           coalesce(sum(ps.leads) FILTER (WHERE ps.status = 'CLOSED_LOST'), 0)::bigint AS lost_leads
    FROM lead_pipeline_stats AS ps
    WHERE ps.organization_id = o.id
) AS l
CROSS JOIN LATERAL (
    SELECT count(*)                             AS total_workflows,
           count(*) FILTER (WHERE wf.is_active) AS active_workflows
    FROM workflows AS wf
    WHERE wf.organization_id = o.id
) AS w
CROSS JOIN LATERAL (
    SELECT coalesce(sum(ds.leads_created), 0)::bigint        AS leads_last_30_days,
           coalesce(sum(ds.workflow_runs), 0)::bigint        AS workflow_runs_last_30_days,
           coalesce(sum(ds.failed_workflow_runs), 0)::bigint AS failed_workflow_runs_last_30_days
    FROM organization_daily_stats AS ds
    WHERE ds.organization_id = o.id AND ds.day > (now() AT TIME ZONE 'UTC')::date - 30
) AS d;
