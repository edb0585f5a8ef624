//! `lma lint`: squawk's rules as lma runs the files, lma's own rules, ignores, the pending
//! files of a database, edited applied files, and the CI formats.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{fixture, fixture_copy, json, lma_binary, TestDb};

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// `lma lint --format json FILE...` with no config file and no database.
fn lint_files(files: &[PathBuf]) -> std::process::Output {
    let config = tempfile::NamedTempFile::new().unwrap();
    lma_binary()
        .arg("--config")
        .arg(config.path())
        .args(["lint", "--format", "json"])
        .args(files)
        .output()
        .unwrap()
}

fn rules_by_file(report: &Value) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let mut map = std::collections::BTreeMap::new();
    for file in report["files"].as_array().unwrap() {
        map.insert(file.as_str().unwrap().to_owned(), BTreeSet::new());
    }
    for finding in report["findings"].as_array().unwrap() {
        if finding.get("ignored").is_some() {
            continue;
        }
        let file = finding["file"].as_str().unwrap().to_owned();
        let rule = finding["rule"].as_str().unwrap().to_owned();
        map.get_mut(&file).unwrap().insert(rule);
    }
    map
}

/// The rules a fixture's `-- expect: a, b` line names.
fn expected(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("-- expect: "))
        .unwrap_or_else(|| panic!("{} has no -- expect: line", path.display()));
    line.split(',').map(|r| r.trim().to_owned()).collect()
}

#[test]
fn lint_finds_each_unsafe_pattern_of_the_fixtures_and_exits_1() {
    let files = sql_files(&fixture("lint/unsafe"));
    let output = lint_files(&files);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = rules_by_file(&json(&output));
    for file in &files {
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let rules = &found[&file.display().to_string()];
        assert!(rules.contains(stem), "{stem}: found {rules:?}");
        assert_eq!(rules, &expected(file), "{}", file.display());
    }
}

#[test]
fn what_the_runner_does_is_not_a_finding_and_ignores_accept_findings() {
    let files = sql_files(&fixture("lint/runner"));
    let output = lint_files(&files);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report = json(&output);
    let ignored: Vec<&Value> = report["findings"].as_array().unwrap().iter().collect();
    assert_eq!(ignored.len(), 1, "{report:#}");
    assert_eq!(ignored[0]["rule"], "ban-drop-column");
    assert!(ignored[0]["ignored"]
        .as_str()
        .unwrap()
        .contains("stopped reading color"));
}

#[test]
fn a_rule_switched_off_in_the_config_is_not_run_and_one_without_a_reason_is_an_error() {
    let file = fixture("lint/unsafe/ban-drop-column.sql");
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        config.path(),
        "[lint.rules]\nban-drop-column = { enabled = false, reason = \"columns go with a deprecation cycle\" }\n",
    )
    .unwrap();
    let run = || {
        lma_binary()
            .arg("--config")
            .arg(config.path())
            .arg("lint")
            .arg(&file)
            .output()
            .unwrap()
    };
    let output = run();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    std::fs::write(
        config.path(),
        "[lint.rules]\nban-drop-column = { enabled = false }\n",
    )
    .unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("reason"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn the_lma_schema_lints_clean_with_the_committed_config() {
    let output = lma_binary().args(["lint", "--all"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("0 findings"), "{text}");
}

#[test]
fn github_and_junit_formats_carry_each_finding() {
    let file = fixture("lint/unsafe/ban-drop-column.sql");
    let github = lma_binary()
        .args(["lint", "--format", "github"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(github.status.code(), Some(1));
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(
        text.starts_with(&format!(
            "::error file={},line=2,col=21,title=ban-drop-column::",
            file.display()
        )),
        "{text}"
    );
    let junit = lma_binary()
        .args(["lint", "--format", "junit"])
        .arg(&file)
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(
        xml.contains("<failure message=") && xml.contains("type=\"ban-drop-column\""),
        "{xml}"
    );
    let other = lma_binary()
        .args(["status", "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("not available for this command"));
}

#[test]
fn lint_json_has_a_stable_shape() {
    let output = lint_files(&[fixture("lint/unsafe/ban-drop-column.sql")]);
    let report = json(&output);
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["database", "files", "findings"]);
    let finding = report["findings"][0].as_object().unwrap();
    let keys: Vec<&str> = finding.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["column", "docs", "file", "help", "line", "message", "rule"]
    );
    assert_eq!(finding["docs"], "https://squawkhq.com/docs/ban-drop-column");
}

#[tokio::test]
async fn with_a_database_only_pending_migrations_are_linted_unless_all() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    db.migrate_dir(&dir, Some(2));
    let files = |args: &[&str]| {
        let output = db
            .lma()
            .args(["lint", "--format", "json", "--migrations"])
            .arg(&dir)
            .args(args)
            .output()
            .unwrap();
        let report = json(&output);
        let names: Vec<String> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                Path::new(f.as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names
    };
    assert_eq!(files(&[]), ["V3__create_gadgets.sql"]);
    assert_eq!(files(&["--all"]).len(), 3);
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=lma",
            "-c",
            "user.email=lma@example.invalid",
        ])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[tokio::test]
async fn an_applied_file_edited_since_is_a_finding_with_its_diff() {
    let db = TestDb::new().await;
    let copy = fixture_copy("migrations_basic");
    git(copy.path(), &["init", "-q"]);
    git(copy.path(), &["add", "."]);
    git(copy.path(), &["commit", "-q", "-m", "migrations"]);
    db.migrate_dir(copy.path(), None);
    let file = copy.path().join("V2__add_widget_color.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}-- an afterthought\n")).unwrap();
    let output = db
        .lma()
        .args(["lint", "--format", "json", "--migrations"])
        .arg(copy.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["rule"], "lma-applied-file-edited");
    assert!(findings[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("V2__add_widget_color.sql"));
    let diff = findings[0]["diff"].as_str().unwrap();
    assert!(diff.contains("+-- an afterthought"), "{diff}");
    assert!(
        report["files"].as_array().unwrap().is_empty(),
        "nothing is pending"
    );
}
