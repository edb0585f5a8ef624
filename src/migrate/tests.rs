//! The reports of `lma migrate`, `lma migrate --dry-run` and `lma baseline`, as people read them.

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

#[test]
fn a_dry_run_shows_each_outcome_and_that_it_rolled_back() {
    use super::dry_run::{DryRunReport, Entry, Outcome};
    let entry = |version: i64, name: &str, outcome: Outcome, error: Option<&str>| Entry {
        version,
        name: name.to_owned(),
        outcome,
        error: error.map(str::to_owned),
    };
    let report = DryRunReport {
        database: "lma@localhost:5432/lma".into(),
        migrations: vec![
            entry(11, "add_tags", Outcome::Ok, None),
            entry(
                12,
                "bad_column",
                Outcome::Failed,
                Some("line 3: column \"nope\" does not exist"),
            ),
            entry(13, "concurrent_index", Outcome::NotVerifiable, None),
            entry(14, "after", Outcome::NotReached, None),
        ],
    };
    insta::assert_snapshot!(plain_text(&report));
}

#[test]
fn a_baseline_lists_the_migrations_it_recorded() {
    use super::baseline::{BaselineReport, Recorded};
    let report = BaselineReport {
        database: "lma@localhost:5432/lma".into(),
        history: "public.refinery_schema_history".into(),
        recorded: vec![
            Recorded {
                version: 1,
                name: "organizations".into(),
            },
            Recorded {
                version: 2,
                name: "users".into(),
            },
        ],
    };
    insta::assert_snapshot!(plain_text(&report));
}
