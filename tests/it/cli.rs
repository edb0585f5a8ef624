//! End to end: exit codes, the stdout/stderr split, and errors that never show a password.

use predicates::prelude::*;

use crate::support::{lma_binary, server, TestDb};

const PASSWORD: &str = "Sup3rSecretPw";

/// Runs lma and checks the error contract: exit 2, nothing on stdout, one `error:` line on
/// stderr that never contains the password. Returns that line.
fn fails_with_one_line(mut command: assert_cmd::Command) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "the password leaked: {stderr}");
    stderr
}

#[test]
fn a_malformed_config_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lma.toml");
    std::fs::write(&path, "[database]\nurl = \"postgres://x\"\nurll = 1\n").unwrap();
    let mut command = lma_binary();
    command.arg("--config").arg(&path).arg("status");
    let line = fails_with_one_line(command);
    assert!(
        line.contains("lma.toml") && line.contains("line 3") && line.contains("urll"),
        "{line}"
    );
}

#[test]
fn an_explicit_config_that_is_missing_is_an_error() {
    let mut command = lma_binary();
    command.args(["--config", "/nonexistent/lma.toml", "status"]);
    assert!(fails_with_one_line(command).contains("/nonexistent/lma.toml"));
}

#[test]
fn a_bad_url_is_an_error_without_the_password() {
    let mut command = lma_binary();
    command.args([
        "status",
        "--database-url",
        &format!("postgres://u:{PASSWORD}@h:notaport/db"),
    ]);
    assert!(fails_with_one_line(command).contains("invalid database URL"));
}

#[test]
fn an_unreachable_server_is_named_without_the_password() {
    let mut command = lma_binary();
    command.args([
        "status",
        "--database-url",
        &format!("postgres://alice:{PASSWORD}@127.0.0.1:1/crm"),
    ]);
    let line = fails_with_one_line(command);
    assert!(
        line.contains("cannot connect to alice@127.0.0.1:1/crm"),
        "{line}"
    );
}

#[test]
fn a_wrong_database_is_named_without_the_password() {
    let url =
        server()
            .url("no_such_database")
            .replacen("postgres@", &format!("postgres:{PASSWORD}@"), 1);
    let mut command = lma_binary();
    command.args(["migrate", "--database-url", &url]);
    let line = fails_with_one_line(command);
    assert!(
        line.contains("no_such_database") && line.contains("does not exist"),
        "{line}"
    );
}

#[test]
fn the_environment_supplies_the_database_when_no_flag_does() {
    let url = server().url("no_such_database_from_env");
    let mut command = lma_binary();
    command.env("DATABASE_URL", url).arg("status");
    assert!(fails_with_one_line(command).contains("no_such_database_from_env"));
}

#[test]
fn an_unknown_flag_value_is_a_usage_error() {
    lma_binary()
        .args(["status", "--format", "xml"])
        .assert()
        .code(2)
        .stdout("");
}

/// clap's refusals keep its usage hint, but the first line alone says what was wrong.
#[test]
fn a_refused_command_line_says_everything_on_its_first_line_and_exits_2() {
    for (args, first) in [
        (
            &["seed", "--scale", "huge"][..],
            "error: invalid value 'huge' for '--scale <SCALE>' \
             [possible values: tiny, small, medium, large]",
        ),
        (
            &["baseline"][..],
            "error: the following required arguments were not provided: <VERSION>",
        ),
    ] {
        let output = lma_binary().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert_eq!(stderr.lines().next(), Some(first), "{stderr}");
        assert!(stderr.contains("try '--help'"), "the hint stays: {stderr}");
    }
}

/// A doc comment's `{n}` is a line break to clap; the help must show the file pattern whole.
#[test]
fn the_migrations_flag_help_shows_the_file_pattern() {
    lma_binary()
        .args(["migrate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Load V<N>__<NAME>.sql migrations"));
}

#[test]
fn help_documents_the_exit_codes() {
    lma_binary()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("1  findings"));
}

#[tokio::test]
async fn the_report_goes_to_stdout_and_progress_to_stderr() {
    let db = TestDb::new().await;
    let dir = crate::support::fixture("migrations_basic");
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stdout.contains("applied 3, now at V3"), "{stdout}");
    assert!(stderr.contains("applied V1 create_widgets"), "{stderr}");
    assert!(
        !stdout.contains("applied V1 create_widgets"),
        "progress stays off stdout"
    );
    let quiet = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(&dir)
        .arg("-q")
        .output()
        .unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn demo_migrates_seeds_checks_a_throwaway_cluster_and_removes_it() {
    let output = lma_binary()
        .args(["demo", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let applied = report["migrate"]["applied"].as_array().unwrap().len();
    assert!(applied > 0);
    let states = report["status"]["migrations"].as_array().unwrap();
    assert_eq!(states.len(), applied);
    assert!(states.iter().all(|m| m["state"] == "applied"));
    let findings = report["indexes"]["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["fails"] == false),
        "the LMA schema has no index finding that fails: {findings:#?}"
    );
    let seed = &report["seed"];
    assert_eq!(seed["scale"], "small");
    let plan = lma::seed::plan::Plan::new(lma::seed::plan::Scale::Small.leads());
    assert_eq!(seed["total"]["rows"].as_u64(), Some(plan.total_rows()));
    let tables = seed["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 14);
    assert!(tables.iter().all(|t| t["rows"].as_u64() > Some(0)));
    let check = &report["check"];
    assert_eq!(check["failed"], 0, "{:#?}", check["checks"]);
    assert_eq!(check["latency_judged"], false);
    let checks = check["checks"].as_array().unwrap();
    assert_eq!(check["passed"].as_u64(), Some(checks.len() as u64));
    assert!(checks.iter().all(|c| c["passed"] == true));
    assert_eq!(check["coverage"]["required"], true);
    assert_eq!(check["coverage"]["uncovered"], serde_json::json!([]));
    // lma indexes runs after the checks and sees their scans: no index a check used is unused.
    let scans: std::collections::HashMap<&str, u64> = report["indexes"]["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["idx_scan"].as_u64().unwrap()))
        .collect();
    for used in checks.iter().flat_map(|c| c["indexes"].as_array().unwrap()) {
        let name = used["index"].as_str().unwrap();
        assert!(
            scans[name] > 0,
            "{name} was used by a check but has no scans"
        );
    }
    let port = report["server"]["port"].as_u64().unwrap();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", u16::try_from(port).unwrap())).is_err(),
        "the server was stopped"
    );
}
