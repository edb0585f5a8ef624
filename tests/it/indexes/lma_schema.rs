//! lma's own schema, fully migrated, passes `lma indexes`: only "unused" verdicts, which a fresh
//! database cannot judge, are reported.

use super::{parse, run};
use crate::support::TestDb;

#[tokio::test]
async fn the_migrated_lma_schema_has_no_findings_but_unreliable_unused() {
    let db = TestDb::migrated().await;
    let report = parse(&run(db.lma(), "", &[]));
    let others: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !(f["kind"] == "unused" && f["reliable"] == false))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}
