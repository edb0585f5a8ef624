--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: btree_gin; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;


--
-- Name: EXTENSION btree_gin; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION btree_gin IS 'support for indexing common datatypes in GIN';


--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: campaign_status_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.campaign_status_enum AS ENUM (
    'draft',
    'active',
    'paused',
    'completed',
    'cancelled'
);


--
-- Name: communication_direction_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.communication_direction_enum AS ENUM (
    'inbound',
    'outbound'
);


--
-- Name: communication_status_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.communication_status_enum AS ENUM (
    'scheduled',
    'completed',
    'failed',
    'cancelled'
);


--
-- Name: communication_type_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.communication_type_enum AS ENUM (
    'email',
    'call',
    'meeting',
    'linkedin',
    'sms'
);


--
-- Name: day_fact; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.day_fact AS (
	organization_id integer,
	day date,
	sign integer
);


--
-- Name: integration_status_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.integration_status_enum AS ENUM (
    'active',
    'inactive',
    'error',
    'expired'
);


--
-- Name: lead_source_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.lead_source_enum AS ENUM (
    'WEBSITE',
    'EMAIL',
    'SOCIAL_MEDIA',
    'REFERRAL',
    'ADVERTISING',
    'COLD_OUTREACH',
    'EVENT',
    'OTHER'
);


--
-- Name: lead_status_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.lead_status_enum AS ENUM (
    'NEW',
    'CONTACTED',
    'QUALIFIED',
    'PROPOSAL',
    'NEGOTIATION',
    'CLOSED_WON',
    'CLOSED_LOST'
);


--
-- Name: lead_temperature_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.lead_temperature_enum AS ENUM (
    'hot',
    'warm',
    'cold'
);


--
-- Name: lead_fact; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.lead_fact AS (
	organization_id integer,
	assigned_to_id integer,
	status public.lead_status_enum,
	source public.lead_source_enum,
	lead_temperature public.lead_temperature_enum,
	score integer,
	value integer,
	created_at timestamp with time zone,
	sign integer
);


--
-- Name: run_fact; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.run_fact AS (
	organization_id integer,
	started_at timestamp with time zone,
	status text,
	sign integer
);


--
-- Name: user_fact; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.user_fact AS (
	organization_id integer,
	user_id integer,
	sign integer
);


--
-- Name: user_role_enum; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.user_role_enum AS ENUM (
    'ADMIN',
    'MANAGER',
    'SALES_REP',
    'VIEWER'
);


--
-- Name: communications_days_summarize(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.communications_days_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: lead_tag_set(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lead_tag_set(tags jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT DISTINCT e.value #>> '{}' FROM jsonb_array_elements(tags) AS e
    WHERE jsonb_typeof(e.value) = 'string' AND length(e.value #>> '{}') <= 255
$$;


--
-- Name: leads_summarize(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.leads_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: leads_tags_sync(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.leads_tags_sync() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: refresh_summaries(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_summaries() RETURNS SETOF regclass
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: summaries_truncated(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.summaries_truncated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM refresh_summaries();
    RETURN NULL;
END
$$;


--
-- Name: summarize_communication_days(public.day_fact[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.summarize_communication_days(facts public.day_fact[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: summarize_leads(public.lead_fact[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.summarize_leads(facts public.lead_fact[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: summarize_runs(public.run_fact[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.summarize_runs(facts public.run_fact[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: summarize_user_activity(public.user_fact[], text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.summarize_user_activity(facts public.user_fact[], kind text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: user_activity_summarize(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.user_activity_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


--
-- Name: users_summarize(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.users_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
    INSERT INTO user_stats (organization_id, user_id)
    SELECT organization_id, id FROM new_rows ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;


--
-- Name: workflow_executions_summarize(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.workflow_executions_summarize() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: activity_logs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity_logs (
    id bigint NOT NULL,
    organization_id integer NOT NULL,
    lead_id integer,
    user_id integer,
    activity_type text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_activity_logs_activity_type_not_blank CHECK ((btrim(activity_type) <> ''::text)),
    CONSTRAINT ck_activity_logs_details_object CHECK ((jsonb_typeof(details) = 'object'::text))
);


--
-- Name: activity_logs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.activity_logs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.activity_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: campaign_leads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_leads (
    organization_id integer NOT NULL,
    campaign_id integer NOT NULL,
    lead_id integer NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    added_at timestamp with time zone DEFAULT now() NOT NULL,
    contacted_at timestamp with time zone,
    responded_at timestamp with time zone,
    converted_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_campaign_leads_status CHECK ((status = ANY (ARRAY['pending'::text, 'contacted'::text, 'responded'::text, 'converted'::text, 'unsubscribed'::text, 'bounced'::text]))),
    CONSTRAINT ck_campaign_leads_timestamps_after_added CHECK (((contacted_at >= added_at) AND (responded_at >= added_at) AND (converted_at >= added_at)))
);


--
-- Name: campaigns; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaigns (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    campaign_type character varying(100),
    status public.campaign_status_enum DEFAULT 'draft'::public.campaign_status_enum NOT NULL,
    target_criteria jsonb DEFAULT '{}'::jsonb NOT NULL,
    start_date date,
    end_date date,
    budget_allocated integer,
    budget_spent integer DEFAULT 0 NOT NULL,
    goals jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_campaigns_budget_allocated_non_negative CHECK ((budget_allocated >= 0)),
    CONSTRAINT ck_campaigns_budget_spent_non_negative CHECK ((budget_spent >= 0)),
    CONSTRAINT ck_campaigns_budget_spent_within_allocated CHECK ((budget_spent <= budget_allocated)),
    CONSTRAINT ck_campaigns_dates_order CHECK ((end_date >= start_date)),
    CONSTRAINT ck_campaigns_name_not_blank CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT ck_campaigns_target_criteria_object CHECK ((jsonb_typeof(target_criteria) = 'object'::text))
);


--
-- Name: campaigns_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.campaigns ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.campaigns_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: communications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.communications (
    id bigint NOT NULL,
    organization_id integer NOT NULL,
    lead_id integer NOT NULL,
    user_id integer,
    communication_type public.communication_type_enum NOT NULL,
    direction public.communication_direction_enum NOT NULL,
    subject character varying(500),
    content text,
    status public.communication_status_enum DEFAULT 'completed'::public.communication_status_enum NOT NULL,
    scheduled_at timestamp with time zone,
    completed_at timestamp with time zone,
    comm_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_communications_metadata_object CHECK ((jsonb_typeof(comm_metadata) = 'object'::text)),
    CONSTRAINT ck_communications_scheduled_has_time CHECK (((status <> 'scheduled'::public.communication_status_enum) OR (scheduled_at IS NOT NULL)))
);


--
-- Name: communications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.communications ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.communications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: custom_field_definitions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custom_field_definitions (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    field_key text NOT NULL,
    label text NOT NULL,
    field_type text DEFAULT 'text'::text NOT NULL,
    is_required boolean DEFAULT false NOT NULL,
    options jsonb DEFAULT '[]'::jsonb NOT NULL,
    sort_order integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_custom_field_definitions_choice_options CHECK (((field_type <> ALL (ARRAY['dropdown'::text, 'radio'::text, 'checkbox'::text])) OR (options <> '[]'::jsonb))),
    CONSTRAINT ck_custom_field_definitions_field_key_format CHECK ((field_key ~ '^[a-z][a-z0-9_]*$'::text)),
    CONSTRAINT ck_custom_field_definitions_field_type CHECK ((field_type = ANY (ARRAY['text'::text, 'textarea'::text, 'number'::text, 'decimal'::text, 'date'::text, 'datetime'::text, 'boolean'::text, 'dropdown'::text, 'radio'::text, 'checkbox'::text, 'url'::text, 'email'::text, 'phone'::text, 'currency'::text]))),
    CONSTRAINT ck_custom_field_definitions_label_not_blank CHECK ((btrim(label) <> ''::text)),
    CONSTRAINT ck_custom_field_definitions_options_array CHECK ((jsonb_typeof(options) = 'array'::text))
);


--
-- Name: custom_field_definitions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.custom_field_definitions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.custom_field_definitions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: integrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.integrations (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    provider text NOT NULL,
    name text NOT NULL,
    status public.integration_status_enum DEFAULT 'inactive'::public.integration_status_enum NOT NULL,
    config jsonb DEFAULT '{}'::jsonb NOT NULL,
    credentials_encrypted bytea,
    last_sync_at timestamp with time zone,
    expires_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_integrations_config_object CHECK ((jsonb_typeof(config) = 'object'::text)),
    CONSTRAINT ck_integrations_provider_not_blank CHECK ((btrim(provider) <> ''::text))
);


--
-- Name: integrations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.integrations ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.integrations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: lead_notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lead_notes (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    lead_id integer NOT NULL,
    user_id integer,
    content text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_lead_notes_content_not_blank CHECK ((btrim(content) <> ''::text))
);


--
-- Name: lead_notes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.lead_notes ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lead_notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: lead_pipeline_stats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lead_pipeline_stats (
    organization_id integer NOT NULL,
    status public.lead_status_enum NOT NULL,
    source public.lead_source_enum NOT NULL,
    lead_temperature public.lead_temperature_enum NOT NULL,
    leads bigint DEFAULT 0 NOT NULL,
    score_sum bigint DEFAULT 0 NOT NULL,
    valued_leads bigint DEFAULT 0 NOT NULL,
    value_sum bigint DEFAULT 0 NOT NULL
);


--
-- Name: lead_score_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lead_score_history (
    id bigint NOT NULL,
    organization_id integer NOT NULL,
    lead_id integer NOT NULL,
    old_score integer,
    new_score integer NOT NULL,
    reason text,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_lead_score_history_new_score_range CHECK (((new_score >= 0) AND (new_score <= 100))),
    CONSTRAINT ck_lead_score_history_old_score_range CHECK (((old_score >= 0) AND (old_score <= 100)))
);


--
-- Name: lead_score_history_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.lead_score_history ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lead_score_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: lead_score_stats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lead_score_stats (
    organization_id integer NOT NULL,
    lead_temperature public.lead_temperature_enum NOT NULL,
    score integer NOT NULL,
    leads bigint DEFAULT 0 NOT NULL
);


--
-- Name: lead_scoring_rules; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lead_scoring_rules (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    name text NOT NULL,
    description text,
    criteria jsonb DEFAULT '{}'::jsonb NOT NULL,
    points integer NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_lead_scoring_rules_criteria_object CHECK ((jsonb_typeof(criteria) = 'object'::text)),
    CONSTRAINT ck_lead_scoring_rules_name_not_blank CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT ck_lead_scoring_rules_points_range CHECK (((points >= '-100'::integer) AND (points <= 100)))
);


--
-- Name: lead_scoring_rules_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.lead_scoring_rules ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.lead_scoring_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: lead_tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lead_tags (
    organization_id integer NOT NULL,
    tag text NOT NULL,
    lead_id integer NOT NULL
);


--
-- Name: TABLE lead_tags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.lead_tags IS 'leads.tags as rows (V25), maintained by the leads_tags_* triggers: a tag''s leads in order, by the primary key.';


--
-- Name: leads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.leads (
    id integer NOT NULL,
    email character varying(255) NOT NULL,
    first_name character varying(100) NOT NULL,
    last_name character varying(100) NOT NULL,
    company character varying(255),
    job_title character varying(100),
    phone character varying(50),
    website character varying(255),
    linkedin_url character varying(500),
    lead_temperature public.lead_temperature_enum DEFAULT 'cold'::public.lead_temperature_enum NOT NULL,
    expected_close_date date,
    last_engagement_date timestamp with time zone,
    status public.lead_status_enum DEFAULT 'NEW'::public.lead_status_enum NOT NULL,
    source public.lead_source_enum DEFAULT 'OTHER'::public.lead_source_enum NOT NULL,
    score integer DEFAULT 0 NOT NULL,
    value integer,
    notes text,
    tags jsonb,
    custom_fields jsonb,
    first_contacted_at timestamp with time zone,
    last_contacted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    organization_id integer NOT NULL,
    assigned_to_id integer,
    CONSTRAINT ck_leads_contacted_order CHECK ((last_contacted_at >= first_contacted_at)),
    CONSTRAINT ck_leads_custom_fields_object CHECK ((jsonb_typeof(custom_fields) = 'object'::text)),
    CONSTRAINT ck_leads_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_leads_score_range CHECK (((score >= 0) AND (score <= 100))),
    CONSTRAINT ck_leads_tags_array CHECK ((jsonb_typeof(tags) = 'array'::text)),
    CONSTRAINT ck_leads_value_non_negative CHECK ((value >= 0))
);


--
-- Name: leads_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.leads ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.leads_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: organization_daily_stats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organization_daily_stats (
    organization_id integer NOT NULL,
    day date NOT NULL,
    leads_created bigint DEFAULT 0 NOT NULL,
    workflow_runs bigint DEFAULT 0 NOT NULL,
    failed_workflow_runs bigint DEFAULT 0 NOT NULL,
    communications bigint DEFAULT 0 NOT NULL
);


--
-- Name: COLUMN organization_daily_stats.communications; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.organization_daily_stats.communications IS 'Communications created that UTC day (V23); maintained by the communications_tally_days_* triggers.';


--
-- Name: organizations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organizations (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    slug character varying(100) NOT NULL,
    description text,
    website character varying(255),
    industry character varying(100),
    size character varying(50),
    settings jsonb,
    subscription_tier character varying(50) DEFAULT 'free'::character varying NOT NULL,
    billing_email character varying(255),
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_organizations_name_not_blank CHECK ((btrim((name)::text) <> ''::text)),
    CONSTRAINT ck_organizations_settings_object CHECK ((jsonb_typeof(settings) = 'object'::text)),
    CONSTRAINT ck_organizations_size CHECK (((size)::text = ANY ((ARRAY['startup'::character varying, 'small'::character varying, 'medium'::character varying, 'large'::character varying, 'enterprise'::character varying])::text[]))),
    CONSTRAINT ck_organizations_slug_format CHECK (((slug)::text ~ '^[a-z0-9][a-z0-9_-]*$'::text))
);


--
-- Name: organizations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.organizations ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.organizations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: user_stats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.user_stats (
    organization_id integer NOT NULL,
    user_id integer NOT NULL,
    assigned_leads bigint DEFAULT 0 NOT NULL,
    score_sum bigint DEFAULT 0 NOT NULL,
    won_leads bigint DEFAULT 0 NOT NULL,
    communications bigint DEFAULT 0 NOT NULL,
    notes bigint DEFAULT 0 NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id integer NOT NULL,
    email character varying(255) NOT NULL,
    username character varying(100) NOT NULL,
    first_name character varying(100) NOT NULL,
    last_name character varying(100) NOT NULL,
    hashed_password character varying(255) NOT NULL,
    role public.user_role_enum DEFAULT 'SALES_REP'::public.user_role_enum NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    is_verified boolean DEFAULT false NOT NULL,
    timezone character varying(50) DEFAULT 'UTC'::character varying NOT NULL,
    preferences jsonb DEFAULT '{}'::jsonb NOT NULL,
    avatar_url character varying(500),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_login timestamp with time zone,
    organization_id integer NOT NULL,
    CONSTRAINT ck_users_email_format CHECK (((email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT ck_users_preferences_object CHECK ((jsonb_typeof(preferences) = 'object'::text)),
    CONSTRAINT ck_users_username_not_blank CHECK ((btrim((username)::text) <> ''::text))
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: v_lead_performance_summary; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.v_lead_performance_summary WITH (security_invoker='true') AS
 SELECT l.organization_id,
    l.status,
    l.source,
    l.lead_temperature,
    count(*) AS lead_count,
    avg(l.score) AS avg_score,
    sum(l.value) AS total_value,
    sum(c.communication_count) AS communication_count,
    count(*) FILTER (WHERE (c.communication_count > 0)) AS leads_with_communications,
    avg(c.communication_count) AS avg_communications_per_lead
   FROM (public.leads l
     CROSS JOIN LATERAL ( SELECT count(*) AS communication_count
           FROM public.communications cm
          WHERE ((cm.organization_id = l.organization_id) AND (cm.lead_id = l.id))) c)
  WHERE (l.created_at >= (now() - '90 days'::interval))
  GROUP BY l.organization_id, l.status, l.source, l.lead_temperature;


--
-- Name: v_lead_summary; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.v_lead_summary WITH (security_invoker='true') AS
 SELECT l.id,
    l.organization_id,
    l.email,
    l.first_name,
    l.last_name,
    l.company,
    l.score,
    l.status,
    l.lead_temperature,
    l.created_at,
    o.name AS organization_name,
    o.subscription_tier,
    u.first_name AS assigned_first_name,
    u.last_name AS assigned_last_name,
    c.communication_count,
    n.note_count,
    c.last_communication_date,
    l.assigned_to_id
   FROM ((((public.leads l
     JOIN public.organizations o ON ((o.id = l.organization_id)))
     LEFT JOIN public.users u ON (((u.organization_id = l.organization_id) AND (u.id = l.assigned_to_id))))
     CROSS JOIN LATERAL ( SELECT count(*) AS communication_count,
            max(cm.created_at) AS last_communication_date
           FROM public.communications cm
          WHERE ((cm.organization_id = l.organization_id) AND (cm.lead_id = l.id))) c)
     CROSS JOIN LATERAL ( SELECT count(*) AS note_count
           FROM public.lead_notes ln
          WHERE ((ln.organization_id = l.organization_id) AND (ln.lead_id = l.id))) n);


--
-- Name: workflows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workflows (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    n8n_workflow_id character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    category character varying(100),
    trigger_type character varying(100),
    trigger_conditions jsonb DEFAULT '{}'::jsonb NOT NULL,
    configuration jsonb DEFAULT '{}'::jsonb NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_by integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_workflows_n8n_workflow_id_not_blank CHECK ((btrim((n8n_workflow_id)::text) <> ''::text))
);


--
-- Name: v_organization_health; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.v_organization_health WITH (security_invoker='true') AS
 SELECT o.id,
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
    ((l.won_leads)::numeric / (NULLIF((l.won_leads + l.lost_leads), 0))::numeric) AS conversion_rate,
    w.total_workflows,
    w.active_workflows,
    d.workflow_runs_last_30_days,
    d.failed_workflow_runs_last_30_days
   FROM ((((public.organizations o
     CROSS JOIN LATERAL ( SELECT count(*) AS total_users,
            count(*) FILTER (WHERE us.is_active) AS active_users,
            count(*) FILTER (WHERE (us.last_login >= (now() - '30 days'::interval))) AS users_logged_in_last_30_days
           FROM public.users us
          WHERE (us.organization_id = o.id)) u)
     CROSS JOIN LATERAL ( SELECT (COALESCE(sum(ps.leads), (0)::numeric))::bigint AS total_leads,
            (COALESCE(sum(ps.leads) FILTER (WHERE (ps.status = 'CLOSED_WON'::public.lead_status_enum)), (0)::numeric))::bigint AS won_leads,
            (COALESCE(sum(ps.leads) FILTER (WHERE (ps.status = 'CLOSED_LOST'::public.lead_status_enum)), (0)::numeric))::bigint AS lost_leads
           FROM public.lead_pipeline_stats ps
          WHERE (ps.organization_id = o.id)) l)
     CROSS JOIN LATERAL ( SELECT count(*) AS total_workflows,
            count(*) FILTER (WHERE wf.is_active) AS active_workflows
           FROM public.workflows wf
          WHERE (wf.organization_id = o.id)) w)
     CROSS JOIN LATERAL ( SELECT (COALESCE(sum(ds.leads_created), (0)::numeric))::bigint AS leads_last_30_days,
            (COALESCE(sum(ds.workflow_runs), (0)::numeric))::bigint AS workflow_runs_last_30_days,
            (COALESCE(sum(ds.failed_workflow_runs), (0)::numeric))::bigint AS failed_workflow_runs_last_30_days
           FROM public.organization_daily_stats ds
          WHERE ((ds.organization_id = o.id) AND (ds.day > (((now() AT TIME ZONE 'UTC'::text))::date - 30)))) d);


--
-- Name: v_organization_metrics; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.v_organization_metrics WITH (security_invoker='true') AS
 SELECT o.id,
    o.name,
    o.subscription_tier,
    l.total_leads,
    u.total_users,
    l.avg_lead_score,
    l.qualified_leads,
    l.won_leads,
    c.total_communications,
    w.total_workflows
   FROM ((((public.organizations o
     CROSS JOIN LATERAL ( SELECT count(*) AS total_leads,
            avg(ld.score) AS avg_lead_score,
            count(*) FILTER (WHERE (ld.status = 'QUALIFIED'::public.lead_status_enum)) AS qualified_leads,
            count(*) FILTER (WHERE (ld.status = 'CLOSED_WON'::public.lead_status_enum)) AS won_leads
           FROM public.leads ld
          WHERE (ld.organization_id = o.id)) l)
     CROSS JOIN LATERAL ( SELECT count(*) AS total_users
           FROM public.users us
          WHERE (us.organization_id = o.id)) u)
     CROSS JOIN LATERAL ( SELECT count(*) AS total_communications
           FROM public.communications cm
          WHERE (cm.organization_id = o.id)) c)
     CROSS JOIN LATERAL ( SELECT count(*) AS total_workflows
           FROM public.workflows wf
          WHERE (wf.organization_id = o.id)) w);


--
-- Name: v_user_activity_summary; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.v_user_activity_summary WITH (security_invoker='true') AS
 SELECT u.id,
    u.organization_id,
    u.first_name,
    u.last_name,
    u.email,
    u.role,
    u.is_active,
    u.last_login,
    l.assigned_leads,
    l.open_assigned_leads,
    a.total_activities,
    a.activities_last_7_days,
    a.last_activity_at
   FROM ((public.users u
     CROSS JOIN LATERAL ( SELECT count(*) AS assigned_leads,
            count(*) FILTER (WHERE (ld.status <> ALL (ARRAY['CLOSED_WON'::public.lead_status_enum, 'CLOSED_LOST'::public.lead_status_enum]))) AS open_assigned_leads
           FROM public.leads ld
          WHERE ((ld.organization_id = u.organization_id) AND (ld.assigned_to_id = u.id))) l)
     CROSS JOIN LATERAL ( SELECT count(*) AS total_activities,
            count(*) FILTER (WHERE (al.created_at >= (now() - '7 days'::interval))) AS activities_last_7_days,
            max(al.created_at) AS last_activity_at
           FROM public.activity_logs al
          WHERE ((al.organization_id = u.organization_id) AND (al.user_id = u.id))) a);


--
-- Name: v_user_productivity; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.v_user_productivity WITH (security_invoker='true') AS
 SELECT u.id,
    u.organization_id,
    u.first_name,
    u.last_name,
    u.email,
    u.role,
    o.name AS organization_name,
    s.assigned_leads,
    s.communications AS total_communications,
    s.notes AS total_notes,
    ((s.score_sum)::numeric / (NULLIF(s.assigned_leads, 0))::numeric) AS avg_lead_score,
    s.won_leads
   FROM ((public.users u
     JOIN public.organizations o ON ((o.id = u.organization_id)))
     JOIN public.user_stats s ON (((s.organization_id = u.organization_id) AND (s.user_id = u.id))));


--
-- Name: workflow_executions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workflow_executions (
    id bigint NOT NULL,
    organization_id integer NOT NULL,
    workflow_id integer NOT NULL,
    lead_id integer,
    n8n_execution_id text,
    status text DEFAULT 'running'::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    error text,
    CONSTRAINT ck_workflow_executions_finished_after_started CHECK ((finished_at >= started_at)),
    CONSTRAINT ck_workflow_executions_finished_iff_done CHECK (((status = ANY (ARRAY['running'::text, 'waiting'::text])) = (finished_at IS NULL))),
    CONSTRAINT ck_workflow_executions_status CHECK ((status = ANY (ARRAY['running'::text, 'waiting'::text, 'success'::text, 'error'::text, 'cancelled'::text])))
);


--
-- Name: workflow_executions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.workflow_executions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.workflow_executions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: workflows_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.workflows ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.workflows_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: activity_logs pk_activity_logs; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_logs
    ADD CONSTRAINT pk_activity_logs PRIMARY KEY (id);


--
-- Name: campaign_leads pk_campaign_leads; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_leads
    ADD CONSTRAINT pk_campaign_leads PRIMARY KEY (organization_id, lead_id, campaign_id);


--
-- Name: campaigns pk_campaigns; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT pk_campaigns PRIMARY KEY (id);


--
-- Name: communications pk_communications; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.communications
    ADD CONSTRAINT pk_communications PRIMARY KEY (id);


--
-- Name: custom_field_definitions pk_custom_field_definitions; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_field_definitions
    ADD CONSTRAINT pk_custom_field_definitions PRIMARY KEY (id);


--
-- Name: integrations pk_integrations; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.integrations
    ADD CONSTRAINT pk_integrations PRIMARY KEY (id);


--
-- Name: lead_notes pk_lead_notes; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_notes
    ADD CONSTRAINT pk_lead_notes PRIMARY KEY (id);


--
-- Name: lead_pipeline_stats pk_lead_pipeline_stats; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_pipeline_stats
    ADD CONSTRAINT pk_lead_pipeline_stats PRIMARY KEY (organization_id, status, source, lead_temperature);


--
-- Name: lead_score_history pk_lead_score_history; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_score_history
    ADD CONSTRAINT pk_lead_score_history PRIMARY KEY (id);


--
-- Name: lead_score_stats pk_lead_score_stats; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_score_stats
    ADD CONSTRAINT pk_lead_score_stats PRIMARY KEY (organization_id, lead_temperature, score);


--
-- Name: lead_scoring_rules pk_lead_scoring_rules; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_scoring_rules
    ADD CONSTRAINT pk_lead_scoring_rules PRIMARY KEY (id);


--
-- Name: lead_tags pk_lead_tags; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_tags
    ADD CONSTRAINT pk_lead_tags PRIMARY KEY (organization_id, tag, lead_id);


--
-- Name: leads pk_leads; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leads
    ADD CONSTRAINT pk_leads PRIMARY KEY (id);


--
-- Name: organization_daily_stats pk_organization_daily_stats; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organization_daily_stats
    ADD CONSTRAINT pk_organization_daily_stats PRIMARY KEY (organization_id, day);


--
-- Name: organizations pk_organizations; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT pk_organizations PRIMARY KEY (id);


--
-- Name: user_stats pk_user_stats; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_stats
    ADD CONSTRAINT pk_user_stats PRIMARY KEY (organization_id, user_id);


--
-- Name: users pk_users; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);


--
-- Name: workflow_executions pk_workflow_executions; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflow_executions
    ADD CONSTRAINT pk_workflow_executions PRIMARY KEY (id);


--
-- Name: workflows pk_workflows; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflows
    ADD CONSTRAINT pk_workflows PRIMARY KEY (id);


--
-- Name: campaigns uq_campaigns_organization_id_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT uq_campaigns_organization_id_id UNIQUE (organization_id, id);


--
-- Name: custom_field_definitions uq_custom_field_definitions_organization_id_field_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_field_definitions
    ADD CONSTRAINT uq_custom_field_definitions_organization_id_field_key UNIQUE (organization_id, field_key);


--
-- Name: integrations uq_integrations_organization_id_provider; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.integrations
    ADD CONSTRAINT uq_integrations_organization_id_provider UNIQUE (organization_id, provider);


--
-- Name: lead_scoring_rules uq_lead_scoring_rules_organization_id_name; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_scoring_rules
    ADD CONSTRAINT uq_lead_scoring_rules_organization_id_name UNIQUE (organization_id, name);


--
-- Name: leads uq_leads_organization_id_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leads
    ADD CONSTRAINT uq_leads_organization_id_id UNIQUE (organization_id, id);


--
-- Name: organizations uq_organizations_slug; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT uq_organizations_slug UNIQUE (slug);


--
-- Name: users uq_users_email; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT uq_users_email UNIQUE (email);


--
-- Name: users uq_users_organization_id_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT uq_users_organization_id_id UNIQUE (organization_id, id);


--
-- Name: users uq_users_username; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT uq_users_username UNIQUE (username);


--
-- Name: workflows uq_workflows_n8n_workflow_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflows
    ADD CONSTRAINT uq_workflows_n8n_workflow_id UNIQUE (n8n_workflow_id);


--
-- Name: workflows uq_workflows_organization_id_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflows
    ADD CONSTRAINT uq_workflows_organization_id_id UNIQUE (organization_id, id);


--
-- Name: idx_activity_logs_lead_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_activity_logs_lead_created ON public.activity_logs USING btree (organization_id, lead_id, created_at DESC);


--
-- Name: INDEX idx_activity_logs_lead_created; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_activity_logs_lead_created IS 'FK fk_activity_logs_lead; a lead''s activity timeline: WHERE organization_id = $1 AND lead_id = $2 [AND activity_type = $3] ORDER BY created_at DESC LIMIT 50 (replaces idx_activity_logs_lead_type_date)';


--
-- Name: idx_activity_logs_org_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_activity_logs_org_created ON public.activity_logs USING btree (organization_id, created_at DESC);


--
-- Name: INDEX idx_activity_logs_org_created; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_activity_logs_org_created IS 'tenant recent activity (seed idx_activity_logs_monthly without its now() predicate): WHERE organization_id = $1 AND created_at >= now() - interval ''90 days'' ORDER BY created_at DESC LIMIT 100';


--
-- Name: idx_activity_logs_user_summary; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_activity_logs_user_summary ON public.activity_logs USING btree (organization_id, user_id, created_at DESC) INCLUDE (activity_type);


--
-- Name: INDEX idx_activity_logs_user_summary; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_activity_logs_user_summary IS 'FK fk_activity_logs_user; user activity summary: SELECT activity_type, count(*) WHERE organization_id = $1 AND user_id = $2 AND created_at >= now() - interval ''7 days'' GROUP BY activity_type (index-only); v_user_activity_summary';


--
-- Name: idx_campaign_leads_campaign_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_campaign_leads_campaign_status ON public.campaign_leads USING btree (organization_id, campaign_id, status);


--
-- Name: INDEX idx_campaign_leads_campaign_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_campaign_leads_campaign_status IS 'FK fk_campaign_leads_campaign; campaign performance: SELECT status, count(*) WHERE organization_id = $1 AND campaign_id = $2 GROUP BY status (index-only; seed idx_campaign_leads_performance + _summary merged)';


--
-- Name: idx_campaigns_active_type_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_campaigns_active_type_name ON public.campaigns USING btree (organization_id, campaign_type, name) WHERE (status = 'active'::public.campaign_status_enum);


--
-- Name: INDEX idx_campaigns_active_type_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_campaigns_active_type_name IS 'active campaigns of a type, by name: WHERE organization_id = $1 AND status = ''active'' AND campaign_type = $2 ORDER BY name LIMIT 50 (V24; replaces idx_campaigns_org_type_active)';


--
-- Name: idx_comms_org_activity; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_comms_org_activity ON public.communications USING btree (organization_id, created_at DESC);


--
-- Name: INDEX idx_comms_org_activity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_comms_org_activity IS 'tenant communication activity: WHERE organization_id = $1 AND created_at >= $2 GROUP BY date_trunc(''day'', created_at) / ORDER BY created_at DESC LIMIT 50';


--
-- Name: idx_comms_user_scheduled; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_comms_user_scheduled ON public.communications USING btree (organization_id, user_id, scheduled_at) WHERE (status = 'scheduled'::public.communication_status_enum);


--
-- Name: INDEX idx_comms_user_scheduled; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_comms_user_scheduled IS 'a user''s upcoming communications: WHERE organization_id = $1 AND user_id = $2 AND status = ''scheduled'' AND scheduled_at >= now() ORDER BY scheduled_at';


--
-- Name: idx_communications_lead_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_communications_lead_created ON public.communications USING btree (organization_id, lead_id, created_at DESC);


--
-- Name: INDEX idx_communications_lead_created; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_communications_lead_created IS 'FK fk_communications_lead; communication history: WHERE organization_id = $1 AND lead_id = $2 [AND communication_type = $3] ORDER BY created_at DESC LIMIT 50; v_lead_summary per-lead count and max(created_at) (index-only; replaces idx_communications_lead_type_date)';


--
-- Name: idx_communications_metadata_gin; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_communications_metadata_gin ON public.communications USING gin (organization_id, comm_metadata jsonb_path_ops);


--
-- Name: INDEX idx_communications_metadata_gin; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_communications_metadata_gin IS 'communication by provider metadata: WHERE organization_id = $1 AND comm_metadata @> ''{"message_id": "..."}''';


--
-- Name: idx_communications_upcoming; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_communications_upcoming ON public.communications USING btree (organization_id, scheduled_at) WHERE (status = 'scheduled'::public.communication_status_enum);


--
-- Name: INDEX idx_communications_upcoming; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_communications_upcoming IS 'upcoming scheduled communications: WHERE organization_id = $1 AND status = ''scheduled'' AND scheduled_at >= now() ORDER BY scheduled_at LIMIT 50 (seed idx_communications_scheduled_status merged)';


--
-- Name: idx_lead_score_history_lead_changed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_lead_score_history_lead_changed ON public.lead_score_history USING btree (organization_id, lead_id, changed_at DESC);


--
-- Name: INDEX idx_lead_score_history_lead_changed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_lead_score_history_lead_changed IS 'FK fk_lead_score_history_lead, fk_lead_score_history_organization; a lead''s score history page: WHERE organization_id = $1 AND lead_id = $2 ORDER BY changed_at DESC LIMIT 50 (V24; replaces ix_lead_score_history_lead_id)';


--
-- Name: idx_lead_score_recent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_lead_score_recent ON public.lead_score_history USING btree (organization_id, changed_at DESC);


--
-- Name: INDEX idx_lead_score_recent; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_lead_score_recent IS 'recent score changes (seed idx_lead_score_recent without its now() predicate): WHERE organization_id = $1 AND changed_at >= now() - interval ''30 days'' ORDER BY changed_at DESC LIMIT 50';


--
-- Name: idx_lead_scoring_rules_active_priority; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_lead_scoring_rules_active_priority ON public.lead_scoring_rules USING btree (organization_id, priority DESC) WHERE is_active;


--
-- Name: INDEX idx_lead_scoring_rules_active_priority; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_lead_scoring_rules_active_priority IS 'active scoring rules in evaluation order: WHERE organization_id = $1 AND is_active ORDER BY priority DESC';


--
-- Name: idx_lead_scoring_rules_field; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_lead_scoring_rules_field ON public.lead_scoring_rules USING btree (organization_id, ((criteria ->> 'field'::text)), name);


--
-- Name: INDEX idx_lead_scoring_rules_field; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_lead_scoring_rules_field IS 'scoring rules testing a field, a page by name: WHERE organization_id = $1 AND criteria ->> ''field'' = $2 ORDER BY name LIMIT 50 (V24)';


--
-- Name: idx_leads_assignable; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_leads_assignable ON public.leads USING btree (organization_id, score DESC, id) WHERE ((assigned_to_id IS NULL) AND (status = 'NEW'::public.lead_status_enum));


--
-- Name: INDEX idx_leads_assignable; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_leads_assignable IS 'lead assignment queue: WHERE organization_id = $1 AND assigned_to_id IS NULL AND status = ''NEW'' ORDER BY score DESC, id LIMIT 50 (seed idx_leads_assignable + idx_leads_org_status_assigned)';


--
-- Name: idx_leads_custom_fields_gin; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_leads_custom_fields_gin ON public.leads USING gin (organization_id, custom_fields jsonb_path_ops);


--
-- Name: INDEX idx_leads_custom_fields_gin; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_leads_custom_fields_gin IS 'custom-field search: WHERE organization_id = $1 AND custom_fields @> ''{"industry": "saas"}''';


--
-- Name: idx_leads_org_created_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_leads_org_created_desc ON public.leads USING btree (organization_id, created_at DESC, id DESC);


--
-- Name: INDEX idx_leads_org_created_desc; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_leads_org_created_desc IS 'recent leads, keyset pagination: WHERE organization_id = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT 50; v_lead_performance_summary 90-day window (seed idx_leads_created_org merged)';


--
-- Name: idx_leads_org_score_temp; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_leads_org_score_temp ON public.leads USING btree (organization_id, score DESC, lead_temperature);


--
-- Name: INDEX idx_leads_org_score_temp; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_leads_org_score_temp IS 'hottest leads, v_lead_summary''s list page: WHERE organization_id = $1 ORDER BY score DESC LIMIT n (the scoring analysis reads lead_score_stats since V21)';


--
-- Name: idx_leads_rep_pipeline; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_leads_rep_pipeline ON public.leads USING btree (organization_id, assigned_to_id, status, score DESC, id DESC);


--
-- Name: INDEX idx_leads_rep_pipeline; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_leads_rep_pipeline IS 'FK fk_leads_assigned_to; a rep''s pipeline page: WHERE organization_id = $1 AND assigned_to_id = $2 AND status = $3 ORDER BY score DESC, id DESC LIMIT 50; v_user_activity_summary per-user counts (index-only; replaces idx_leads_assigned_status)';


--
-- Name: idx_leads_search_trgm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_leads_search_trgm ON public.leads USING gin (organization_id, ((((((((first_name)::text || ' '::text) || (last_name)::text) || ' '::text) || (COALESCE(company, ''::character varying))::text) || ' '::text) || (email)::text)) public.gin_trgm_ops);


--
-- Name: INDEX idx_leads_search_trgm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_leads_search_trgm IS 'lead search by name/company/e-mail substring: WHERE organization_id = $1 AND (first_name || '' '' || last_name || '' '' || coalesce(company, '''') || '' '' || email) ILIKE ''%'' || $2 || ''%'' (pg_trgm + btree_gin; replaces seed ix_leads_company)';


--
-- Name: idx_user_stats_won; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_user_stats_won ON public.user_stats USING btree (organization_id, won_leads DESC, user_id);


--
-- Name: INDEX idx_user_stats_won; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_user_stats_won IS 'v_user_productivity, the team page: WHERE organization_id = $1 ORDER BY won_leads DESC, id LIMIT 20';


--
-- Name: idx_users_org_login; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_users_org_login ON public.users USING btree (organization_id, last_login) INCLUDE (is_active);


--
-- Name: INDEX idx_users_org_login; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_users_org_login IS 'v_organization_health: the tenant''s users, active and logged in during the last 30 days (index-only)';


--
-- Name: idx_users_verified_active; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_users_verified_active ON public.users USING btree (organization_id, last_name, first_name) WHERE (is_active AND is_verified);


--
-- Name: INDEX idx_users_verified_active; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_users_verified_active IS 'assignee picker / round-robin pool: WHERE organization_id = $1 AND is_active AND is_verified ORDER BY last_name, first_name';


--
-- Name: idx_workflow_exec_monitoring; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_workflow_exec_monitoring ON public.workflow_executions USING btree (organization_id, status, started_at DESC);


--
-- Name: INDEX idx_workflow_exec_monitoring; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_workflow_exec_monitoring IS 'workflow execution monitoring: WHERE organization_id = $1 AND status = $2 ORDER BY started_at DESC LIMIT 50';


--
-- Name: idx_workflow_executions_lead_started; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_workflow_executions_lead_started ON public.workflow_executions USING btree (organization_id, lead_id, started_at DESC);


--
-- Name: INDEX idx_workflow_executions_lead_started; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_workflow_executions_lead_started IS 'FK fk_workflow_executions_lead; a lead''s workflow runs page: WHERE organization_id = $1 AND lead_id = $2 ORDER BY started_at DESC LIMIT 50 (V24; replaces ix_workflow_executions_lead_id)';


--
-- Name: idx_workflow_executions_workflow_started; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_workflow_executions_workflow_started ON public.workflow_executions USING btree (organization_id, workflow_id, started_at DESC);


--
-- Name: INDEX idx_workflow_executions_workflow_started; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_workflow_executions_workflow_started IS 'FK fk_workflow_executions_workflow; a workflow''s run history: WHERE organization_id = $1 AND workflow_id = $2 ORDER BY started_at DESC LIMIT 20';


--
-- Name: idx_workflows_org_active; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_workflows_org_active ON public.workflows USING btree (organization_id, is_active);


--
-- Name: INDEX idx_workflows_org_active; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.idx_workflows_org_active IS 'v_organization_health: the tenant''s workflows and active workflows (index-only)';


--
-- Name: ix_campaigns_created_by; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_campaigns_created_by ON public.campaigns USING btree (organization_id, created_by);


--
-- Name: INDEX ix_campaigns_created_by; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.ix_campaigns_created_by IS 'FK fk_campaigns_created_by; campaigns created by a user: WHERE organization_id = $1 AND created_by = $2';


--
-- Name: ix_communications_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_communications_user_id ON public.communications USING btree (organization_id, user_id);


--
-- Name: INDEX ix_communications_user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.ix_communications_user_id IS 'FK fk_communications_user; communications per user (v_user_productivity.total_communications): WHERE organization_id = $1 AND user_id = $2';


--
-- Name: ix_lead_notes_lead_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_lead_notes_lead_id ON public.lead_notes USING btree (organization_id, lead_id);


--
-- Name: INDEX ix_lead_notes_lead_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.ix_lead_notes_lead_id IS 'FK fk_lead_notes_lead, fk_lead_notes_organization; a lead''s notes (v_lead_summary.note_count): WHERE organization_id = $1 AND lead_id = $2';


--
-- Name: ix_lead_notes_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_lead_notes_user_id ON public.lead_notes USING btree (organization_id, user_id);


--
-- Name: INDEX ix_lead_notes_user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.ix_lead_notes_user_id IS 'FK fk_lead_notes_user; notes per author (v_user_productivity.total_notes): WHERE organization_id = $1 AND user_id = $2';


--
-- Name: ix_leads_email; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_leads_email ON public.leads USING btree (organization_id, lower((email)::text));


--
-- Name: INDEX ix_leads_email; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.ix_leads_email IS 'lead by e-mail (import de-duplication, inbound e-mail matching): WHERE organization_id = $1 AND lower(email) = lower($2)';


--
-- Name: ix_workflows_created_by; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_workflows_created_by ON public.workflows USING btree (organization_id, created_by);


--
-- Name: INDEX ix_workflows_created_by; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.ix_workflows_created_by IS 'FK fk_workflows_created_by; workflows created by a user: WHERE organization_id = $1 AND created_by = $2';


--
-- Name: st_activity_logs_org_lead; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_activity_logs_org_lead (dependencies) ON organization_id, lead_id FROM public.activity_logs;


--
-- Name: STATISTICS st_activity_logs_org_lead; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_activity_logs_org_lead IS 'lead_activity_timeline: lead_id determines organization_id';


--
-- Name: st_activity_logs_org_user; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_activity_logs_org_user (dependencies) ON organization_id, user_id FROM public.activity_logs;


--
-- Name: STATISTICS st_activity_logs_org_user; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_activity_logs_org_user IS 'user_activity_summary: user_id determines organization_id';


--
-- Name: st_campaign_leads_org_campaign; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_campaign_leads_org_campaign (dependencies) ON organization_id, campaign_id FROM public.campaign_leads;


--
-- Name: STATISTICS st_campaign_leads_org_campaign; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_campaign_leads_org_campaign IS 'campaign_performance: campaign_id determines organization_id';


--
-- Name: st_communications_org_lead; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_communications_org_lead (dependencies) ON organization_id, lead_id FROM public.communications;


--
-- Name: STATISTICS st_communications_org_lead; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_communications_org_lead IS 'communication_history: lead_id determines organization_id';


--
-- Name: st_communications_org_user; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_communications_org_user (dependencies) ON organization_id, user_id FROM public.communications;


--
-- Name: STATISTICS st_communications_org_user; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_communications_org_user IS 'user_upcoming_communications: user_id determines organization_id';


--
-- Name: st_lead_score_history_org_lead; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_lead_score_history_org_lead (dependencies) ON organization_id, lead_id FROM public.lead_score_history;


--
-- Name: STATISTICS st_lead_score_history_org_lead; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_lead_score_history_org_lead IS 'lead_score_history: lead_id determines organization_id';


--
-- Name: st_leads_org_assignee; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_leads_org_assignee (dependencies) ON organization_id, assigned_to_id FROM public.leads;


--
-- Name: STATISTICS st_leads_org_assignee; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_leads_org_assignee IS 'rep_pipeline: assigned_to_id determines organization_id';


--
-- Name: st_workflow_executions_org_lead; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_workflow_executions_org_lead (dependencies) ON organization_id, lead_id FROM public.workflow_executions;


--
-- Name: STATISTICS st_workflow_executions_org_lead; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_workflow_executions_org_lead IS 'lead_workflow_runs: lead_id determines organization_id';


--
-- Name: st_workflow_executions_org_workflow; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st_workflow_executions_org_workflow (dependencies) ON organization_id, workflow_id FROM public.workflow_executions;


--
-- Name: STATISTICS st_workflow_executions_org_workflow; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON STATISTICS public.st_workflow_executions_org_workflow IS 'workflow_run_history: workflow_id determines organization_id';


--
-- Name: communications communications_summarize_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_summarize_delete AFTER DELETE ON public.communications REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.user_activity_summarize('communications');


--
-- Name: communications communications_summarize_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_summarize_insert AFTER INSERT ON public.communications REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.user_activity_summarize('communications');


--
-- Name: communications communications_summarize_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_summarize_truncate AFTER TRUNCATE ON public.communications FOR EACH STATEMENT EXECUTE FUNCTION public.summaries_truncated();


--
-- Name: communications communications_summarize_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_summarize_update AFTER UPDATE ON public.communications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.user_activity_summarize('communications');


--
-- Name: communications communications_tally_days_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_tally_days_delete AFTER DELETE ON public.communications REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.communications_days_summarize();


--
-- Name: communications communications_tally_days_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_tally_days_insert AFTER INSERT ON public.communications REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.communications_days_summarize();


--
-- Name: communications communications_tally_days_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER communications_tally_days_update AFTER UPDATE ON public.communications REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.communications_days_summarize();


--
-- Name: lead_notes lead_notes_summarize_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lead_notes_summarize_delete AFTER DELETE ON public.lead_notes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.user_activity_summarize('notes');


--
-- Name: lead_notes lead_notes_summarize_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lead_notes_summarize_insert AFTER INSERT ON public.lead_notes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.user_activity_summarize('notes');


--
-- Name: lead_notes lead_notes_summarize_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lead_notes_summarize_truncate AFTER TRUNCATE ON public.lead_notes FOR EACH STATEMENT EXECUTE FUNCTION public.summaries_truncated();


--
-- Name: lead_notes lead_notes_summarize_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lead_notes_summarize_update AFTER UPDATE ON public.lead_notes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.user_activity_summarize('notes');


--
-- Name: leads leads_summarize_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_summarize_delete AFTER DELETE ON public.leads REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.leads_summarize();


--
-- Name: leads leads_summarize_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_summarize_insert AFTER INSERT ON public.leads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.leads_summarize();


--
-- Name: leads leads_summarize_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_summarize_truncate AFTER TRUNCATE ON public.leads FOR EACH STATEMENT EXECUTE FUNCTION public.summaries_truncated();


--
-- Name: leads leads_summarize_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_summarize_update AFTER UPDATE ON public.leads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.leads_summarize();


--
-- Name: leads leads_tags_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_tags_delete AFTER DELETE ON public.leads REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.leads_tags_sync();


--
-- Name: leads leads_tags_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_tags_insert AFTER INSERT ON public.leads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.leads_tags_sync();


--
-- Name: leads leads_tags_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER leads_tags_update AFTER UPDATE ON public.leads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.leads_tags_sync();


--
-- Name: users users_summarize_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_summarize_insert AFTER INSERT ON public.users REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.users_summarize();


--
-- Name: workflow_executions workflow_executions_summarize_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER workflow_executions_summarize_delete AFTER DELETE ON public.workflow_executions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.workflow_executions_summarize();


--
-- Name: workflow_executions workflow_executions_summarize_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER workflow_executions_summarize_insert AFTER INSERT ON public.workflow_executions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.workflow_executions_summarize();


--
-- Name: workflow_executions workflow_executions_summarize_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER workflow_executions_summarize_truncate AFTER TRUNCATE ON public.workflow_executions FOR EACH STATEMENT EXECUTE FUNCTION public.summaries_truncated();


--
-- Name: workflow_executions workflow_executions_summarize_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER workflow_executions_summarize_update AFTER UPDATE ON public.workflow_executions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.workflow_executions_summarize();


--
-- Name: activity_logs fk_activity_logs_lead; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_logs
    ADD CONSTRAINT fk_activity_logs_lead FOREIGN KEY (organization_id, lead_id) REFERENCES public.leads(organization_id, id) ON DELETE CASCADE;


--
-- Name: activity_logs fk_activity_logs_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_logs
    ADD CONSTRAINT fk_activity_logs_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: activity_logs fk_activity_logs_user; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_logs
    ADD CONSTRAINT fk_activity_logs_user FOREIGN KEY (organization_id, user_id) REFERENCES public.users(organization_id, id) ON DELETE SET NULL (user_id);


--
-- Name: campaign_leads fk_campaign_leads_campaign; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_leads
    ADD CONSTRAINT fk_campaign_leads_campaign FOREIGN KEY (organization_id, campaign_id) REFERENCES public.campaigns(organization_id, id) ON DELETE CASCADE;


--
-- Name: campaign_leads fk_campaign_leads_lead; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_leads
    ADD CONSTRAINT fk_campaign_leads_lead FOREIGN KEY (organization_id, lead_id) REFERENCES public.leads(organization_id, id) ON DELETE CASCADE;


--
-- Name: campaign_leads fk_campaign_leads_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_leads
    ADD CONSTRAINT fk_campaign_leads_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: campaigns fk_campaigns_created_by; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT fk_campaigns_created_by FOREIGN KEY (organization_id, created_by) REFERENCES public.users(organization_id, id) ON DELETE SET NULL (created_by);


--
-- Name: campaigns fk_campaigns_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT fk_campaigns_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: communications fk_communications_lead; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.communications
    ADD CONSTRAINT fk_communications_lead FOREIGN KEY (organization_id, lead_id) REFERENCES public.leads(organization_id, id) ON DELETE CASCADE;


--
-- Name: communications fk_communications_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.communications
    ADD CONSTRAINT fk_communications_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: communications fk_communications_user; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.communications
    ADD CONSTRAINT fk_communications_user FOREIGN KEY (organization_id, user_id) REFERENCES public.users(organization_id, id) ON DELETE SET NULL (user_id);


--
-- Name: custom_field_definitions fk_custom_field_definitions_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_field_definitions
    ADD CONSTRAINT fk_custom_field_definitions_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: integrations fk_integrations_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.integrations
    ADD CONSTRAINT fk_integrations_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: lead_notes fk_lead_notes_lead; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_notes
    ADD CONSTRAINT fk_lead_notes_lead FOREIGN KEY (organization_id, lead_id) REFERENCES public.leads(organization_id, id) ON DELETE CASCADE;


--
-- Name: lead_notes fk_lead_notes_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_notes
    ADD CONSTRAINT fk_lead_notes_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: lead_notes fk_lead_notes_user; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_notes
    ADD CONSTRAINT fk_lead_notes_user FOREIGN KEY (organization_id, user_id) REFERENCES public.users(organization_id, id) ON DELETE SET NULL (user_id);


--
-- Name: lead_pipeline_stats fk_lead_pipeline_stats_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_pipeline_stats
    ADD CONSTRAINT fk_lead_pipeline_stats_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: lead_score_history fk_lead_score_history_lead; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_score_history
    ADD CONSTRAINT fk_lead_score_history_lead FOREIGN KEY (organization_id, lead_id) REFERENCES public.leads(organization_id, id) ON DELETE CASCADE;


--
-- Name: lead_score_history fk_lead_score_history_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_score_history
    ADD CONSTRAINT fk_lead_score_history_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: lead_score_stats fk_lead_score_stats_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_score_stats
    ADD CONSTRAINT fk_lead_score_stats_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: lead_scoring_rules fk_lead_scoring_rules_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_scoring_rules
    ADD CONSTRAINT fk_lead_scoring_rules_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: lead_tags fk_lead_tags_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lead_tags
    ADD CONSTRAINT fk_lead_tags_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: leads fk_leads_assigned_to; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leads
    ADD CONSTRAINT fk_leads_assigned_to FOREIGN KEY (organization_id, assigned_to_id) REFERENCES public.users(organization_id, id) ON DELETE SET NULL (assigned_to_id);


--
-- Name: leads fk_leads_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leads
    ADD CONSTRAINT fk_leads_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id);


--
-- Name: organization_daily_stats fk_organization_daily_stats_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organization_daily_stats
    ADD CONSTRAINT fk_organization_daily_stats_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: user_stats fk_user_stats_user; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_stats
    ADD CONSTRAINT fk_user_stats_user FOREIGN KEY (organization_id, user_id) REFERENCES public.users(organization_id, id) ON DELETE CASCADE;


--
-- Name: users fk_users_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT fk_users_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id);


--
-- Name: workflow_executions fk_workflow_executions_lead; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflow_executions
    ADD CONSTRAINT fk_workflow_executions_lead FOREIGN KEY (organization_id, lead_id) REFERENCES public.leads(organization_id, id) ON DELETE SET NULL (lead_id);


--
-- Name: workflow_executions fk_workflow_executions_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflow_executions
    ADD CONSTRAINT fk_workflow_executions_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: workflow_executions fk_workflow_executions_workflow; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflow_executions
    ADD CONSTRAINT fk_workflow_executions_workflow FOREIGN KEY (organization_id, workflow_id) REFERENCES public.workflows(organization_id, id) ON DELETE CASCADE;


--
-- Name: workflows fk_workflows_created_by; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflows
    ADD CONSTRAINT fk_workflows_created_by FOREIGN KEY (organization_id, created_by) REFERENCES public.users(organization_id, id) ON DELETE SET NULL (created_by);


--
-- Name: workflows fk_workflows_organization; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workflows
    ADD CONSTRAINT fk_workflows_organization FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: activity_logs; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.activity_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: campaign_leads; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.campaign_leads ENABLE ROW LEVEL SECURITY;

--
-- Name: campaigns; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.campaigns ENABLE ROW LEVEL SECURITY;

--
-- Name: communications; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.communications ENABLE ROW LEVEL SECURITY;

--
-- Name: custom_field_definitions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.custom_field_definitions ENABLE ROW LEVEL SECURITY;

--
-- Name: integrations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.integrations ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_notes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.lead_notes ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_pipeline_stats; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.lead_pipeline_stats ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_score_history; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.lead_score_history ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_score_stats; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.lead_score_stats ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_scoring_rules; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.lead_scoring_rules ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_tags; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.lead_tags ENABLE ROW LEVEL SECURITY;

--
-- Name: leads; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.leads ENABLE ROW LEVEL SECURITY;

--
-- Name: organization_daily_stats; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.organization_daily_stats ENABLE ROW LEVEL SECURITY;

--
-- Name: organizations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

--
-- Name: activity_logs tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.activity_logs TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: campaign_leads tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.campaign_leads TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: campaigns tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.campaigns TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: communications tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.communications TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: custom_field_definitions tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.custom_field_definitions TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: integrations tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.integrations TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: lead_notes tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.lead_notes TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: lead_pipeline_stats tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.lead_pipeline_stats TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: lead_score_history tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.lead_score_history TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: lead_score_stats tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.lead_score_stats TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: lead_scoring_rules tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.lead_scoring_rules TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: lead_tags tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.lead_tags TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: leads tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.leads TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: organization_daily_stats tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.organization_daily_stats TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: organizations tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.organizations TO lma_app USING ((id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: user_stats tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.user_stats TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: users tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.users TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: workflow_executions tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.workflow_executions TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: workflows tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.workflows TO lma_app USING ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer)) WITH CHECK ((organization_id = (NULLIF(current_setting('lma.organization_id'::text, true), ''::text))::integer));


--
-- Name: user_stats; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.user_stats ENABLE ROW LEVEL SECURITY;

--
-- Name: users; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: workflow_executions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.workflow_executions ENABLE ROW LEVEL SECURITY;

--
-- Name: workflows; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.workflows ENABLE ROW LEVEL SECURITY;

--
-- PostgreSQL database dump complete
--
