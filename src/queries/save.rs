//! `lma queries --save-check DIR`: each listed statement as a check file in the `sql/checks/`
//! format, so that it can join the CI gate (`lma check --checks DIR`).
//!
//! pg_stat_statements replaces a statement's constants by `$1, $2…`, so the values are lost:
//! the file's params query is left for the user to fill in. As written it returns no rows with
//! the right types (read from the server), and `lma check` refuses a check whose params query
//! returns nothing, so an unfilled check cannot pass silently. A statement without parameters
//! needs nothing filled in. Existing files are never overwritten: they may have been filled in.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use tokio_postgres::Client;

use super::report::{QueriesReport, Statement};
use crate::progress::Progress;

const TYPE_NAMES: &str = "
SELECT coalesce(array_agg(format_type(u.t, NULL) ORDER BY u.i), '{}')
FROM unnest($1::oid[]) WITH ORDINALITY AS u (t, i)";

/// What a statement is, for `lma check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reads,
    Writes,
    /// A utility statement (VACUUM, CREATE …): EXPLAIN cannot run it.
    Utility,
}

/// Writes the listed statements into `dir` (created if missing); returns the files written.
/// Statements that cannot become a check are named on stderr and passed over.
pub async fn save_all(
    client: &Client,
    report: &QueriesReport,
    dir: &Path,
    progress: &Progress,
) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the checks directory {}", dir.display()))?;
    let mut written = Vec::new();
    for statement in &report.statements {
        let Some(name) = statement.check_name().filter(|_| !statement.hidden()) else {
            continue;
        };
        let path = dir.join(format!("{name}.sql"));
        if path.exists() {
            progress.note(None, &format!("{} exists and is kept", path.display()));
            continue;
        }
        match check_file(client, &name, statement, report.min_mean_ms).await {
            Ok(text) => {
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                written.push(path.display().to_string());
            }
            Err(err) => progress.warn(&format!(
                "queryid {}: no check written: {}",
                statement.queryid.unwrap_or_default(),
                crate::exit::one_line(&err)
            )),
        }
    }
    Ok(written)
}

/// The check file of one statement.
async fn check_file(
    client: &Client,
    name: &str,
    statement: &Statement,
    budget_ms: f64,
) -> anyhow::Result<String> {
    let query = body(&statement.query);
    let kind = kind(&query);
    if kind == Kind::Utility {
        anyhow::bail!("a utility statement, which EXPLAIN cannot run");
    }
    let prepared = client
        .prepare(&query)
        .await
        .context("the statement does not prepare as pg_stat_statements shows it")?;
    let oids: Vec<u32> = prepared
        .params()
        .iter()
        .map(tokio_postgres::types::Type::oid)
        .collect();
    let types: Vec<String> = client
        .query_one(TYPE_NAMES, &[&oids])
        .await
        .context("cannot name the parameter types")?
        .try_get(0)?;
    Ok(render(name, statement, &types, kind, budget_ms, &query))
}

fn render(
    name: &str,
    statement: &Statement,
    types: &[String],
    kind: Kind,
    budget_ms: f64,
    query: &str,
) -> String {
    let mut text = format!("-- name: {name}\n");
    let _ = writeln!(
        text,
        "-- description: pg_stat_statements queryid {} (role {}): {} calls, mean {:.1} ms, max {:.1} ms; saved by lma queries.",
        statement.queryid.unwrap_or_default(),
        statement.role,
        statement.calls,
        statement.mean_ms,
        statement.max_ms
    );
    if !types.is_empty() {
        let listed: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(i, t)| format!("${} {t}", i + 1))
            .collect();
        let nulls: Vec<String> = types.iter().map(|t| format!("NULL::{t}")).collect();
        let _ = writeln!(
            text,
            "-- note: FILL IN the params query: one row per sample, one column per parameter ({}).",
            listed.join(", ")
        );
        text.push_str(
            "-- note: As saved it returns no rows, so lma check refuses the check until then.\n",
        );
        let _ = writeln!(text, "-- params: SELECT {} WHERE false", nulls.join(", "));
    }
    if kind == Kind::Writes {
        text.push_str("-- writes: true\n");
    }
    let _ = writeln!(text, "-- expect: p95_ms {budget_ms}");
    let _ = writeln!(text, "{query};");
    text
}

/// The statement without leading comment lines, which a check file would read as its header,
/// and without a trailing semicolon.
fn body(query: &str) -> String {
    let lines: Vec<&str> = query
        .lines()
        .skip_while(|line| line.trim().is_empty() || line.trim_start().starts_with("--"))
        .collect();
    lines
        .join("\n")
        .trim()
        .trim_end_matches(';')
        .trim()
        .to_owned()
}

fn kind(query: &str) -> Kind {
    let first = query
        .split(|c: char| c.is_whitespace() || c == '(')
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match first.as_str() {
        "select" | "with" | "values" | "table" => Kind::Reads,
        "insert" | "update" | "delete" | "merge" => Kind::Writes,
        _ => Kind::Utility,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::catalog;

    fn statement(query: &str) -> Statement {
        Statement {
            queryid: Some(42),
            role: "app".into(),
            calls: 3,
            mean_ms: 250.0,
            stddev_ms: 1.0,
            max_ms: 260.0,
            total_ms: 750.0,
            share: 0.5,
            rows_per_call: 1.0,
            shared_hit_per_call: 10.0,
            shared_read_per_call: 0.0,
            temp_blocks: 0,
            query: query.into(),
        }
    }

    #[test]
    fn a_saved_check_parses_as_a_check_with_its_params_to_fill_in() {
        let query = body("-- from the app\nSELECT * FROM t WHERE id > $1 AND name = $2;");
        assert_eq!(query, "SELECT * FROM t WHERE id > $1 AND name = $2");
        let types = ["integer".to_owned(), "text".to_owned()];
        let s = statement(&query);
        let text = render("query_2a", &s, &types, kind(&query), 200.0, &query);
        let check = catalog::parse("dir/query_2a.sql", &text).unwrap();
        assert_eq!(
            check.params.as_deref(),
            Some("SELECT NULL::integer, NULL::text WHERE false")
        );
        assert_eq!(check.sql, query);
        assert!(!check.writes);
        assert_eq!(check.expectations.len(), 1);
        assert!(text.contains("($1 integer, $2 text)"), "{text}");
    }

    #[test]
    fn writes_are_declared_and_utility_statements_recognised() {
        assert_eq!(kind("UPDATE t SET x = $1"), Kind::Writes);
        assert_eq!(kind("(SELECT 1)"), Kind::Reads);
        assert_eq!(kind("VACUUM t"), Kind::Utility);
        let text = render(
            "q",
            &statement("DELETE FROM t"),
            &[],
            Kind::Writes,
            200.0,
            "DELETE FROM t",
        );
        let check = catalog::parse("q.sql", &text).unwrap();
        assert!(check.writes && check.params.is_none());
    }
}
