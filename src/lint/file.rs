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
    let mut raws = squawk(text, transactional, rules);
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
    use crate::lint::rules::LintSection;

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
