-- V23: communications per tenant and UTC day, in V21's organization_daily_stats,
-- for the activity dashboard (sql/checks/communication_activity.sql).
--
-- "The tenant's communications per day over the last 30 days" counted the
-- rows themselves: at 1M leads, with the history ending today (`lma seed`'s
-- default anchor), the largest tenant has 311,000 communications in the
-- window, and the index-only scan of idx_comms_org_activity took 222 ms and
-- 236,539 shared buffers (most of them visibility-map pages: consecutive
-- entries point into heap pages that different map pages cover). Seed 000
-- timed it on five rows. No index makes counting 311,000 rows cheap, so the
-- count is kept, as V21 keeps leads created and workflow runs per day: the
-- dashboard then reads 30 rows of organization_daily_stats.
--
-- Departure from seed 000, whose query grouped by date_trunc('day',
-- created_at) in the session's time zone: the days are UTC calendar days, as
-- all of V21's, so that a summary can be kept at all.
--
-- Write cost: one more statement-level trigger per INSERT, UPDATE and DELETE
-- on communications (the transition tables are shared with V21's triggers),
-- and a write to one (tenant, day) row per statement; an UPDATE that changes
-- neither created_at nor organization_id nets to zero and writes nothing.
--
-- Locks, all held to the commit, as V21's. The first statement takes SHARE
-- ROW EXCLUSIVE on communications (what CREATE TRIGGER needs), so the
-- migration waits for its writers before it holds anything else: taking the
-- summary table first could deadlock with a transaction that wrote a
-- communication and then a lead. ADD COLUMN with a constant default is a
-- catalog change (no rewrite) but takes ACCESS EXCLUSIVE on
-- organization_daily_stats, which every write to leads, communications and
-- workflow_executions updates through its triggers: all of them, and the
-- dashboards that read the table, wait for the commit. The backfill is exact,
-- since no communication can be written between its count and the triggers,
-- and it is the only long part: one pass over communications (2-3 s at 1M
-- leads, docs/benchmarks.md).
--
-- Lock order: the triggers are named to fire after V21's
-- communications_summarize_* (triggers fire in name order), so a
-- communication, like a lead, writes user_stats before organization_daily_stats;
-- the other order deadlocked a communication and a lead of the same user and day.

LOCK TABLE communications IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE organization_daily_stats ADD COLUMN communications bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN organization_daily_stats.communications IS
    'Communications created that UTC day (V23); maintained by the communications_tally_days_* triggers.';

CREATE TYPE day_fact AS (organization_id integer, day date, sign integer);

CREATE FUNCTION summarize_communication_days(facts day_fact[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    INSERT INTO organization_daily_stats AS s (organization_id, day, communications)
    SELECT f.organization_id, f.day, sum(f.sign)
    FROM unnest(facts) AS f
    WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = f.organization_id)
    GROUP BY 1, 2
    HAVING sum(f.sign) <> 0
    ORDER BY 1, 2
    ON CONFLICT (organization_id, day) DO UPDATE SET communications = s.communications + excluded.communications;
END
$fn$;

CREATE FUNCTION communications_days_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
DECLARE
    facts day_fact[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        facts := ARRAY(SELECT ROW(n.organization_id, (n.created_at AT TIME ZONE 'UTC')::date, 1)::day_fact
                       FROM new_rows AS n);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        facts := facts || ARRAY(SELECT ROW(o.organization_id, (o.created_at AT TIME ZONE 'UTC')::date, -1)::day_fact
                                FROM old_rows AS o);
    END IF;
    PERFORM summarize_communication_days(facts);
    RETURN NULL;
END
$fn$;

CREATE TRIGGER communications_tally_days_insert AFTER INSERT ON communications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION communications_days_summarize();
CREATE TRIGGER communications_tally_days_update AFTER UPDATE ON communications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION communications_days_summarize();
CREATE TRIGGER communications_tally_days_delete AFTER DELETE ON communications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION communications_days_summarize();
-- TRUNCATE: V21's communications_summarize_truncate already calls
-- refresh_summaries(), which now counts the days too.

-- The backfill: the new column is 0 everywhere, so each (tenant, day) gets its
-- count, on the day's row if leads or runs made one already.
INSERT INTO organization_daily_stats AS s (organization_id, day, communications)
SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date, count(*)
FROM communications
GROUP BY 1, 2
ORDER BY 1, 2
ON CONFLICT (organization_id, day) DO UPDATE SET communications = excluded.communications;

-- V21's rebuild (for `lma seed` and TRUNCATE), with the communications per day added.
CREATE OR REPLACE FUNCTION refresh_summaries() RETURNS SETOF regclass
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

    INSERT INTO organization_daily_stats
        (organization_id, day, leads_created, workflow_runs, failed_workflow_runs, communications)
    SELECT organization_id, day, sum(leads_created), sum(workflow_runs), sum(failed_workflow_runs),
           sum(communications)
    FROM (
        SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS leads_created,
               0 AS workflow_runs, 0 AS failed_workflow_runs, 0 AS communications
        FROM leads GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, (started_at AT TIME ZONE 'UTC')::date, 0, count(*),
               count(*) FILTER (WHERE status = 'error'), 0
        FROM workflow_executions GROUP BY 1, 2
        UNION ALL
        SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date, 0, 0, 0, count(*)
        FROM communications GROUP BY 1, 2
    ) AS per_source
    GROUP BY 1, 2
    ORDER BY 1, 2;

    RETURN QUERY VALUES ('lead_pipeline_stats'::regclass), ('lead_score_stats'::regclass),
        ('user_stats'::regclass), ('organization_daily_stats'::regclass);
END
$fn$;
