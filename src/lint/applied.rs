//! `lma-applied-file-edited`: a migration the database has applied whose file changed since,
//! found by refinery's checksum, with the diff from the git commit whose text has the
//! recorded checksum.

use std::path::Path;
use std::process::Command;

use refinery::Migration;

use super::report::Finding;
use super::rules::{docs_url, APPLIED_FILE_EDITED};
use crate::migrate::history::same_checksum;
use crate::migrate::source::MigrationSet;

/// How far back git's log of a file is searched for the applied text.
const MAX_COMMITS: usize = 200;

/// A finding for every applied migration whose file no longer has the recorded checksum.
#[must_use]
pub fn edited(set: &MigrationSet, applied: &[Migration]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for done in applied {
        let Some(file) = set
            .migrations()
            .iter()
            .find(|m| m.version() == done.version())
        else {
            continue;
        };
        if same_checksum(file, done) {
            continue;
        }
        let label = set.label(file);
        let diff = set
            .file(file.version())
            .and_then(|path| git_diff(path, file, done));
        let applied_on = done
            .applied_on()
            .map_or_else(String::new, |at| format!(" on {}", at.date()));
        let source = if diff.is_some() {
            "the diff below is from the git commit that has the applied text"
        } else {
            "no commit in the file's git history has the applied text, so no diff is shown"
        };
        findings.push(Finding {
            file: label,
            line: 1,
            column: 1,
            rule: APPLIED_FILE_EDITED.to_owned(),
            message: format!(
                "V{} was applied{applied_on} with checksum {}, and the file has changed since ({source}); `lma migrate` refuses a divergent history: restore the file and put the change in a new migration",
                done.version(),
                done.checksum()
            ),
            help: None,
            docs: docs_url(APPLIED_FILE_EDITED),
            diff,
            ignored: None,
        });
    }
    findings
}

/// `git diff` from the newest commit whose version of the file has the recorded checksum to
/// the file as it is now.
fn git_diff(path: &Path, file: &Migration, done: &Migration) -> Option<String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?.to_str()?;
    let log = git(
        dir,
        &["log", "--format=%H", &format!("-{MAX_COMMITS}"), "--", name],
    )?;
    let stem = format!("{}{}__{}", file.prefix(), file.version(), file.name());
    let commit = log.lines().find(|commit| {
        git(dir, &["show", &format!("{commit}:./{name}")])
            .and_then(|text| Migration::unapplied(&stem, &text).ok())
            .is_some_and(|old| same_checksum(&old, done))
    })?;
    git(
        dir,
        &["diff", "--no-color", "--no-ext-diff", commit, "--", name],
    )
    .filter(|diff| !diff.trim().is_empty())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
