//! Redundant indexes: exact duplicates and leading-prefix indexes, decided from pg_index's arrays.
//!
//! An index A is covered by an index B when B can serve every query A serves and enforce
//! everything A enforces: same table, method, expressions and predicate; A's key columns are the
//! first key columns of B with the same operator class, collation and DESC/NULLS options; A's
//! INCLUDE columns are somewhere in B. Prefixes count only for B-trees, the one method whose
//! multi-column indexes serve their leading columns alone. See docs/indexes.md.

use std::cmp::Reverse;

use super::catalog::IndexRow;

/// One index that another makes unnecessary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redundancy {
    /// The position, in the rows given, of the index to drop.
    pub index: usize,
    /// The position of the index that covers it.
    pub covered_by: usize,
    /// Whether the two have the same key columns (else the first's are a prefix of the other's).
    pub same_keys: bool,
}

/// Finds every index that another makes redundant, at most once each.
///
/// Of exact duplicates one is kept: the one backing a constraint or the replica identity, else
/// the primary or unique one, else the oldest (lowest OID), else the first by name.
#[must_use]
pub fn find(indexes: &[IndexRow]) -> Vec<Redundancy> {
    let mut found = Vec::new();
    for (a, index) in indexes.iter().enumerate() {
        if !droppable(index) {
            continue;
        }
        let mut coverers: Vec<(usize, bool)> = indexes
            .iter()
            .enumerate()
            .filter(|&(b, other)| b != a && covers(other, index))
            // Of two exact duplicates (each covers the other), only the one ranked lower goes.
            .filter(|&(_, other)| !covers(index, other) || rank(other) > rank(index))
            .map(|(b, other)| (b, other.keys().len() == index.keys().len()))
            .collect();
        // Prefer naming an index with the same keys, then the strongest, then the oldest.
        coverers.sort_by_key(|&(b, same)| (Reverse(same), Reverse(rank(&indexes[b]))));
        if let Some(&(covered_by, same_keys)) = coverers.first() {
            found.push(Redundancy {
                index: a,
                covered_by,
                same_keys,
            });
        }
    }
    found
}

/// Whether `cover` can replace `index`: serve its queries and enforce what it enforces.
#[must_use]
pub fn covers(cover: &IndexRow, index: &IndexRow) -> bool {
    let (keys, cover_keys) = (index.keys(), cover.keys());
    let same_shape = cover.table_oid == index.table_oid
        && cover.is_valid
        && index.is_valid
        && cover.access_method == index.access_method
        && cover.expressions == index.expressions
        && cover.predicate == index.predicate
        && keys.len() <= cover_keys.len()
        && (keys.len() == cover_keys.len() || index.access_method == "btree");
    same_shape
        && leading_keys_match(cover, index)
        && index.includes().iter().all(|c| cover.columns.contains(c))
        && enforces_as_much(cover, index)
}

/// Whether `index`'s keys are `cover`'s first keys, each with the same opclass, collation and
/// DESC/NULLS options: `(a, b)` and `(a, b DESC)` differ.
fn leading_keys_match(cover: &IndexRow, index: &IndexRow) -> bool {
    (0..index.keys().len()).all(|k| {
        index.columns.get(k) == cover.columns.get(k)
            && index.opclasses.get(k) == cover.opclasses.get(k)
            && index.collations.get(k) == cover.collations.get(k)
            && index.options.get(k) == cover.options.get(k)
    })
}

/// A unique index is only replaced by one unique on exactly the same keys, with the same NULL
/// handling, and checked as early: a unique `(a)` under a longer `(a, b)` still enforces
/// something, and a deferrable constraint's index cannot stand in for an immediate one.
fn enforces_as_much(cover: &IndexRow, index: &IndexRow) -> bool {
    !index.is_unique
        || (cover.is_unique
            && cover.keys().len() == index.keys().len()
            && cover.nulls_not_distinct == index.nulls_not_distinct
            && (cover.is_immediate || !index.is_immediate))
}

/// Whether DROP INDEX may be suggested at all: never for the index of a constraint (the
/// constraint would have to go) or the replica identity (logical replication would break).
fn droppable(index: &IndexRow) -> bool {
    index.is_valid && index.constraint_name.is_none() && !index.is_replica_identity
}

/// A total order of how much an index is worth keeping; higher is kept.
fn rank(index: &IndexRow) -> (bool, bool, bool, Reverse<u32>, Reverse<&str>) {
    (
        index.constraint_name.is_some() || index.is_replica_identity,
        index.is_primary,
        index.is_unique,
        Reverse(index.index_oid),
        Reverse(index.index_name.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid, non-unique B-tree on table 1 with default opclasses and collations.
    fn index(oid: u32, name: &str, keys: &[i16]) -> IndexRow {
        IndexRow {
            index_oid: oid,
            table_oid: 1,
            index_name: name.to_owned(),
            access_method: "btree".to_owned(),
            key_count: keys.len(),
            columns: keys.to_vec(),
            opclasses: vec![1978; keys.len()],
            collations: vec![0; keys.len()],
            options: vec![0; keys.len()],
            is_immediate: true,
            is_valid: true,
            ..IndexRow::default()
        }
    }

    fn names(indexes: &[IndexRow]) -> Vec<(String, String, bool)> {
        find(indexes)
            .into_iter()
            .map(|r| {
                (
                    indexes[r.index].index_name.clone(),
                    indexes[r.covered_by].index_name.clone(),
                    r.same_keys,
                )
            })
            .collect()
    }

    fn flagged(list: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
        list.iter()
            .map(|&(a, b, d)| (a.to_owned(), b.to_owned(), d))
            .collect()
    }

    #[test]
    fn of_exact_duplicates_the_newer_one_is_dropped() {
        let rows = [index(10, "b_idx", &[1, 2]), index(11, "a_idx", &[1, 2])];
        assert_eq!(names(&rows), flagged(&[("a_idx", "b_idx", true)]));
    }

    #[test]
    fn of_exact_duplicates_the_constraint_index_is_kept() {
        let mut key = index(20, "t_pkey", &[1]);
        key.constraint_name = Some("t_pkey".into());
        key.is_unique = true;
        key.is_primary = true;
        let rows = [index(10, "older_idx", &[1]), key];
        assert_eq!(names(&rows), flagged(&[("older_idx", "t_pkey", true)]));
    }

    #[test]
    fn a_leading_prefix_is_redundant_but_not_the_other_way_round() {
        let rows = [index(10, "a", &[1]), index(11, "ab", &[1, 2])];
        assert_eq!(names(&rows), flagged(&[("a", "ab", false)]));
    }

    #[test]
    fn a_different_order_option_or_collation_or_opclass_is_not_redundant() {
        let mut desc = index(11, "ab_desc", &[1, 2]);
        desc.options[1] = 3;
        let mut collated = index(12, "ab_c", &[1, 2]);
        collated.collations[1] = 950;
        let mut pattern = index(13, "ab_pattern", &[1, 2]);
        pattern.opclasses[1] = 10_044;
        let rows = [index(10, "ab", &[1, 2]), desc, collated, pattern];
        assert_eq!(names(&rows), flagged(&[]));
    }

    #[test]
    fn predicates_expressions_and_methods_must_match() {
        let mut partial = index(11, "a_partial", &[1]);
        partial.predicate = Some("(b > 0)".into());
        let mut expression = index(12, "lower_a", &[0]);
        expression.expressions = Some("lower(a)".into());
        let mut gin = index(13, "a_gin", &[1]);
        gin.access_method = "gin".into();
        let rows = [index(10, "a", &[1]), partial, expression, gin];
        assert_eq!(names(&rows), flagged(&[]));
    }

    #[test]
    fn include_columns_count_only_on_the_covering_side() {
        let mut covering = index(10, "a_incl_b", &[1, 2]);
        covering.key_count = 1;
        let rows = [covering.clone(), index(11, "ab", &[1, 2])];
        assert_eq!(names(&rows), flagged(&[("a_incl_b", "ab", false)]));
        let rows = [index(11, "a", &[1]), covering];
        assert_eq!(names(&rows), flagged(&[("a", "a_incl_b", true)]));
    }

    #[test]
    fn a_unique_prefix_of_a_longer_index_is_not_redundant() {
        let mut unique = index(10, "a_key", &[1]);
        unique.is_unique = true;
        let mut longer_unique = index(12, "ab_key", &[1, 2]);
        longer_unique.is_unique = true;
        let rows = [unique, index(11, "ab", &[1, 2]), longer_unique];
        assert_eq!(names(&rows), flagged(&[("ab", "ab_key", true)]));
    }

    #[test]
    fn a_non_unique_duplicate_of_a_unique_index_is_the_one_dropped() {
        let mut unique = index(11, "a_key", &[1]);
        unique.is_unique = true;
        let rows = [index(10, "a_idx", &[1]), unique];
        assert_eq!(names(&rows), flagged(&[("a_idx", "a_key", true)]));
    }

    #[test]
    fn constraint_and_replica_identity_indexes_are_never_dropped() {
        let mut exclusion = index(10, "excl", &[1]);
        exclusion.constraint_name = Some("excl".into());
        let mut identity = index(11, "ident", &[1]);
        identity.is_replica_identity = true;
        identity.is_unique = true;
        let rows = [exclusion, identity, index(12, "ab", &[1, 2])];
        assert_eq!(names(&rows), flagged(&[]));
    }

    #[test]
    fn two_identical_constraints_are_left_alone() {
        let mut first = index(10, "t_a_key", &[1]);
        first.constraint_name = Some("t_a_key".into());
        first.is_unique = true;
        let mut second = first.clone();
        second.index_oid = 11;
        second.index_name = "t_a_key1".into();
        second.constraint_name = Some("t_a_key1".into());
        // Dropping either means ALTER TABLE ... DROP CONSTRAINT, which foreign keys may need.
        assert_eq!(names(&[first, second]), flagged(&[]));
    }

    #[test]
    fn a_chain_names_the_index_that_stays() {
        let rows = [
            index(10, "a", &[1]),
            index(11, "ab", &[1, 2]),
            index(12, "ab_again", &[1, 2]),
        ];
        assert_eq!(
            names(&rows),
            flagged(&[("a", "ab", false), ("ab_again", "ab", true)])
        );
    }

    #[test]
    fn invalid_indexes_neither_cover_nor_are_covered() {
        let mut invalid = index(11, "ab_invalid", &[1, 2]);
        invalid.is_valid = false;
        let rows = [index(10, "a", &[1]), invalid.clone()];
        assert_eq!(names(&rows), flagged(&[]));
        let rows = [invalid, index(10, "ab", &[1, 2])];
        assert_eq!(names(&rows), flagged(&[]));
    }

    #[test]
    fn prefixes_count_only_for_btree() {
        let mut a = index(10, "a_hash", &[1]);
        a.access_method = "gist".into();
        let mut ab = index(11, "ab_gist", &[1, 2]);
        ab.access_method = "gist".into();
        assert_eq!(names(&[a, ab]), flagged(&[]));
    }
}
