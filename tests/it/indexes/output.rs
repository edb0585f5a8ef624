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
async fn the_table_output_shows_findings_first_then_a_summary_and_the_inventory_only_with_list() {
    let db = database_with("prefix_redundant").await;
    db.client()
        .await
        .batch_execute("CREATE INDEX orders_placed ON orders (placed_at)")
        .await
        .unwrap();
    let table = |args: &[&str]| {
        let output = db
            .lma()
            .args(["indexes", "--color", "never"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let stdout = table(&[]);
    for expected in [
        "\nFindings\nFAIL redundant: public.orders public.orders_customer",
        "  fix: DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer;",
        "Not judged: 1 indexes have no scans in ",
        "\nSummary\n  redundant           1  (1 fail, 0 ignored, 0 unreliable)\n  unused              1  (0 fail, 0 ignored, 1 unreliable)\n",
        "4 indexes on 1 tables; 2 findings, 1 fail the run.",
        "unused verdicts are UNRELIABLE",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }
    assert!(!stdout.contains("\nIndexes\n"), "{stdout}");
    let all = table(&["--all"]);
    assert!(
        all.contains("unreliable unused: public.orders public.orders_placed"),
        "{all}"
    );
    let verbose = db
        .lma()
        .args(["indexes", "--color", "never", "-v"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&verbose.stdout)
            .contains("unreliable unused: public.orders public.orders_placed"),
        "-v lists them as --all does"
    );
    let listed = table(&["--list"]);
    for expected in [
        "\nIndexes\n",
        "orders_customer_placed",
        "customer_id, placed_at",
        "\nTables\n",
    ] {
        assert!(
            listed.contains(expected),
            "{expected:?} missing from:\n{listed}"
        );
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

/// A schema of 320 indexes on 80 tables with long names: duplicates, prefixes and FKs without
/// an index among them.
fn large_schema() -> String {
    let mut sql = vec!["CREATE SCHEMA reporting_and_analytics_warehouse;\n".to_owned()];
    for t in 0..80 {
        let table = format!("reporting_and_analytics_warehouse.customer_lifetime_value_{t:02}");
        sql.push(format!(
            "CREATE TABLE {table} (id bigint PRIMARY KEY, account_identifier bigint, \
             created_at_timestamp timestamptz, status_description text);\n\
             CREATE INDEX ON {table} (account_identifier, created_at_timestamp);\n\
             CREATE INDEX ON {table} (status_description);\n"
        ));
        if t % 4 == 0 {
            sql.push(format!("CREATE INDEX ON {table} (account_identifier);\n"));
        } else {
            sql.push(format!("CREATE INDEX ON {table} (created_at_timestamp);\n"));
        }
        if t > 0 && t % 5 == 0 {
            sql.push(format!(
                "ALTER TABLE {table} ADD FOREIGN KEY (id) REFERENCES \
                 reporting_and_analytics_warehouse.customer_lifetime_value_00;\n\
                 ALTER TABLE {table} ADD COLUMN parent_identifier bigint REFERENCES \
                 reporting_and_analytics_warehouse.customer_lifetime_value_00;\n"
            ));
        }
    }
    sql.concat()
}

#[tokio::test]
async fn on_a_schema_of_300_indexes_the_default_output_fits_100_columns_findings_first() {
    let db = crate::support::TestDb::new().await;
    db.client()
        .await
        .batch_execute(&large_schema())
        .await
        .unwrap();
    let output = db
        .lma()
        .env("COLUMNS", "100")
        .args(["indexes", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let widest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "a line of {widest} columns:\n{stdout}");
    assert!(stdout.contains("320 indexes on 80 tables"), "{stdout}");
    let findings_at = stdout.find("\nFindings\n").unwrap();
    assert!(findings_at < 200, "the findings come first:\n{stdout}");
    // From the findings to the statistics line: the heading (database name, server version)
    // and the statistics' timestamps vary, the rest is pinned.
    let statistics_at = stdout.find("\nStatistics since ").unwrap();
    let stable: String = stdout[findings_at..statistics_at]
        .lines()
        .map(|line| match line.split_once(" have no scans in ") {
            Some((head, _)) => format!("{head} have no scans in [age]"),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(stable);
    let listed = db
        .lma()
        .env("COLUMNS", "100")
        .args(["indexes", "--color", "never", "--list"])
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let widest = listed.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "--list has a line of {widest} columns");
}
