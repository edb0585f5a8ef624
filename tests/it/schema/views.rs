//! Every number of the six views equals a direct count or average over the base tables, on
//! hand-built data where one entity has several related rows of each kind.
//!
//! For each view, an independent query computes each column from the base tables directly
//! (correlated counts, sum / count for averages, through the lead rather than by tenant where it
//! can), and each view row is compared with it, column by column. A catalog check makes sure
//! every numeric column of every view is compared.

use std::collections::BTreeMap;

use tokio_postgres::Client;

use super::{sorted, strings, views};
use crate::support::TestDb;

/// Three tenants: alpha (3 users, 6 leads, lead 1 with 3 communications and 2 notes), beta
/// (1 user, 2 leads) and gamma (nothing). Times are days away from every window's edge.
const DATA: &str = "
INSERT INTO organizations (id, name, slug, subscription_tier) VALUES
    (1, 'Alpha', 'alpha', 'pro'), (2, 'Beta', 'beta', 'free'), (3, 'Gamma', 'gamma', 'free');
INSERT INTO users (id, organization_id, email, username, first_name, last_name, hashed_password, role, is_active, last_login) VALUES
    (1, 1, 'ann@alpha.example', 'ann', 'Ann', 'A', 'x', 'ADMIN',     true,  now() - interval '2 days'),
    (2, 1, 'bob@alpha.example', 'bob', 'Bob', 'B', 'x', 'SALES_REP', true,  now() - interval '40 days'),
    (3, 1, 'cid@alpha.example', 'cid', 'Cid', 'C', 'x', 'VIEWER',    false, NULL),
    (4, 2, 'dee@beta.example',  'dee', 'Dee', 'D', 'x', 'SALES_REP', true,  now() - interval '1 day');
INSERT INTO leads (id, organization_id, assigned_to_id, email, first_name, last_name, score, status, source, lead_temperature, value, created_at) VALUES
    (1, 1, 1,    'l1@x.example', 'L', 'One',   80, 'CLOSED_WON',  'WEBSITE',  'hot',  5000, now() - interval '10 days'),
    (2, 1, 1,    'l2@x.example', 'L', 'Two',   20, 'QUALIFIED',   'WEBSITE',  'hot',  1000, now() - interval '5 days'),
    (3, 1, 2,    'l3@x.example', 'L', 'Three', 50, 'CLOSED_LOST', 'REFERRAL', 'warm', NULL, now() - interval '200 days'),
    (4, 1, NULL, 'l4@x.example', 'L', 'Four',  35, 'NEW',         'EMAIL',    'cold', 0,    now() - interval '40 days'),
    (5, 1, 1,    'l5@x.example', 'L', 'Five',  40, 'NEW',         'EMAIL',    'cold', 300,  now() - interval '3 days'),
    (6, 1, 2,    'l6@x.example', 'L', 'Six',   61, 'NEW',         'EMAIL',    'cold', NULL, now() - interval '1 day'),
    (7, 2, 4,    'l7@x.example', 'L', 'Seven', 90, 'QUALIFIED',   'WEBSITE',  'hot',  700,  now() - interval '2 days'),
    (8, 2, 4,    'l8@x.example', 'L', 'Eight', 10, 'NEW',         'WEBSITE',  'hot',  NULL, now() - interval '100 days');
INSERT INTO communications (organization_id, lead_id, user_id, communication_type, direction, created_at) VALUES
    (1, 1, 1,    'email',   'outbound', now() - interval '9 days'),
    (1, 1, 1,    'call',    'outbound', now() - interval '8 days'),
    (1, 1, 2,    'meeting', 'inbound',  now() - interval '1 hour'),
    (1, 2, 1,    'email',   'outbound', now() - interval '4 days'),
    (1, 3, 2,    'email',   'outbound', now() - interval '150 days'),
    (1, 5, 2,    'sms',     'outbound', now() - interval '2 days'),
    (1, 5, NULL, 'email',   'inbound',  now() - interval '1 day'),
    (2, 7, 4,    'email',   'outbound', now() - interval '2 days'),
    (2, 7, 4,    'call',    'outbound', now() - interval '1 day');
INSERT INTO lead_notes (organization_id, lead_id, user_id, content) VALUES
    (1, 1, 1, 'n1'), (1, 1, 2, 'n2'), (1, 2, 1, 'n3'), (1, 3, 2, 'n4'), (2, 7, 4, 'n5');
INSERT INTO workflows (id, organization_id, n8n_workflow_id, name, is_active) VALUES
    (1, 1, 'wf-1', 'Nurture', true), (2, 1, 'wf-2', 'Old', false), (3, 2, 'wf-3', 'Welcome', true);
INSERT INTO workflow_executions (organization_id, workflow_id, lead_id, status, started_at, finished_at) VALUES
    (1, 1, 1,    'success', now() - interval '5 days',  now() - interval '5 days'),
    (1, 1, 2,    'error',   now() - interval '2 days',  now() - interval '2 days'),
    (1, 2, NULL, 'error',   now() - interval '45 days', now() - interval '45 days'),
    (1, 1, 5,    'running', now() - interval '1 hour',  NULL),
    (2, 3, 7,    'success', now() - interval '3 days',  now() - interval '3 days');
INSERT INTO activity_logs (organization_id, lead_id, user_id, activity_type, created_at) VALUES
    (1, 1,    1,    'email_sent',     now() - interval '1 day'),
    (1, 2,    1,    'status_changed', now() - interval '3 days'),
    (1, 1,    1,    'lead_created',   now() - interval '20 days'),
    (1, 3,    2,    'email_sent',     now() - interval '10 days'),
    (1, 4,    NULL, 'lead_created',   now() - interval '40 days'),
    (2, 7,    4,    'email_sent',     now() - interval '1 day'),
    (2, NULL, 4,    'login',          now() - interval '2 days');
";

/// One view: its row key, the columns compared, and the independent query that returns the key
/// and then those columns, in order, as float8 (timestamps as epoch seconds).
struct ViewSpec {
    view: &'static str,
    key_columns: &'static [&'static str],
    columns: &'static [&'static str],
    expected: &'static str,
}

const SPECS: &[ViewSpec] = &[
    ViewSpec {
        view: "v_lead_summary",
        key_columns: &["id"],
        columns: &["organization_id", "score", "assigned_to_id", "communication_count", "note_count", "last_communication_date"],
        expected: "SELECT l.id::text, l.organization_id::float8, l.score::float8, l.assigned_to_id::float8,
                (SELECT count(*) FROM communications AS c WHERE c.lead_id = l.id)::float8,
                (SELECT count(*) FROM lead_notes AS n WHERE n.lead_id = l.id)::float8,
                extract(epoch FROM (SELECT c.created_at FROM communications AS c WHERE c.lead_id = l.id
                                    ORDER BY c.created_at DESC LIMIT 1))::float8
            FROM leads AS l",
    },
    ViewSpec {
        view: "v_organization_metrics",
        key_columns: &["id"],
        columns: &["total_leads", "total_users", "avg_lead_score", "qualified_leads", "won_leads", "total_communications", "total_workflows"],
        expected: "SELECT o.id::text,
                (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id)::float8,
                (SELECT count(*) FROM users AS u WHERE u.organization_id = o.id)::float8,
                (SELECT sum(l.score)::float8 / nullif(count(*), 0) FROM leads AS l WHERE l.organization_id = o.id),
                (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id AND l.status = 'QUALIFIED')::float8,
                (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id AND l.status = 'CLOSED_WON')::float8,
                (SELECT count(*) FROM communications AS c JOIN leads AS l ON l.id = c.lead_id
                  WHERE l.organization_id = o.id)::float8,
                (SELECT count(*) FROM workflows AS w WHERE w.organization_id = o.id)::float8
            FROM organizations AS o",
    },
    ViewSpec {
        view: "v_user_productivity",
        key_columns: &["id"],
        columns: &["organization_id", "assigned_leads", "total_communications", "total_notes", "avg_lead_score", "won_leads"],
        expected: "SELECT u.id::text, u.organization_id::float8,
                (SELECT count(*) FROM leads AS l WHERE l.assigned_to_id = u.id)::float8,
                (SELECT count(*) FROM communications AS c WHERE c.user_id = u.id)::float8,
                (SELECT count(*) FROM lead_notes AS n WHERE n.user_id = u.id)::float8,
                (SELECT sum(l.score)::float8 / nullif(count(*), 0) FROM leads AS l WHERE l.assigned_to_id = u.id),
                (SELECT count(*) FROM leads AS l WHERE l.assigned_to_id = u.id AND l.status = 'CLOSED_WON')::float8
            FROM users AS u",
    },
    ViewSpec {
        view: "v_lead_performance_summary",
        key_columns: &["organization_id", "status", "source", "lead_temperature"],
        columns: &["lead_count", "avg_score", "total_value", "communication_count", "leads_with_communications", "avg_communications_per_lead"],
        expected: "WITH recent AS (SELECT * FROM leads WHERE created_at > now() - interval '90 days'),
                 g AS (SELECT DISTINCT organization_id, status, source, lead_temperature FROM recent),
                 counts AS (
                     SELECT g.*,
                         (SELECT count(*) FROM recent AS r WHERE (r.organization_id, r.status, r.source, r.lead_temperature)
                             = (g.organization_id, g.status, g.source, g.lead_temperature)) AS leads,
                         (SELECT count(*) FROM communications AS c JOIN recent AS r ON r.id = c.lead_id
                           WHERE (r.organization_id, r.status, r.source, r.lead_temperature)
                             = (g.organization_id, g.status, g.source, g.lead_temperature)) AS comms
                     FROM g)
            SELECT concat_ws('/', k.organization_id, k.status, k.source, k.lead_temperature), k.leads::float8,
                (SELECT sum(r.score)::float8 / count(*) FROM recent AS r WHERE (r.organization_id, r.status, r.source, r.lead_temperature)
                     = (k.organization_id, k.status, k.source, k.lead_temperature)),
                (SELECT sum(r.value)::float8 FROM recent AS r WHERE (r.organization_id, r.status, r.source, r.lead_temperature)
                     = (k.organization_id, k.status, k.source, k.lead_temperature)),
                k.comms::float8,
                (SELECT count(*) FROM recent AS r WHERE (r.organization_id, r.status, r.source, r.lead_temperature)
                     = (k.organization_id, k.status, k.source, k.lead_temperature)
                   AND EXISTS (SELECT FROM communications AS c WHERE c.lead_id = r.id))::float8,
                k.comms::float8 / k.leads
            FROM counts AS k",
    },
    ViewSpec {
        view: "v_user_activity_summary",
        key_columns: &["id"],
        columns: &["organization_id", "assigned_leads", "open_assigned_leads", "total_activities", "activities_last_7_days", "last_activity_at"],
        expected: "SELECT u.id::text, u.organization_id::float8,
                (SELECT count(*) FROM leads AS l WHERE l.assigned_to_id = u.id)::float8,
                (SELECT count(*) FROM leads AS l WHERE l.assigned_to_id = u.id
                    AND l.status IN ('NEW', 'CONTACTED', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION'))::float8,
                (SELECT count(*) FROM activity_logs AS a WHERE a.user_id = u.id)::float8,
                (SELECT count(*) FROM activity_logs AS a WHERE a.user_id = u.id AND a.created_at > now() - interval '7 days')::float8,
                extract(epoch FROM (SELECT a.created_at FROM activity_logs AS a WHERE a.user_id = u.id
                                    ORDER BY a.created_at DESC LIMIT 1))::float8
            FROM users AS u",
    },
    ViewSpec {
        view: "v_organization_health",
        key_columns: &["id"],
        columns: &[
            "total_users", "active_users", "users_logged_in_last_30_days", "total_leads", "leads_last_30_days", "won_leads",
            "lost_leads", "conversion_rate", "total_workflows", "active_workflows", "workflow_runs_last_30_days",
            "failed_workflow_runs_last_30_days",
        ],
        // The 30-day windows of leads and runs are calendar days in UTC since V21.
        expected: "WITH closed AS (
                SELECT o.id,
                    (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id AND l.status = 'CLOSED_WON') AS won,
                    (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id AND l.status = 'CLOSED_LOST') AS lost
                FROM organizations AS o)
            SELECT o.id::text,
                (SELECT count(*) FROM users AS u WHERE u.organization_id = o.id)::float8,
                (SELECT count(*) FROM users AS u WHERE u.organization_id = o.id AND u.is_active)::float8,
                (SELECT count(*) FROM users AS u WHERE u.organization_id = o.id AND u.last_login > now() - interval '30 days')::float8,
                (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id)::float8,
                (SELECT count(*) FROM leads AS l WHERE l.organization_id = o.id
                  AND (l.created_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 30)::float8,
                k.won::float8, k.lost::float8,
                CASE WHEN k.won + k.lost > 0 THEN k.won::float8 / (k.won + k.lost) END,
                (SELECT count(*) FROM workflows AS w WHERE w.organization_id = o.id)::float8,
                (SELECT count(*) FROM workflows AS w WHERE w.organization_id = o.id AND w.is_active)::float8,
                (SELECT count(*) FROM workflow_executions AS e JOIN workflows AS w ON w.id = e.workflow_id
                  WHERE w.organization_id = o.id
                    AND (e.started_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 30)::float8,
                (SELECT count(*) FROM workflow_executions AS e JOIN workflows AS w ON w.id = e.workflow_id
                  WHERE w.organization_id = o.id AND e.status = 'error'
                    AND (e.started_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 30)::float8
            FROM organizations AS o JOIN closed AS k ON k.id = o.id",
    },
];

/// Values the hand-built data was designed to give (view, key, column, value): they make sure
/// the data has several related rows of each kind, so an equality is not 0 = 0.
const DESIGNED: &[(&str, &str, &str, f64)] = &[
    ("v_lead_summary", "1", "communication_count", 3.0),
    ("v_lead_summary", "1", "note_count", 2.0),
    ("v_organization_metrics", "1", "total_communications", 7.0),
    ("v_organization_metrics", "1", "avg_lead_score", 286.0 / 6.0),
    ("v_user_productivity", "1", "assigned_leads", 3.0),
    ("v_user_productivity", "1", "total_communications", 3.0),
    ("v_user_productivity", "1", "avg_lead_score", 140.0 / 3.0),
    (
        "v_lead_performance_summary",
        "1/NEW/EMAIL/cold",
        "lead_count",
        3.0,
    ),
    (
        "v_lead_performance_summary",
        "1/NEW/EMAIL/cold",
        "avg_communications_per_lead",
        2.0 / 3.0,
    ),
    (
        "v_user_activity_summary",
        "1",
        "activities_last_7_days",
        2.0,
    ),
    ("v_organization_health", "1", "conversion_rate", 0.5),
    (
        "v_organization_health",
        "1",
        "failed_workflow_runs_last_30_days",
        1.0,
    ),
];

/// Rows by key: column name -> value.
type Rows = BTreeMap<String, BTreeMap<String, Option<f64>>>;

async fn rows(client: &Client, sql: &str, columns: &[&str]) -> Rows {
    let result = client
        .query(sql, &[])
        .await
        .unwrap_or_else(|err| panic!("{sql}: {}", super::explain(&err)));
    result
        .iter()
        .map(|row| {
            let values = columns
                .iter()
                .enumerate()
                .map(|(i, column)| ((*column).to_owned(), row.get::<_, Option<f64>>(i + 1)))
                .collect();
            (row.get::<_, String>(0), values)
        })
        .collect()
}

/// The view's rows, each column as float8 (timestamps as epoch seconds).
async fn view_rows(client: &Client, spec: &ViewSpec) -> Rows {
    let mut select = vec![format!("concat_ws('/', {})", spec.key_columns.join(", "))];
    for column in spec.columns {
        let is_time = column.ends_with("_at") || column.ends_with("_date");
        select.push(if is_time {
            format!("extract(epoch FROM {column})::float8")
        } else {
            format!("{column}::float8")
        });
    }
    let sql = format!("SELECT {} FROM {}", select.join(", "), spec.view);
    rows(client, &sql, spec.columns).await
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        _ => false,
    }
}

#[tokio::test]
async fn every_number_of_every_view_equals_a_direct_count_over_the_base_tables() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client.batch_execute(DATA).await.unwrap();
    for spec in SPECS {
        let expected = rows(&client, spec.expected, spec.columns).await;
        let actual = view_rows(&client, spec).await;
        let keys = |rows: &Rows| rows.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&actual),
            keys(&expected),
            "{}: one row per entity",
            spec.view
        );
        for (key, columns) in &expected {
            for (column, value) in columns {
                let got = actual[key][column];
                assert!(
                    same(got, *value),
                    "{}[{key}].{column}: the view says {got:?}, the base tables {value:?}",
                    spec.view
                );
            }
        }
        for (view, key, column, value) in DESIGNED.iter().filter(|d| d.0 == spec.view) {
            let got = expected[*key][*column];
            assert!(
                same(got, Some(*value)),
                "{view}[{key}].{column} = {got:?}, designed {value}"
            );
        }
    }
}

#[tokio::test]
async fn the_view_comparison_covers_every_numeric_column_of_every_view() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let specified: Vec<&str> = SPECS.iter().map(|spec| spec.view).collect();
    assert_eq!(sorted(&views(&client).await), sorted(&specified));
    for spec in SPECS {
        let numeric = strings(
            &client,
            &format!(
                "SELECT attname::text FROM pg_attribute \
                 WHERE attrelid = '{}'::regclass AND attnum > 0 AND NOT attisdropped \
                   AND atttypid = ANY ('{{int2,int4,int8,numeric,float4,float8}}'::regtype[])",
                spec.view
            ),
        )
        .await;
        let uncovered: Vec<&String> = numeric
            .iter()
            .filter(|c| {
                !spec.columns.contains(&c.as_str()) && !spec.key_columns.contains(&c.as_str())
            })
            .collect();
        assert!(
            uncovered.is_empty(),
            "{}: numeric columns not compared: {uncovered:?}",
            spec.view
        );
    }
}
