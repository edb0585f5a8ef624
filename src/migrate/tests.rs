//! The report of `lma migrate`, as people read it.

use super::{Applied, MigrateReport};
use crate::output::plain_text;

fn applied(version: i64, name: &str) -> Applied {
    Applied {
        version,
        name: name.to_owned(),
        milliseconds: 12,
        attempts: 1,
        transactional: true,
        rebuilt_indexes: Vec::new(),
        notes: Vec::new(),
    }
}

#[test]
fn the_table_notes_retries_rebuilt_indexes_and_dropped_wrappers() {
    let concurrent = Applied {
        attempts: 3,
        transactional: false,
        rebuilt_indexes: vec!["idx_leads_email".into()],
        ..applied(12, "leads_email_index")
    };
    let wrapped = Applied {
        notes: vec!["dropped its BEGIN (line 1) and COMMIT (line 4)".into()],
        ..applied(13, "wrapped")
    };
    let report = MigrateReport {
        database: "lma@localhost:5432/lma".into(),
        applied: vec![applied(11, "add_tags"), concurrent, wrapped],
        current_version: Some(13),
        target: None,
        stopped: false,
    };
    insta::assert_snapshot!(plain_text(&report));
}

#[test]
fn nothing_to_apply_is_one_line() {
    let report = MigrateReport {
        database: "lma@localhost:5432/lma".into(),
        applied: Vec::new(),
        current_version: Some(13),
        target: Some(13),
        stopped: false,
    };
    insta::assert_snapshot!(plain_text(&report), @"lma@localhost:5432/lma: nothing to apply, at V13");
}
