//! JUnit XML for CI: one testsuite, one testcase per check, the failure message its reasons.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;

use super::report::CheckReport;

/// Renders the report as JUnit XML.
#[must_use]
pub fn render(report: &CheckReport) -> String {
    let total_s: f64 = report.checks.iter().map(|c| c.p50_ms / 1000.0).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"lma check\" tests=\"{}\" failures=\"{}\">",
        report.checks.len(),
        report.failed
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"lma check\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{total_s:.6}\">",
        report.checks.len(),
        report.failed
    );
    for check in &report.checks {
        let _ = write!(
            xml,
            "    <testcase classname=\"lma.check\" name=\"{}\" time=\"{:.6}\"",
            escape(&check.name),
            check.p50_ms / 1000.0
        );
        if check.passed {
            xml.push_str("/>\n");
            continue;
        }
        let message = check.reasons.join("; ");
        let _ =
            writeln!(
            xml,
            ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
            escape(&message),
            escape(&format!("{}\nplan: {}", check.reasons.join("\n"), check.plan))
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Writes the JUnit XML file.
pub fn write(report: &CheckReport, path: &Path) -> anyhow::Result<()> {
    std::fs::write(path, render(report))
        .with_context(|| format!("cannot write the JUnit report {}", path.display()))
}

/// Escapes text for an XML attribute or element.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
