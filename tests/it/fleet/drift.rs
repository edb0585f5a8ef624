//! `lma drift` across the fleet: the migrations' schema built once per recorded version (the
//! second cluster's targets at V2, the shared server's at V3), one drifted target in each
//! version, and each target only read.

use serde_json::{json, Value};

use super::{stderr, Fleet};
use crate::support::json;

/// The reachable targets.
pub const REACHABLE: [&str; 7] = ["s1", "s2", "s3", "s4", "c1", "c2", "c3"];

/// A target's relations with their column counts, and its history: what a write would change.
const FINGERPRINT: &str = "
    SELECT string_agg(c.relname::text || ':' || c.relkind::text || ':' || c.relnatts, ',' ORDER BY c.relname)
           || ' history ' || (SELECT count(*) FROM refinery_schema_history)
      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace";

/// Every reachable target's fingerprint.
pub async fn fingerprints(fleet: &Fleet) -> Vec<String> {
    let mut all = Vec::new();
    for name in REACHABLE {
        let client = fleet.client(name).await;
        let row = client.query_one(FINGERPRINT, &[]).await.unwrap();
        all.push(format!("{name} {}", row.get::<_, String>(0)));
    }
    all
}

/// Each target's (name, result, version, differences).
fn rows(report: &Value) -> Vec<(String, String, Value, u64)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["result"].as_str().unwrap().to_owned(),
                t["version"].clone(),
                t["differences"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn target<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap()
}

/// The one difference of a drifted target: (change, kind, name, fix).
fn only_difference(report: &Value, name: &str) -> (String, String, String, String) {
    let differences = target(report, name)["drift"]["differences"]
        .as_array()
        .unwrap();
    assert_eq!(differences.len(), 1, "{differences:#?}");
    let s = |k: &str| differences[0][k].as_str().unwrap_or_default().to_owned();
    (s("change"), s("kind"), s("name"), s("fix"))
}

#[tokio::test]
async fn fleet_drift_compares_each_target_with_its_versions_schema_and_changes_none() {
    let mut fleet = Fleet::start().await;
    let (code, output) = fleet.lma(&["migrate", "--target", "2", "--keep-going"]);
    assert_eq!(code, Some(2), "only gone fails: {}", stderr(&output));
    let (code, output) = fleet.lma(&["migrate", "--group", "shared"]);
    assert_eq!(code, Some(0), "{}", stderr(&output));
    let s2 = fleet.client("s2").await;
    s2.batch_execute("CREATE INDEX widgets_name_hotfix ON widgets (name)")
        .await
        .unwrap();
    let c2 = fleet.client("c2").await;
    c2.batch_execute("ALTER TABLE widgets ADD COLUMN weight integer")
        .await
        .unwrap();
    let before = fingerprints(&fleet).await;

    let (code, output) = fleet.lma(&["drift", "--parallel", "3", "--format", "json"]);
    assert_eq!(code, Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["built_versions"], json!([2, 3]), "{report:#}");
    let v = |n: i64| Value::from(n);
    let expected = [
        ("s1", "clean", v(3), 0),
        ("s2", "drifted", v(3), 1),
        ("s3", "clean", v(3), 0),
        ("s4", "clean", v(3), 0),
        ("c1", "clean", v(2), 0),
        ("c2", "drifted", v(2), 1),
        ("c3", "clean", v(2), 0),
        ("gone", "unreachable", Value::Null, 0),
    ];
    let expected: Vec<(String, String, Value, u64)> = expected
        .into_iter()
        .map(|(n, r, v, d)| (n.to_owned(), r.to_owned(), v, d))
        .collect();
    assert_eq!(rows(&report), expected, "{report:#}");
    let (change, kind, _, fix) = only_difference(&report, "s2");
    assert_eq!((change.as_str(), kind.as_str()), ("added", "index"));
    assert!(fix.contains("widgets_name_hotfix"), "{fix}");
    let (change, kind, name, _) = only_difference(&report, "c2");
    assert_eq!(
        (change.as_str(), kind.as_str(), name.as_str()),
        ("added", "column", "public.widgets.weight")
    );
    let keys = crate::support::keys(target(&report, "s1"));
    assert_eq!(
        keys,
        [
            "database",
            "differences",
            "drift",
            "error",
            "groups",
            "name",
            "objects",
            "result",
            "version"
        ]
    );
    assert!(target(&report, "s1")["objects"].as_u64().unwrap() > 3);
    let gone = target(&report, "gone");
    assert!(gone["drift"].is_null());
    assert!(
        gone["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot connect to lma@127.0.0.1:1/lma"),
        "{gone:#}"
    );

    // The table: a row per target, then the drifted target's differences with their fix.
    let (code, output) = fleet.lma(&["drift", "--group", "shared"]);
    assert_eq!(code, Some(1), "{}", stderr(&output));
    let table = String::from_utf8_lossy(&output.stdout).into_owned();
    for text in [
        "Differences",
        "4 targets, latest V3, migrations' schema built at V3: 3 clean, 1 drifted, 0 unreachable, 0 error",
        "s2: differences",
        "widgets_name_hotfix",
    ] {
        assert!(table.contains(text), "{text}: {table}");
    }
    assert_eq!(fingerprints(&fleet).await, before);
    fleet.assert_no_password();
}
