//! The table output of `lma indexes`, fitted to the terminal: the findings first, costliest
//! first, each wrapped to the width; a one-line summary per kind; the full inventory only with
//! `--list`, its columns narrowed to the width. Every catalog text passes
//! `output::terminal_safe` before it is wrapped, so a line break in a name is escaped too.

use super::findings::{Finding, Kind};
use super::report::{human_age, IndexesReport};
use super::size::human_size;
use crate::output::{terminal_safe, Block, Report, Table};

impl Report for IndexesReport {
    fn human(&self) -> Vec<Block> {
        blocks(self)
    }
}

/// The blocks of the table output.
#[must_use]
pub fn blocks(report: &IndexesReport) -> Vec<Block> {
    let view = report.view;
    let heading = terminal_safe(&format!(
        "Indexes of {} (PostgreSQL {}), schemas: {}",
        report.database,
        report.server_version,
        report.schemas.join(", ")
    ));
    let mut blocks = vec![Block::Heading(wrap(&heading, view.width, ""))];
    let (unjudged, shown) = listed(report);
    blocks.push(Block::Heading("Findings".into()));
    if shown.is_empty() {
        blocks.push(Block::Line("No findings.".into()));
    }
    for finding in shown {
        blocks.extend(
            finding_lines(finding, view.width)
                .into_iter()
                .map(Block::Line),
        );
    }
    if !unjudged.is_empty() {
        blocks.push(Block::Line(wrap(
            &format!(
                "Not judged: {} indexes have no scans in {} of statistics, younger than \
                 [indexes] min_stats_age ({}); --all lists them.",
                unjudged.len(),
                human_age(report.statistics.age_seconds),
                human_age(report.statistics.min_age_seconds)
            ),
            view.width,
            "",
        )));
    }
    blocks.push(Block::Heading("Summary".into()));
    blocks.extend(summary(report, view.width).into_iter().map(Block::Line));
    if view.list {
        blocks.extend(inventory(report, view.width));
    }
    blocks
}

/// The unused verdicts on young statistics that the table only counts (unless `--all`), and
/// the findings it shows, failing first, then costliest first: `(counted, shown)`.
#[must_use]
pub fn listed(report: &IndexesReport) -> (Vec<&Finding>, Vec<&Finding>) {
    let (unjudged, mut shown): (Vec<&Finding>, Vec<&Finding>) = report
        .findings
        .iter()
        .partition(|f| !report.view.all && f.kind == Kind::Unused && !f.reliable);
    // What fails first, then what costs most: the bytes every write maintains or scans.
    shown.sort_by_key(|f| (!f.fails, std::cmp::Reverse(f.cost_bytes)));
    (unjudged, shown)
}

/// One finding: a header line, the reason and the fix, wrapped and indented.
#[must_use]
pub fn finding_lines(finding: &Finding, width: usize) -> Vec<String> {
    let status = match (&finding.ignored, finding.fails, finding.reliable) {
        (Some(_), _, _) => "ignored",
        (None, true, _) => "FAIL",
        (None, false, false) => "unreliable",
        (None, false, true) => "warn",
    };
    let subject = finding.index.as_ref().or(finding.constraint.as_ref());
    let mut head = format!("{status} {}: {}", finding.kind.name(), finding.table);
    if let Some(subject) = subject {
        head = format!("{head} {subject}");
    }
    if finding.cost_bytes > 0 {
        head = format!("{head} ({})", human_size(finding.cost_bytes));
    }
    let mut reason = finding.reason.clone();
    if let Some(why) = &finding.ignored {
        reason = format!("IGNORED ({why}): {reason}");
    }
    let mut lines = vec![wrap(&terminal_safe(&head), width, "")];
    lines.push(wrap(&terminal_safe(&reason), width, "  "));
    if let Some(sql) = &finding.sql {
        lines.push(wrap(&terminal_safe(&format!("fix: {sql}")), width, "  "));
    }
    lines
}

/// A line per kind found: how many, how many fail, how many are ignored or not judged.
fn summary(report: &IndexesReport, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|&kind| {
            let of_kind: Vec<&Finding> =
                report.findings.iter().filter(|f| f.kind == kind).collect();
            let count = |keep: fn(&Finding) -> bool| of_kind.iter().filter(|f| keep(f)).count();
            (!of_kind.is_empty()).then(|| {
                format!(
                    "  {:<16}{:>5}  ({} fail, {} ignored, {} unreliable)",
                    kind.name(),
                    of_kind.len(),
                    count(|f| f.fails),
                    count(|f| f.ignored.is_some()),
                    count(|f| !f.reliable)
                )
            })
        })
        .collect();
    let failing = report.findings.iter().filter(|f| f.fails).count();
    lines.push(format!(
        "{} indexes on {} tables; {} findings, {failing} fail the run.",
        report.indexes.len(),
        report.tables.len(),
        report.findings.len()
    ));
    lines.push(wrap(&report.statistics_line(), width, ""));
    lines
}

/// The indexes and tables, each table's columns narrowed to fit the width.
fn inventory(report: &IndexesReport, width: usize) -> Vec<Block> {
    let header = [
        "Table",
        "Index",
        "Method",
        "Key columns",
        "Size",
        "Scans",
        "Flags",
    ];
    let rows: Vec<Vec<String>> = report
        .indexes
        .iter()
        .map(|e| {
            vec![
                format!("{}.{}", e.schema, e.table),
                e.name.clone(),
                e.access_method.clone(),
                e.key_columns.join(", "),
                e.size.clone(),
                e.idx_scan.to_string(),
                e.flags.describe(),
            ]
        })
        .collect();
    let tables_header = [
        "Table",
        "Rows",
        "Size",
        "Indexes",
        "Index size",
        "Seq scans",
    ];
    let table_rows: Vec<Vec<String>> = report
        .tables
        .iter()
        .map(|t| {
            vec![
                format!("{}.{}", t.schema, t.name),
                t.rows.to_string(),
                t.table_size.clone(),
                t.index_count.to_string(),
                t.index_size.clone(),
                t.seq_scan.to_string(),
            ]
        })
        .collect();
    vec![
        Block::Heading("Indexes".into()),
        Block::Table(fitted(&header, rows, width).right_aligned(&[4, 5])),
        Block::Heading("Tables".into()),
        Block::Table(fitted(&tables_header, table_rows, width).right_aligned(&[1, 2, 3, 4, 5])),
    ]
}

/// A table whose widest columns are cut (with "…") until every line fits in `width`: the
/// borders take 3 columns per cell and 1 more.
fn fitted(header: &[&str], rows: Vec<Vec<String>>, width: usize) -> Table {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.iter().map(|cell| terminal_safe(cell)).collect())
        .collect();
    let natural: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|row| row[c].chars().count())
                .chain(std::iter::once(header[c].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let room = width.saturating_sub(3 * header.len() + 1);
    let widest = natural.iter().copied().max().unwrap_or(0);
    let cap = (1..=widest)
        .rev()
        .find(|&cap| natural.iter().map(|&w| w.min(cap)).sum::<usize>() <= room)
        .unwrap_or(1);
    let mut table = Table::new(
        &header
            .iter()
            .map(|h| cut(h, cap))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    for row in rows {
        table.row(row.iter().map(|cell| cut(cell, cap)));
    }
    table
}

fn cut(text: &str, cap: usize) -> String {
    if text.chars().count() <= cap {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(cap.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

/// Wraps text at spaces to `width`, continuation lines indented; a word longer than a line is
/// split, so no line is ever wider.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > room {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..room).collect());
        }
        let word: String = word.into_iter().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    lines.push(line);
    lines
        .iter()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_never_exceed_the_width() {
        let text = "a ".repeat(80) + &"x".repeat(250);
        let wrapped = wrap(&text, 40, "    ");
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 40),
            "{wrapped}"
        );
        assert!(wrapped.lines().count() > 3);
    }

    #[test]
    fn cells_are_cut_with_an_ellipsis() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
