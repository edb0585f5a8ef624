//! `lma migrate` and `lma status` across a fleet: 8 targets over 2 clusters (the shared test
//! server and a second cluster of lma's sandbox), one of them held by a long transaction so its
//! migration times out, one unreachable (a closed port). `lma drift` and `lma indexes` across
//! the same fleet are in drift.rs and indexes.rs.

mod drift;
mod indexes;

use std::fmt::Write as _;

use lma::sandbox::Sandbox;
use serde_json::Value;
use tokio_postgres::Client;

use crate::support::{connect, fixture, history, json, lma_binary, TestDb};

/// A password in one target's URL (the sandbox trusts local connections, so it is accepted
/// and ignored); no output may show it.
const PASSWORD: &str = "Fl33tS3cret";
/// The unreachable target's password.
const GONE_PASSWORD: &str = "G0neS3cret";

/// The fleet: s1..s4 on the shared server, c1..c3 on a second cluster, and `gone`.
struct Fleet {
    shared: Vec<TestDb>,
    second: Sandbox,
    config: tempfile::NamedTempFile,
    /// The same targets as a `--targets` file.
    targets: tempfile::NamedTempFile,
    /// Every stdout and stderr of the runs, to look for passwords.
    seen: String,
}

impl Fleet {
    async fn start() -> Self {
        let second = Sandbox::start().expect("a second cluster");
        let admin = connect(&second.url("postgres")).await;
        for name in ["c1", "c2", "c3"] {
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
        }
        let mut shared = Vec::new();
        for _ in 0..4 {
            shared.push(TestDb::new().await);
        }
        let fleet = Self {
            shared,
            second,
            config: tempfile::NamedTempFile::new().unwrap(),
            targets: tempfile::NamedTempFile::new().unwrap(),
            seen: String::new(),
        };
        let config = fleet.config_text();
        std::fs::write(fleet.config.path(), &config).unwrap();
        let (_, entries) = config.split_once("\n\n").unwrap();
        let file = entries.replace("[[fleet.target]]", "[[target]]");
        std::fs::write(fleet.targets.path(), file).unwrap();
        fleet
    }

    /// An lma config: a short lock_timeout without retries, and the targets as [fleet].
    fn config_text(&self) -> String {
        let mut text = "[migrate]\nlock_timeout = \"100ms\"\nlock_retries = 0\n\n".to_owned();
        for (index, db) in self.shared.iter().enumerate() {
            let name = format!("s{}", index + 1);
            target(&mut text, &name, &db.url, "shared");
        }
        let port = self.second.port();
        for name in ["c1", "c2", "c3"] {
            let url = if name == "c1" {
                format!("postgres://postgres:{PASSWORD}@127.0.0.1:{port}/{name}")
            } else {
                self.second.url(name)
            };
            target(&mut text, name, &url, "second");
        }
        let gone = format!("postgres://lma:{GONE_PASSWORD}@127.0.0.1:1/lma");
        target(&mut text, "gone", &gone, "elsewhere");
        text
    }

    /// `lma <args> --migrations migrations_basic` with the fleet's config; its output is kept.
    fn lma(&mut self, args: &[&str]) -> (Option<i32>, std::process::Output) {
        let migrations = fixture("migrations_basic").display().to_string();
        self.run(&[args, &["--migrations", &migrations]].concat())
    }

    /// `lma <args>` with the fleet's config; its output is kept.
    fn run(&mut self, args: &[&str]) -> (Option<i32>, std::process::Output) {
        let output = lma_binary()
            .arg("--config")
            .arg(self.config.path())
            .args(args)
            .output()
            .unwrap();
        self.seen.push_str(&String::from_utf8_lossy(&output.stdout));
        self.seen.push_str(&String::from_utf8_lossy(&output.stderr));
        (output.status.code(), output)
    }

    async fn client(&self, name: &str) -> Client {
        match name.strip_prefix('s') {
            Some(n) => self.shared[n.parse::<usize>().unwrap() - 1].client().await,
            None => connect(&self.second.url(name)).await,
        }
    }

    async fn histories(&self) -> Vec<(String, Vec<i64>)> {
        let mut all = Vec::new();
        for name in ["s1", "s2", "s3", "s4", "c1", "c2", "c3"] {
            all.push((name.to_owned(), history(&self.client(name).await).await));
        }
        all
    }

    fn assert_no_password(&self) {
        assert!(!self.seen.is_empty());
        assert!(!self.seen.contains(PASSWORD), "{}", self.seen);
        assert!(!self.seen.contains(GONE_PASSWORD), "{}", self.seen);
    }
}

fn target(text: &mut String, name: &str, url: &str, group: &str) {
    writeln!(
        text,
        "[[fleet.target]]\nname = \"{name}\"\nurl = \"{url}\"\ngroups = [\"{group}\"]\n"
    )
    .unwrap();
}

/// Holds an ACCESS EXCLUSIVE lock on s2's widgets in an open transaction, as a long
/// application transaction would, until the client is dropped or rolls back.
async fn hold_widgets(fleet: &Fleet) -> Client {
    let holder = fleet.client("s2").await;
    holder
        .batch_execute("BEGIN; LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    holder
}

/// Each target's (name, result, from, to, applied) of a `migrate --format json` report.
fn results(report: &Value) -> Vec<(String, String, Value, Value, Value)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["result"].as_str().unwrap().to_owned(),
                t["from_version"].clone(),
                t["to_version"].clone(),
                t["applied"].clone(),
            )
        })
        .collect()
}

fn result_of<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no target {name}: {report:#}"))
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_fleet_migration_reports_every_target_and_a_second_run_resumes() {
    let mut fleet = Fleet::start().await;
    let (code, first) = fleet.lma(&[
        "migrate",
        "--target",
        "1",
        "--keep-going",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{}", stderr(&first));
    let report = json(&first);
    assert_eq!(result_of(&report, "gone")["result"], "unreachable");
    let at_one: Vec<(String, Vec<i64>)> = fleet.histories().await;
    assert!(at_one.iter().all(|(_, h)| h == &[1]), "{at_one:?}");

    let holder = hold_widgets(&fleet).await;
    let (code, second) = fleet.lma(&[
        "migrate",
        "--keep-going",
        "--parallel",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{}", stderr(&second));
    let report = json(&second);
    let all = results(&report);
    let names: Vec<&str> = all.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["s1", "s2", "s3", "s4", "c1", "c2", "c3", "gone"]);
    for (name, result, from, to, applied) in &all {
        match name.as_str() {
            "s2" => assert_eq!(
                (result.as_str(), from, to, applied),
                (
                    "failed",
                    &Value::from(1),
                    &Value::from(1),
                    &Value::from(Vec::<i64>::new())
                )
            ),
            "gone" => assert_eq!(result, "unreachable"),
            _ => assert_eq!(
                (result.as_str(), from, to, applied),
                (
                    "migrated",
                    &Value::from(1),
                    &Value::from(3),
                    &Value::from(vec![2, 3])
                ),
                "{name}"
            ),
        }
    }
    let error = result_of(&report, "s2")["error"].as_str().unwrap();
    assert!(
        error.contains("lock timeout") && error.contains("V2__add_widget_color"),
        "{error}"
    );
    let gone = result_of(&report, "gone")["error"].as_str().unwrap();
    assert!(
        gone.starts_with("cannot connect to lma@127.0.0.1:1/lma"),
        "{gone}"
    );
    assert_eq!(history(&fleet.client("s2").await).await, [1]);

    // The table of targets against versions: s2 behind and gone unreachable are findings.
    let (code, status) = fleet.lma(&["status"]);
    assert_eq!(code, Some(1), "{}", stderr(&status));
    let table = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        table.contains("8 targets, latest V3: 6 current, 1 behind, 0 divergent, 1 unreachable"),
        "{table}"
    );

    holder.batch_execute("ROLLBACK").await.unwrap();
    let (code, resumed) = fleet.lma(&["migrate", "--keep-going"]);
    assert_eq!(code, Some(2), "{}", stderr(&resumed));
    let summary = String::from_utf8_lossy(&resumed.stdout).into_owned();
    assert!(
        summary.contains("8 targets, latest V3: 1 migrated, 6 up to date, 1 unreachable"),
        "{summary}"
    );
    for column in ["Target", "From", "To", "Applied", "Time", "Result", "Error"] {
        assert!(summary.contains(column), "{summary}");
    }
    let after = fleet.histories().await;
    assert!(after.iter().all(|(_, h)| h == &[1, 2, 3]), "{after:?}");

    let (code, status) = fleet.lma(&[
        "status", "--group", "shared", "--group", "second", "--format", "json",
    ]);
    assert_eq!(code, Some(0), "{}", stderr(&status));
    let report = json(&status);
    assert_eq!(report["targets"].as_array().unwrap().len(), 7);
    assert!(report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["standing"] == "current" && t["current_version"] == 3));
    fleet.assert_no_password();
}

#[tokio::test]
async fn a_failure_stops_new_targets_and_a_failing_canary_stops_them_all() {
    let mut fleet = Fleet::start().await;
    let file = fleet.targets.path().display().to_string();
    let reachable = ["--targets", &file, "--group", "shared", "--group", "second"];
    let (code, output) = fleet.lma(&[&["migrate", "--target", "1"][..], &reachable].concat());
    assert_eq!(code, Some(0), "{}", stderr(&output));
    let holder = hold_widgets(&fleet).await;

    let (code, canary) = fleet.lma(&[
        "migrate",
        "--targets",
        &file,
        "--canary",
        "s2",
        "--keep-going",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2), "{}", stderr(&canary));
    let report = json(&canary);
    for (name, result, ..) in results(&report) {
        let expected = if name == "s2" { "failed" } else { "skipped" };
        assert_eq!(result, expected, "{name}");
    }
    assert!(
        stderr(&canary).contains("the canary failed"),
        "{}",
        stderr(&canary)
    );
    let unchanged = fleet.histories().await;
    assert!(unchanged.iter().all(|(_, h)| h == &[1]), "{unchanged:?}");

    // One at a time, in order: s1 is migrated, s2 fails, and nothing after it starts.
    let (code, serial) = fleet.lma(
        &[
            &["migrate", "--parallel", "1", "--format", "json"][..],
            &reachable,
        ]
        .concat(),
    );
    assert_eq!(code, Some(2), "{}", stderr(&serial));
    let outcomes: Vec<(String, String)> = results(&json(&serial))
        .into_iter()
        .map(|r| (r.0, r.1))
        .collect();
    let expected: Vec<(String, String)> = [
        ("s1", "migrated"),
        ("s2", "failed"),
        ("s3", "skipped"),
        ("s4", "skipped"),
        ("c1", "skipped"),
        ("c2", "skipped"),
        ("c3", "skipped"),
    ]
    .iter()
    .map(|(n, r)| ((*n).to_owned(), (*r).to_owned()))
    .collect();
    assert_eq!(outcomes, expected);
    assert_eq!(history(&fleet.client("s3").await).await, [1]);
    drop(holder);

    // Every target unreachable: nothing could be looked at, an error.
    let gone = format!("postgres://lma:{GONE_PASSWORD}@127.0.0.1:1/lma");
    let (code, status) = fleet.lma(&[
        "status",
        "--database-url",
        &gone,
        "--database-url",
        &format!("{gone}2"),
    ]);
    assert_eq!(code, Some(2), "{}", stderr(&status));
    fleet.assert_no_password();
}

#[tokio::test]
async fn a_stop_request_ends_a_run_at_the_next_migration_boundary() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    use lma::migrate::policy::Policy;
    use lma::migrate::source::MigrationSet;
    use lma::migrate::Migrator;
    use lma::progress::Progress;

    let db = TestDb::new().await;
    let set = MigrationSet::load(Some(&fixture("migrations_basic")), &[]).unwrap();
    let quiet = Progress::new(true, 0);
    let stop = Arc::new(AtomicBool::new(true));
    let report = Migrator::new(&set, Policy::default(), &quiet)
        .with_stop(stop)
        .apply(&db.database(), None)
        .await
        .unwrap();
    assert!(report.stopped && report.applied.is_empty());
    assert_eq!(history(&db.client().await).await, Vec::<i64>::new());
}

#[test]
fn a_single_database_command_refuses_several_urls() {
    let url = crate::support::server().url("postgres");
    let output = lma_binary()
        .args(["queries", "--database-url", &url, "--database-url", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with(
            "error: --database-url was given 2 times: \
             only migrate, status, drift and indexes take several targets"
        ),
        "{stderr}"
    );
}
