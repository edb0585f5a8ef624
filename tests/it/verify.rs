//! `lma verify`: the pipeline as one report, its JUnit file and summary, and the worst step's
//! exit status; and the commands of docs/ci.md's workflow.

use std::path::Path;

use crate::support::{json, lma_binary, server, TestDb};

#[tokio::test]
async fn verify_on_a_fresh_database_writes_the_junit_file_and_the_summary() {
    let db = TestDb::migrated().await;
    let dir = tempfile::tempdir().unwrap();
    let (junit, summary) = (dir.path().join("verify.xml"), dir.path().join("summary.md"));
    let output = db
        .lma()
        .args([
            "verify",
            "--format",
            "json",
            "--scratch-url",
            &server().url("postgres"),
        ])
        // check (with its seeded scratch database) runs in the workflow test below: one small
        // seed and its checks at a time keep the machine of the latency-judged check tests quiet.
        .args(["--steps", "lint,migrate,drift,indexes"])
        .arg("--junit")
        .arg(&junit)
        .arg("--summary")
        .arg(&summary)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report = json(&output);
    let steps: Vec<(&str, &str)> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("lint", "passed"),
            ("migrate", "passed"),
            ("drift", "passed"),
            ("check", "skipped"),
            ("indexes", "passed")
        ]
    );
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&report), ["database", "status", "steps"]);
    assert_eq!(
        keys(&report["steps"][0]),
        ["milliseconds", "report", "status", "step", "summary"]
    );
    assert_eq!(report["steps"][0]["report"]["files"], serde_json::json!([]));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 5, "{xml}");
    assert!(xml.contains("failures=\"0\""), "{xml}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## lma verify: passed"), "{md}");
    assert_eq!(md.matches("✅").count(), 4, "{md}");
}

#[tokio::test]
async fn the_exit_status_is_the_worst_step_and_a_failing_step_does_not_stop_the_others() {
    let db = TestDb::migrated().await;
    db.client()
        .await
        .batch_execute("CREATE INDEX leads_hotfix ON leads (lower(email))")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("verify.xml");
    let run = |steps: &str| {
        db.lma()
            .args(["verify", "--format", "json", "--steps", steps])
            .args(["--scratch-url", &server().url("postgres")])
            .arg("--junit")
            .arg(&junit)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    let output = run("lint,drift");
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["status"], "findings");
    assert_eq!(report["steps"][1]["status"], "skipped");
    assert_eq!(report["steps"][2]["status"], "findings");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains("name=\"index public.leads USING btree (lower((email)::text))\""),
        "{xml}"
    );

    let output = db
        .lma()
        .args(["verify", "--format", "json", "--steps", "lint,indexes"])
        .args(["--migrations", "/nonexistent/lma-migrations"])
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report = json(&output);
    assert_eq!(report["steps"][0]["status"], "error");
    assert!(report["steps"][0]["summary"]
        .as_str()
        .unwrap()
        .contains("does not exist"));
    assert_eq!(
        report["steps"][4]["status"], "passed",
        "indexes still ran: {report:#}"
    );
}

/// The `run:` lines of docs/ci.md's workflow that call lma.
fn workflow_commands() -> Vec<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.trim().strip_prefix("- run: "))
        .filter(|c| c.starts_with("lma "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_ci_workflow_commands_pass_on_a_fresh_database() {
    let db = TestDb::new().await;
    let commands = workflow_commands();
    assert_eq!(commands.len(), 3, "{commands:?}");
    // The checkout: the workflow runs from the repository root, which has config/lma.toml.
    let checkout = tempfile::tempdir().unwrap();
    std::fs::create_dir(checkout.path().join("config")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/lma.toml"),
        checkout.path().join("config/lma.toml"),
    )
    .unwrap();
    let summary = checkout.path().join("step-summary.md");
    let binary = lma_binary();
    let bin_dir = Path::new(binary.get_program()).parent().unwrap().to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &commands {
        let output = std::process::Command::new("sh")
            .args(["-c", command])
            .current_dir(checkout.path())
            .env("PATH", &path)
            .env("DATABASE_URL", &db.url)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env_remove("PGHOST")
            .env_remove("PGDATABASE")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let xml = std::fs::read_to_string(checkout.path().join("lma-verify.xml")).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 5);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## lma verify: passed"), "{md}");
    assert!(md.contains("on a seeded throwaway database"), "{md}");
}
