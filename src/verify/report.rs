//! The report of `lma verify`: one outcome per step, as JSON (each step's own report inside),
//! a table, JUnit XML (a testsuite per step) and a Markdown summary for the CI job's page.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::junit::escape;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table, Tone};

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    /// Not run: not asked for with --steps, or not applicable (the reason says which).
    Skipped,
    Findings,
    Error,
}

impl Status {
    /// The exit status this outcome stands for.
    #[must_use]
    pub fn exit(self) -> ExitStatus {
        match self {
            Self::Passed | Self::Skipped => ExitStatus::Success,
            Self::Findings => ExitStatus::Findings,
            Self::Error => ExitStatus::Error,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Skipped => "skipped",
            Self::Findings => "findings",
            Self::Error => "error",
        }
    }
}

/// One JUnit testcase of a step: a file, a check, a difference, a finding.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub name: String,
    pub failure: Option<String>,
}

/// One step's outcome.
#[derive(Debug, Serialize)]
pub struct StepOutcome {
    pub step: &'static str,
    pub status: Status,
    /// One line: what the step found, why it was skipped, or the error.
    pub summary: String,
    pub milliseconds: u64,
    /// The step's own report, as its command's `--format json` prints it.
    pub report: Option<serde_json::Value>,
    #[serde(skip)]
    pub cases: Vec<Case>,
}

/// The report of `lma verify`.
#[derive(Debug, Serialize)]
pub struct VerifyReport {
    pub database: String,
    pub status: Status,
    pub steps: Vec<StepOutcome>,
}

impl VerifyReport {
    /// The worst step's status; skipped steps count as passed.
    #[must_use]
    pub fn worst(steps: &[StepOutcome]) -> Status {
        steps
            .iter()
            .map(|s| s.status)
            .filter(|s| *s != Status::Skipped)
            .max()
            .unwrap_or(Status::Passed)
    }

    /// The run's Markdown summary, for `$GITHUB_STEP_SUMMARY`.
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "## lma verify: {}\n\n`{}`\n\n| step | status | ms | summary |\n|---|---|---:|---|\n",
            self.status.label(),
            self.database
        );
        for step in &self.steps {
            let icon = match step.status {
                Status::Passed => "✅",
                Status::Skipped => "⏭️",
                Status::Findings => "❌",
                Status::Error => "💥",
            };
            let _ = writeln!(
                md,
                "| {} | {icon} {} | {} | {} |",
                step.step,
                step.status.label(),
                step.milliseconds,
                step.summary.replace('|', "\\|").replace('\n', " ")
            );
        }
        for step in self
            .steps
            .iter()
            .filter(|s| s.cases.iter().any(|c| c.failure.is_some()))
        {
            let _ = writeln!(md, "\n### {}\n", step.step);
            for case in step.cases.iter().filter(|c| c.failure.is_some()) {
                let failure = case
                    .failure
                    .as_deref()
                    .unwrap_or_default()
                    .replace('\n', " ");
                let _ = writeln!(md, "- `{}`: {failure}", case.name.replace('`', "'"));
            }
        }
        md
    }
}

impl Report for VerifyReport {
    fn human(&self) -> Vec<Block> {
        let mut table = Table::new(&["Step", "Status", "ms", "Summary"]).right_aligned(&[2]);
        for step in &self.steps {
            let tone = match step.status {
                Status::Passed => Tone::Good,
                Status::Skipped => Tone::Plain,
                Status::Findings => Tone::Warn,
                Status::Error => Tone::Bad,
            };
            table.toned_row(vec![
                (step.step.to_owned(), Tone::Plain),
                (step.status.label().to_owned(), tone),
                (step.milliseconds.to_string(), Tone::Plain),
                (step.summary.clone(), Tone::Plain),
            ]);
        }
        let mut blocks = vec![Block::Table(table)];
        for step in &self.steps {
            for case in step.cases.iter().filter(|c| c.failure.is_some()) {
                let failure = case.failure.as_deref().unwrap_or_default();
                blocks.push(Block::Line(format!(
                    "{}: {}: {failure}",
                    step.step, case.name
                )));
            }
        }
        blocks.push(Block::Line(format!(
            "{}: {}",
            self.database,
            self.status.label()
        )));
        blocks
    }

    fn junit(&self) -> Option<String> {
        let count = |f: &dyn Fn(&Case) -> bool| {
            self.steps
                .iter()
                .flat_map(|s| &s.cases)
                .filter(|c| f(c))
                .count()
        };
        let tests: usize = self.steps.iter().map(|s| s.cases.len().max(1)).sum();
        let failures = count(&|c| c.failure.is_some());
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites name=\"lma verify\" tests=\"{tests}\" failures=\"{failures}\">"
        );
        for step in &self.steps {
            let failed = step.cases.iter().filter(|c| c.failure.is_some()).count();
            let _ = writeln!(
                xml,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"{}\" skipped=\"{}\" time=\"{}.{:03}\">",
                step.step,
                step.cases.len().max(1),
                u8::from(step.status == Status::Error),
                u8::from(step.status == Status::Skipped),
                step.milliseconds / 1000,
                step.milliseconds % 1000
            );
            if step.cases.is_empty() && !matches!(step.status, Status::Error | Status::Skipped) {
                let _ = writeln!(
                    xml,
                    "    <testcase classname=\"lma.verify.{0}\" name=\"{0}\"/>",
                    step.step
                );
            }
            if step.status == Status::Error || step.status == Status::Skipped {
                let tag = if step.status == Status::Error {
                    "error"
                } else {
                    "skipped"
                };
                let _ = writeln!(
                    xml,
                    "    <testcase classname=\"lma.verify.{0}\" name=\"{0}\">\n      <{tag} message=\"{1}\"/>\n    </testcase>",
                    step.step,
                    escape(&step.summary)
                );
            }
            for case in &step.cases {
                let _ = write!(
                    xml,
                    "    <testcase classname=\"lma.verify.{}\" name=\"{}\"",
                    step.step,
                    escape(&case.name)
                );
                match &case.failure {
                    None => xml.push_str("/>\n"),
                    Some(failure) => {
                        let _ = writeln!(
                            xml,
                            ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                            escape(failure.lines().next().unwrap_or_default()),
                            escape(failure)
                        );
                    }
                }
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        Some(xml)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(status: Status) -> StepOutcome {
        StepOutcome {
            step: "lint",
            status,
            summary: "x | y".into(),
            milliseconds: 1500,
            report: None,
            cases: vec![Case {
                name: "V1 a".into(),
                failure: (status == Status::Findings).then(|| "bad".to_owned()),
            }],
        }
    }

    #[test]
    fn the_worst_step_wins_and_skipped_steps_count_as_passed() {
        assert_eq!(
            VerifyReport::worst(&[step(Status::Skipped)]),
            Status::Passed
        );
        let steps = [
            step(Status::Passed),
            step(Status::Error),
            step(Status::Findings),
        ];
        assert_eq!(VerifyReport::worst(&steps), Status::Error);
        assert_eq!(Status::Findings.exit(), ExitStatus::Findings);
    }

    #[test]
    fn the_summary_escapes_table_cells_and_lists_failures() {
        let steps = vec![step(Status::Findings)];
        let report = VerifyReport {
            database: "db".into(),
            status: VerifyReport::worst(&steps),
            steps,
        };
        let md = report.markdown();
        assert!(
            md.contains("| lint | ❌ findings | 1500 | x \\| y |"),
            "{md}"
        );
        assert!(md.contains("- `V1 a`: bad"), "{md}");
        let xml = report.junit().unwrap();
        assert!(xml.contains("time=\"1.500\""), "{xml}");
    }

    #[test]
    fn the_table_has_a_row_per_step_then_each_failure() {
        let skipped = StepOutcome {
            step: "drift",
            summary: "not asked for (--steps)".into(),
            milliseconds: 0,
            cases: Vec::new(),
            ..step(Status::Skipped)
        };
        let migrate = StepOutcome {
            step: "migrate",
            summary: "applied 28".into(),
            ..step(Status::Passed)
        };
        let steps = vec![migrate, step(Status::Findings), skipped];
        let report = VerifyReport {
            database: "lma@localhost:5432/lma".into(),
            status: VerifyReport::worst(&steps),
            steps,
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
