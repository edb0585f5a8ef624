//! Hostile text: names, query texts and server messages holding terminal escape sequences
//! (ESC, CSI, OSC, BEL, C1, carriage return) and bidi overrides reach no terminal raw, from any
//! command; the JSON keeps them exact.

use std::path::Path;

use crate::support::{json, server, TestDb};

/// The hostile text: an OSC that retitles the terminal, a colour, a BEL, a carriage return, a
/// C1 CSI and a right-to-left override.
const HOSTILE: &str = "t\u{1b}]0;owned\u{7}\u{1b}[31mred\r\u{9b}2J\u{202e}cba";

/// The same as a quoted identifier: PostgreSQL takes any character there but NUL and `"`.
fn hostile_ident() -> String {
    format!("\"{HOSTILE}\"")
}

/// Fails when `text` holds a character that commands a terminal: any control character but the
/// newline, or a bidi control.
fn assert_terminal_safe(what: &str, text: &str) {
    let unsafe_char = text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert_eq!(unsafe_char, None, "{what} printed raw: {text:?}");
}

/// Stdout and stderr of a run, each checked, and stdout returned.
fn checked(what: &str, output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_terminal_safe(&format!("{what} (stdout)"), &stdout);
    assert_terminal_safe(
        &format!("{what} (stderr)"),
        &String::from_utf8_lossy(&output.stderr),
    );
    stdout
}

fn write_migration(dir: &Path, file: &str, sql: &str) {
    std::fs::write(dir.join(file), sql).unwrap();
}

#[tokio::test]
async fn drift_prints_a_hostile_table_name_escaped_and_keeps_it_in_json() {
    let db = TestDb::new().await;
    let migrations = tempfile::tempdir().unwrap();
    write_migration(migrations.path(), "V1__t.sql", "CREATE TABLE t (id int);\n");
    db.migrate_dir(migrations.path(), None);
    let table = hostile_ident();
    db.client()
        .await
        .batch_execute(&format!(
            "CREATE TABLE {table} (id int); COMMENT ON TABLE t IS '{HOSTILE}'"
        ))
        .await
        .unwrap();
    let scratch = server().url("postgres");
    let drift = |format: &str| {
        db.lma()
            .args(["drift", "--format", format, "--scratch-url", &scratch])
            .arg("--migrations")
            .arg(migrations.path())
            .output()
            .unwrap()
    };
    let output = drift("table");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = checked("drift", &output);
    assert!(stdout.contains("\\u{1b}]0;owned\\u{7}"), "{stdout}");
    let report = json(&drift("json"));
    let names: Vec<&str> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert!(names.iter().any(|n| n.contains(HOSTILE)), "{names:?}");
}

#[tokio::test]
async fn queries_prints_a_hostile_query_text_escaped_and_keeps_it_in_json() {
    let db = TestDb::new().await;
    let client = db.client().await;
    client
        .batch_execute(
            "CREATE EXTENSION pg_stat_statements;
             SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database
                                                 WHERE datname = current_database()), 0);",
        )
        .await
        .unwrap();
    // pg_sleep makes the mean at least 250 ms: a lower bound for --min-mean-ms, not a timing.
    let query = format!("SELECT 1 AS {}, pg_sleep(0.25)", hostile_ident());
    client.batch_execute(&query).await.unwrap();
    let queries = |format: &str| {
        db.lma()
            .args(["queries", "--min-mean-ms", "200", "--format", format])
            .output()
            .unwrap()
    };
    let output = queries("table");
    // A statement over --min-mean-ms is a finding.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = checked("queries", &output);
    assert!(stdout.contains("\\u{1b}]0;owned"), "{stdout}");
    let report = json(&queries("json"));
    let texts: Vec<&str> = report["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["query"].as_str())
        .collect();
    assert!(texts.iter().any(|q| q.contains(HOSTILE)), "{texts:?}");
}

#[tokio::test]
async fn fleet_target_names_are_printed_escaped_and_kept_in_json() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.toml");
    let name = toml::Value::String(HOSTILE.to_owned());
    std::fs::write(
        &targets,
        format!(
            "[[target]]\nname = {name}\nurl = \"{}\"\n\n[[target]]\nname = \"plain\"\nurl = \"{}\"\n",
            db.url, db.url
        ),
    )
    .unwrap();
    let status = |format: &str| {
        crate::support::lma_binary()
            .args(["status", "--format", format, "--targets"])
            .arg(&targets)
            .output()
            .unwrap()
    };
    let output = status("table");
    assert!(output.status.code().is_some_and(|c| c < 2), "{output:?}");
    let stdout = checked("fleet status", &output);
    assert!(stdout.contains("\\u{1b}]0;owned"), "{stdout}");
    let report = json(&status("json"));
    assert_eq!(report["targets"][0]["name"], HOSTILE, "{report}");
}

#[tokio::test]
async fn migrate_prints_a_hostile_server_message_escaped_on_its_one_error_line() {
    let db = TestDb::new().await;
    let migrations = tempfile::tempdir().unwrap();
    let table = hostile_ident();
    write_migration(
        migrations.path(),
        "V1__twice.sql",
        &format!("CREATE TABLE {table} (id int);\nCREATE TABLE {table} (id int);\n"),
    );
    let output = db
        .lma()
        .arg("migrate")
        .arg("--migrations")
        .arg(migrations.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    checked("migrate", &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("already exists") && errors[0].contains("\\u{1b}]0;owned"),
        "{stderr}"
    );
}
