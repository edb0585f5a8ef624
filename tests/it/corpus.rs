//! lma runs what psql runs: the hard real-world files of tests/fixtures/migrations_corpus,
//! applied once with `lma migrate` and once file by file with psql, give equal `pg_dump`s.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{fixture, pg_tool, TestDb};

/// The corpus files in version order, as lma orders them.
fn files_in_version_order(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(i64, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let version = name[1..name.find("__").unwrap()].parse().unwrap();
            (version, path)
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, path)| path).collect()
}

fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("cannot run {command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Schema and data, without lma's history and without pg_dump's random `\restrict` keys.
fn dump(db: &TestDb) -> String {
    let text = run(Command::new(pg_tool("pg_dump"))
        .args([
            "--no-owner",
            "--exclude-table",
            "public.refinery_schema_history",
        ])
        .arg(&db.url));
    text.lines()
        .filter(|line| !line.starts_with("\\restrict") && !line.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn hard_real_world_files_give_the_same_database_under_lma_and_psql() {
    let dir = fixture("migrations_corpus");
    let files = files_in_version_order(&dir);
    assert!(files.len() >= 15, "the corpus has {} files", files.len());

    let with_lma = TestDb::new().await;
    with_lma.migrate_dir(&dir, None);

    let with_psql = TestDb::new().await;
    for file in &files {
        run(Command::new(pg_tool("psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(&with_psql.url)
            .arg("-f")
            .arg(file));
    }

    let (lma, psql) = (dump(&with_lma), dump(&with_psql));
    for object in [
        "BEGIN ATOMIC",
        "CREATE RULE accounts_audit",
        "COPY app.countries",
        "'archived'",
        "CREATE UNIQUE INDEX \"Accounts_Name_Lower\"",
        "CREATE TABLE app.notes",
        "reporting.weekly",
    ] {
        assert!(
            lma.contains(object),
            "{object} is missing from lma's database"
        );
    }
    assert!(
        lma == psql,
        "the dumps differ:\n{}",
        first_difference(&lma, &psql)
    );
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map_or_else(
            || "one dump is a prefix of the other".to_owned(),
            |(at, (x, y))| format!("line {}: lma {x:?}, psql {y:?}", at + 1),
        )
}
