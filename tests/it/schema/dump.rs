//! docs/schema.sql is the final schema: `pg_dump --schema-only` of a fully migrated database,
//! regenerated here, so that every migration's effect shows in review as a diff of one file.

use std::process::Command;

use crate::support::{pg_tool, TestDb};

/// Set to write docs/schema.sql instead of comparing with it.
const UPDATE_ENV: &str = "LMA_UPDATE_SCHEMA_SQL";

/// The schema as pg_dump prints it, without what changes from run to run or release to release:
/// the version banner and pg_dump's random `\restrict` keys. lma's history table is left out.
fn schema_dump(db: &TestDb) -> String {
    let output = Command::new(pg_tool("pg_dump"))
        .args(["--schema-only", "--no-owner", "--no-privileges"])
        .args(["--exclude-table", "public.refinery_schema_history"])
        .arg(&db.url)
        .output()
        .expect("pg_dump runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| {
            !line.starts_with("\\restrict")
                && !line.starts_with("\\unrestrict")
                && !line.starts_with("-- Dumped from database version")
                && !line.starts_with("-- Dumped by pg_dump version")
        })
        .collect();
    format!("{}\n", kept.join("\n").trim())
}

#[tokio::test]
async fn docs_schema_sql_is_what_the_migrations_build() {
    let db = TestDb::migrated().await;
    let dumped = schema_dump(&db);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema.sql");
    if std::env::var_os(UPDATE_ENV).is_some() {
        std::fs::write(&path, &dumped).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some((n, (want, got))) = committed
        .lines()
        .zip(dumped.lines())
        .enumerate()
        .find(|(_, (want, got))| want != got)
    {
        panic!(
            "docs/schema.sql differs from the migrated schema at line {}:\n  committed: {want}\n  migrated:  {got}\n\
             Regenerate it with {UPDATE_ENV}=1 cargo test --test it -- schema::dump, and review the diff.",
            n + 1
        );
    }
    assert_eq!(
        committed.lines().count(),
        dumped.lines().count(),
        "docs/schema.sql differs from the migrated schema in length; regenerate it with \
         {UPDATE_ENV}=1 cargo test --test it -- schema::dump"
    );
}
