//! `lma migrate --target 10` gives the baseline schema: design doc 001 before the optimization round
//! (tables, enums, keys, FKs and an index on every FK column; no CHECKs, views, RLS or
//! optimization indexes).

use tokio_postgres::Client;

use super::indexes::index_findings;
use super::{count, sorted, strings, tables, views, BASELINE};
use crate::support::TestDb;

const V11: &str = include_str!("../../../migrations/V11__integrity_constraints.sql");
const V14: &str = include_str!("../../../migrations/V14__optimization_indexes.sql");

const TABLES: [&str; 14] = [
    "organizations",
    "users",
    "leads",
    "communications",
    "lead_notes",
    "campaigns",
    "campaign_leads",
    "workflows",
    "workflow_executions",
    "lead_scoring_rules",
    "lead_score_history",
    "activity_logs",
    "integrations",
    "custom_field_definitions",
];

/// The names that follow `words` in a migration's SQL (`CREATE INDEX x`, `ADD CONSTRAINT y`),
/// comments skipped.
fn names_after(sql: &str, words: &[&str]) -> Vec<String> {
    let code: String = sql
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let tokens: Vec<&str> = code.split_whitespace().collect();
    tokens
        .windows(words.len() + 1)
        .filter(|w| {
            w[..words.len()]
                .iter()
                .zip(words)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
        .map(|w| w[words.len()].trim_end_matches(';').to_owned())
        .collect()
}

async fn exist(client: &Client, names: &[String]) -> Vec<String> {
    let rows = client
        .query(
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace \
             AND relname = ANY ($1) ORDER BY 1",
            &[&names],
        )
        .await
        .unwrap();
    rows.iter().map(|row| row.get(0)).collect()
}

#[tokio::test]
async fn migrate_target_10_gives_the_baseline_schema() {
    let db = TestDb::new().await;
    let output = db
        .lma()
        .args(["migrate", "--target", &BASELINE.to_string()])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let client = db.client().await;
    let version = count(
        &client,
        "SELECT max(version)::int8 FROM refinery_schema_history",
    )
    .await;
    assert_eq!(version, BASELINE);

    assert_eq!(tables(&client).await, sorted(&TABLES));
    let enums = "SELECT count(*) FROM pg_type WHERE typtype = 'e' AND typnamespace = 'public'::regnamespace";
    assert_eq!(count(&client, enums).await, 9);
    assert_eq!(
        views(&client).await,
        Vec::<String>::new(),
        "views come with V16"
    );
    let rls = strings(
        &client,
        "SELECT relname::text FROM pg_class WHERE relrowsecurity ORDER BY 1",
    )
    .await;
    assert_eq!(rls, Vec::<String>::new(), "RLS comes with V18");
    let extensions = strings(
        &client,
        "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql'",
    )
    .await;
    assert_eq!(extensions, Vec::<String>::new(), "extensions come with V13");

    let checks = names_after(V11, &["ADD", "CONSTRAINT"]);
    assert_eq!(
        checks.len(),
        42,
        "V11's CHECK constraints, as parsed: {checks:?}"
    );
    let any_check = "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace";
    assert_eq!(
        count(&client, any_check).await,
        0,
        "CHECK constraints come with V11"
    );

    let created = names_after(
        V14,
        &["CREATE", "INDEX", "CONCURRENTLY", "IF", "NOT", "EXISTS"],
    );
    assert_eq!(created.len(), 28, "V14's indexes, as parsed: {created:?}");
    assert_eq!(
        exist(&client, &created).await,
        Vec::<String>::new(),
        "V14's indexes"
    );
    let dropped = names_after(V14, &["DROP", "INDEX", "CONCURRENTLY", "IF", "EXISTS"]);
    assert_eq!(
        dropped.len(),
        6,
        "the baseline FK indexes V14 replaces: {dropped:?}"
    );
    assert_eq!(
        exist(&client, &dropped).await,
        sorted(&dropped),
        "the baseline has them"
    );

    let indexes = "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'refinery_schema_history'";
    assert_eq!(
        count(&client, indexes).await,
        38,
        "docs/schema.md: 38 indexes at the baseline"
    );
    assert_eq!(
        index_findings(&db),
        Vec::<String>::new(),
        "lma indexes finds nothing at the baseline"
    );
}
