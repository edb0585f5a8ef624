//! Redundant indexes: what must be flagged, and the look-alikes that must not.

use super::{database_with, finding, findings, parse, run};

/// The redundant findings of a fixture, checking that they, and only they, decide the exit
/// status under `--fail-on redundant`.
async fn redundant(fixture: &str) -> (Vec<String>, serde_json::Value) {
    let db = database_with(fixture).await;
    let output = run(db.lma(), "", &["--fail-on", "redundant"]);
    let report = parse(&output);
    let found = findings(&report, "redundant");
    let expected = i32::from(!found.is_empty());
    assert_eq!(output.status.code(), Some(expected), "{report:#}");
    (found, report)
}

#[tokio::test]
async fn an_exact_duplicate_is_redundant_and_the_older_one_is_kept() {
    let (found, report) = redundant("exact_duplicate").await;
    assert_eq!(found, ["public.orders_customer_placed_again"]);
    let finding = finding(&report, "redundant", "public.orders_customer_placed_again");
    assert!(
        finding["reason"]
            .as_str()
            .unwrap()
            .starts_with("public.orders_customer_placed has the same key columns"),
        "{finding}"
    );
    assert_eq!(
        finding["sql"],
        "DROP INDEX CONCURRENTLY IF EXISTS public.orders_customer_placed_again;"
    );
}

#[tokio::test]
async fn a_leading_prefix_of_another_index_is_redundant() {
    let (found, _) = redundant("prefix_redundant").await;
    assert_eq!(found, ["public.orders_customer"]);
}

#[tokio::test]
async fn a_descending_column_is_not_a_duplicate() {
    let (found, _) = redundant("not_redundant_desc").await;
    assert_eq!(found, Vec::<String>::new());
}

#[tokio::test]
async fn a_different_collation_is_not_a_duplicate() {
    let (found, _) = redundant("not_redundant_collation").await;
    assert_eq!(found, Vec::<String>::new());
}

#[tokio::test]
async fn a_different_predicate_is_not_a_duplicate() {
    let (found, _) = redundant("not_redundant_predicate").await;
    assert_eq!(found, Vec::<String>::new());
}

#[tokio::test]
async fn an_expression_index_is_not_a_duplicate_of_its_column() {
    let (found, _) = redundant("not_redundant_expression").await;
    assert_eq!(found, Vec::<String>::new());
}

#[tokio::test]
async fn a_gin_index_is_not_a_duplicate_of_a_btree_on_the_same_column() {
    let (found, _) = redundant("not_redundant_gin_btree").await;
    assert_eq!(found, Vec::<String>::new());
}

#[tokio::test]
async fn include_columns_count_only_on_the_covering_side() {
    let (found, report) = redundant("include_columns").await;
    assert_eq!(found, ["public.t_a_incl_b"]);
    let finding = finding(&report, "redundant", "public.t_a_incl_b");
    assert!(
        finding["reason"]
            .as_str()
            .unwrap()
            .starts_with("public.t_a_b "),
        "{finding}"
    );
    let entry = super::index(&report, "t_a_incl_b");
    assert_eq!(entry["key_columns"], serde_json::json!(["a"]));
    assert_eq!(entry["include_columns"], serde_json::json!(["b"]));
}
