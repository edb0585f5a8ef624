//! The safety model holds whatever a migration file contains: each reproduction of issue 13,
//! as other projects write their migrations.

use std::path::Path;
use std::process::{Output, Stdio};

use tokio_postgres::Client;

use crate::support::{exists, history, json, wait_until, TestDb};

mod history;

/// A migrations directory holding `files`.
fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in files {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    dir
}

fn migrate(db: &TestDb, dir: &Path, args: &[&str]) -> Output {
    db.lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

/// `lma migrate` with a configuration file holding `config`.
fn migrate_with_config(db: &TestDb, dir: &Path, config: &str) -> Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), config).unwrap();
    db.lma()
        .arg("--config")
        .arg(file.path())
        .arg("migrate")
        .arg("--migrations")
        .arg(dir)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit 2 with one `error: …` line that contains every one of `words`.
fn refused(output: &Output, words: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    for word in words {
        assert!(lines[0].contains(word), "{word:?} not in {err}");
    }
}

async fn table_exists(client: &Client, name: &str) -> bool {
    exists(client, name).await
}

#[tokio::test]
async fn a_dry_run_of_a_wrapped_file_commits_nothing_and_the_real_run_applies_it() {
    let db = TestDb::new().await;
    let m = dir(&[
        ("V1__a.sql", "create table a(i int);"),
        (
            "V2__w.sql",
            "BEGIN;\ncreate table wrapped(i int);\nCOMMIT;\n",
        ),
    ]);
    assert_eq!(
        migrate(&db, m.path(), &["--target", "1"]).status.code(),
        Some(0)
    );
    let dry = migrate(&db, m.path(), &["--dry-run", "--format", "json"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert_eq!(json(&dry)["migrations"][0]["outcome"], "ok");
    let client = db.client().await;
    assert!(
        !table_exists(&client, "wrapped").await,
        "the dry run committed"
    );
    assert_eq!(history(&client).await, [1]);
    let real = migrate(&db, m.path(), &[]);
    assert_eq!(real.status.code(), Some(0), "{}", stderr(&real));
    assert!(stderr(&real).contains("dropped its BEGIN (line 1) and COMMIT (line 3)"));
    assert!(table_exists(&client, "wrapped").await);
    assert_eq!(history(&client).await, [1, 2]);
}

#[tokio::test]
async fn a_commit_inside_a_transactional_migration_is_refused_before_anything_runs() {
    let db = TestDb::new().await;
    let m = dir(&[
        ("V1__a.sql", "create table a(i int);"),
        (
            "V2__c.sql",
            "create table b(i int);\nCOMMIT;\ncreate table c(i int);\nselect 1/0;\n",
        ),
    ]);
    for args in [&["--dry-run"][..], &[]] {
        let output = migrate(&db, m.path(), args);
        refused(
            &output,
            &["V2__c.sql", "line 2", "COMMIT", "nothing was applied"],
        );
    }
    let client = db.client().await;
    assert!(!table_exists(&client, "a").await);
    assert!(!table_exists(&client, "b").await);
    assert!(history(&client).await.is_empty());
}

#[tokio::test]
async fn a_no_transaction_migration_that_leaves_a_transaction_open_is_refused() {
    let db = TestDb::new().await;
    let m = dir(&[
        ("V1__a.sql", "create table a(i int);"),
        (
            "V2__open.sql",
            "-- lma:no-transaction\nBEGIN;\ncreate table b(i int);\n",
        ),
    ]);
    refused(
        &migrate(&db, m.path(), &[]),
        &["V2__open.sql", "line 2", "never ends"],
    );
    assert!(history(&db.client().await).await.is_empty());
}

#[tokio::test]
async fn a_migration_s_session_settings_do_not_reach_the_next_one() {
    let db = TestDb::new().await;
    let m = dir(&[
        (
            "V1__preamble.sql",
            "SET lock_timeout = 0;\nSET statement_timeout = 0;\nCREATE SCHEMA other;\nSET search_path = other, public;\nSELECT pg_catalog.set_config('application_name', 'dump', false);\ncreate table in_other(i int);\n",
        ),
        (
            "V2__seen.sql",
            "create table public.seen as select current_setting('lock_timeout') as lock_timeout, current_setting('statement_timeout') as statement_timeout, current_setting('search_path') as search_path, current_setting('application_name') as app;\n",
        ),
    ]);
    let output = migrate(
        &db,
        m.path(),
        &["--lock-timeout", "3s", "--statement-timeout", "1m"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let client = db.client().await;
    let row = client
        .query_one(
            "select lock_timeout, statement_timeout, search_path, app from seen",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "3s");
    assert_eq!(row.get::<_, String>(1), "1min");
    assert_eq!(row.get::<_, String>(2), "\"$user\", public");
    assert_eq!(row.get::<_, String>(3), "lma");
    assert!(
        table_exists(&client, "other.in_other").await,
        "V1's own SET applies to the rest of V1"
    );
    assert!(!table_exists(&client, "other.refinery_schema_history").await);
    assert_eq!(history(&client).await, [1, 2]);
}

#[tokio::test]
async fn a_migration_may_open_with_set_transaction() {
    let db = TestDb::new().await;
    let m = dir(&[(
        "V1__serializable.sql",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\ncreate table s as select current_setting('transaction_isolation') as iso;",
    )]);
    let dry = migrate(&db, m.path(), &["--dry-run", "--format", "json"]);
    assert_eq!(
        json(&dry)["migrations"][0]["outcome"],
        "ok",
        "{}",
        stderr(&dry)
    );
    let output = migrate(&db, m.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let iso: String = db
        .client()
        .await
        .query_one("select iso from s", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(iso, "serializable");
}

#[tokio::test]
async fn a_run_that_loses_its_lock_session_stops_before_committing_more() {
    let db = TestDb::new().await;
    let m = dir(&[
        ("V1__a.sql", "create table a(i int);"),
        (
            "V2__wait.sql",
            "select pg_advisory_xact_lock(4242);\ncreate table b(i int);",
        ),
        ("V3__c.sql", "create table c(i int);"),
    ]);
    let gate = db.client().await;
    gate.batch_execute("select pg_advisory_lock(4242)")
        .await
        .unwrap();
    let mut command = std::process::Command::new(crate::support::lma_binary().get_program());
    let child = command
        .arg("--database-url")
        .arg(&db.url)
        .env_remove("DATABASE_URL")
        .arg("migrate")
        .arg("--migrations")
        .arg(m.path())
        .args(["--lock-timeout", "10min"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(
        &gate,
        "select exists (select from pg_stat_activity where datname = current_database() and application_name = 'lma' and wait_event = 'advisory')",
    )
    .await;
    // The idle session that holds lma's migration lock (key "lma_migr").
    gate.batch_execute(
        "select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and objid = (x'6c6d615f6d696772'::bigint & 4294967295)::oid",
    )
    .await
    .unwrap();
    gate.batch_execute("select pg_advisory_unlock(4242)")
        .await
        .unwrap();
    let output = child.wait_with_output().unwrap();
    refused(
        &output,
        &[
            "lost the migration lock",
            "V2__wait.sql",
            "this run applied V1",
        ],
    );
    assert_eq!(history(&gate).await, [1]);
    assert!(!table_exists(&gate, "b").await);
}

#[tokio::test]
async fn timeouts_that_postgresql_would_read_as_no_limit_or_that_overflow_are_refused() {
    let db = TestDb::new().await;
    let m = dir(&[("V1__a.sql", "create table a(i int);")]);
    for args in [
        &["--lock-timeout", "900us"][..],
        &["--lock-timeout", "0s"],
        &["--statement-timeout", "0s"],
        &["--wait-timeout", "5124095576030431h"],
    ] {
        refused(&migrate(&db, m.path(), args), &["timeout"]);
    }
    let output = migrate_with_config(&db, m.path(), "[migrate]\nlock_timeout = \"500us\"\n");
    refused(&output, &["lock timeout"]);
    assert!(history(&db.client().await).await.is_empty());
}

#[tokio::test]
async fn files_that_look_like_migrations_are_named_and_subfolders_are_not_read() {
    let db = TestDb::new().await;
    let m = dir(&[
        ("V1__a.sql", "create table a(i int);"),
        ("V2__add-users.sql", "create table users(i int);"),
        ("R__views.sql", "select 1;"),
    ]);
    std::fs::create_dir(m.path().join("archive")).unwrap();
    std::fs::write(
        m.path().join("archive/V2__old.sql"),
        "create table old(i int);",
    )
    .unwrap();
    refused(
        &migrate(&db, m.path(), &[]),
        &["V2__add-users.sql", "R__views.sql", "[migrate] ignore"],
    );
    let ignore = "[migrate]\nignore = [\"R__*\", \"V2__add-users.sql\"]\n";
    let output = migrate_with_config(&db, m.path(), ignore);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let client = db.client().await;
    assert_eq!(history(&client).await, [1]);
    assert!(!table_exists(&client, "old").await);
}

#[tokio::test]
async fn concurrently_in_an_unmarked_file_points_at_the_marker_and_unnamed_builds_are_refused() {
    let db = TestDb::new().await;
    let unmarked = dir(&[
        ("V1__t.sql", "create table t(a int);"),
        ("V2__i.sql", "create index concurrently t_a on t (a);"),
    ]);
    refused(
        &migrate(&db, unmarked.path(), &[]),
        &["V2__i.sql", "line 1", "-- lma:no-transaction"],
    );
    let unnamed = dir(&[
        ("V1__t.sql", "create table t(a int);"),
        (
            "V2__i.sql",
            "-- lma:no-transaction\ncreate index concurrently on t (a);",
        ),
    ]);
    refused(
        &migrate(&db, unnamed.path(), &[]),
        &["V2__i.sql", "line 2", "name it"],
    );
    assert!(history(&db.client().await).await.is_empty());
}

#[tokio::test]
async fn a_runtime_error_in_a_transactional_migration_names_its_line() {
    let db = TestDb::new().await;
    let m = dir(&[(
        "V1__a.sql",
        "create table a(i int);\n\ninsert into a values (1);\nselect\n  1/0;\n",
    )]);
    let output = migrate(&db, m.path(), &[]);
    refused(
        &output,
        &[
            "V1__a.sql",
            "line 4",
            "division by zero",
            "nothing was applied",
        ],
    );
    assert!(!table_exists(&db.client().await, "a").await);
}
