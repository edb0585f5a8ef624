//! Exit statuses: findings are data (1), operational failures are errors (2).

use std::process::ExitCode;

/// What `lma` tells its caller through the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything ran and nothing needs attention.
    Success = 0,
    /// The command ran, and its report holds findings: a divergent migration, a failing check,
    /// an index problem.
    Findings = 1,
    /// The command could not do its work: bad input, an unreachable database, a broken file.
    Error = 2,
}

impl ExitStatus {
    /// `Findings` when `found` is true, else `Success`.
    #[must_use]
    pub fn findings_if(found: bool) -> Self {
        if found {
            Self::Findings
        } else {
            Self::Success
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}

/// The error and its cause chain on one line, as `error: …` prints it.
///
/// anyhow's `{:#}` joins the chain with ": "; a cause that repeats its parent's text (as
/// tokio-postgres errors often do) is skipped, and newlines inside a message are folded.
#[must_use]
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() || parts.last().is_some_and(|last| last.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_the_chain_and_folds_newlines() {
        let err = anyhow::anyhow!("inner\nproblem").context("outer");
        assert_eq!(one_line(&err), "outer: inner problem");
    }

    #[test]
    fn one_line_skips_a_cause_that_repeats_its_parent() {
        let err = anyhow::anyhow!("db error").context("query failed: db error");
        assert_eq!(one_line(&err), "query failed: db error");
    }

    #[test]
    fn exit_codes_are_the_documented_numbers() {
        assert_eq!(ExitStatus::Success as u8, 0);
        assert_eq!(ExitStatus::Findings as u8, 1);
        assert_eq!(ExitStatus::Error as u8, 2);
        assert_eq!(ExitStatus::findings_if(true), ExitStatus::Findings);
    }
}
