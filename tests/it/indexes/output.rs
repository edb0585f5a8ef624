//! The report's two renderings: the JSON shape users script against, and the tables for people.

use super::{database_with, report, run};

#[tokio::test]
async fn indexes_json_has_a_stable_shape() {
    let db = database_with("fk_without_index").await;
    db.client()
        .await
        .batch_execute("CREATE INDEX leads_id_dup ON leads (id)")
        .await
        .unwrap();
    let report = report(&run(db.lma(), "", &[]), 1);
    insta::assert_json_snapshot!(report, {
        ".database" => "[database]",
        ".server_version" => "[version]",
        ".statistics.since" => "[time]",
        ".statistics.age_seconds" => "[seconds]",
        ".statistics.servers[].server" => "[database]",
        ".statistics.servers[].since" => "[time]",
        ".statistics.servers[].age_seconds" => "[seconds]",
        ".findings[].reason" => insta::dynamic_redaction(|value, _| {
            // Unused reasons name the statistics' age; keep the rest of the text pinned.
            let text = value.as_str().unwrap_or_default().to_owned();
            let redacted = match text.split_once(" entries read in ") {
                Some((head, _)) => format!("{head} entries read in [age]…"),
                None => text,
            };
            redacted
        }),
        ".indexes[].size_bytes" => "[bytes]",
        ".indexes[].size" => "[size]",
        ".tables[].table_bytes" => "[bytes]",
        ".tables[].table_size" => "[size]",
        ".tables[].index_bytes" => "[bytes]",
        ".tables[].index_size" => "[size]",
        // Counters arrive when a backend ends, so they may or may not include the fixture's.
        ".tables[].rows" => "[count]",
        ".tables[].seq_scan" => "[count]",
        ".tables[].seq_tup_read" => "[count]",
    });
}

#[tokio::test]
async fn the_table_output_lists_indexes_tables_findings_and_the_statistics_age() {
    let db = database_with("prefix_redundant").await;
    db.client()
        .await
        .batch_execute("CREATE INDEX orders_placed ON orders (placed_at)")
        .await
        .unwrap();
    let output = db
        .lma()
        .args(["indexes", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "Indexes of ",
        "orders_customer_placed",
        "customer_id, placed_at",
        "\nTables\n",
        "public.orders",
        "\nFindings\n",
        "DROP INDEX CONCURRENTLY public.orders_customer;",
        "unused (unreliable)",
        "unused verdicts are UNRELIABLE",
        "findings: 0 invalid, 0 missing-fk, 1 redundant, 1 unused, 0 bloat, 0 seq-scan, 0 overflow, 0 not-valid, 0 fk-type, \
         0 duplicate-fk, 0 no-primary-key, 0 mostly-null; 1 fail the run.",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }
}

#[tokio::test]
async fn control_characters_in_names_are_escaped_in_tables_and_exact_in_json() {
    let db = database_with("unused_only").await;
    // U& escapes: ESC [31m and BEL inside an index name.
    db.client()
        .await
        .batch_execute(r#"CREATE INDEX U&"red\001b[31m\0007" ON notes (author)"#)
        .await
        .unwrap();
    let output = db
        .lma()
        .args(["indexes", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "raw control characters reached the terminal:\n{stdout:?}"
    );
    assert!(stdout.contains(r"red\u{1b}[31m\u{7}"), "{stdout}");
    let json = report(&run(db.lma(), "", &[]), 1);
    assert!(
        json["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["name"] == "red\u{1b}[31m\u{7}"),
        "{json:#}"
    );
}
