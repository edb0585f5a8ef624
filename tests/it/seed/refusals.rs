//! Databases `lma seed` refuses: one holding tenant data (unless truncating), one behind the
//! migrations or with a divergent history; and the baseline schema it accepts with
//! --allow-pending.

use lma::seed::{self, plan::Plan};

use super::{assert_counts_follow, content_hashes, count, refused, row_counts, seed_db};
use crate::support::{json, TestDb};

#[tokio::test]
async fn a_database_with_tenant_data_is_refused_unless_truncating() {
    let db = TestDb::migrated().await;
    seed_db(&db, 100, 1).await;
    let line = refused(db.lma().args(["seed", "--scale", "tiny"]));
    assert!(
        line.contains("already holds tenant data") && line.contains("--truncate"),
        "{line}"
    );
    let client = db.client().await;
    let before = content_hashes(&client).await;
    let output = db
        .lma()
        .args(["seed", "--leads", "150", "--seed", "2", "--truncate", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_counts_follow(&Plan::new(150), &row_counts(&client).await);
    assert_ne!(content_hashes(&client).await, before);
}

#[tokio::test]
async fn a_database_not_migrated_to_the_latest_version_is_refused() {
    let baseline = TestDb::migrated_to(Some(10)).await;
    let line = refused(baseline.lma().args(["seed", "--scale", "tiny"]));
    let latest = lma::migrate::source::MigrationSet::embedded()
        .latest_version()
        .unwrap();
    assert!(
        line.contains(&format!(
            "not migrated to the latest version (at V10, latest V{latest})"
        )) && line.contains("--allow-pending"),
        "{line}"
    );
    let empty = TestDb::new().await;
    let line = refused(empty.lma().args(["seed"]));
    assert!(line.contains("run `lma migrate` first"), "{line}");
    let early = TestDb::migrated_to(Some(seed::FIRST_COMPLETE_VERSION - 1)).await;
    let line = refused(early.lma().args(["seed", "--allow-pending"]));
    assert!(
        line.contains("--allow-pending needs V10 or later"),
        "{line}"
    );
    let organizations = "SELECT count(*) FROM organizations";
    assert_eq!(count(&early.client().await, organizations).await, 0);
}

/// A history that does not match the files is refused as such, not as "behind", even with
/// --allow-pending: lma cannot know what such a schema holds.
#[tokio::test]
async fn a_divergent_history_is_refused_even_with_allow_pending() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let tamper = "UPDATE refinery_schema_history SET checksum = '1' WHERE version = 3";
    client.batch_execute(tamper).await.unwrap();
    let line = refused(
        db.lma()
            .args(["seed", "--scale", "tiny", "--allow-pending"]),
    );
    assert!(
        line.contains("its migration history does not match lma's migrations (V3 leads is "),
        "{line}"
    );
    assert!(line.contains("see `lma status`"), "{line}");
}

/// The baseline of docs/benchmarks.md: a V10 schema seeded with --allow-pending (at a size where
/// every params query finds samples), then the check
/// catalog with docs/bench/checks-v10 laid over it. Every check must run (findings, exit 1, are
/// the point of a baseline); an operational error (exit 2) would make the benchmark impossible.
#[tokio::test]
async fn the_baseline_schema_is_seeded_with_allow_pending_and_its_catalog_runs() {
    let db = TestDb::migrated_to(Some(seed::FIRST_COMPLETE_VERSION)).await;
    let output = db
        .lma()
        .args(["seed", "--leads", "5000", "--allow-pending", "-q"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let client = db.client().await;
    assert_counts_follow(&Plan::new(5_000), &row_counts(&client).await);
    assert_eq!(crate::support::history(&client).await.last(), Some(&10));
    let catalog = baseline_catalog();
    let output = db
        .lma()
        .args(["check", "--checks", catalog.path().to_str().unwrap()])
        .args([
            "--format",
            "json",
            "--no-latency",
            "--iterations",
            "1",
            "--warmup",
            "0",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
    let checks = json(&output)["checks"].as_array().unwrap().len();
    // `_NAME.sql` files are the catalog's shared relations, not checks.
    let files = std::fs::read_dir("sql/checks")
        .unwrap()
        .filter(|entry| {
            !entry
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('_')
        })
        .count();
    assert_eq!(checks, files, "{stderr}");
}

/// `sql/checks/` with `docs/bench/checks-v10/*.sql` copied over it, as that README says.
fn baseline_catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for source in ["sql/checks", "docs/bench/checks-v10"] {
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "sql") {
                std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}
