//! `lma seed` against real databases, by topic; the helpers they share.

use lma::db::Database;
use lma::progress::Progress;
use lma::seed::plan::Plan;
use lma::seed::tables::Table;
use lma::seed::{self, Options};
use tokio_postgres::Client;

use crate::support::TestDb;

mod columns;
mod determinism;
mod integrity;
mod refusals;
mod report;
mod roles;
mod safety;
mod scale;

/// Seeds through the library, quietly, with the history ending today (as `lma seed` does).
async fn seed_db(db: &TestDb, leads: u32, seed: u64) {
    seed_db_at(db, leads, seed, seed::world::today()).await;
}

/// Seeds through the library, quietly, with the history ending at `anchor`.
async fn seed_db_at(db: &TestDb, leads: u32, seed: u64, anchor: time::Date) {
    let no_env = |_: &str| None;
    let database = Database::resolve(Some(&db.url), &no_env, None).unwrap();
    let options = Options {
        scale: None,
        leads,
        seed,
        anchor,
        truncate: false,
        allow_pending: false,
    };
    seed::seed(&database, &options, &Progress::new(true, 0))
        .await
        .unwrap_or_else(|err| panic!("seeding {} failed: {err:#}", db.name));
}

fn primary_key(table: Table) -> &'static str {
    match table {
        Table::CampaignLeads => "organization_id, lead_id, campaign_id",
        _ => "id",
    }
}

/// The md5 of every row's text, in primary-key order, per table.
async fn content_hashes(client: &Client) -> Vec<(String, String)> {
    let mut hashes = Vec::new();
    for table in Table::ALL {
        let sql = format!(
            "SELECT md5(string_agg(t::text, '|' ORDER BY {})) FROM {} AS t",
            primary_key(table),
            table.name()
        );
        let hash: String = client.query_one(&sql, &[]).await.unwrap().get(0);
        hashes.push((table.name().to_owned(), hash));
    }
    hashes
}

async fn count(client: &Client, sql: &str) -> i64 {
    client
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .get(0)
}

async fn row_counts(client: &Client) -> Vec<(Table, u64)> {
    let mut counts = Vec::new();
    for table in Table::ALL {
        let n = count(client, &format!("SELECT count(*) FROM {}", table.name())).await;
        counts.push((table, u64::try_from(n).unwrap()));
    }
    counts
}

fn assert_counts_follow(plan: &Plan, counts: &[(Table, u64)]) {
    for &(table, rows) in counts {
        assert_eq!(rows, plan.rows(table), "{}", table.name());
        assert!(rows > 0, "{} is empty", table.name());
    }
}

/// Runs lma and expects exit 2 with one `error:` line; returns it.
fn refused(command: &mut assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: refusing to seed"), "{stderr}");
    stderr
}

fn date(text: &str) -> time::Date {
    seed::world::parse_date(text).unwrap()
}
