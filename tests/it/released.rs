//! Released migrations are frozen: their refinery checksums are pinned, so an edit to one fails
//! here instead of failing `lma migrate` on every database that applied it.

use lma::migrate::source::{MigrationSet, RELEASED_THROUGH};

/// `version checksum` per line, as refinery computes the checksum (name, version and SQL).
const PINNED: &str = include_str!("../fixtures/released_checksums.txt");

fn pinned() -> Vec<(i64, u64)> {
    PINNED
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (version, checksum) = line.split_once(' ').expect("`version checksum`");
            (version.parse().unwrap(), checksum.trim().parse().unwrap())
        })
        .collect()
}

#[test]
fn released_migrations_keep_the_checksums_they_were_released_with() {
    let set = MigrationSet::embedded();
    let actual: Vec<(i64, u64)> = set
        .migrations()
        .iter()
        .filter(|m| m.version() <= RELEASED_THROUGH)
        .map(|m| (m.version(), m.checksum()))
        .collect();
    let pinned = pinned();
    let edited: Vec<String> = actual
        .iter()
        .filter(|(v, c)| pinned.iter().any(|(pv, pc)| pv == v && pc != c))
        .map(|(v, _)| set.label(set.migrations().iter().find(|m| m.version() == *v).unwrap()))
        .collect();
    assert!(
        edited.is_empty(),
        "released migrations were edited: {edited:?}. Revert them and put the change in a new migration."
    );
    let listing: Vec<String> = actual.iter().map(|(v, c)| format!("{v} {c}")).collect();
    let listing = listing.join("\n");
    assert_eq!(
        pinned,
        actual,
        "pin every released migration (1 to {RELEASED_THROUGH}) in tests/fixtures/released_checksums.txt:\n{listing}"
    );
}

#[test]
fn every_embedded_migration_is_released_or_newer_than_the_last_release() {
    // A release line above the newest file would freeze a migration nobody has written yet.
    let latest = MigrationSet::embedded().latest_version().unwrap();
    assert!(
        RELEASED_THROUGH <= latest,
        "RELEASED_THROUGH {RELEASED_THROUGH} > V{latest}"
    );
}
