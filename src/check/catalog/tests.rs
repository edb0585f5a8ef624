//! The header parser: keys, expectations, notes, and errors that name the file and line.

use std::collections::BTreeSet;

use super::{embedded, parse, shared_beside};
use crate::check::expectation::Expectation;

const GOOD: &str = "-- name: sample
-- description: A sample.
-- params: SELECT 1
-- expect: uses_index idx_x on t
-- expect: no_seq_scan t, u
-- expect: max_buffers 10
--
SELECT * FROM t WHERE organization_id = $1;
";

fn parse_error(text: &str) -> String {
    format!("{:#}", parse("sample.sql", text).unwrap_err())
}

#[test]
fn a_header_is_parsed_into_name_params_expectations_and_query() {
    let check = parse("sample.sql", GOOD).unwrap();
    assert_eq!(check.name, "sample");
    assert_eq!(check.params.as_deref(), Some("SELECT 1"));
    assert_eq!(check.sql, "SELECT * FROM t WHERE organization_id = $1");
    assert_eq!(
        check.expectations,
        [
            Expectation::UsesIndex {
                index: "idx_x".into(),
                relation: Some("t".into())
            },
            Expectation::NoSeqScan(vec!["t".into(), "u".into()]),
            Expectation::MaxBuffers(10),
        ]
    );
    assert!(!check.writes);
    assert_eq!(check.note, None);
    let noted = GOOD.replace("--\n", "-- note: one line,\n-- note: and the next.\n");
    let noted = parse("sample.sql", &noted).unwrap();
    assert_eq!(noted.note.as_deref(), Some("one line, and the next."));
    let writer = parse("sample.sql", &GOOD.replace("--\n", "-- writes: true\n")).unwrap();
    assert!(writer.writes);
    let bad = parse_error(&GOOD.replace("--\n", "-- writes: yes\n"));
    assert!(bad.contains("writes takes true or false"), "{bad}");
}

#[test]
fn header_errors_name_the_file_and_line() {
    let unknown = parse_error(&GOOD.replace("-- params:", "-- parameters:"));
    assert!(unknown.starts_with("sample.sql:3"), "{unknown}");
    assert!(unknown.contains("unknown header key"), "{unknown}");
    let malformed = parse_error(&GOOD.replace("max_buffers 10", "max_buffers ten"));
    assert!(malformed.starts_with("sample.sql:6"), "{malformed}");
    let expectation = parse_error(&GOOD.replace("max_buffers 10", "fast_please"));
    assert!(expectation.contains("unknown expectation"), "{expectation}");
    let colonless = parse_error(&GOOD.replace("--\n", "-- expect max_buffers 5\n"));
    assert!(colonless.starts_with("sample.sql:7"), "{colonless}");
    assert!(
        colonless.contains("write `-- expect: max_buffers 5`"),
        "{colonless}"
    );
    let capital =
        parse_error(&GOOD.replace("-- expect: max_buffers 10", "-- Expect: max_buffers 10"));
    assert!(capital.starts_with("sample.sql:6"), "{capital}");
    assert!(capital.contains("write `-- expect:`"), "{capital}");
    let capital = parse_error(&GOOD.replace("--\n", "-- EXPECT max_buffers 5\n"));
    assert!(
        capital.contains("write `-- expect: max_buffers 5`"),
        "{capital}"
    );
    let renamed = parse_error(&GOOD.replace("name: sample", "name: other"));
    assert!(renamed.contains("differs from the file name"), "{renamed}");
}

#[test]
fn plain_comment_lines_are_allowed_in_a_header() {
    let commented = GOOD.replace(
        "--\n",
        "-- Why no index on u: it has a few pages.\n-- Note: capitalised, still a note.\n-- TODO: revisit at 1M leads\n-- expect the planner to change its mind later\n--\n",
    );
    let check = parse("sample.sql", &commented).unwrap();
    assert_eq!(check.expectations.len(), 3);
    assert_eq!(check.sql, "SELECT * FROM t WHERE organization_id = $1");
}

#[test]
fn the_embedded_catalog_parses_and_its_names_are_unique() {
    let checks = embedded().unwrap();
    assert!(checks.len() >= 12, "{}", checks.len());
    let names: BTreeSet<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), checks.len());
    for name in [
        "lead_assignment_queue",
        "lead_scoring_analysis",
        "json_tag_search",
        "communication_history",
        "user_activity_summary",
        "organization_health",
    ] {
        assert!(names.contains(name), "{name}");
    }
}

#[test]
fn a_check_file_read_alone_names_the_relations_beside_it_and_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("_mine.sql"), "SELECT 1 AS organization_id").unwrap();
    let file = dir.path().join("q.sql");
    let shared = shared_beside(&file).unwrap();
    let sql = shared
        .expand("SELECT * FROM {{mine}}, {{tenants_by_size}}")
        .unwrap();
    assert!(
        sql.contains("(SELECT 1 AS organization_id) AS mine"),
        "{sql}"
    );
    assert!(sql.contains(") AS tenants_by_size"), "{sql}");
}
