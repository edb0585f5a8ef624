//! Partitioned tables: `no_seq_scan T` and `uses_index I on T` match T's partitions (at any
//! depth) and the partitions' indexes attached to I, with and without partition pruning, on a
//! Pagila-like schema that is not LMA's (`tests/fixtures/checks_partitioned/`).

use serde_json::Value;

use crate::support::{fixture, TestDb};

/// A database with the Pagila-like partitioned schema, vacuumed and analyzed.
pub(super) async fn partitioned() -> TestDb {
    let db = TestDb::new().await;
    let schema = std::fs::read_to_string(fixture("checks_partitioned").join("schema.sql")).unwrap();
    let client = db.client().await;
    client.batch_execute(&schema).await.unwrap();
    // VACUUM cannot run in the implicit transaction of a multi-statement batch: all-visible
    // pages and statistics, as a long-lived database has them.
    client.batch_execute("VACUUM ANALYZE").await.unwrap();
    db
}

fn check(db: &TestDb, extra: &[&str]) -> (i32, Value, String) {
    let output = db
        .lma()
        .args([
            "check",
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "2",
        ])
        .arg("--checks")
        .arg(fixture("checks_partitioned").join("checks"))
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {stderr}"));
    (output.status.code().unwrap(), report, stderr)
}

fn by_name<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {report:#}"))
}

fn indexes(check: &Value) -> Vec<&str> {
    check["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["index"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn rules_on_a_partitioned_table_match_its_partitions_and_their_indexes() {
    let db = partitioned().await;
    let (code, report, stderr) = check(&db, &[]);
    let failed: Vec<&Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] != true)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}\n{stderr}");
    assert_eq!(code, 0, "{stderr}");
    // Pruned: one partition's index per sample, March's and the two halves of June's.
    let month = indexes(by_name(&report, "customer_payments_in_month"));
    assert!(
        month.contains(&"payment_p2022_03_customer_id_payment_date_idx"),
        "{month:?}"
    );
    assert!(
        month.contains(&"payment_p2022_06a_customer_id_payment_date_idx"),
        "{month:?}"
    );
    assert!(!month.contains(&"payment_p2022_01_customer_id_payment_date_idx"));
    // Not pruned: every partition's index.
    assert_eq!(indexes(by_name(&report, "customer_payments")).len(), 7);
    // A grandchild's primary key counts for payment_pkey.
    let day = indexes(by_name(&report, "payments_on_day"));
    assert!(day.contains(&"payment_p2022_06a_pkey"), "{day:?}");
    // Coverage names the partitioned index no check used, not its seven partitions' indexes.
    let uncovered: Vec<&str> = report["coverage"]["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["index"].as_str().unwrap())
        .collect();
    assert_eq!(uncovered, ["idx_payment_amount"]);
}

#[tokio::test]
async fn a_seq_scan_of_a_partition_fails_no_seq_scan_of_its_table() {
    let db = partitioned().await;
    let forced = [
        "--set",
        "enable_indexscan=off",
        "--set",
        "enable_bitmapscan=off",
    ];
    let (code, report, stderr) = check(&db, &forced);
    assert_eq!(code, 1, "{stderr}");
    let month = by_name(&report, "customer_payments_in_month")["reasons"].to_string();
    assert!(
        month.contains("Seq Scan on payment_p2022_03 (a partition of payment)"),
        "{month}"
    );
    assert!(
        month.contains("payment_p2022_06a (a partition of payment, payment_p2022_06)"),
        "{month}"
    );
    assert!(
        month.contains("index idx_payment_customer on payment not used"),
        "{month}"
    );
    let day = by_name(&report, "payments_on_day")["reasons"].to_string();
    assert!(
        day.contains("index payment_pkey on payment not used"),
        "{day}"
    );
}

fn explain(db: &TestDb, args: &[&str]) -> String {
    let output = db
        .lma()
        .arg("explain")
        .args(args)
        .arg("--checks")
        .arg(fixture("checks_partitioned").join("checks"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn explain_shows_the_scan_direction_conditions_rows_removed_and_heap_fetches() {
    let db = partitioned().await;
    let json: Value =
        serde_json::from_str(&explain(&db, &["customer_payments", "--format", "json"])).unwrap();
    // Limit > Append > Append (June's halves) > the second half's index, read backward.
    let scan = &json["plan"]["children"][0]["children"][0]["children"][0];
    assert_eq!(scan["node_type"], "Index Only Scan", "{json:#}");
    assert_eq!(scan["scan_direction"], "Backward");
    assert_eq!(scan["index_cond"], "(customer_id = 7)");
    // How many depends on the visibility map, which concurrent tests' snapshots can hold back.
    assert!(scan["heap_fetches"].is_number(), "{scan:#}");
    assert!(scan["buffers"].as_u64().unwrap() > 0, "{scan:#}");
    let text = explain(&db, &["customer_payments"]);
    assert!(
        text.contains(
            "Index Only Scan Backward using payment_p2022_06b_customer_id_payment_date_idx on \
             payment_p2022_06b"
        ),
        "{text}"
    );
    assert!(text.contains("Index Cond: (customer_id = 7)"), "{text}");
    assert!(text.contains(" heap fetches"), "{text}");

    let forced = [
        "customer_payments_in_month",
        "--set",
        "enable_indexscan=off",
        "--set",
        "enable_bitmapscan=off",
    ];
    let text = explain(&db, &forced);
    assert!(text.contains("Seq Scan on payment_p2022_03"), "{text}");
    assert!(text.contains("Filter: ((payment_date >= "), "{text}");
    assert!(text.contains("removed by filter"), "{text}");
}
