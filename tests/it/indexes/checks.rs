//! The schema checks: each kind found on its fixture and not on its look-alike, with a fix that
//! runs or a reason why there is none.

use serde_json::Value;

use super::{database_with, finding, parse, run};
use crate::support::TestDb;

const CONFIG: &str = "[indexes]\nmostly_null_min_size = \"0\"\n";

/// The findings of one kind as (table, index or constraint, sql).
fn of_kind(report: &Value, kind: &str) -> Vec<(String, String, Option<String>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .map(|f| {
            let text = |key: &str| f[key].as_str().map(str::to_owned);
            let subject = text("index")
                .or_else(|| text("constraint"))
                .unwrap_or_default();
            (text("table").unwrap_or_default(), subject, text("sql"))
        })
        .collect()
}

fn found(table: &str, subject: &str, sql: Option<&str>) -> (String, String, Option<String>) {
    (table.into(), subject.into(), sql.map(Into::into))
}

async fn checked() -> (TestDb, Value) {
    let db = database_with("checks").await;
    let report = parse(&run(db.lma(), CONFIG, &[]));
    (db, report)
}

async fn runs(db: &TestDb, sql: &str) {
    db.client()
        .await
        .batch_execute(sql)
        .await
        .unwrap_or_else(|err| panic!("{sql}: {err:#}"));
}

#[tokio::test]
async fn an_integer_identity_near_its_end_is_found_and_a_bigint_one_is_not() {
    let (db, report) = checked().await;
    let sql = "ALTER TABLE public.near ALTER COLUMN id TYPE bigint;";
    assert_eq!(
        of_kind(&report, "overflow"),
        [found("public.near", "", Some(sql))]
    );
    let reason = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "overflow")
        .unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reason.contains("has used 84% of its range"), "{reason}");
    runs(&db, sql).await;
    let after = parse(&run(db.lma(), CONFIG, &[]));
    assert!(of_kind(&after, "overflow").is_empty());
}

/// The statements PostgreSQL refuses as printed (ALTER COLUMN TYPE on a column a view, a
/// generated column or a policy uses, or on a partition key) are not suggested; a numeric
/// column only needs its sequence widened.
#[tokio::test]
async fn an_overflow_fix_is_one_postgresql_takes_or_none() {
    let db = database_with("overflow").await;
    let report = parse(&run(db.lma(), CONFIG, &[]));
    let sql = "ALTER SEQUENCE public.numbered_seq AS bigint;";
    assert_eq!(
        of_kind(&report, "overflow"),
        [
            found("public.derived", "", None),
            found("public.guarded", "", None),
            found("public.numbered", "", Some(sql)),
            found("public.parted", "", None),
            found("public.viewed", "", None),
        ]
    );
    let reason = |table: &str| {
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "overflow" && f["table"] == table)
            .unwrap();
        finding["reason"].as_str().unwrap().to_owned()
    };
    assert!(reason("public.viewed").contains("the view viewed_ids reads it"));
    assert!(reason("public.parted").contains("part of the partition key"));
    assert!(reason("public.derived").contains("a generated column uses it"));
    assert!(reason("public.guarded").contains("a policy uses it"));
    // What the old fix was: PostgreSQL refuses it, so it must not be printed.
    for refused in [
        "ALTER TABLE public.viewed ALTER COLUMN id TYPE bigint",
        "ALTER TABLE public.parted ALTER COLUMN id TYPE bigint",
        "ALTER TABLE public.derived ALTER COLUMN id TYPE bigint",
        "ALTER TABLE public.guarded ALTER COLUMN id TYPE bigint",
    ] {
        let err = db.client().await.batch_execute(refused).await.unwrap_err();
        assert!(err.as_db_error().is_some(), "{refused}: {err}");
    }
    runs(&db, sql).await;
    let after = parse(&run(db.lma(), CONFIG, &[]));
    assert_eq!(
        of_kind(&after, "overflow"),
        [
            found("public.derived", "", None),
            found("public.guarded", "", None),
            found("public.parted", "", None),
            found("public.viewed", "", None),
        ]
    );
}

#[tokio::test]
async fn a_check_never_validated_is_found_and_a_validated_one_is_not() {
    let (db, report) = checked().await;
    let sql = "ALTER TABLE public.checked VALIDATE CONSTRAINT n_positive;";
    assert_eq!(
        of_kind(&report, "not-valid"),
        [found("public.checked", "n_positive", Some(sql))]
    );
    runs(&db, sql).await;
    assert!(of_kind(&parse(&run(db.lma(), CONFIG, &[])), "not-valid").is_empty());
}

/// The plan of an RI lookup as ri_triggers.c writes it (seen with auto_explain, docs/indexes.md),
/// as the trigger caches it: generic, with sequential scans priced out.
async fn ri_plan(db: &TestDb, lookup: &str, types: &str) -> String {
    let client = db.client().await;
    client
        .batch_execute(&format!(
            "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off;
             PREPARE ri({types}) AS {lookup}"
        ))
        .await
        .unwrap();
    let args = vec!["NULL"; types.split(',').count()].join(", ");
    let rows = client
        .simple_query(&format!("EXPLAIN (COSTS OFF) EXECUTE ri({args})"))
        .await
        .unwrap();
    client.batch_execute("ROLLBACK").await.unwrap();
    rows.iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_column_that_cannot_hold_every_key_is_found_and_a_wider_one_is_not() {
    let (db, report) = checked().await;
    let short = "ALTER TABLE public.kids ALTER COLUMN parent_short TYPE integer;";
    let code = "ALTER TABLE public.kids ALTER COLUMN code_short TYPE character varying(8);";
    let amount = "ALTER TABLE public.kids ALTER COLUMN amount_id TYPE numeric;";
    assert_eq!(
        of_kind(&report, "fk-type"),
        [
            found("public.kids", "kids_amount_fkey", Some(amount)),
            found("public.kids", "kids_code_short_fkey", Some(code)),
            found("public.kids", "kids_short_fkey", Some(short)),
        ]
    );
    // What the RI lookups do, asked of the server. Deleting a key scans the referencing table:
    // by its index for every column that holds the key's values, whichever is wider...
    for (column, key_type) in [
        ("parent_short", "integer"),
        ("parent_wide", "integer"),
        ("code_short", "character varying"),
        ("code_text", "character varying"),
    ] {
        let lookup = format!(
            "SELECT 1 FROM ONLY public.kids x WHERE $1 OPERATOR(pg_catalog.=) {column} FOR KEY SHARE OF x"
        );
        let plan = ri_plan(&db, &lookup, key_type).await;
        assert!(plan.contains(&format!("kids_{column}")), "{column}: {plan}");
    }
    // ...but the numeric key's operator casts the integer column, and its index is useless,
    // which missing-fk reports with no index to build (the type is the fix).
    let lookup = "SELECT 1 FROM ONLY public.kids x WHERE $1 OPERATOR(pg_catalog.=) \
                  amount_id::pg_catalog.numeric FOR KEY SHARE OF x";
    let plan = ri_plan(&db, lookup, "numeric").await;
    assert!(
        plan.contains("Seq Scan") && plan.contains("(amount_id)::numeric"),
        "{plan}"
    );
    assert_eq!(
        of_kind(&report, "missing-fk"),
        [found("public.kids", "kids_amount_fkey", None)]
    );
    // Inserting a child reads the key by its primary key in every direction, the narrowed one
    // (bigint against integer) included: nothing there asks for a narrower column.
    let lookup =
        "SELECT 1 FROM ONLY public.parents x WHERE id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x";
    let plan = ri_plan(&db, lookup, "bigint").await;
    assert!(plan.contains("parents_pkey"), "{plan}");
    for sql in [short, code, amount] {
        runs(&db, sql).await;
    }
    let after = parse(&run(db.lma(), CONFIG, &[]));
    assert!(of_kind(&after, "fk-type").is_empty());
    assert!(of_kind(&after, "missing-fk").is_empty());
}

#[tokio::test]
async fn a_duplicated_foreign_key_is_found_and_one_to_another_table_is_not() {
    let (db, report) = checked().await;
    let sql = "ALTER TABLE public.links DROP CONSTRAINT links_a_fkey;";
    let twin = "ALTER TABLE public.acting DROP CONSTRAINT acting_a_twin;";
    assert_eq!(
        of_kind(&report, "duplicate-fk"),
        [
            found("public.acting", "acting_a_cascade", None),
            found("public.acting", "acting_a_fkey", None),
            found("public.acting", "acting_a_twin", Some(twin)),
            found("public.links", "links_a_fkey", Some(sql)),
            found("public.overlapping", "overlaps_a_fkey", None),
        ]
    );
    let acting = finding(&report, "duplicate-fk", "acting_a_fkey");
    assert!(
        acting["reason"]
            .as_str()
            .unwrap()
            .contains("ON DELETE CASCADE"),
        "{acting}"
    );
    let overlap = finding(&report, "duplicate-fk", "overlaps_a_fkey");
    assert!(
        overlap["reason"]
            .as_str()
            .unwrap()
            .contains("design decision"),
        "{overlap}"
    );
    runs(&db, sql).await;
    runs(&db, twin).await;
    let after = of_kind(&parse(&run(db.lma(), CONFIG, &[])), "duplicate-fk");
    assert_eq!(
        after,
        [
            found("public.acting", "acting_a_cascade", None),
            found("public.acting", "acting_a_fkey", None),
            found("public.overlapping", "overlaps_a_fkey", None),
        ]
    );
}

#[tokio::test]
async fn a_table_without_a_primary_key_is_found_and_only_an_index_postgresql_accepts_is_promoted() {
    let (db, report) = checked().await;
    let sql = "ALTER TABLE public.keyed ADD PRIMARY KEY USING INDEX keyed_k;";
    assert_eq!(
        of_kind(&report, "no-primary-key"),
        [
            found("public.constrained", "", None),
            found("public.keyed", "", Some(sql)),
            found("public.logs", "", None),
            found("public.patterned", "", None),
        ]
    );
    let reason = |table: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "no-primary-key" && f["table"] == table)
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(reason("public.logs").contains("design decision"));
    assert!(
        reason("public.constrained").contains("constrained_k_key"),
        "{}",
        reason("public.constrained")
    );
    // What the old fix named: PostgreSQL refuses both, so neither may be printed.
    for refused in [
        "ALTER TABLE public.constrained ADD PRIMARY KEY USING INDEX constrained_k_key",
        "ALTER TABLE public.patterned ADD PRIMARY KEY USING INDEX patterned_k",
    ] {
        let err = db.client().await.batch_execute(refused).await.unwrap_err();
        assert!(err.as_db_error().is_some(), "{refused}: {err}");
    }
    runs(&db, sql).await;
    let after = parse(&run(db.lma(), CONFIG, &[]));
    assert!(!of_kind(&after, "no-primary-key")
        .iter()
        .any(|(table, _, _)| table == "public.keyed"));
}

#[tokio::test]
async fn a_btree_on_a_mostly_null_column_is_found_and_one_on_a_dense_column_or_partial_is_not() {
    let (_db, report) = checked().await;
    assert_eq!(
        of_kind(&report, "mostly-null"),
        [found("public.sparse", "public.sparse_rare", None)]
    );
    let reason = finding(&report, "mostly-null", "public.sparse_rare")["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.starts_with("90% of the rows have rare NULL"),
        "{reason}"
    );
    // Below the default size floor (1MB) the same index is not worth a finding.
    let db = database_with("checks").await;
    let default = parse(&run(db.lma(), "", &[]));
    assert!(of_kind(&default, "mostly-null").is_empty());
}
