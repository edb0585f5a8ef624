//! `[[indexes.ignore]]`: findings a DBA has accepted. They stay in the report, marked ignored
//! with the entry's reason, and never fail the run.

use anyhow::bail;

use super::findings::{Finding, Kind};
use crate::config::IgnoreEntry;

/// Rejects entries that could never match or say nothing: a kind pattern matching no kind, or
/// an empty reason.
pub fn validate(entries: &[IgnoreEntry]) -> anyhow::Result<()> {
    for (at, entry) in entries.iter().enumerate() {
        let which = at + 1;
        if entry.reason.trim().is_empty() {
            bail!("[[indexes.ignore]] entry {which}: reason must say why the finding is accepted");
        }
        if !Kind::ALL.iter().any(|kind| glob(&entry.kind, kind.name())) {
            let names: Vec<&str> = Kind::ALL.iter().map(|kind| kind.name()).collect();
            bail!(
                "[[indexes.ignore]] entry {which}: kind {:?} matches none of {}",
                entry.kind,
                names.join(", ")
            );
        }
    }
    Ok(())
}

/// Marks each finding the first matching entry accepts: ignored, with its reason, not failing.
pub fn apply(findings: &mut [Finding], entries: &[IgnoreEntry]) {
    for finding in findings {
        if let Some(entry) = entries.iter().find(|entry| matches(entry, finding)) {
            finding.ignored = Some(entry.reason.clone());
            finding.fails = false;
        }
    }
}

fn matches(entry: &IgnoreEntry, finding: &Finding) -> bool {
    let subject = finding.index.as_ref().or(finding.constraint.as_ref());
    glob(&entry.kind, finding.kind.name())
        && name_matches(&entry.table, &finding.table)
        && name_matches(&entry.index, subject.map_or("", String::as_str))
}

/// A name matches as printed (`"Sales Ops"."Bookings"`) or with its quotes taken out
/// (`Sales Ops.Bookings`), so patterns need not spell SQL quoting.
fn name_matches(pattern: &str, name: &str) -> bool {
    glob(pattern, name) || glob(pattern, &name.replace('"', ""))
}

/// Shell-style matching of the whole text: `*` any run of characters, `?` any one.
#[must_use]
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it currently swallows up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((at, swallowed)) => {
                    p = at + 1;
                    t = swallowed + 1;
                    star = Some((at, swallowed + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_the_whole_name() {
        assert!(glob("*", ""));
        assert!(glob("public.*", "public.events"));
        assert!(!glob("public.*", "billing.events"));
        assert!(glob("*.events_20??", "public.events_2025"));
        assert!(!glob("events", "public.events"));
        assert!(glob("a*b*c", "aXXbYbZc"));
        assert!(!glob("a*b*c", "aXXbYbZ"));
    }

    #[test]
    fn quoted_names_match_with_or_without_their_quotes() {
        assert!(name_matches("Sales Ops.*", r#""Sales Ops"."Bookings""#));
        assert!(name_matches(
            r#""Sales Ops".*"#,
            r#""Sales Ops"."Bookings""#
        ));
    }

    fn entry(kind: &str, reason: &str) -> IgnoreEntry {
        IgnoreEntry {
            kind: kind.into(),
            table: "*".into(),
            index: "*".into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn an_entry_needs_a_reason_and_a_kind_that_exists() {
        assert!(validate(&[entry("unused", "monthly report")]).is_ok());
        assert!(validate(&[entry("missing-*", "ok")]).is_ok());
        let err = validate(&[entry("unused", "  ")]).unwrap_err().to_string();
        assert!(err.contains("entry 1: reason"), "{err}");
        let err = validate(&[entry("unusd", "typo")]).unwrap_err().to_string();
        assert!(err.contains("kind \"unusd\" matches none"), "{err}");
    }
}
