//! The trigger-maintained summaries (V21; V23's communications per day; V25's lead_tags) equal
//! a direct aggregate of the base tables after every kind of write: multi-row INSERT, UPDATE of
//! each summarized column, DELETE with its cascades, COPY, TRUNCATE, and deleting a user and a
//! whole tenant. The expected rows are
//! computed here, from the base tables, not by the migration's `refresh_summaries()`.

use futures_util::SinkExt as _;
use tokio_postgres::Client;

use super::{count, execute, server_error, tenant};
use crate::support::TestDb;

/// Per summary table: its non-zero rows, and the same rows aggregated from the base tables.
/// Both sides return the same columns in the same order.
const SUMMARIES: &[(&str, &str, &str)] = &[
    (
        "lead_pipeline_stats",
        "SELECT organization_id, status, source, lead_temperature, leads, score_sum, valued_leads, value_sum
         FROM lead_pipeline_stats WHERE leads <> 0 OR score_sum <> 0 OR valued_leads <> 0 OR value_sum <> 0",
        "SELECT organization_id, status, source, lead_temperature, count(*), sum(score), count(value),
                coalesce(sum(value), 0)
         FROM leads GROUP BY 1, 2, 3, 4",
    ),
    (
        "lead_score_stats",
        "SELECT organization_id, lead_temperature, score, leads FROM lead_score_stats WHERE leads <> 0",
        "SELECT organization_id, lead_temperature, score, count(*) FROM leads GROUP BY 1, 2, 3",
    ),
    (
        // Every user has a row, zeros included.
        "user_stats",
        "SELECT organization_id, user_id, assigned_leads, score_sum, won_leads, communications, notes
         FROM user_stats",
        "SELECT u.organization_id, u.id,
                (SELECT count(*) FROM leads AS l WHERE l.assigned_to_id = u.id),
                (SELECT coalesce(sum(l.score), 0) FROM leads AS l WHERE l.assigned_to_id = u.id),
                (SELECT count(*) FROM leads AS l WHERE l.assigned_to_id = u.id AND l.status = 'CLOSED_WON'),
                (SELECT count(*) FROM communications AS c WHERE c.user_id = u.id),
                (SELECT count(*) FROM lead_notes AS n WHERE n.user_id = u.id)
         FROM users AS u",
    ),
    (
        "organization_daily_stats",
        "SELECT organization_id, day, leads_created, workflow_runs, failed_workflow_runs, communications
         FROM organization_daily_stats
         WHERE leads_created <> 0 OR workflow_runs <> 0 OR failed_workflow_runs <> 0 OR communications <> 0",
        "SELECT organization_id, day, sum(leads), sum(runs), sum(failed), sum(comms) FROM (
             SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date AS day, 1 AS leads, 0 AS runs,
                    0 AS failed, 0 AS comms
             FROM leads
             UNION ALL
             SELECT organization_id, (started_at AT TIME ZONE 'UTC')::date, 0, 1, (status = 'error')::int, 0
             FROM workflow_executions
             UNION ALL
             SELECT organization_id, (created_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 1
             FROM communications) AS t
         GROUP BY 1, 2",
    ),
    (
        "lead_tags",
        "SELECT organization_id, tag, lead_id FROM lead_tags",
        // The string elements up to 255 characters (V25's lead_tag_set).
        "SELECT DISTINCT organization_id, e.value #>> '{}', id FROM leads, jsonb_array_elements(tags) AS e
         WHERE jsonb_typeof(e.value) = 'string' AND length(e.value #>> '{}') <= 255",
    ),
];

/// Fails, naming the step and the differing rows, unless every summary equals its aggregate.
pub async fn assert_summaries_exact(client: &Client, step: &str) {
    for (table, actual, expected) in SUMMARIES {
        let sql = format!(
            "SELECT 'missing or wrong: ' || e::text FROM (({expected}) EXCEPT ({actual})) AS e
             UNION ALL
             SELECT 'unexpected: ' || a::text FROM (({actual}) EXCEPT ({expected})) AS a"
        );
        let diff: Vec<String> = client
            .query(&sql, &[])
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert!(diff.is_empty(), "after {step}, {table} differs: {diff:#?}");
    }
}

/// Two tenants with several users and leads across statuses, sources, temperatures and days.
const DATA: &str = "
INSERT INTO organizations (id, name, slug) VALUES (101, 'Alpha', 'alpha'), (102, 'Beta', 'beta');
INSERT INTO users (id, organization_id, email, username, first_name, last_name, hashed_password) VALUES
    (201, 101, 'a@alpha.example', 'a', 'A', 'A', 'x'), (202, 101, 'b@alpha.example', 'b', 'B', 'B', 'x'),
    (203, 101, 'c@alpha.example', 'c', 'C', 'C', 'x'), (204, 102, 'd@beta.example', 'd', 'D', 'D', 'x');
INSERT INTO leads (id, organization_id, assigned_to_id, email, first_name, last_name, score, status, source,
                   lead_temperature, value, created_at)
SELECT 300 + i, CASE WHEN i % 4 = 0 THEN 102 ELSE 101 END,
       CASE WHEN i % 4 = 0 THEN 204 WHEN i % 5 = 0 THEN NULL ELSE 201 + i % 3 END,
       'l' || i || '@x.example', 'L', 'N' || i, (i * 37) % 101,
       (enum_range(NULL::lead_status_enum))[1 + i % 7], (enum_range(NULL::lead_source_enum))[1 + i % 8],
       (enum_range(NULL::lead_temperature_enum))[1 + i % 3], CASE WHEN i % 3 = 0 THEN NULL ELSE i * 100 END,
       now() - (i % 45) * interval '1 day'
FROM generate_series(1, 60) AS i;
UPDATE leads SET tags = CASE WHEN id % 3 = 0 THEN '[\"vip\", \"webinar\"]' WHEN id % 3 = 1 THEN '[\"vip\", \"vip\"]'
                             ELSE '[]' END::jsonb WHERE id % 7 <> 0;
INSERT INTO communications (organization_id, lead_id, user_id, communication_type, direction)
SELECT l.organization_id, l.id, l.assigned_to_id, 'email', 'outbound' FROM leads AS l, generate_series(1, 2);
INSERT INTO lead_notes (organization_id, lead_id, user_id, content)
SELECT organization_id, id, assigned_to_id, 'note' FROM leads WHERE id % 2 = 0;
INSERT INTO workflows (id, organization_id, n8n_workflow_id, name) VALUES (401, 101, 'wf-a', 'A'), (402, 102, 'wf-b', 'B');
INSERT INTO workflow_executions (organization_id, workflow_id, lead_id, status, started_at, finished_at)
SELECT l.organization_id, 400 + l.organization_id - 100, l.id, s, now() - (l.id % 40) * interval '1 day',
       now() - (l.id % 40) * interval '1 day'
FROM leads AS l, unnest(ARRAY['success', 'error']) AS s;
";

/// One write per step, each touching what the summaries count.
const STEPS: &[(&str, &str)] = &[
    ("status and score updates", "UPDATE leads SET status = 'CLOSED_WON', score = score / 2 WHERE id % 3 = 0"),
    ("source, temperature and value updates",
     "UPDATE leads SET source = 'REFERRAL', lead_temperature = 'hot', value = NULL WHERE id % 4 = 1"),
    ("reassignment", "UPDATE leads SET assigned_to_id = 203 WHERE organization_id = 101 AND id % 5 = 1"),
    ("unassignment", "UPDATE leads SET assigned_to_id = NULL WHERE assigned_to_id = 202 AND id % 2 = 0"),
    ("creation dates moved", "UPDATE leads SET created_at = created_at - interval '3 days' WHERE id % 6 = 0"),
    ("an update of no summarized column", "UPDATE leads SET notes = 'called' WHERE id % 2 = 1"),
    ("tags with a null, a number, an object and a 300-character string",
     "UPDATE leads SET tags = jsonb_build_array('vip', NULL, 1, '{}'::jsonb, repeat('x', 300)) WHERE id % 11 = 0"),
    ("tags added, removed and replaced",
     "UPDATE leads SET tags = CASE WHEN id % 2 = 0 THEN coalesce(tags, '[]') || '[\"pricing\"]' ELSE '[\"vip\"]' END
      WHERE id % 5 <> 0"),
    ("communications moved between users", "UPDATE communications SET user_id = 201 WHERE user_id = 202"),
    ("communications moved between days",
     "UPDATE communications SET created_at = created_at - (id % 4) * interval '1 day' WHERE id % 3 = 0"),
    ("communications deleted", "DELETE FROM communications WHERE id % 5 = 0"),
    ("workflow runs failing", "UPDATE workflow_executions SET status = 'error' WHERE lead_id % 7 = 0"),
    ("lead deletes with their cascades", "DELETE FROM leads WHERE id % 9 = 0"),
    ("a user deleted (leads and communications SET NULL)", "DELETE FROM users WHERE id = 203"),
    ("notes truncated", "TRUNCATE lead_notes"),
    ("a user added", "INSERT INTO users (id, organization_id, email, username, first_name, last_name, hashed_password)
                      VALUES (205, 102, 'e@beta.example', 'e', 'E', 'E', 'x')"),
    ("a tenant deleted (its rows first: users and leads do not cascade from organizations)",
     "DELETE FROM leads WHERE organization_id = 102; DELETE FROM workflows WHERE organization_id = 102;
      DELETE FROM users WHERE organization_id = 102; DELETE FROM organizations WHERE id = 102"),
];

#[tokio::test]
async fn summaries_equal_the_base_tables_after_every_kind_of_write() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client.batch_execute(DATA).await.unwrap();
    assert_summaries_exact(&client, "the inserts").await;
    for (step, sql) in STEPS {
        client.batch_execute(sql).await.unwrap();
        assert_summaries_exact(&client, step).await;
    }
    assert!(count(&client, "SELECT count(*) FROM leads").await > 10);
}

#[tokio::test]
async fn copy_is_summarized_like_insert() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client.batch_execute(DATA).await.unwrap();
    let sink = client
        .copy_in("COPY lead_notes (organization_id, lead_id, user_id, content) FROM STDIN")
        .await
        .unwrap();
    let mut sink = std::pin::pin!(sink);
    let rows = "101\t301\t202\tcopied\n101\t302\t202\tcopied\n101\t303\t\\N\tcopied\n";
    sink.send(bytes::Bytes::from_static(rows.as_bytes()))
        .await
        .unwrap();
    sink.as_mut().finish().await.unwrap();
    assert_summaries_exact(&client, "COPY").await;
}

#[tokio::test]
async fn an_update_of_no_summarized_column_writes_no_summary_row() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client.batch_execute(DATA).await.unwrap();
    let versions = "SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM (
        SELECT xmin, ctid FROM lead_pipeline_stats UNION ALL SELECT xmin, ctid FROM lead_score_stats
        UNION ALL SELECT xmin, ctid FROM user_stats UNION ALL SELECT xmin, ctid FROM organization_daily_stats
        UNION ALL SELECT xmin, ctid FROM lead_tags) AS t";
    let before: String = client.query_one(versions, &[]).await.unwrap().get(0);
    execute(
        &client,
        "UPDATE leads SET notes = 'x', phone = '555', last_contacted_at = now(), first_contacted_at = now()",
        &[],
    )
    .await;
    execute(&client, "UPDATE communications SET subject = 'x'", &[]).await;
    let after: String = client.query_one(versions, &[]).await.unwrap().get(0);
    assert_eq!(before, after, "a summary row was rewritten");
}

#[tokio::test]
async fn the_application_reads_its_tenants_summaries_and_writes_them_only_through_its_rows() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let a = tenant(&client, "sum-a").await;
    let b = tenant(&client, "sum-b").await;
    client
        .batch_execute(&format!(
            "SET ROLE lma_app; SET lma.organization_id = '{}'",
            a.org
        ))
        .await
        .unwrap();
    execute(
        &client,
        "INSERT INTO leads (organization_id, email, first_name, last_name, score, tags)
         VALUES ($1, 'n@x.example', 'N', 'N', 77, '[\"vip\"]')",
        &[&a.org],
    )
    .await;
    let seen = "SELECT count(DISTINCT organization_id) FROM lead_pipeline_stats";
    assert_eq!(count(&client, seen).await, 1, "lma_app sees one tenant");
    let forged = server_error(
        &client,
        "UPDATE lead_pipeline_stats SET leads = leads + 1000",
    )
    .await;
    assert_eq!(forged.code().code(), "42501", "{forged}");
    let new_tag = "SELECT count(*) FROM lead_tags AS t JOIN leads AS l ON l.id = t.lead_id
                   WHERE l.email = 'n@x.example' AND t.tag = 'vip'";
    assert_eq!(
        count(&client, new_tag).await,
        1,
        "the trigger wrote lma_app's tag"
    );
    let others = format!(
        "SELECT count(*) FROM lead_tags WHERE organization_id <> {}",
        a.org
    );
    assert_eq!(
        count(&client, &others).await,
        0,
        "lma_app sees another tenant's tags"
    );
    let forged = server_error(
        &client,
        &format!("INSERT INTO lead_tags VALUES ({}, 'forged', 1)", a.org),
    )
    .await;
    assert_eq!(forged.code().code(), "42501", "{forged}");
    // The summary functions are the triggers' alone (V27): no direct call, no forged facts.
    for call in [
        "SELECT count(*) FROM refresh_summaries()",
        "SELECT summarize_communication_days(ARRAY[ROW(1, current_date, 1000)::day_fact])",
        "SELECT summarize_leads('{}')",
    ] {
        let denied = server_error(&client, call).await;
        assert_eq!(denied.code().code(), "42501", "{call}: {denied}");
    }
    client.batch_execute("RESET ROLE").await.unwrap();
    assert_summaries_exact(&client, "an insert by lma_app").await;
    let b_leads = format!(
        "SELECT sum(leads)::bigint FROM lead_pipeline_stats WHERE organization_id = {}",
        b.org
    );
    assert_eq!(count(&client, &b_leads).await, 1);
    let b_tags = format!(
        "SELECT count(*) FROM lead_tags WHERE organization_id = {}",
        b.org
    );
    assert!(
        count(&client, &b_tags).await > 0,
        "tenant b has tags to hide"
    );
}

/// One lock order for the summary rows: user_stats before organization_daily_stats, as leads'
/// summarize_leads() writes them. Triggers fire in name order, so a communication's V21
/// trigger (user_stats) must sort before its V23 one (the day's count); the other order
/// deadlocked a communication and a lead of the same user and day.
#[tokio::test]
async fn a_communication_writes_user_stats_before_the_day_s_count() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    for event in ["insert", "update", "delete"] {
        let sql = format!(
            "SELECT array_agg(tgname::text ORDER BY tgname) FROM pg_trigger
             WHERE tgrelid = 'communications'::regclass AND NOT tgisinternal
               AND tgname IN ('communications_summarize_{event}', 'communications_tally_days_{event}')"
        );
        let order: Vec<String> = client.query_one(&sql, &[]).await.unwrap().get(0);
        assert_eq!(
            order,
            [
                format!("communications_summarize_{event}"),
                format!("communications_tally_days_{event}")
            ]
        );
    }
}
