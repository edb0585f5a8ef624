//! The findings of `lma indexes`: each a kind, the table and index or constraint it is about,
//! a reason a DBA can act on, and the SQL that fixes it. Pure functions over catalog rows.

use std::collections::HashSet;

use super::catalog::{ForeignKeyRow, IndexRow, TableRow};
use super::checks;
pub use super::finding::{Facts, Finding, Kind};
use super::lookup::Lookup;
use super::naming::Names;
use super::redundancy;
use super::size::human_size;
use super::usage::Usage;
use crate::config::IndexesSection;

/// Every finding, in report order, each marked `fails` according to `fail_on`.
#[must_use]
pub fn classify(facts: &Facts, fail_on: &[Kind]) -> Vec<Finding> {
    let mut findings = invalid(facts.indexes);
    findings.extend(missing_fk(facts.foreign_keys, facts.indexes, facts.names));
    findings.extend(redundant(facts.indexes));
    findings.extend(unused(facts));
    findings.extend(bloat(facts));
    findings.extend(seq_scans(facts.tables, facts.thresholds));
    findings.extend(checks::findings(facts));
    for finding in &mut findings {
        finding.fails = finding.reliable && fail_on.contains(&finding.kind);
        finding.cost_bytes = cost(finding, facts);
    }
    findings
}

fn cost(finding: &Finding, facts: &Facts) -> i64 {
    let index = finding
        .index
        .as_ref()
        .and_then(|name| facts.indexes.iter().find(|index| &index.index_sql == name));
    let table = || {
        facts
            .tables
            .iter()
            .find(|table| table.table_sql == finding.table)
            .map_or(0, |table| table.table_bytes)
    };
    index.map_or_else(table, |index| index.size_bytes)
}

/// Whether `index` serves `fk`'s referential-integrity lookups: it leads with the FK's columns
/// (in any order) on the FK's table or one of its partitions, and either the planner read its
/// table through it in the lookup's generic plan, or it is a B-tree whose predicate, if any, the
/// lookup implies.
#[must_use]
pub fn supports(index: &IndexRow, fk: &ForeignKeyRow) -> bool {
    let planned = fk
        .lookup
        .as_ref()
        .is_some_and(|lookup| lookup.scans_with(&index.table_name, &index.index_name));
    leads_with(index, fk)
        && (planned
            || (index.access_method == "btree"
                && implied_by_lookup(index.predicate.as_deref(), fk)))
}

/// Whether every table the lookup reads has an index that serves it. When the planner was
/// asked, every table in its plan must be read through an index (a sequential scan, priced out,
/// means none can serve), and have one that supports the key: the planner's own choice among
/// usable indexes follows statistics (on an empty table it may pick another that leads with
/// only part of the key). Else the catalog rule decides; for a partitioned table it needs an
/// index on the table itself, which every partition then has.
#[must_use]
pub fn covered(fk: &ForeignKeyRow, indexes: &[IndexRow]) -> bool {
    let serves = |relation: Option<&str>, index: &IndexRow| {
        relation.is_none_or(|name| index.table_name == name) && supports(index, fk)
    };
    match &fk.lookup {
        Some(Lookup::Planned { scans }) => {
            !scans.is_empty()
                && scans.iter().all(|scan| {
                    scan.index.is_some()
                        && indexes
                            .iter()
                            .any(|index| serves(Some(&scan.relation), index))
                })
        }
        _ => indexes.iter().any(|index| {
            serves(None, index) && (!fk.is_partitioned || index.table_oid == fk.table_oid)
        }),
    }
}

/// Whether the index is valid and its leading key columns are the FK's, in any order, on the
/// FK's table or a partition of it. Columns are compared by name, as partitions may number them
/// apart; an expression never matches.
fn leads_with(index: &IndexRow, fk: &ForeignKeyRow) -> bool {
    // Every index meets every foreign key here: the cheap test first, and sets only for the
    // few on the FK's table (2,000 keys by 2,200 indexes took 1 s of sets before).
    if !index.is_valid || !fk.table_oids.contains(&index.table_oid) {
        return false;
    }
    let keys = &index.key_names[..index.key_count.min(index.key_names.len())];
    let Some(leading) = keys.get(..fk.column_names.len()) else {
        return false;
    };
    let leading: HashSet<Option<&str>> = leading.iter().map(Option::as_deref).collect();
    let wanted: HashSet<Option<&str>> = fk.column_names.iter().map(|c| Some(c.as_str())).collect();
    leading == wanted
}

/// Whether every row the lookup can return satisfies the predicate. `$1 = fk` is never true
/// when fk is NULL, so a predicate made only of `fk IS NOT NULL` on the FK's columns holds; the
/// planner proves the same (docs/indexes.md). Anything else is left to the planner.
fn implied_by_lookup(predicate: Option<&str>, fk: &ForeignKeyRow) -> bool {
    let Some(predicate) = predicate else {
        return true;
    };
    predicate.split(" AND ").all(|term| {
        let term = term.trim().trim_start_matches('(').trim_end_matches(')');
        fk.column_sql
            .iter()
            .any(|column| term == format!("{column} IS NOT NULL"))
    })
}

/// Why an index must stay whatever its counters say, if it must.
#[must_use]
pub fn kept_because(index: &IndexRow, foreign_keys: &[ForeignKeyRow]) -> Option<String> {
    if let Some(constraint) = &index.constraint_name {
        return Some(format!("backs constraint {constraint}"));
    }
    if index.is_unique {
        return Some("enforces uniqueness".to_owned());
    }
    if index.is_replica_identity {
        return Some("is the table's replica identity".to_owned());
    }
    foreign_keys
        .iter()
        .find(|fk| supports(index, fk))
        .map(|fk| format!("supports foreign key {}", fk.constraint_name))
}

/// Whether the counters say unused: few scans, and those read few entries.
#[must_use]
pub fn looks_unused(usage: &Usage, thresholds: &IndexesSection) -> bool {
    usage.idx_scan <= thresholds.unused_max_scans
        && usage.idx_tup_read <= thresholds.unused_max_tuples_read
}

fn invalid(indexes: &[IndexRow]) -> Vec<Finding> {
    indexes
        .iter()
        // A partitioned index is invalid while a partition lacks an attached index; REINDEX
        // would not change that, so it is left out (docs/indexes.md).
        .filter(|index| !index.is_valid && !index.is_building && !index.is_partitioned)
        .map(|index| {
            let reason = format!(
                "invalid: a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY failed or was \
                 cancelled; every write still maintains it but no query can use it. If a unique \
                 build failed on duplicate keys, remove them first; or drop it with DROP INDEX \
                 CONCURRENTLY {} and create it again",
                index.index_sql
            );
            let sql = format!("REINDEX INDEX CONCURRENTLY {};", index.index_sql);
            Finding::on_index(Kind::Invalid, index, reason, sql)
        })
        .collect()
}

fn missing_fk(foreign_keys: &[ForeignKeyRow], indexes: &[IndexRow], names: &Names) -> Vec<Finding> {
    let mut suggested: HashSet<(u32, Vec<&str>)> = HashSet::new();
    let mut names = names.clone();
    foreign_keys
        .iter()
        .filter(|fk| !covered(fk, indexes))
        // Two keys on the same columns (a duplicate-fk finding) need one index, not two.
        .filter(|fk| {
            let mut columns: Vec<&str> = fk.column_names.iter().map(String::as_str).collect();
            columns.sort_unstable();
            suggested.insert((fk.table_oid, columns))
        })
        .map(|fk| missing_fk_finding(fk, &mut names))
        .collect()
}

/// A key without an index that serves its lookup, and the index that would: named as
/// PostgreSQL would name it, since `lma migrate` refuses an unnamed CREATE INDEX CONCURRENTLY.
fn missing_fk_finding(fk: &ForeignKeyRow, names: &mut Names) -> Finding {
    let columns = fk.column_sql.join(", ");
    let mut reason = format!(
        "foreign key {} ({columns}) references {}, and {}: every DELETE or key UPDATE there \
         scans this table",
        fk.constraint_name,
        fk.referenced_table,
        why_uncovered(fk),
    );
    let sql = if fk.casting.contains(&true) {
        reason.push_str(
            ". The lookup casts the column to the key's type, so no index on it can serve the \
             lookup: no index is suggested; change the column's type to the key's (the fk-type \
             finding) and the index it has, or one then built, serves it",
        );
        None
    } else {
        let name = names.index(&fk.schema, &fk.table_name, &fk.column_names);
        if fk.is_partitioned {
            reason.push_str(
                ". It is partitioned, where CREATE INDEX cannot be CONCURRENTLY and blocks writes \
                 to every partition while it builds; to avoid that, CREATE INDEX ON ONLY the \
                 table, CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX ... ATTACH \
                 PARTITION each",
            );
            Some(format!(
                "CREATE INDEX IF NOT EXISTS {name} ON {} ({columns});",
                fk.table_sql
            ))
        } else {
            Some(format!(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {} ({columns});",
                fk.table_sql
            ))
        }
    };
    Finding {
        constraint: Some(fk.constraint_name.clone()),
        ..Finding::new(Kind::MissingFk, &fk.table_sql, reason, sql)
    }
}

/// What the lookup lacks, in the words of whoever decided it.
fn why_uncovered(fk: &ForeignKeyRow) -> String {
    match &fk.lookup {
        Some(Lookup::Planned { scans }) if scans.iter().any(|scan| scan.index.is_none()) => {
            let unindexed: Vec<&str> = scans
                .iter()
                .filter(|scan| scan.index.is_none())
                .map(|scan| scan.relation.as_str())
                .collect();
            format!(
                "the generic plan of its referential-integrity lookup reads {} without an index",
                unindexed.join(", ")
            )
        }
        Some(Lookup::Planned { .. }) => {
            "no index that leads with its columns serves its referential-integrity lookup"
                .to_owned()
        }
        Some(Lookup::Unplanned { why }) => format!(
            "no valid B-tree index leads with its columns under a predicate the lookup implies \
             (the planner could not be asked: {why})"
        ),
        None => "no valid B-tree index leads with its columns under a predicate the lookup \
                 implies"
            .to_owned(),
    }
}

fn redundant(indexes: &[IndexRow]) -> Vec<Finding> {
    redundancy::find(indexes)
        .into_iter()
        // A partition's copy of a partitioned index goes with its parent, never alone.
        .filter(|found| indexes[found.index].parent_index_oid.is_none())
        .map(|found| {
            let (index, cover) = (&indexes[found.index], &indexes[found.covered_by]);
            let how = if found.same_keys {
                format!(
                    "has the same key columns ({})",
                    index.key_columns.join(", ")
                )
            } else {
                format!(
                    "has key columns ({}) that lead its key columns ({})",
                    index.key_columns.join(", "),
                    cover.key_columns.join(", ")
                )
            };
            let reason = format!(
                "{} {how} with the same operator classes, collations, order, expressions and \
                 predicate, holds every column this one holds, and enforces as much{}",
                cover.index_sql,
                partitioned_note(index)
            );
            Finding::on_index(Kind::Redundant, index, reason, drop_sql(index))
        })
        .collect()
}

/// `DROP INDEX CONCURRENTLY`, except on a partitioned index, where PostgreSQL refuses it. `IF
/// EXISTS`, as every fix that drops or creates an index: in a no-transaction migration that
/// failed part way, the rerun starts from the top (squawk's prefer-robust-stmts).
fn drop_sql(index: &IndexRow) -> String {
    if index.is_partitioned {
        format!("DROP INDEX IF EXISTS {};", index.index_sql)
    } else {
        format!("DROP INDEX CONCURRENTLY IF EXISTS {};", index.index_sql)
    }
}

/// What dropping a partitioned index costs, for the reason.
fn partitioned_note(index: &IndexRow) -> &'static str {
    if index.is_partitioned {
        ". It is a partitioned index: DROP INDEX CONCURRENTLY refuses it and its partitions' \
         indexes cannot be dropped alone, and DROP INDEX takes an ACCESS EXCLUSIVE lock on the \
         table and every partition until it commits"
    } else {
        ""
    }
}

fn unused(facts: &Facts) -> Vec<Finding> {
    // A redundant index is reported as that, not again as unused (one DROP, not two); the index
    // that covers it is kept, as the queries of the one dropped move to it.
    let redundant: HashSet<usize> = redundancy::find(facts.indexes)
        .iter()
        .flat_map(|found| [found.index, found.covered_by])
        .collect();
    facts
        .indexes
        .iter()
        .zip(facts.usage)
        .enumerate()
        .filter(|(at, _)| !redundant.contains(at))
        .map(|(_, pair)| pair)
        // A partition's copy is judged with its parent, on the counters of every partition.
        .filter(|(index, _)| index.parent_index_oid.is_none())
        .filter(|(index, usage)| index.is_valid && looks_unused(usage, facts.thresholds))
        .filter(|(index, _)| kept_because(index, facts.foreign_keys).is_none())
        .map(|(index, usage)| {
            let mut reason = format!(
                "{} scans, {} entries read in {}; yet every write maintains it, and it takes {}",
                usage.idx_scan,
                usage.idx_tup_read,
                facts.stats_note,
                human_size(index.size_bytes)
            );
            if index.is_partitioned {
                reason.push_str(" over all its partitions");
            }
            reason.push_str(partitioned_note(index));
            if !facts.stats_reliable {
                reason.push_str(
                    ". UNRELIABLE: the statistics are younger than [indexes] min_stats_age",
                );
            }
            Finding {
                reliable: facts.stats_reliable,
                ..Finding::on_index(Kind::Unused, index, reason, drop_sql(index))
            }
        })
        .collect()
}

fn bloat(facts: &Facts) -> Vec<Finding> {
    let limits = facts.thresholds;
    facts
        .bloat
        .iter()
        .filter(|b| {
            b.actual_bytes >= limits.bloat_min_size && b.bloat_ratio >= limits.bloat_min_ratio
        })
        .filter_map(|b| {
            let index = facts.indexes.iter().find(|i| i.index_oid == b.index_oid)?;
            let reason = format!(
                "ESTIMATED bloat {:.0}%: {} of {}, where a fresh build would take about {} \
                 (an estimate from pg_stats; ANALYZE the table for a better one)",
                b.bloat_ratio * 100.0,
                human_size(b.bloat_bytes),
                human_size(b.actual_bytes),
                human_size(b.expected_bytes)
            );
            let sql = format!("REINDEX INDEX CONCURRENTLY {};", index.index_sql);
            Some(Finding::on_index(Kind::Bloat, index, reason, sql))
        })
        .collect()
}

fn seq_scans(tables: &[TableRow], limits: &IndexesSection) -> Vec<Finding> {
    tables
        .iter()
        .filter(|t| {
            t.row_estimate >= limits.seq_scan_min_rows && t.seq_scan >= limits.seq_scan_min_scans
        })
        .filter_map(|t| {
            let read = t.seq_tup_read.saturating_add(t.idx_tup_fetch);
            #[allow(clippy::cast_precision_loss)] // a share needs no more than f64's precision
            let share = t.seq_tup_read as f64 / read.max(1) as f64;
            (share >= limits.seq_scan_min_ratio).then(|| {
                let reason = format!(
                    "{} sequential scans read {} rows, {:.0}% of the rows read from this table of \
                     about {} rows: find the queries behind them (pg_stat_statements, EXPLAIN) and \
                     index what they filter on",
                    t.seq_scan,
                    t.seq_tup_read,
                    share * 100.0,
                    t.row_estimate
                );
                Finding::new(Kind::SeqScan, &t.table_sql, reason, None)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
