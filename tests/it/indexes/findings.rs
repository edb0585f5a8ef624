//! Unused, missing-FK, invalid, bloat and seq-scan findings, and what `--fail-on` makes of them.

use super::{database_with, finding, findings, index, report, run, RELIABLE};
use crate::support::{wait_until, TestDb, TestRole};

#[tokio::test]
async fn a_unique_index_with_zero_scans_is_not_unused() {
    let db = database_with("unique_unscanned").await;
    let report = report(&run(db.lma(), RELIABLE, &[]), 1);
    assert_eq!(findings(&report, "unused"), ["public.users_nickname"]);
    let unique = index(&report, "users_email_key");
    assert_eq!(unique["idx_scan"], 0);
    assert_eq!(unique["flags"]["unique"], true);
    assert_eq!(
        unique["note"],
        "few scans, but kept: it enforces uniqueness"
    );
}

#[tokio::test]
async fn an_exclusion_constraint_index_with_zero_scans_is_not_unused() {
    let db = database_with("exclusion_unscanned").await;
    let report = report(&run(db.lma(), RELIABLE, &[]), 1);
    assert_eq!(findings(&report, "unused"), ["public.bookings_room"]);
    let exclusion = index(&report, "bookings_no_overlap");
    assert_eq!(exclusion["access_method"], "gist");
    assert_eq!(exclusion["flags"]["constraint"], true);
    assert_eq!(
        exclusion["note"],
        "few scans, but kept: it backs constraint bookings_no_overlap"
    );
    assert!(findings(&report, "redundant").is_empty());
}

#[tokio::test]
async fn unused_verdicts_on_young_statistics_are_unreliable_and_exit_0() {
    let db = database_with("unused_only").await;
    let report = report(&run(db.lma(), "", &[]), 0);
    assert_eq!(findings(&report, "unused"), ["public.notes_author"]);
    let unused = finding(&report, "unused", "public.notes_author");
    assert_eq!(unused["reliable"], false);
    assert_eq!(unused["fails"], false);
    assert_eq!(report["statistics"]["reliable"], false);
    assert_eq!(report["statistics"]["min_age_seconds"], 7 * 24 * 3600);
}

#[tokio::test]
async fn a_foreign_key_without_an_index_is_missing_one_named_as_postgresql_would_name_it() {
    let db = database_with("fk_without_index").await;
    let first = report(&run(db.lma(), "", &[]), 1);
    assert_eq!(findings(&first, "missing-fk"), ["leads_organization_fkey"]);
    let missing = finding(&first, "missing-fk", "leads_organization_fkey");
    assert_eq!(missing["table"], "public.leads");
    assert_eq!(
        missing["sql"],
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_organization_id_idx ON public.leads (organization_id);"
    );
    // A relation that has the name already: the next free one, as PostgreSQL numbers them.
    db.client()
        .await
        .batch_execute("CREATE SEQUENCE leads_organization_id_idx")
        .await
        .unwrap();
    let second = report(&run(db.lma(), "", &[]), 1);
    let missing = finding(&second, "missing-fk", "leads_organization_fkey");
    let sql = missing["sql"].as_str().unwrap();
    assert_eq!(
        sql,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_organization_id_idx1 ON public.leads (organization_id);"
    );
    db.client().await.batch_execute(sql).await.unwrap();
    let fixed = report(&run(db.lma(), "", &[]), 0);
    assert!(findings(&fixed, "missing-fk").is_empty());
}

#[tokio::test]
async fn a_composite_foreign_key_is_covered_by_its_columns_in_another_order() {
    let db = database_with("fk_composite_reordered").await;
    let report = report(&run(db.lma(), "", &["--fail-on", "missing-fk"]), 0);
    assert!(findings(&report, "missing-fk").is_empty(), "{report:#}");
    let covering = index(&report, "messages_campaign_tenant_sent");
    assert_eq!(covering["flags"]["foreign_key"], true);
    assert_eq!(
        covering["note"],
        "few scans, but kept: it supports foreign key messages_campaign_fkey"
    );
}

#[tokio::test]
async fn a_foreign_key_covered_only_by_a_partial_index_is_still_missing_one() {
    let db = database_with("fk_partial_index").await;
    let report = report(&run(db.lma(), "", &["--fail-on", "missing-fk"]), 1);
    assert_eq!(findings(&report, "missing-fk"), ["leads_owner_fkey"]);
    assert_eq!(
        index(&report, "leads_open_owner")["flags"]["foreign_key"],
        false
    );
}

#[tokio::test]
async fn a_failed_create_unique_index_concurrently_leaves_an_invalid_index() {
    let db = database_with("duplicate_keys").await;
    // Alone in its query string, so it runs outside a transaction block, as it must.
    let failure = db
        .client()
        .await
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY contacts_email_key ON contacts (email)")
        .await;
    assert!(failure.is_err(), "the duplicates must make the build fail");
    let report = report(&run(db.lma(), "", &["--fail-on", "invalid"]), 1);
    assert_eq!(findings(&report, "invalid"), ["public.contacts_email_key"]);
    let invalid = finding(&report, "invalid", "public.contacts_email_key");
    assert_eq!(
        invalid["sql"],
        "REINDEX INDEX CONCURRENTLY public.contacts_email_key;"
    );
    assert_eq!(
        index(&report, "contacts_email_key")["flags"]["valid"],
        false
    );
    assert!(
        findings(&report, "unused").is_empty(),
        "invalid is not also unused"
    );
}

#[tokio::test]
async fn fail_on_redundant_ignores_an_unused_index() {
    let db = database_with("unused_only").await;
    let all = report(&run(db.lma(), RELIABLE, &[]), 1);
    assert_eq!(findings(&all, "unused"), ["public.notes_author"]);
    let narrowed = report(&run(db.lma(), RELIABLE, &["--fail-on", "redundant"]), 0);
    assert_eq!(findings(&narrowed, "unused"), ["public.notes_author"]);
    assert_eq!(narrowed["fail_on"], serde_json::json!(["redundant"]));
}

#[tokio::test]
async fn fail_on_redundant_fails_on_a_redundant_index() {
    let db = database_with("prefix_redundant").await;
    let report = report(
        &run(db.lma(), RELIABLE, &["--fail-on", "redundant,invalid"]),
        1,
    );
    assert_eq!(findings(&report, "redundant"), ["public.orders_customer"]);
}

#[tokio::test]
async fn bloat_is_estimated_and_fixed_with_reindex_concurrently() {
    let db = database_with("scanned").await;
    let client = db.client().await;
    // Deleting nine rows in ten leaves the primary key's pages allocated but mostly empty
    // (VACUUM frees only pages that become entirely empty). VACUUM runs outside a transaction.
    client
        .batch_execute("DELETE FROM events WHERE id % 10 <> 0")
        .await
        .unwrap();
    client.batch_execute("VACUUM ANALYZE events").await.unwrap();
    let config = "[indexes]\nbloat_min_size = \"64kB\"\nbloat_min_ratio = 0.5\n";
    let report = report(&run(db.lma(), config, &["--fail-on", "bloat"]), 1);
    let bloated = findings(&report, "bloat");
    assert!(
        bloated.contains(&"public.events_pkey".to_owned()),
        "{report:#}"
    );
    let bloat = finding(&report, "bloat", "public.events_pkey");
    assert!(
        bloat["reason"].as_str().unwrap().starts_with("ESTIMATED"),
        "{bloat}"
    );
    assert_eq!(
        bloat["sql"],
        "REINDEX INDEX CONCURRENTLY public.events_pkey;"
    );
    // After the rebuild the estimate finds nothing to report.
    client
        .batch_execute("REINDEX INDEX events_pkey")
        .await
        .unwrap();
    client.batch_execute("ANALYZE events").await.unwrap();
    let rebuilt = super::parse(&run(db.lma(), config, &[]));
    assert!(
        !findings(&rebuilt, "bloat").contains(&"public.events_pkey".to_owned()),
        "{rebuilt:#}"
    );
}

#[tokio::test]
async fn heavy_sequential_scans_on_a_large_table_are_reported() {
    let db = database_with("scanned").await;
    {
        let client = db.client().await;
        for _ in 0..5 {
            client
                .batch_execute("SELECT count(*) FROM events WHERE payload = 'y'")
                .await
                .unwrap();
        }
    }
    wait_for_seq_scans(&db, 5).await;
    let config = "[indexes]\nseq_scan_min_rows = 10000\nseq_scan_min_scans = 5\n";
    let report = report(&run(db.lma(), config, &["--fail-on", "seq-scan"]), 1);
    let heavy: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "seq-scan")
        .collect();
    assert_eq!(heavy.len(), 1, "{report:#}");
    assert_eq!(heavy[0]["table"], "public.events");
    let table = &report["tables"][0];
    assert_eq!(
        (table["name"].as_str(), table["index_count"].as_i64()),
        (Some("events"), Some(2))
    );
}

/// Waits until the statistics show this many sequential scans of `events`: a backend sends
/// its counters when its connection closes, a moment after the client lets go.
async fn wait_for_seq_scans(db: &TestDb, scans: i64) {
    let sql = format!(
        "SELECT coalesce(seq_scan, 0) >= {scans} FROM pg_stat_user_tables WHERE relname = 'events'"
    );
    wait_until(&db.client().await, &sql).await;
}

#[tokio::test]
async fn schema_limits_the_report_and_an_unknown_schema_is_an_error() {
    let db = database_with("two_schemas").await;
    let report = report(&run(db.lma(), RELIABLE, &["--schema", "billing"]), 1);
    assert_eq!(report["schemas"], serde_json::json!(["billing"]));
    assert_eq!(findings(&report, "unused"), ["billing.invoices_customer"]);
    let everything = super::parse(&run(db.lma(), RELIABLE, &[]));
    assert_eq!(
        findings(&everything, "unused"),
        ["billing.invoices_customer", "public.notes_author"]
    );
    let output = run(db.lma(), "", &["--schema", "nowhere"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr, "error: --schema: no schema named nowhere\n");
}

#[tokio::test]
async fn a_partial_index_on_fk_is_not_null_covers_the_foreign_key() {
    let db = database_with("fk_not_null_partial_index").await;
    let report = report(&run(db.lma(), "", &["--fail-on", "missing-fk"]), 0);
    assert!(findings(&report, "missing-fk").is_empty(), "{report:#}");
    let partial = index(&report, "child_pid_idx");
    assert_eq!(partial["flags"]["foreign_key"], true);
}

#[tokio::test]
async fn a_lookup_the_planner_cannot_be_asked_about_falls_back_to_the_catalog_rule() {
    // Declared first, so the database (where it holds nothing of its own) goes before it.
    let role = TestRole::create("").await;
    let db = database_with("fk_not_null_partial_index").await;
    let client = db.client().await;
    // A role that may read the tables but not lock their rows: FOR KEY SHARE needs UPDATE.
    client
        .batch_execute(
            "CREATE TABLE orphan (id int PRIMARY KEY, pid int REFERENCES parent); \
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC",
        )
        .await
        .unwrap();
    let report = report(&run(db.lma_as(&role), "", &["--fail-on", "missing-fk"]), 1);
    assert_eq!(findings(&report, "missing-fk"), ["orphan_pid_fkey"]);
    let missing = finding(&report, "missing-fk", "orphan_pid_fkey");
    let reason = missing["reason"].as_str().unwrap();
    assert!(
        reason.contains("the planner could not be asked: permission denied"),
        "{reason}"
    );
    assert_eq!(
        index(&report, "child_pid_idx")["flags"]["foreign_key"],
        true
    );
}

#[tokio::test]
async fn an_ignored_finding_is_reported_as_such_and_does_not_fail_the_run() {
    let db = database_with("unused_only").await;
    let accepted = format!(
        "{RELIABLE}[[indexes.ignore]]\nkind = \"unused\"\ntable = \"public.*\"\n\
         index = \"*.notes_auth?r\"\nreason = \"the yearly audit reads it\"\n"
    );
    let report = report(&run(db.lma(), &accepted, &[]), 0);
    let unused = finding(&report, "unused", "public.notes_author");
    assert_eq!(unused["ignored"], "the yearly audit reads it");
    assert_eq!(unused["fails"], false);
    // Its look-alike: an entry for another schema accepts nothing.
    let elsewhere = accepted.replace("public.*", "billing.*");
    let report = super::report(&run(db.lma(), &elsewhere, &[]), 1);
    let unused = finding(&report, "unused", "public.notes_author");
    assert_eq!(unused["ignored"], serde_json::Value::Null);
    assert_eq!(unused["fails"], true);
}

#[tokio::test]
async fn an_ignore_entry_without_a_reason_or_with_an_unknown_kind_is_an_error() {
    let db = database_with("unused_only").await;
    let output = run(db.lma(), "[[indexes.ignore]]\nkind = \"unused\"\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("reason"),
        "{stderr}"
    );
    let output = run(
        db.lma(),
        "[[indexes.ignore]]\nkind = \"unusd\"\nreason = \"typo\"\n",
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: [[indexes.ignore]] entry 1: kind \"unusd\" matches none of invalid, missing-fk, \
         redundant, unused, bloat, seq-scan, overflow, not-valid, fk-type, duplicate-fk, \
         no-primary-key, mostly-null\n"
    );
}
