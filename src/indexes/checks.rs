//! The schema checks DBAs expect next to index health: sequences near overflow, NOT VALID
//! constraints, foreign keys with other types than their key or duplicating another, tables
//! without a primary key, and B-trees led by a mostly-NULL column. Each finding has its fix, or
//! says why no one statement fixes it. See docs/indexes.md.

use std::fmt::Write as _;

use super::catalog::{ForeignKeyRow, NoPrimaryKeyRow, NotValidRow, SequenceRow};
use super::finding::{Facts, Finding, Kind};
use super::size::human_size;

/// Every finding of these checks.
#[must_use]
pub fn findings(facts: &Facts) -> Vec<Finding> {
    let mut found = overflow(&facts.checks.sequences, facts.thresholds.overflow_min_share);
    found.extend(facts.checks.not_valid.iter().map(not_valid));
    found.extend(facts.foreign_keys.iter().filter_map(fk_type));
    found.extend(duplicate_fks(facts.foreign_keys));
    found.extend(facts.checks.no_primary_key.iter().map(no_primary_key));
    found.extend(mostly_null(facts));
    found
}

fn overflow(sequences: &[SequenceRow], min_share: f64) -> Vec<Finding> {
    sequences
        .iter()
        .filter(|s| s.max_value > 0.0 && s.last_value / s.max_value >= min_share)
        .map(|s| {
            let mut reason = format!(
                "{} feeding {}.{} ({}, sequence {}) has used {:.0}% of its range ({:.0} of {:.0}); \
                 inserts fail at the end",
                s.sequence_sql,
                s.table_sql,
                s.column_sql,
                s.column_type,
                s.sequence_type,
                s.last_value / s.max_value * 100.0,
                s.last_value,
                s.max_value
            );
            let sql = widening(s, &mut reason);
            Finding::new(Kind::Overflow, &s.table_sql, reason, sql)
        })
        .collect()
}

/// The statements that give the column a bigint's range, with what the reader must know added to
/// `reason`; none when PostgreSQL would refuse to widen the column as it stands.
fn widening(s: &SequenceRow, reason: &mut String) -> Option<String> {
    let wide_sequence = s.is_identity || s.sequence_type == "bigint";
    if !s.narrow_column && !wide_sequence {
        // A bigint or numeric column: only the sequence is narrow.
        return Some(format!("ALTER SEQUENCE {} AS bigint;", s.sequence_sql));
    }
    if !s.narrow_column {
        reason.push_str(
            ". The column and the sequence are bigint already, so the limit is the sequence's \
             own MAXVALUE: no statement is suggested, raising it is a decision about the range",
        );
        return None;
    }
    if !s.blockers.is_empty() {
        let _ = write!(
            reason,
            ". The column cannot be widened as it stands: {}. No statement is suggested: drop \
             and recreate what depends on it around the change",
            s.blockers.join("; ")
        );
        return None;
    }
    reason.push_str(
        ". Widening the column rewrites the table and its indexes under an ACCESS EXCLUSIVE \
         lock; widen the columns that reference it too",
    );
    // An identity's sequence follows its column's new type; a serial's does not.
    Some(if wide_sequence {
        alter_column(s)
    } else {
        format!(
            "ALTER SEQUENCE {} AS bigint; {}",
            s.sequence_sql,
            alter_column(s)
        )
    })
}

fn alter_column(s: &SequenceRow) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {} TYPE bigint;",
        s.table_sql, s.column_sql
    )
}

fn not_valid(row: &NotValidRow) -> Finding {
    let what = if row.kind == "f" {
        "foreign key"
    } else {
        "check constraint"
    };
    let reason = format!(
        "{what} {} was added NOT VALID and never validated: rows from before it may break it, \
         and the planner cannot rely on it. VALIDATE CONSTRAINT reads every row under a SHARE \
         UPDATE EXCLUSIVE lock (writes go on) and fails on the first row that breaks it",
        row.constraint_name
    );
    let sql = format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {};",
        row.table_sql, row.constraint_sql
    );
    Finding {
        constraint: Some(row.constraint_name.clone()),
        ..Finding::new(Kind::NotValid, &row.table_sql, reason, Some(sql))
    }
}

/// A referencing column that cannot hold every value of its key, or that the RI lookup casts.
/// The other direction (a wider column: bigint against an integer key, text against varchar)
/// is not a finding: it holds every key, and both lookups use their indexes without a cast
/// (EXPLAIN of both, docs/indexes.md), so narrowing it would rewrite a table for nothing.
fn fk_type(fk: &ForeignKeyRow) -> Option<Finding> {
    let flagged = |list: &[bool], k: usize| list.get(k).copied().unwrap_or(false);
    let differ: Vec<usize> = (0..fk.column_types.len())
        .filter(|&k| flagged(&fk.narrower, k) || flagged(&fk.casting, k))
        .collect();
    if differ.is_empty() {
        return None;
    }
    let pairs: Vec<String> = differ
        .iter()
        .map(|&k| {
            format!(
                "{} is {} where the key is {}",
                fk.column_sql[k], fk.column_types[k], fk.referenced_types[k]
            )
        })
        .collect();
    let alters: Vec<String> = differ
        .iter()
        .map(|&k| {
            format!(
                "ALTER COLUMN {} TYPE {}",
                fk.column_sql[k], fk.referenced_types[k]
            )
        })
        .collect();
    let casts = if differ.iter().any(|&k| flagged(&fk.casting, k)) {
        format!(
            "; and every DELETE or key UPDATE on {} casts the column to compare it, so no index \
             on it serves that check",
            fk.referenced_table
        )
    } else {
        String::new()
    };
    let reason = format!(
        "foreign key {} references {}, but {}: the column cannot hold every key value, so an \
         INSERT or UPDATE that references a key beyond its range or length fails{casts}. The fix \
         gives it the key's type, rewriting the table and its indexes under an ACCESS EXCLUSIVE \
         lock",
        fk.constraint_name,
        fk.referenced_table,
        pairs.join(", ")
    );
    let sql = format!("ALTER TABLE {} {};", fk.table_sql, alters.join(", "));
    Some(Finding {
        constraint: Some(fk.constraint_name.clone()),
        ..Finding::new(Kind::FkType, &fk.table_sql, reason, Some(sql))
    })
}

/// A foreign key's (referencing, referenced) column pairs, sorted: two keys with the same pairs
/// to the same table check the same thing, whatever their column order.
fn pairs(fk: &ForeignKeyRow) -> Vec<(i16, i16)> {
    let mut pairs: Vec<(i16, i16)> = fk
        .columns
        .iter()
        .copied()
        .zip(fk.referenced_columns.iter().copied())
        .collect();
    pairs.sort_unstable();
    pairs
}

fn duplicate_fks(foreign_keys: &[ForeignKeyRow]) -> Vec<Finding> {
    foreign_keys
        .iter()
        .enumerate()
        .filter_map(|(a, fk)| duplicate_fk(foreign_keys, a, fk))
        .collect()
}

/// Another key between the same two tables: its position, itself and its column pairs.
type Other<'a> = (usize, &'a ForeignKeyRow, Vec<(i16, i16)>);

/// What one key duplicates, in this order: a key of the same pairs and behaviour before it by
/// name (this one goes), then one of the same pairs that acts otherwise (both are named, neither
/// dropped), then a wider key its pairs are part of.
fn duplicate_fk(foreign_keys: &[ForeignKeyRow], a: usize, fk: &ForeignKeyRow) -> Option<Finding> {
    let mine = pairs(fk);
    let others: Vec<Other> = foreign_keys
        .iter()
        .enumerate()
        .filter(|(b, other)| {
            *b != a && other.table_oid == fk.table_oid && other.referenced_oid == fk.referenced_oid
        })
        .map(|(b, other)| (b, other, pairs(other)))
        .collect();
    let equal = |other: &ForeignKeyRow, theirs: &[(i16, i16)]| {
        mine == theirs && other.behaviour == fk.behaviour
    };
    if let Some((_, kept, _)) = others.iter().find(|(b, o, t)| *b < a && equal(o, t)) {
        return Some(duplicate(fk, kept));
    }
    if let Some((_, other, _)) = others.iter().find(|(_, o, t)| mine == *t && !equal(o, t)) {
        return Some(differing(fk, other));
    }
    others
        .iter()
        .find(|(_, _, theirs)| mine.len() < theirs.len() && mine.iter().all(|p| theirs.contains(p)))
        .map(|(_, wider, _)| overlap(fk, wider))
}

fn duplicate(fk: &ForeignKeyRow, kept: &ForeignKeyRow) -> Finding {
    let reason = format!(
        "foreign key {} checks the same columns against the same key of {} as {}: every write \
         checks it twice. Dropping it takes a SHARE ROW EXCLUSIVE lock on both tables, briefly",
        fk.constraint_name, fk.referenced_table, kept.constraint_name
    );
    let sql = format!(
        "ALTER TABLE {} DROP CONSTRAINT {};",
        fk.table_sql, fk.constraint_sql
    );
    Finding {
        constraint: Some(fk.constraint_name.clone()),
        ..Finding::new(Kind::DuplicateFk, &fk.table_sql, reason, Some(sql))
    }
}

fn differing(fk: &ForeignKeyRow, other: &ForeignKeyRow) -> Finding {
    let reason = format!(
        "foreign key {} checks the same columns against the same key of {} as {}, but acts \
         differently ({} against {}): every write checks both, and dropping either changes what \
         a delete or update of {} does. No statement is suggested: which behaviour is meant is a \
         design decision",
        fk.constraint_name,
        fk.referenced_table,
        other.constraint_name,
        fk.definition,
        other.definition,
        fk.referenced_table
    );
    Finding {
        constraint: Some(fk.constraint_name.clone()),
        ..Finding::new(Kind::DuplicateFk, &fk.table_sql, reason, None)
    }
}

fn overlap(fk: &ForeignKeyRow, wider: &ForeignKeyRow) -> Finding {
    let reason = format!(
        "foreign key {} ({}) checks part of what {} checks against {}: the wider key implies it \
         unless the narrower one's ON DELETE / ON UPDATE actions or MATCH rule matter. No \
         statement is suggested: which to keep is a design decision",
        fk.constraint_name,
        fk.column_sql.join(", "),
        wider.constraint_name,
        fk.referenced_table
    );
    Finding {
        constraint: Some(fk.constraint_name.clone()),
        ..Finding::new(Kind::DuplicateFk, &fk.table_sql, reason, None)
    }
}

fn no_primary_key(row: &NoPrimaryKeyRow) -> Finding {
    // ADD PRIMARY KEY USING INDEX is refused on a partitioned table.
    if let (Some(index), false) = (&row.candidate_index, row.is_partitioned) {
        let reason = format!(
            "no primary key, but unique index {index} on NOT NULL columns can become one \
             (logical replication needs a key to replicate UPDATE and DELETE); it takes an \
             ACCESS EXCLUSIVE lock, briefly, and builds nothing"
        );
        let sql = format!(
            "ALTER TABLE {} ADD PRIMARY KEY USING INDEX {index};",
            row.table_sql
        );
        return Finding::new(Kind::NoPrimaryKey, &row.table_sql, reason, Some(sql));
    }
    let mut reason = "no primary key: rows cannot be told apart, and logical replication cannot \
         replicate UPDATE and DELETE. No statement is suggested: "
        .to_owned();
    match (&row.constraint_candidate, row.is_partitioned) {
        (Some(unique), false) => {
            reason.push_str("unique constraint ");
            reason.push_str(unique);
            reason.push_str(
                " is on NOT NULL columns, but PostgreSQL refuses ADD PRIMARY KEY USING INDEX on \
                 an index a constraint owns; to promote it, CREATE UNIQUE INDEX CONCURRENTLY on \
                 the same columns, ADD PRIMARY KEY USING INDEX that one, then drop the \
                 constraint unless foreign keys reference it",
            );
        }
        _ => reason.push_str(
            "choosing the key columns is a design decision (ALTER TABLE ... ADD PRIMARY KEY \
             builds its index under an ACCESS EXCLUSIVE lock)",
        ),
    }
    Finding::new(Kind::NoPrimaryKey, &row.table_sql, reason, None)
}

fn mostly_null(facts: &Facts) -> Vec<Finding> {
    let limits = facts.thresholds;
    facts
        .checks
        .null_leading
        .iter()
        .filter(|row| row.null_frac >= limits.mostly_null_min_share)
        .filter_map(|row| {
            let index = facts
                .indexes
                .iter()
                .find(|i| i.index_oid == row.index_oid)?;
            let replaceable = index.constraint_name.is_none()
                && !index.is_replica_identity
                && !index.nulls_not_distinct
                && index.parent_index_oid.is_none()
                && index.size_bytes >= limits.mostly_null_min_size;
            replaceable.then(|| {
                let reason = format!(
                    "{:.0}% of the rows have {} NULL, and this index of {} holds them all. If no \
                     query looks for {} IS NULL, an index with the same columns WHERE {} IS NOT \
                     NULL is that much smaller. No single statement does it: CREATE INDEX \
                     CONCURRENTLY the partial one, then DROP INDEX CONCURRENTLY {}, each alone \
                     (CONCURRENTLY cannot run in a transaction block)",
                    row.null_frac * 100.0,
                    row.column_sql,
                    human_size(index.size_bytes),
                    row.column_sql,
                    row.column_sql,
                    index.index_sql
                );
                Finding {
                    index: Some(index.index_sql.clone()),
                    ..Finding::new(Kind::MostlyNull, &index.table_sql, reason, None)
                }
            })
        })
        .collect()
}
