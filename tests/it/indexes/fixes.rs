//! Every SQL `lma indexes` prints runs as printed, and so does `lma advise`'s: on the schemas of
//! projects lma did not write (pagila, harbor, marquez, tests/fixtures/projects) and on a
//! hand-made schema with every finding kind under hostile names (every_fix.sql). Each database
//! is built twice. On the first, every fix runs alone, in the order the table prints them, as a
//! DBA pasting them would (CONCURRENTLY outside a transaction: one statement per query string).
//! On the second, the same fixes go into migrations as a user would write them (the CONCURRENTLY
//! ones in `-- lma:no-transaction` files), in which `lma lint` must find nothing of lma's own
//! rules, and which `lma migrate` must apply. Then neither database
//! reports any of the fixed findings again.

use std::path::{Path, PathBuf};
use std::process::Command;

use lma::lint::rules::LMA_RULES;
use lma::output::terminal_safe;
use serde_json::Value;

use super::{fixture_sql, parse};
use crate::support::{fixture, lma_binary, pg_tool, TestDb};

/// Unused verdicts judged on a cluster started seconds ago; bloat reported on small indexes.
const CONFIG: &str =
    "[indexes]\nmin_stats_age = \"0s\"\nbloat_min_size = \"64kB\"\nbloat_min_ratio = 0.5\n";

/// squawk rules a fix may break, each for a reason its finding's own reason states:
const ACCEPTED_SQUAWK_RULES: [&str; 4] = [
    // fk-type and overflow: ALTER COLUMN ... TYPE rewrites the table ("under an ACCESS
    // EXCLUSIVE lock", both reasons say).
    "changing-column-type",
    // duplicate-fk: the key dropped has a twin that goes on enforcing the same (the reason
    // names it).
    "ban-drop-constraint",
    // missing-fk, redundant and unused on a partitioned table: PostgreSQL refuses CONCURRENTLY
    // there (the reasons say so, and give the non-blocking way).
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
];

/// A finding that has a fix: its kind, table and index (or constraint), and the fix exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fix {
    subject: (String, String, String),
    sql: String,
}

fn subject(finding: &Value) -> (String, String, String) {
    let text = |key: &str| finding[key].as_str().unwrap_or_default().to_owned();
    let index = text("index");
    let named = if index.is_empty() {
        text("constraint")
    } else {
        index
    };
    (text("kind"), text("table"), named)
}

/// `lma indexes` in a format, with CONFIG, at a width where no fix is wrapped.
fn indexes(db: &TestDb, format: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lma.toml");
    std::fs::write(&config, CONFIG).unwrap();
    db.lma()
        .arg("--config")
        .arg(&config)
        .args(["indexes", "--format", format, "--width", "65535"])
        .output()
        .unwrap()
}

/// The fixes in the order the table prints them, each the JSON's exact text (the table escapes
/// control characters, so a name holding ESC prints as `\u{1b}`).
fn printed_fixes(db: &TestDb) -> Vec<Fix> {
    let table = String::from_utf8(indexes(db, "table").stdout).unwrap();
    let report = parse(&indexes(db, "json"));
    let with_sql: Vec<Fix> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            f["sql"].as_str().map(|sql| Fix {
                subject: subject(f),
                sql: sql.to_owned(),
            })
        })
        .collect();
    let printed: Vec<&str> = table
        .lines()
        .filter_map(|line| line.strip_prefix("  fix: "))
        .collect();
    assert_eq!(printed.len(), with_sql.len(), "{table}");
    printed
        .iter()
        .map(|&text| {
            with_sql
                .iter()
                .find(|fix| terminal_safe(&fix.sql) == text)
                .unwrap_or_else(|| panic!("{text} is in no finding"))
                .clone()
        })
        .collect()
}

/// Each statement alone in its query string, in order.
async fn apply_directly(db: &TestDb, statements: &[String]) {
    let client = db.client().await;
    for sql in statements {
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|err| panic!("{sql}: {err:#}"));
    }
}

/// The migrations a test writes for a database, one version after another.
struct Migrations {
    dir: tempfile::TempDir,
    next: u32,
}

impl Migrations {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            next: 1,
        }
    }

    /// Writes each text as the next migration, lints each (nothing of lma's own rules, and of
    /// squawk's only what the fixes' reasons own up to) and applies them with `lma migrate`.
    fn apply(&mut self, db: &TestDb, texts: &[String]) {
        for text in texts {
            let file = self.dir.path().join(format!("V{}__fixes.sql", self.next));
            self.next += 1;
            std::fs::write(&file, text).unwrap();
            assert_lint_accepts(&file);
        }
        let output = db
            .lma()
            .arg("migrate")
            .arg("--migrations")
            .arg(self.dir.path())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}\n{texts:#?}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn assert_lint_accepts(file: &Path) {
    let output = lma_binary()
        .args(["lint", "--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let report = parse(&output);
    for finding in report["findings"].as_array().unwrap() {
        let rule = finding["rule"].as_str().unwrap();
        assert!(
            !LMA_RULES.contains(&rule) && ACCEPTED_SQUAWK_RULES.contains(&rule),
            "{finding:#}"
        );
    }
}

/// The migrations a user would write from the fixes, in the order printed: each run of
/// CONCURRENTLY statements in a `-- lma:no-transaction` file (PostgreSQL refuses them in a
/// transaction), each run of the others in an ordinary file, which lma runs in a transaction.
fn as_migrations(fixes: &[Fix]) -> Vec<String> {
    let mut runs: Vec<(bool, Vec<&str>)> = Vec::new();
    for fix in fixes {
        let concurrently = fix.sql.split_whitespace().nth(2) == Some("CONCURRENTLY");
        match runs.last_mut() {
            Some((kind, statements)) if *kind == concurrently => statements.push(&fix.sql),
            _ => runs.push((concurrently, vec![&fix.sql])),
        }
    }
    runs.into_iter()
        .map(|(concurrently, statements)| {
            let marker = if concurrently {
                "-- lma:no-transaction\n"
            } else {
                ""
            };
            format!("{marker}{}\n", statements.join("\n"))
        })
        .collect()
}

/// Runs every printed fix on `direct` and as a migration on `migrated` (the same schema), and
/// checks that neither reports a fixed finding again. Returns the fixes.
async fn round_trip(direct: &TestDb, migrated: &TestDb, migrations: &mut Migrations) -> Vec<Fix> {
    let fixes = printed_fixes(direct);
    assert_eq!(printed_fixes(migrated), fixes, "the two builds differ");
    let statements: Vec<String> = fixes.iter().map(|fix| fix.sql.clone()).collect();
    apply_directly(direct, &statements).await;
    migrations.apply(migrated, &as_migrations(&fixes));
    for db in [direct, migrated] {
        let after = parse(&indexes(db, "json"));
        let back: Vec<&Fix> = fixes
            .iter()
            .filter(|fix| {
                after["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| subject(f) == fix.subject)
            })
            .collect();
        assert!(back.is_empty(), "reported again after the fixes: {back:#?}");
    }
    fixes
}

fn psql(db: &TestDb, file: &Path) {
    let output = Command::new(pg_tool("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(&db.url)
        .arg("-f")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn project_files(name: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("projects").join(name))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| keep(path.file_name().unwrap().to_str().unwrap()))
        .collect();
    files.sort();
    files
}

/// pagila is a PostgreSQL 18 dump; the test server is 15. A converted copy: `uuidv7()` (18) is
/// given by a stand-in, virtual generated columns (18) are stored, and pgvector's column and
/// index (an extension the server lacks) become a `real[]` column.
async fn load_pagila(db: &TestDb) {
    db.client()
        .await
        .batch_execute(
            "SET allow_system_table_mods = on;
             CREATE FUNCTION pg_catalog.uuidv7() RETURNS uuid LANGUAGE sql
                 AS 'SELECT gen_random_uuid()';",
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(fixture("projects").join("pagila/pagila-schema.sql"))
        .unwrap()
        .replace(")) VIRTUAL\n", ")) STORED\n")
        .replace("public.vector(20)", "real[]");
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| {
            !line.starts_with("CREATE EXTENSION IF NOT EXISTS vector")
                && !line.starts_with("COMMENT ON EXTENSION vector")
                && !line.contains("USING hnsw")
        })
        .collect();
    let converted = kept.join("\n");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), converted).unwrap();
    psql(db, file.path());
}

/// harbor's golang-migrate files, in order; 0030 alters golang-migrate's own table.
async fn load_harbor(db: &TestDb) {
    db.client()
        .await
        .batch_execute(
            "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)",
        )
        .await
        .unwrap();
    for file in project_files("harbor", |name| name.ends_with(".up.sql")) {
        psql(db, &file);
    }
}

/// marquez's Flyway files: versioned ones by version (V2.1 after V2, V17.2 after V17.1), then
/// the repeatable ones by name, as Flyway runs them.
fn load_marquez(db: &TestDb) {
    let version = |path: &PathBuf| -> Vec<u32> {
        let name = path.file_name().unwrap().to_str().unwrap();
        name[1..name.find("__").unwrap()]
            .split(['.', '_'])
            .map(|part| part.parse().unwrap())
            .collect()
    };
    let sql = |n: &str| Path::new(n).extension().is_some_and(|ext| ext == "sql");
    let mut versioned = project_files("marquez", |n| n.starts_with('V') && sql(n));
    versioned.sort_by_key(version);
    for file in versioned {
        psql(db, &file);
    }
    for file in project_files("marquez", |n| n.starts_with("R__")) {
        psql(db, &file);
    }
}

/// every_fix.sql, and what it cannot hold: a bloated primary key and an invalid index.
async fn load_every_fix(db: &TestDb) {
    let client = db.client().await;
    client
        .batch_execute(&fixture_sql("every_fix"))
        .await
        .unwrap();
    client
        .batch_execute("DELETE FROM public.bulky WHERE id % 10 <> 0")
        .await
        .unwrap();
    client
        .batch_execute("VACUUM ANALYZE public.bulky")
        .await
        .unwrap();
    client.batch_execute("SET lma.fail = on").await.unwrap();
    let failed = client
        .batch_execute(
            "CREATE INDEX CONCURRENTLY \"picky\tone\" ON public.bulky (public.picky(id))",
        )
        .await;
    assert!(
        failed.is_err(),
        "the build must fail and leave an INVALID index"
    );
}

/// A schema lma did not write, or the hand-made one.
#[derive(Clone, Copy)]
enum Source {
    EveryFix,
    Pagila,
    Harbor,
    Marquez,
}

/// Two databases of the same schema: one for the fixes run directly, one for the migration.
async fn two_builds(source: Source) -> (TestDb, TestDb) {
    let (direct, migrated) = (TestDb::new().await, TestDb::new().await);
    for db in [&direct, &migrated] {
        match source {
            Source::EveryFix => load_every_fix(db).await,
            Source::Pagila => load_pagila(db).await,
            Source::Harbor => load_harbor(db).await,
            Source::Marquez => load_marquez(db),
        }
    }
    (direct, migrated)
}

fn kinds(fixes: &[Fix]) -> Vec<&str> {
    let mut kinds: Vec<&str> = fixes.iter().map(|fix| fix.subject.0.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

#[tokio::test]
async fn every_fix_on_hostile_names_of_every_kind_runs_as_printed() {
    let (direct, migrated) = two_builds(Source::EveryFix).await;
    let fixes = round_trip(&direct, &migrated, &mut Migrations::new()).await;
    assert_eq!(
        kinds(&fixes),
        [
            "bloat",
            "duplicate-fk",
            "fk-type",
            "invalid",
            "missing-fk",
            "no-primary-key",
            "not-valid",
            "overflow",
            "redundant",
            "unused"
        ]
    );
    let sql: Vec<&str> = fixes.iter().map(|fix| fix.sql.as_str()).collect();
    // Named as PostgreSQL names them, past the names taken, within 63 bytes.
    for expected in [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS line_items_plan_id_idx1 ON public.line_items (plan_id);",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_table_whose_name_is_long_en_and_a_referencing_column_who_idx1 ON public.a_table_whose_name_is_long_enough_to_be_cut_when_indexed (and_a_referencing_column_whose_name_is_long_too);",
        "CREATE INDEX IF NOT EXISTS events_account_id_idx ON public.events (account_id);",
    ] {
        assert!(sql.contains(&expected), "{expected} not in {sql:#?}");
    }
}

#[tokio::test]
async fn every_fix_on_pagila_runs_as_printed_and_so_does_advises() {
    let (direct, migrated) = two_builds(Source::Pagila).await;
    let mut migrations = Migrations::new();
    let fixes = round_trip(&direct, &migrated, &mut migrations).await;
    assert!(kinds(&fixes).contains(&"missing-fk"), "{fixes:#?}");
    // advise, on a query pagila has no index for.
    let query = tempfile::tempdir().unwrap();
    let file = query.path().join("actor_by_first_name.sql");
    std::fs::write(
        &file,
        "SELECT actor_id FROM public.actor WHERE first_name = $1;\n",
    )
    .unwrap();
    let advise = |db: &TestDb| {
        let output = db
            .lma()
            .arg("advise")
            .arg(&file)
            .args(["--param", "name7", "--format", "json"])
            .output()
            .unwrap();
        (output.status.code(), parse(&output))
    };
    for db in [&direct, &migrated] {
        db.client()
            .await
            .batch_execute(
                "CREATE EXTENSION hypopg;
                 INSERT INTO public.actor (first_name, last_name)
                     SELECT 'name' || g, 'last' || g FROM generate_series(1, 20000) AS g;
                 ANALYZE public.actor;",
            )
            .await
            .unwrap();
    }
    let (code, report) = advise(&direct);
    assert_eq!(code, Some(1), "{report:#}");
    let best = &report["checks"][0]["proposals"][0];
    assert_eq!(advise(&migrated).1["checks"][0]["proposals"][0], *best);
    apply_directly(&direct, &[best["statement"].as_str().unwrap().to_owned()]).await;
    migrations.apply(&migrated, &[best["migration"].as_str().unwrap().to_owned()]);
    for db in [&direct, &migrated] {
        let (code, report) = advise(db);
        assert_eq!(code, Some(0), "{report:#}");
        assert_eq!(report["checks"][0]["proposals"], serde_json::json!([]));
    }
}

#[tokio::test]
async fn every_fix_on_harbor_runs_as_printed() {
    let (direct, migrated) = two_builds(Source::Harbor).await;
    let fixes = round_trip(&direct, &migrated, &mut Migrations::new()).await;
    assert!(kinds(&fixes).contains(&"missing-fk"), "{fixes:#?}");
}

#[tokio::test]
async fn every_fix_on_marquez_runs_as_printed() {
    let (direct, migrated) = two_builds(Source::Marquez).await;
    let fixes = round_trip(&direct, &migrated, &mut Migrations::new()).await;
    assert!(kinds(&fixes).contains(&"missing-fk"), "{fixes:#?}");
}
