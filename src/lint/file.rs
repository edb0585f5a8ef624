//! Linting one migration's text: squawk's rules as lma's runner will run the file, lma's
//! refusals, and the file's `-- lma:ignore` comments.

use squawk_linter::Linter;
use squawk_syntax::SourceFile;

use super::ignore::{self, Ignore};
use super::report::Finding;
use super::rules::{self, RuleSet};
use crate::migrate::script::Script;
use crate::migrate::statements;

/// A finding before it is placed in a file: its rule, where it starts, what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    pub rule: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

/// The findings of one file, each with the reason of the comment that accepts it, if any.
#[must_use]
pub fn lint(text: &str, rules: &RuleSet) -> Vec<(Raw, Option<String>)> {
    let text = text.trim_start_matches('\u{feff}');
    let transactional = !statements::is_no_transaction(text);
    let mut raws = squawk(&sql_only(text), transactional, rules);
    let (script, refusals) = Script::read(text);
    raws.extend(refusals.into_iter().map(|refusal| Raw {
        rule: rules::refusal_rule(refusal.kind).to_owned(),
        line: refusal.line,
        column: 1,
        message: refusal.message,
        help: None,
    }));
    let ignores = ignore::find(text, &script.statements);
    raws.extend(ignores.iter().filter_map(invalid_ignore));
    raws.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
    raws.into_iter()
        .map(|raw| {
            let reason = accepted_by(&ignores, &raw);
            (raw, reason)
        })
        .collect()
}

/// The file as squawk can parse it: COPY's inline rows (up to `\.`) and psql meta-commands
/// blanked out, as psql sends neither to the server. Every byte is kept in place (spaces for
/// characters, newlines kept), so squawk's positions are the file's lines and columns.
fn sql_only(text: &str) -> String {
    let split = statements::split(text);
    let mut masked: Vec<(usize, usize)> = Vec::new();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    for meta in &split.meta_commands {
        if let Some(&start) = line_starts.get(meta.line - 1) {
            masked.push((start, start + meta.text.len()));
        }
    }
    let mut from = 0;
    for statement in &split.statements {
        let Some(data) = &statement.copy_data else {
            continue;
        };
        if let Some(at) = text[from..].find(data.as_str()) {
            let start = from + at;
            // The rows and the `\.` line that ends them.
            let end = text[start + data.len()..]
                .find('\n')
                .map_or(text.len(), |n| start + data.len() + n);
            masked.push((start, end));
            from = end;
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let hidden = c != '\n' && masked.iter().any(|&(a, b)| (a..b).contains(&i));
        if hidden {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// squawk's findings, with the file taken to run in a transaction exactly when lma runs it in one.
fn squawk(text: &str, transactional: bool, rules: &RuleSet) -> Vec<Raw> {
    let parse = SourceFile::parse(text);
    let mut linter = Linter::with_rules(&rules.include, &rules.exclude);
    linter.settings.pg_version = rules.pg_version;
    linter.settings.assume_in_transaction = transactional;
    let lines = LineIndex::new(text);
    let mut raws: Vec<Raw> = parse
        .errors()
        .iter()
        .map(|error| {
            let (line, column) = lines.at(usize::from(error.range().start()));
            Raw {
                rule: rules::SYNTAX_ERROR.to_owned(),
                line,
                column,
                message: error.message().to_owned(),
                help: None,
            }
        })
        .collect();
    for violation in linter.lint(&parse, text) {
        let (line, column) = lines.at(usize::from(violation.text_range.start()));
        raws.push(Raw {
            rule: violation.code.to_string(),
            line,
            column,
            message: violation.message,
            help: violation.help,
        });
    }
    raws
}

fn invalid_ignore(ignore: &Ignore) -> Option<Raw> {
    let problem = if ignore.rules.is_empty() {
        "names no rule".to_owned()
    } else if let Some(lma) = ignore
        .rules
        .iter()
        .find(|r| rules::LMA_RULES.contains(&r.as_str()))
    {
        format!("names {lma}, which cannot be ignored: `lma migrate` refuses what it reports")
    } else if let Some(unknown) = ignore
        .rules
        .iter()
        .find(|r| r.parse::<squawk_linter::Rule>().is_err())
    {
        format!("names {unknown}, which is no squawk rule")
    } else if ignore.reason.is_empty() {
        "gives no reason: write it after the rule names".to_owned()
    } else if ignore.covers.is_none() {
        "has no statement after it to cover".to_owned()
    } else {
        return None;
    };
    Some(Raw {
        rule: rules::INVALID_IGNORE.to_owned(),
        line: ignore.line,
        column: 1,
        message: format!("this `{}` comment {problem}", ignore::PREFIX),
        help: None,
    })
}

fn accepted_by(ignores: &[Ignore], raw: &Raw) -> Option<String> {
    if rules::LMA_RULES.contains(&raw.rule.as_str()) {
        return None;
    }
    ignores
        .iter()
        .filter(|ignore| invalid_ignore(ignore).is_none())
        .find(|ignore| ignore.accepts(&raw.rule, raw.line))
        .map(|ignore| format!("-- lma:ignore (line {}): {}", ignore.line, ignore.reason))
}

/// Byte offsets to 1-based lines and columns (in characters).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { text, starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text[start..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

/// A finding placed in its file.
#[must_use]
pub fn place(file: &str, raw: Raw, ignored: Option<String>) -> Finding {
    Finding {
        file: file.to_owned(),
        line: raw.line,
        column: raw.column,
        docs: rules::docs_url(&raw.rule),
        rule: raw.rule,
        message: raw.message,
        help: raw.help,
        diff: None,
        ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LintSection;

    fn rules_of(text: &str) -> Vec<String> {
        let set = RuleSet::resolve(&LintSection::default()).unwrap();
        lint(text, &set)
            .into_iter()
            .filter(|(_, ignored)| ignored.is_none())
            .map(|(raw, _)| format!("{}:{}", raw.line, raw.rule))
            .collect()
    }

    #[test]
    fn the_runner_sets_the_timeouts_and_marked_files_run_outside_a_transaction() {
        assert!(rules_of("CREATE TABLE t (id bigint, name text);\n").is_empty());
        let index = "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_name ON t (name);\n";
        let marked = format!("-- lma:no-transaction\n{index}");
        assert!(rules_of(&marked).is_empty(), "{:?}", rules_of(&marked));
        // Outside a transaction, squawk asks for statements that can run again.
        let rerunnable = "-- lma:no-transaction\nCREATE INDEX CONCURRENTLY t_name ON t (name);\n";
        assert_eq!(rules_of(rerunnable), ["2:prefer-robust-stmts"]);
        assert_eq!(
            rules_of(&format!("SELECT 1;\n{index}")),
            ["2:lma-concurrently-in-transaction"]
        );
    }

    #[test]
    fn copy_rows_and_meta_commands_are_not_parsed_as_sql_and_lines_stay_in_place() {
        // As pg_dump writes them: rows with quotes and semicolons, then `\.`.
        let dump = "\\restrict abc\nCREATE TABLE t (a text);\nCOPY t (a) FROM stdin;\n\
                    semi;colon 'quote\n\\.\nALTER TABLE t ADD COLUMN b text;\n";
        assert!(
            rules_of(dump).iter().all(|r| !r.ends_with("syntax-error")),
            "{:?}",
            rules_of(dump)
        );
        let masked = sql_only(dump);
        assert_eq!(masked.len(), dump.len());
        assert_eq!(masked.lines().count(), dump.lines().count());
        assert!(
            !masked.contains("quote") && !masked.contains("restrict"),
            "{masked}"
        );
        assert!(masked.contains("ALTER TABLE t ADD COLUMN b text;"));
    }

    #[test]
    fn a_whole_file_wrapper_is_accepted_and_other_transaction_control_is_not() {
        assert!(rules_of("BEGIN;\nCREATE TABLE t (id bigint);\nCOMMIT;\n").is_empty());
        assert_eq!(
            rules_of("CREATE TABLE t (id bigint);\nCOMMIT;\n"),
            ["2:lma-transaction-control"]
        );
    }

    #[test]
    fn an_ignore_accepts_a_squawk_finding_but_never_an_lma_one() {
        let sql = "-- lma:ignore ban-drop-column no reader left\nALTER TABLE t DROP COLUMN c;\n";
        assert!(rules_of(sql).is_empty(), "{:?}", rules_of(sql));
        let sql = "-- lma:ignore lma-transaction-control because\nCOMMIT;\n";
        assert_eq!(
            rules_of(sql),
            ["1:lma-invalid-ignore", "2:lma-transaction-control"]
        );
    }

    #[test]
    fn lines_and_columns_count_characters() {
        let index = LineIndex::new("ab\n\u{e9}cd\n");
        assert_eq!(index.at(0), (1, 1));
        assert_eq!(index.at(3), (2, 1));
        assert_eq!(index.at(6), (2, 3));
    }
}
