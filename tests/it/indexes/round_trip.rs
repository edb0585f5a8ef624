//! The advice round trip: every statement the report suggests runs as printed, and afterwards
//! none of those findings is reported again.

use serde_json::Value;

use super::{database_with, parse, run, RELIABLE};

/// Each finding with a fix, as (kind, table, index or constraint).
fn subjects(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["sql"].is_string())
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or_default().to_owned();
            let subject = if f["index"].is_null() {
                text("constraint")
            } else {
                text("index")
            };
            (text("kind"), text("table"), subject)
        })
        .collect()
}

#[tokio::test]
async fn every_suggested_statement_runs_as_printed_and_fixes_its_finding() {
    let db = database_with("round_trip").await;
    let before = parse(&run(db.lma(), RELIABLE, &[]));
    let found = subjects(&before);
    for expected in [
        (
            "redundant",
            "public.accounts",
            "public.accounts_lower_email_again",
        ),
        (
            "redundant",
            "billing.invoices",
            "billing.invoices_unpaid_due_again",
        ),
        ("unused", "billing.invoices", "billing.invoices_due"),
        ("missing-fk", "billing.invoices", "invoices_account_again"),
        (
            "redundant",
            r#""Sales Ops"."Bookings""#,
            r#""Sales Ops"."Bookings during""#,
        ),
        (
            "missing-fk",
            r#""Sales Ops"."Bookings""#,
            "Bookings_account_id_fkey",
        ),
        ("redundant", "public.events", "public.events_deleted_again"),
        ("missing-fk", "public.events", "events_account_id_fkey"),
        ("overflow", "billing.payments", ""),
        ("overflow", r#""Sales Ops".tickets"#, ""),
        ("fk-type", "billing.payments", "payments_invoice_id_fkey"),
        (
            "duplicate-fk",
            "billing.invoices",
            "invoices_account_id_fkey",
        ),
        (
            "not-valid",
            r#""Sales Ops"."Bookings""#,
            "Bookings positive",
        ),
        ("no-primary-key", "public.settings", ""),
    ] {
        let expected = (expected.0.into(), expected.1.into(), expected.2.into());
        assert!(found.contains(&expected), "{expected:?} not in {found:#?}");
    }
    let statements: Vec<&str> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["sql"].as_str())
        .collect();
    let client = db.client().await;
    for sql in &statements {
        // Alone in its query string, as CONCURRENTLY needs: exactly what a DBA would paste.
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|err| panic!("{sql}: {err:#}"));
    }
    let after = subjects(&parse(&run(db.lma(), RELIABLE, &[])));
    let back: Vec<_> = found.iter().filter(|f| after.contains(f)).collect();
    assert!(back.is_empty(), "still reported after the fixes: {back:#?}");
}
