//! `lma seed`'s row types against the live catalog: each table's declared columns are exactly the
//! table's columns after `lma migrate` (binary COPY checks types only, so a renamed or missing
//! column must fail here, not load wrong data).

use lma::seed::load::columns;
use lma::seed::tables::Table;

use crate::support::TestDb;

/// A table's columns, in the table's order; generated columns cannot be loaded.
const TABLE_COLUMNS: &str = "
SELECT attname::text
FROM pg_attribute
WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
ORDER BY attnum";

#[tokio::test]
async fn every_seeded_table_declares_exactly_its_live_columns() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let mut differences = Vec::new();
    for table in Table::ALL {
        let mut live: Vec<String> = client
            .query(TABLE_COLUMNS, &[&table.name()])
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut declared: Vec<String> = columns(table).iter().map(|c| (*c).to_owned()).collect();
        live.sort();
        declared.sort();
        if live != declared {
            let missing: Vec<&String> = live.iter().filter(|c| !declared.contains(c)).collect();
            let unknown: Vec<&String> = declared.iter().filter(|c| !live.contains(c)).collect();
            differences.push(format!(
                "{}: not declared {missing:?}, not in the table {unknown:?}",
                table.name()
            ));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}
