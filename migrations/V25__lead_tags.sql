-- V25: a lead's tags as rows, for the tag search (sql/checks/json_tag_search.sql).
--
-- "The tenant's leads carrying a tag" used the GIN index on
-- (organization_id, tags jsonb_path_ops) (V14): 9 ms for the largest tenant at
-- 1M leads whatever the tag, since the scan intersects the tag's posting list
-- with the tenant's, which holds 400,000 entries (docs/benchmarks.md). A GIN
-- key that holds tenant and tag together (an expression index) finds the
-- same rows in 1.8 ms, but the planner, which cannot know that the key
-- implies the tenant, ANDs it with a tenant index for 40 ms, and row-level
-- security always adds that tenant predicate. So the tags are also kept as
-- rows, one per (tenant, tag, lead), and the primary key gives a tag's leads
-- in order: a page is 100 index entries, however many leads carry the tag.
--
-- Departure from seed 000's query (tags @> '["vip"]'): one tag per search,
-- newest leads first (the containment form had no order, so its LIMIT 100
-- gave arbitrary rows). A search for several tags intersects their lists.
--
-- Kept like V21's summaries: statement-level triggers on leads, SECURITY
-- DEFINER, exact in the writing transaction, rebuilt by refresh_summaries()
-- (`lma seed`, TRUNCATE). An UPDATE writes only the tags it adds or removes.
-- V26 drops idx_leads_tags_gin, which nothing reads any more.
--
-- Locks, to the commit: CREATE TRIGGER takes SHARE ROW EXCLUSIVE on leads
-- (its writers wait; readers do not), so the backfill is exact. The backfill
-- reads the leads once and writes a row per tag: 10 s at 1M leads (1.2
-- million rows), during which lead writes wait (docs/benchmarks.md).

-- The tags a lead is found by: its array's string elements, each once, up to
-- 255 characters. Other elements (numbers, null, objects) never matched a
-- tag search (tags @> '["vip"]' compares strings), and a longer string would
-- not fit a B-tree entry (2,704 bytes); neither is kept.
CREATE FUNCTION lead_tag_set(tags jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
    SELECT DISTINCT e.value #>> '{}' FROM jsonb_array_elements(tags) AS e
    WHERE jsonb_typeof(e.value) = 'string' AND length(e.value #>> '{}') <= 255
$fn$;

CREATE TABLE lead_tags (
    organization_id integer NOT NULL,
    tag             text NOT NULL,
    lead_id         integer NOT NULL,
    CONSTRAINT pk_lead_tags PRIMARY KEY (organization_id, tag, lead_id),
    CONSTRAINT fk_lead_tags_organization FOREIGN KEY (organization_id)
        REFERENCES organizations (id) ON DELETE CASCADE
);
COMMENT ON TABLE lead_tags IS
    'leads.tags as rows (V25), maintained by the leads_tags_* triggers: a tag''s leads in order, by the primary key.';

-- The rows a statement adds and removes, each (tenant, tag, lead) once. A
-- lead deleted with its tenant is gone with it (ON DELETE CASCADE above), and
-- one deleted alone takes its rows along here.
CREATE FUNCTION leads_tags_sync() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_tags (organization_id, tag, lead_id)
        SELECT DISTINCT n.organization_id, e.tag, n.id
        FROM new_rows AS n, lead_tag_set(n.tags) AS e (tag)
        WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = n.organization_id)
        ORDER BY 1, 2, 3
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM lead_tags AS t
        USING old_rows AS o, lead_tag_set(o.tags) AS e (tag)
        WHERE t.organization_id = o.organization_id AND t.tag = e.tag AND t.lead_id = o.id;
    ELSE
        DELETE FROM lead_tags AS t
        USING (SELECT o.organization_id, e.tag, o.id FROM old_rows AS o, lead_tag_set(o.tags) AS e (tag)
               EXCEPT
               SELECT n.organization_id, e.tag, n.id FROM new_rows AS n, lead_tag_set(n.tags) AS e (tag))
              AS gone (organization_id, tag, lead_id)
        WHERE t.organization_id = gone.organization_id AND t.tag = gone.tag AND t.lead_id = gone.lead_id;
        INSERT INTO lead_tags (organization_id, tag, lead_id)
        SELECT organization_id, tag, id FROM (
            SELECT n.organization_id, e.tag, n.id FROM new_rows AS n, lead_tag_set(n.tags) AS e (tag)
            EXCEPT
            SELECT o.organization_id, e.tag, o.id FROM old_rows AS o, lead_tag_set(o.tags) AS e (tag)
        ) AS added
        WHERE EXISTS (SELECT FROM organizations AS o WHERE o.id = added.organization_id)
        ORDER BY 1, 2, 3
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER leads_tags_insert AFTER INSERT ON leads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_tags_sync();
CREATE TRIGGER leads_tags_update AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_tags_sync();
CREATE TRIGGER leads_tags_delete AFTER DELETE ON leads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_tags_sync();
-- TRUNCATE: V21's leads_summarize_truncate calls refresh_summaries(), which
-- rebuilds lead_tags too (below).

-- The backfill, under the trigger's lock.
INSERT INTO lead_tags (organization_id, tag, lead_id)
SELECT DISTINCT l.organization_id, e.tag, l.id
FROM leads AS l, lead_tag_set(l.tags) AS e (tag)
ORDER BY 1, 2, 3;

-- Read-only for the application, RLS as on every tenant table.
GRANT SELECT ON lead_tags TO lma_app;
ALTER TABLE lead_tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead_tags AS PERMISSIVE FOR ALL TO lma_app
    USING (organization_id = nullif(current_setting('lma.organization_id', true), '')::integer);

-- V23's rebuild (for `lma seed` and TRUNCATE), with lead_tags added.
CREATE OR REPLACE FUNCTION refresh_summaries() RETURNS SETOF regclass
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $fn$
BEGIN
    LOCK TABLE lead_pipeline_stats, lead_score_stats, user_stats, organization_daily_stats, lead_tags IN EXCLUSIVE MODE;
    DELETE FROM lead_pipeline_stats;
    DELETE FROM lead_score_stats;
    DELETE FROM user_stats;
    DELETE FROM organization_daily_stats;
    DELETE FROM lead_tags;

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

    INSERT INTO lead_tags (organization_id, tag, lead_id)
    SELECT DISTINCT l.organization_id, e.tag, l.id
    FROM leads AS l, lead_tag_set(l.tags) AS e (tag)
    ORDER BY 1, 2, 3;

    RETURN QUERY VALUES ('lead_pipeline_stats'::regclass), ('lead_score_stats'::regclass),
        ('user_stats'::regclass), ('organization_daily_stats'::regclass), ('lead_tags'::regclass);
END
$fn$;
