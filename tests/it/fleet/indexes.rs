//! `lma indexes` across the fleet: one target with a redundant index, the others clean, one
//! unreachable; each read on a read-only session.

use serde_json::Value;

use super::drift::fingerprints;
use super::{stderr, Fleet, GONE_PASSWORD};
use crate::support::json;

/// Each target's (name, result, failing).
fn rows(report: &Value) -> Vec<(String, String, u64)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["result"].as_str().unwrap().to_owned(),
                t["failing"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn fleet_indexes_reports_each_targets_findings_and_exits_with_the_worst() {
    let mut fleet = Fleet::start().await;
    let (code, output) = fleet.lma(&["migrate", "--group", "shared", "--group", "second"]);
    assert_eq!(code, Some(0), "{}", stderr(&output));
    let c3 = fleet.client("c3").await;
    c3.batch_execute("CREATE INDEX widgets_id_copy ON widgets (id)")
        .await
        .unwrap();
    let before = fingerprints(&fleet).await;

    let (code, output) = fleet.run(&["indexes", "--format", "json"]);
    assert_eq!(code, Some(1), "{}", stderr(&output));
    let report = json(&output);
    let expected: Vec<(String, String, u64)> = ["s1", "s2", "s3", "s4", "c1", "c2", "c3", "gone"]
        .iter()
        .map(|name| {
            let (result, failing) = match *name {
                "c3" => ("findings", 1),
                "gone" => ("unreachable", 0),
                _ => ("clean", 0),
            };
            ((*name).to_owned(), result.to_owned(), failing)
        })
        .collect();
    assert_eq!(rows(&report), expected, "{report:#}");
    let keys = crate::support::keys(&report["targets"][0]);
    assert_eq!(
        keys,
        ["database", "error", "failing", "findings", "groups", "indexes", "name", "result"]
    );
    let c3 = &report["targets"][6];
    assert_eq!(c3["findings"], serde_json::json!({ "redundant": 1 }));
    let finding = &c3["indexes"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fails"] == true)
        .unwrap()
        .clone();
    assert_eq!(finding["kind"], "redundant");
    assert!(
        finding["index"]
            .as_str()
            .unwrap()
            .contains("widgets_id_copy"),
        "{finding:#}"
    );
    assert!(report["targets"][0]["indexes"]["indexes"].is_array());
    assert!(report["targets"][7]["indexes"].is_null());

    // The table: a row per target, then the findings of the one that has them.
    let (code, output) = fleet.run(&["indexes", "--group", "second", "--parallel", "1"]);
    assert_eq!(code, Some(1), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout).into_owned();
    for text in [
        "Findings",
        "Failing",
        "3 targets: 2 clean, 1 with findings, 0 unreachable, 0 error",
        "c3: findings",
        "FAIL redundant",
        "1 redundant",
    ] {
        assert!(table.contains(text), "{text}: {table}");
    }
    let (code, output) = fleet.run(&["indexes", "--group", "shared"]);
    assert_eq!(code, Some(0), "{}", stderr(&output));

    // Nothing reachable: nothing could be looked at, an error.
    let gone = format!("postgres://lma:{GONE_PASSWORD}@127.0.0.1:1/lma");
    let (code, output) = fleet.run(&[
        "indexes",
        "--database-url",
        &gone,
        "--database-url",
        &format!("{gone}2"),
    ]);
    assert_eq!(code, Some(2), "{}", stderr(&output));
    assert_eq!(fingerprints(&fleet).await, before);
    fleet.assert_no_password();
}
