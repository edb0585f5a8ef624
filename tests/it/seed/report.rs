//! The report of `lma seed`: its JSON shape, pinned.

use crate::support::{json, TestDb};

#[tokio::test]
async fn seed_json_has_a_stable_shape() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args([
            "seed",
            "--scale",
            "tiny",
            "--anchor",
            "2026-01-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_json_snapshot!(json(&output), {
        ".database" => "[database]",
        ".tables[].bytes" => "[bytes]",
        ".tables[].size" => "[size]",
        ".tables[].seconds" => "[seconds]",
        ".tables[].copy_seconds" => "[seconds]",
        ".tables[].index_seconds" => "[seconds]",
        ".tables[].vacuum_seconds" => "[seconds]",
        ".tables[].rows_per_second" => "[rate]",
        ".tables[].mb_per_second" => "[rate]",
        ".total.bytes" => "[bytes]",
        ".total.size" => "[size]",
        ".total.seconds" => "[seconds]",
        ".total.rows_per_second" => "[rate]",
        ".total.mb_per_second" => "[rate]",
    });
}
