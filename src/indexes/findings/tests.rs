//! Unit tests of the finding rules, on hand-built catalog rows.

use super::*;
use crate::indexes::catalog::{BloatRow, Checks};
use crate::indexes::lookup::Scan;

fn index(oid: u32, name: &str, keys: &[i16]) -> IndexRow {
    IndexRow {
        index_oid: oid,
        table_oid: 1,
        schema: "public".into(),
        table_name: "t".into(),
        index_name: name.into(),
        table_sql: "public.t".into(),
        index_sql: format!("public.{name}"),
        access_method: "btree".into(),
        key_count: keys.len(),
        columns: keys.to_vec(),
        opclasses: vec![1978; keys.len()],
        collations: vec![0; keys.len()],
        options: vec![0; keys.len()],
        key_columns: keys.iter().map(|k| format!("c{k}")).collect(),
        key_names: keys.iter().map(|k| Some(format!("c{k}"))).collect(),
        is_immediate: true,
        is_valid: true,
        size_bytes: 8192,
        ..IndexRow::default()
    }
}

fn fk(name: &str, columns: &[i16]) -> ForeignKeyRow {
    ForeignKeyRow {
        table_oid: 1,
        table_oids: vec![1],
        schema: "public".into(),
        table_name: "t".into(),
        table_sql: "public.t".into(),
        constraint_name: name.into(),
        columns: columns.to_vec(),
        column_names: columns.iter().map(|c| format!("c{c}")).collect(),
        column_sql: columns.iter().map(|c| format!("c{c}")).collect(),
        referenced_table: "parent".into(),
        ..ForeignKeyRow::default()
    }
}

static NO_NAMES: Names = Names::none();

static NO_CHECKS: Checks = Checks {
    sequences: Vec::new(),
    not_valid: Vec::new(),
    no_primary_key: Vec::new(),
    null_leading: Vec::new(),
};

fn facts<'a>(
    indexes: &'a [IndexRow],
    usage: &'a [Usage],
    foreign_keys: &'a [ForeignKeyRow],
    thresholds: &'a IndexesSection,
    stats_reliable: bool,
) -> Facts<'a> {
    Facts {
        indexes,
        usage,
        foreign_keys,
        tables: &[],
        bloat: &[],
        checks: &NO_CHECKS,
        names: &NO_NAMES,
        thresholds,
        stats_reliable,
        stats_note: "8days of statistics",
    }
}

fn kinds(findings: &[Finding]) -> Vec<(Kind, String)> {
    findings
        .iter()
        .map(|f| {
            let subject = f.index.clone().or_else(|| f.constraint.clone());
            (f.kind, subject.unwrap_or_default())
        })
        .collect()
}

#[test]
fn an_fk_is_supported_by_leading_columns_in_any_order() {
    let composite = fk("t_ab_fkey", &[1, 2]);
    assert!(supports(&index(1, "ba", &[2, 1]), &composite));
    assert!(supports(&index(2, "bac", &[2, 1, 3]), &composite));
    assert!(!supports(&index(3, "a", &[1]), &composite));
    assert!(!supports(&index(4, "cab", &[3, 1, 2]), &composite));
    let mut include = index(5, "a_incl_b", &[1, 2]);
    include.key_count = 1;
    assert!(
        !supports(&include, &composite),
        "INCLUDE columns do not lead"
    );
}

#[test]
fn a_partial_index_on_fk_is_not_null_supports_the_fk_and_other_predicates_do_not() {
    let single = fk("t_a_fkey", &[1]);
    let mut not_null = index(1, "not_null", &[1]);
    not_null.predicate = Some("c1 IS NOT NULL".into());
    assert!(supports(&not_null, &single));
    let mut partial = index(2, "partial", &[1]);
    partial.predicate = Some("NOT closed".into());
    let mut other_null = index(3, "other_null", &[1]);
    other_null.predicate = Some("(c1 IS NOT NULL) AND (c2 IS NOT NULL)".into());
    let mut invalid = index(4, "invalid", &[1]);
    invalid.is_valid = false;
    let mut hash = index(5, "hash", &[1]);
    hash.access_method = "hash".into();
    for candidate in [&partial, &other_null, &invalid, &hash] {
        assert!(!supports(candidate, &single), "{}", candidate.index_name);
    }
    let rows = [partial, other_null, invalid, hash.clone()];
    let found = missing_fk(std::slice::from_ref(&single), &rows, &NO_NAMES);
    assert_eq!(kinds(&found), [(Kind::MissingFk, "t_a_fkey".to_owned())]);
    assert_eq!(
        found[0].sql.as_deref(),
        Some("CREATE INDEX CONCURRENTLY IF NOT EXISTS t_c1_idx ON public.t (c1);")
    );
    assert!(missing_fk(std::slice::from_ref(&single), &[not_null], &NO_NAMES).is_empty());
    // The planner has the last word: it may use a hash index for the lookup.
    let planned = ForeignKeyRow {
        lookup: Some(Lookup::Planned {
            scans: vec![Scan {
                relation: "t".into(),
                index: Some("hash".into()),
            }],
        }),
        ..single
    };
    assert!(supports(&hash, &planned));
    assert!(missing_fk(&[planned], &[hash], &NO_NAMES).is_empty());
}

#[test]
fn a_planned_lookup_that_reads_a_table_without_an_index_is_missing_one() {
    let planned = ForeignKeyRow {
        lookup: Some(Lookup::Planned {
            scans: vec![
                Scan {
                    relation: "t".into(),
                    index: Some("a".into()),
                },
                Scan {
                    relation: "t_2026".into(),
                    index: None,
                },
            ],
        }),
        ..fk("t_a_fkey", &[1])
    };
    let found = missing_fk(&[planned], &[index(1, "a", &[1])], &NO_NAMES);
    assert_eq!(kinds(&found), [(Kind::MissingFk, "t_a_fkey".to_owned())]);
    assert!(
        found[0].reason.contains("reads t_2026 without an index"),
        "{}",
        found[0].reason
    );
}

#[test]
fn protected_indexes_are_never_unused_but_say_why() {
    let thresholds = IndexesSection::default();
    let mut unique = index(1, "u", &[1]);
    unique.is_unique = true;
    let mut exclusion = index(2, "x", &[2]);
    exclusion.constraint_name = Some("no_overlap".into());
    let mut identity = index(3, "ri", &[3]);
    identity.is_replica_identity = true;
    let fk_index = index(4, "f", &[4]);
    let plain = index(5, "plain", &[5]);
    let rows = [unique, exclusion, identity, fk_index, plain];
    let usage = [Usage::default(); 5];
    let fks = [fk("t_c4_fkey", &[4])];
    let found = classify(&facts(&rows, &usage, &fks, &thresholds, true), &Kind::ALL);
    assert_eq!(kinds(&found), [(Kind::Unused, "public.plain".to_owned())]);
    assert!(found[0].fails);
    let reasons: Vec<_> = rows.iter().map(|r| kept_because(r, &fks)).collect();
    assert_eq!(reasons[0].as_deref(), Some("enforces uniqueness"));
    assert_eq!(reasons[1].as_deref(), Some("backs constraint no_overlap"));
    assert_eq!(
        reasons[2].as_deref(),
        Some("is the table's replica identity")
    );
    assert_eq!(
        reasons[3].as_deref(),
        Some("supports foreign key t_c4_fkey")
    );
    assert_eq!(reasons[4], None);
}

#[test]
fn scans_and_entries_read_both_decide_unused() {
    let thresholds = IndexesSection {
        unused_max_scans: 5,
        unused_max_tuples_read: 100,
        ..IndexesSection::default()
    };
    let usage = |idx_scan, idx_tup_read| Usage {
        idx_scan,
        idx_tup_read,
        ..Usage::default()
    };
    assert!(looks_unused(&usage(5, 100), &thresholds));
    assert!(!looks_unused(&usage(6, 0), &thresholds));
    assert!(
        !looks_unused(&usage(2, 1_000_000), &thresholds),
        "a batch job's index"
    );
}

#[test]
fn young_statistics_make_unused_unreliable_and_never_failing() {
    let thresholds = IndexesSection::default();
    let rows = [index(1, "plain", &[1])];
    let usage = [Usage::default()];
    let found = classify(&facts(&rows, &usage, &[], &thresholds, false), &Kind::ALL);
    assert_eq!(kinds(&found), [(Kind::Unused, "public.plain".to_owned())]);
    assert!(!found[0].reliable && !found[0].fails);
    assert!(
        found[0].reason.contains("UNRELIABLE"),
        "{}",
        found[0].reason
    );
}

#[test]
fn fail_on_narrows_what_fails_but_everything_is_reported() {
    let thresholds = IndexesSection::default();
    let rows = [
        index(1, "a", &[1]),
        index(2, "ab", &[1, 2]),
        index(3, "c", &[3]),
    ];
    let scanned = Usage {
        idx_scan: 9,
        idx_tup_read: 9,
        ..Usage::default()
    };
    let usage = [Usage::default(), scanned, Usage::default()];
    let all = facts(&rows, &usage, &[], &thresholds, true);
    let found = classify(&all, &[Kind::Unused]);
    assert_eq!(
        kinds(&found),
        [
            (Kind::Redundant, "public.a".to_owned()),
            (Kind::Unused, "public.c".to_owned())
        ]
    );
    assert_eq!(
        found.iter().map(|f| f.fails).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(
        found[0].sql.as_deref(),
        Some("DROP INDEX CONCURRENTLY IF EXISTS public.a;")
    );
}

#[test]
fn a_redundant_index_and_the_one_covering_it_are_never_also_unused() {
    // Were both suggested, running every statement would DROP a twice, or drop ab and a both
    // and leave a's queries with no index at all.
    let thresholds = IndexesSection::default();
    let rows = [index(1, "a", &[1]), index(2, "ab", &[1, 2])];
    let usage = [Usage::default(); 2];
    let found = classify(&facts(&rows, &usage, &[], &thresholds, true), &Kind::ALL);
    assert_eq!(kinds(&found), [(Kind::Redundant, "public.a".to_owned())]);
}

#[test]
fn invalid_indexes_are_found_unless_still_building() {
    let mut failed = index(1, "failed", &[1]);
    failed.is_valid = false;
    let mut building = index(2, "building", &[1]);
    building.is_valid = false;
    building.is_building = true;
    let found = invalid(&[failed, building]);
    assert_eq!(kinds(&found), [(Kind::Invalid, "public.failed".to_owned())]);
    assert_eq!(
        found[0].sql.as_deref(),
        Some("REINDEX INDEX CONCURRENTLY public.failed;")
    );
}

#[test]
fn bloat_needs_both_the_size_floor_and_the_ratio() {
    let thresholds = IndexesSection {
        bloat_min_size: 1 << 20,
        bloat_min_ratio: 0.3,
        ..IndexesSection::default()
    };
    let rows = [
        index(1, "big", &[1]),
        index(2, "small", &[2]),
        index(3, "tight", &[3]),
    ];
    let estimate = |index_oid, actual_bytes, bloat_ratio| BloatRow {
        index_oid,
        actual_bytes,
        bloat_ratio,
        ..BloatRow::default()
    };
    let bloat_rows = [
        estimate(1, 4 << 20, 0.5),
        estimate(2, 1 << 19, 0.9),
        estimate(3, 4 << 20, 0.1),
    ];
    let usage = [Usage {
        idx_scan: 1,
        idx_tup_read: 1,
        ..Usage::default()
    }; 3];
    let mut all = facts(&rows, &usage, &[], &thresholds, true);
    all.bloat = &bloat_rows;
    let found = bloat(&all);
    assert_eq!(kinds(&found), [(Kind::Bloat, "public.big".to_owned())]);
    assert!(
        found[0].reason.starts_with("ESTIMATED"),
        "{}",
        found[0].reason
    );
}

#[test]
fn heavy_sequential_scans_need_rows_scans_and_a_dominant_share() {
    let thresholds = IndexesSection::default();
    let table = |name: &str, row_estimate, seq_scan, seq_tup_read, idx_tup_fetch| TableRow {
        table_sql: format!("public.{name}"),
        row_estimate,
        seq_scan,
        seq_tup_read,
        idx_tup_fetch,
        ..TableRow::default()
    };
    let tables = [
        table("heavy", 50_000, 200, 10_000_000, 1_000),
        table("small", 500, 200, 100_000, 0),
        table("rare", 50_000, 3, 150_000, 0),
        table("indexed", 50_000, 200, 10_000_000, 5_000_000),
    ];
    let found = seq_scans(&tables, &thresholds);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].kind, found[0].table.as_str()),
        (Kind::SeqScan, "public.heavy")
    );
    assert!(found[0].sql.is_none());
}
