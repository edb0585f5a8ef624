//! Index usage across servers: counters are per instance, so the primary's and each replica's
//! are summed by schema and index name before anything is called unused.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::catalog::{IndexRow, StatsAge, UsageRow};

/// One index's counters, summed over the servers read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub idx_scan: i64,
    pub idx_tup_read: i64,
    pub idx_tup_fetch: i64,
    /// The latest scan on any server (PostgreSQL 16 and later).
    pub last_idx_scan: Option<OffsetDateTime>,
}

/// Sums each server's counters, then lines them up with `indexes`. An index a server does not
/// know yet (a replica that has not replayed its creation) counts as unscanned there.
#[must_use]
pub fn sum(indexes: &[IndexRow], servers: &[Vec<UsageRow>]) -> Vec<Usage> {
    let mut totals: HashMap<(&str, &str), Usage> = HashMap::new();
    for row in servers.iter().flatten() {
        let total = totals
            .entry((row.schema.as_str(), row.index_name.as_str()))
            .or_default();
        total.idx_scan = total.idx_scan.saturating_add(row.idx_scan);
        total.idx_tup_read = total.idx_tup_read.saturating_add(row.idx_tup_read);
        total.idx_tup_fetch = total.idx_tup_fetch.saturating_add(row.idx_tup_fetch);
        total.last_idx_scan = total.last_idx_scan.max(row.last_idx_scan);
    }
    indexes
        .iter()
        .map(|index| {
            let key = (index.schema.as_str(), index.index_name.as_str());
            totals.get(&key).copied().unwrap_or_default()
        })
        .collect()
}

/// Adds each partition's index counters to the partitioned indexes above it: a partitioned
/// index has no counters of its own, and is used when any of its partitions' indexes is.
pub fn roll_up(indexes: &[IndexRow], usage: &mut [Usage]) {
    let position: HashMap<u32, usize> = indexes
        .iter()
        .enumerate()
        .map(|(at, index)| (index.index_oid, at))
        .collect();
    for (at, index) in indexes.iter().enumerate() {
        if index.is_partitioned {
            continue;
        }
        let own = usage[at];
        let mut parent = index.parent_index_oid;
        while let Some(&up) = parent.as_ref().and_then(|oid| position.get(oid)) {
            let total = &mut usage[up];
            total.idx_scan = total.idx_scan.saturating_add(own.idx_scan);
            total.idx_tup_read = total.idx_tup_read.saturating_add(own.idx_tup_read);
            total.idx_tup_fetch = total.idx_tup_fetch.saturating_add(own.idx_tup_fetch);
            total.last_idx_scan = total.last_idx_scan.max(own.last_idx_scan);
            parent = indexes[up].parent_index_oid;
        }
    }
}

/// The youngest statistics among the servers: a sum is only as old as its youngest part.
#[must_use]
pub fn youngest(ages: &[StatsAge]) -> Option<StatsAge> {
    ages.iter()
        .copied()
        .min_by(|a, b| a.age_seconds.total_cmp(&b.age_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(schema: &str, name: &str, scans: i64) -> UsageRow {
        UsageRow {
            schema: schema.into(),
            index_name: name.into(),
            idx_scan: scans,
            idx_tup_read: scans * 10,
            idx_tup_fetch: scans,
            last_idx_scan: None,
        }
    }

    fn index(schema: &str, name: &str) -> IndexRow {
        IndexRow {
            schema: schema.into(),
            index_name: name.into(),
            ..IndexRow::default()
        }
    }

    #[test]
    fn counters_are_summed_by_schema_and_name_across_servers() {
        let indexes = [
            index("public", "a"),
            index("other", "a"),
            index("public", "b"),
        ];
        let primary = vec![usage("public", "a", 1), usage("other", "a", 5)];
        let replica = vec![usage("public", "a", 2)];
        let sums = sum(&indexes, &[primary, replica]);
        assert_eq!(sums[0].idx_scan, 3);
        assert_eq!(sums[0].idx_tup_read, 30);
        assert_eq!(sums[1].idx_scan, 5);
        assert_eq!(sums[2], Usage::default(), "unknown on every server");
    }

    #[test]
    fn partition_counters_add_up_in_every_partitioned_index_above() {
        let mut rows = [
            index("public", "top"),
            index("public", "mid"),
            index("public", "leaf_a"),
            index("public", "leaf_b"),
        ];
        for (at, row) in rows.iter_mut().enumerate() {
            row.index_oid = u32::try_from(at).unwrap() + 1;
        }
        rows[0].is_partitioned = true;
        rows[1].is_partitioned = true;
        rows[1].parent_index_oid = Some(1);
        rows[2].parent_index_oid = Some(2);
        rows[3].parent_index_oid = Some(1);
        let mut sums = sum(
            &rows,
            &[vec![
                usage("public", "leaf_a", 2),
                usage("public", "leaf_b", 3),
            ]],
        );
        roll_up(&rows, &mut sums);
        let scans: Vec<i64> = sums.iter().map(|u| u.idx_scan).collect();
        assert_eq!(scans, [5, 2, 2, 3]);
    }

    #[test]
    fn the_youngest_statistics_win() {
        let at = |age_seconds| StatsAge {
            since: OffsetDateTime::UNIX_EPOCH,
            age_seconds,
            in_recovery: false,
        };
        let ages = [at(900.0), at(30.0), at(5000.0)];
        assert!((youngest(&ages).unwrap().age_seconds - 30.0).abs() < f64::EPSILON);
        assert!(youngest(&[]).is_none());
    }
}
