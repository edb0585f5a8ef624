//! `lma indexes` against real databases: one fixture from tests/fixtures/indexes per test, each
//! in its own fresh database, asserting on the specific findings (kind and index name).

mod checks;
mod findings;
mod fixes;
mod lma_schema;
mod output;
mod partitions;
mod redundancy;
mod replica;
mod round_trip;

use std::process::Output;

use serde_json::Value;

use crate::support::{fixture, TestDb};

/// Thresholds that make "unused" verdicts reliable on a cluster started seconds ago.
pub const RELIABLE: &str = "[indexes]\nmin_stats_age = \"0s\"\n";

/// A fresh database holding a fixture of tests/fixtures/indexes.
pub async fn database_with(name: &str) -> TestDb {
    let db = TestDb::new().await;
    db.client()
        .await
        .batch_execute(&fixture_sql(name))
        .await
        .unwrap_or_else(|err| panic!("fixture {name}: {err:#}"));
    db
}

/// The SQL of a fixture.
pub fn fixture_sql(name: &str) -> String {
    let path = fixture("indexes").join(format!("{name}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Runs `lma indexes --format json` with this configuration text and these arguments.
pub fn run(mut lma: assert_cmd::Command, config: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lma.toml");
    std::fs::write(&path, config).unwrap();
    lma.arg("--config")
        .arg(&path)
        .args(["indexes", "--format", "json"])
        .args(args)
        .output()
        .unwrap()
}

/// The JSON report of a run that must have exited with `code`.
pub fn report(output: &Output, code: i32) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    parse(output)
}

/// The JSON report on stdout.
pub fn parse(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The findings of one kind, as the index (or constraint) each is about.
pub fn findings(report: &Value, kind: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter(|finding| finding["kind"] == kind)
        .map(|finding| {
            let subject = if finding["index"].is_null() {
                &finding["constraint"]
            } else {
                &finding["index"]
            };
            subject.as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

/// The finding of a kind about a subject.
pub fn finding<'a>(report: &'a Value, kind: &str, subject: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind && (f["index"] == subject || f["constraint"] == subject))
        .unwrap_or_else(|| panic!("no {kind} finding for {subject}: {report:#}"))
}

/// The report entry of an index.
pub fn index<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["name"] == name)
        .unwrap_or_else(|| panic!("no index {name} in the report"))
}
