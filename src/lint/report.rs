//! The report of `lma lint`: a table for people, JSON, JUnit XML, and GitHub annotations.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::junit::escape;
use crate::output::{Block, Report, Table};

/// One finding: where, which rule, what it says, and where the rule is documented.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub message: String,
    pub help: Option<String>,
    pub docs: String,
    /// For an edited applied file: the change since the version the history records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Why the finding is accepted (an `-- lma:ignore` comment); ignored findings never fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// The report of `lma lint`.
#[derive(Debug, Serialize)]
pub struct LintReport {
    /// The files linted, in order.
    pub files: Vec<String>,
    /// The database whose history chose the pending files and checked the applied ones.
    pub database: Option<String>,
    pub findings: Vec<Finding>,
}

impl LintReport {
    /// The findings that count: not accepted by an ignore comment.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.ignored.is_none())
    }

    /// Whether anything fails the run.
    #[must_use]
    pub fn has_findings(&self) -> bool {
        self.active().next().is_some()
    }
}

impl Report for LintReport {
    fn human(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let active: Vec<&Finding> = self.active().collect();
        if !active.is_empty() {
            let mut table =
                Table::new(&["File", "Line", "Rule", "Message", "Docs"]).right_aligned(&[1]);
            for f in &active {
                let message = match &f.help {
                    Some(help) => format!("{} {help}", f.message),
                    None => f.message.clone(),
                };
                table.row([
                    f.file.clone(),
                    f.line.to_string(),
                    f.rule.clone(),
                    message,
                    f.docs.clone(),
                ]);
            }
            blocks.push(Block::Table(table));
        }
        for f in active.iter().filter(|f| f.diff.is_some()) {
            blocks.push(Block::Heading(format!(
                "{}: changed since it was applied",
                f.file
            )));
            blocks.push(Block::Line(
                f.diff.clone().unwrap_or_default().trim_end().to_owned(),
            ));
        }
        let ignored = self.findings.len() - active.len();
        let mut summary = format!(
            "{} file{} linted, {} finding{}",
            self.files.len(),
            plural(self.files.len()),
            active.len(),
            plural(active.len())
        );
        if ignored > 0 {
            let _ = write!(summary, ", {ignored} ignored by -- lma:ignore");
        }
        blocks.push(Block::Line(summary));
        blocks
    }

    fn junit(&self) -> Option<String> {
        let failures = self.active().count();
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites name=\"lma lint\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"lma lint\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
            self.files.len(),
            self.files.len()
        );
        for file in &self.files {
            let mine: Vec<&Finding> = self.active().filter(|f| &f.file == file).collect();
            let _ = write!(
                xml,
                "    <testcase classname=\"lma.lint\" name=\"{}\"",
                escape(file)
            );
            if mine.is_empty() {
                xml.push_str("/>\n");
                continue;
            }
            xml.push_str(">\n");
            for f in mine {
                let _ = writeln!(
                    xml,
                    "      <failure message=\"{}\" type=\"{}\">{}:{}:{}: {} ({})</failure>",
                    escape(&f.message),
                    escape(&f.rule),
                    escape(&f.file),
                    f.line,
                    f.column,
                    escape(&f.message),
                    escape(&f.docs)
                );
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        Some(xml)
    }

    fn github(&self) -> Option<String> {
        let mut out = String::new();
        for f in self.active() {
            let _ = writeln!(
                out,
                "::error file={},line={},col={},title={}::{}",
                property(&f.file),
                f.line,
                f.column,
                property(&f.rule),
                data(&format!("{} ({})", f.message, f.docs))
            );
        }
        Some(out)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// GitHub's escaping of a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> LintReport {
        let finding = |file: &str, ignored: Option<&str>| Finding {
            file: file.to_owned(),
            line: 3,
            column: 1,
            rule: "ban-drop-column".to_owned(),
            message: "Dropping a column, 100%\nsure?".to_owned(),
            help: None,
            docs: "https://squawkhq.com/docs/ban-drop-column".to_owned(),
            diff: None,
            ignored: ignored.map(str::to_owned),
        };
        LintReport {
            files: vec!["V1__a,b.sql".into(), "V2__b.sql".into()],
            database: None,
            findings: vec![
                finding("V1__a,b.sql", None),
                finding("V2__b.sql", Some("ok")),
            ],
        }
    }

    #[test]
    fn github_annotations_escape_their_properties_and_skip_ignored_findings() {
        let text = report().github().unwrap();
        assert_eq!(
            text,
            "::error file=V1__a%2Cb.sql,line=3,col=1,title=ban-drop-column::Dropping a column, 100%25%0Asure? (https://squawkhq.com/docs/ban-drop-column)\n"
        );
    }

    #[test]
    fn junit_has_a_testcase_per_file_and_a_failure_per_finding() {
        let xml = report().junit().unwrap();
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
        assert!(
            xml.contains("<testcase classname=\"lma.lint\" name=\"V2__b.sql\"/>"),
            "{xml}"
        );
    }

    #[test]
    fn the_table_lists_active_findings_then_diffs_then_the_summary() {
        let mut report = report();
        report.findings.push(Finding {
            file: "V1__a,b.sql".into(),
            line: 1,
            column: 1,
            rule: "edited-applied-migration".into(),
            message: "V1 was edited after it was applied.".into(),
            help: Some("Add a new migration instead.".into()),
            docs: "docs/lint.md#edited-applied-migration".into(),
            diff: Some("-SELECT 1;\n+SELECT 2;\n".into()),
            ignored: None,
        });
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
