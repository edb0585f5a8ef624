//! The params queries sample the largest tenants through the catalog's shared relations
//! (`sql/checks/_tenants_by_size.sql`, `_largest_tenant.sql`), not through copies of the rule.

use std::path::Path;

use lma::check::catalog;

use super::seeded;

/// The raw check files of the catalog (not the shared relations), as (name, text).
fn check_files() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sql/checks");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('_'))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The check files whose params query names a shared relation.
fn files_naming_shared() -> Vec<(String, String)> {
    let mut files = check_files();
    files.retain(|(_, text)| text.contains("{{"));
    files
}

#[test]
fn the_largest_tenant_rule_is_written_once() {
    let pasted = "FROM leads GROUP BY 1 ORDER BY count(*) DESC";
    for (name, text) in check_files() {
        assert!(!text.contains(pasted), "{name} pastes the rule");
    }
    assert!(
        files_naming_shared().len() >= 25,
        "the checks name the shared relations"
    );
}

#[tokio::test]
async fn every_sample_drawn_through_a_shared_relation_starts_with_the_largest_tenant() {
    let db = seeded().await;
    let client = db.client().await;
    let largest: String = client
        .query_one(
            "SELECT organization_id::text FROM leads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let checks = catalog::embedded().unwrap();
    for (name, _) in files_naming_shared() {
        let check = checks.iter().find(|c| c.name == name).unwrap();
        let params = check.params.as_deref().unwrap();
        assert!(!params.contains("{{"), "{name}: {params}");
        let rows = client.simple_query(params).await.unwrap();
        let first = rows.iter().find_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        });
        assert_eq!(first.as_deref(), Some(largest.as_str()), "{name}: {params}");
    }
}
