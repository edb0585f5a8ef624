//! `lma drift`: the database's schema against the schema its migrations make.

use serde_json::Value;

use crate::support::{fixture, json, server, TestDb};

/// `lma drift --format json`, with the scratch database on the test server, and its report.
fn drift(db: &TestDb, args: &[&str]) -> (Option<i32>, Value) {
    let output = db
        .lma()
        .args([
            "drift",
            "--format",
            "json",
            "--scratch-url",
            &server().url("postgres"),
        ])
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (code, json(&output))
}

fn differences(report: &Value) -> Vec<(String, String, String)> {
    report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_owned();
            (s("change"), s("kind"), s("name"))
        })
        .collect()
}

#[tokio::test]
async fn a_database_migrated_by_lma_shows_no_drift_against_a_throwaway_cluster() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["drift", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    assert_eq!(differences(&report), Vec::<(String, String, String)>::new());
    assert!(report["objects"].as_u64().unwrap() > 500, "{report:#}");
}

const HAND_MADE: &str = "
CREATE INDEX leads_lower_email_hotfix ON leads (lower(email));
ALTER TABLE leads ALTER COLUMN score SET DEFAULT 5;
DROP POLICY tenant_isolation ON lead_notes;
ALTER TYPE lead_status_enum ADD VALUE 'ARCHIVED';
ALTER TABLE leads DROP CONSTRAINT ck_leads_score_range,
    ADD CONSTRAINT ck_leads_score_range CHECK (score >= 0 AND score <= 100) NOT VALID;
DO $$ BEGIN
    EXECUTE format('CREATE OR REPLACE VIEW v_lead_summary WITH (security_invoker = true) AS %s WHERE l.score > 10',
                   rtrim(pg_get_viewdef('v_lead_summary'::regclass), ';'));
END $$;
";

#[tokio::test]
async fn drift_reports_each_hand_made_change_once_and_its_fix_sql_runs() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client.batch_execute(HAND_MADE).await.unwrap();
    let (code, report) = drift(&db, &[]);
    assert_eq!(code, Some(1));
    let found = differences(&report);
    let expected = [
        // In the order the fixes can run: the enum first, comments and grants last.
        ("changed", "enum", "public.lead_status_enum"),
        ("changed", "default", "public.leads.score"),
        ("changed", "constraint", "public.leads.ck_leads_score_range"),
        (
            "added",
            "index",
            "public.leads USING btree (lower((email)::text))",
        ),
        ("changed", "view", "public.v_lead_summary"),
        ("missing", "policy", "public.lead_notes.tenant_isolation"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(found, expected, "{report:#}");
    let default = &report["differences"][1];
    assert_eq!(default["kind"], "default");
    assert_eq!(
        (default["database"].as_str(), default["migrations"].as_str()),
        (Some("5"), Some("0"))
    );
    for difference in report["differences"].as_array().unwrap() {
        let Some(fix) = difference["fix"].as_str() else {
            assert_eq!(
                difference["kind"], "enum",
                "only an enum label has no simple fix"
            );
            continue;
        };
        run_fix(&client, fix).await;
    }
    let (code, report) = drift(&db, &[]);
    assert_eq!(code, Some(1));
    let left: Vec<String> = differences(&report)
        .into_iter()
        .map(|(_, kind, _)| kind)
        .collect();
    assert_eq!(left, ["enum"], "{report:#}");
}

/// Runs a fix as psql would: statement by statement (CONCURRENTLY cannot share a batch).
async fn run_fix(client: &tokio_postgres::Client, fix: &str) {
    for statement in lma::migrate::statements::split(fix).statements {
        client
            .batch_execute(&statement.text)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", statement.text));
    }
}

const MORE_HAND_MADE: &str = "
ALTER TABLE leads ADD COLUMN extra text;
COMMENT ON TABLE leads IS 'by hand';
REVOKE SELECT ON leads FROM lma_app;
ALTER TABLE users DISABLE ROW LEVEL SECURITY;
CREATE FUNCTION public.hotfix() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER SEQUENCE leads_id_seq CACHE 10;
DROP INDEX idx_activity_logs_org_created;
DROP TRIGGER users_summarize_insert ON users;
CREATE OR REPLACE FUNCTION public.lead_tag_set(tags jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'x' $$;
CREATE TABLE public.scratchpad (id bigint PRIMARY KEY, note text);
DROP STATISTICS st_leads_org_assignee;
";

#[tokio::test]
async fn the_fix_sql_of_every_other_kind_runs_and_brings_the_database_back() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client.batch_execute(MORE_HAND_MADE).await.unwrap();
    let (code, report) = drift(&db, &[]);
    assert_eq!(code, Some(1));
    let kinds: Vec<String> = differences(&report)
        .into_iter()
        .map(|(change, kind, _)| format!("{change} {kind}"))
        .collect();
    assert_eq!(
        kinds,
        [
            "changed sequence",
            "added table",
            "added column",
            "missing index",
            "missing statistics",
            "added function",
            "changed function",
            "missing trigger",
            "missing row level security",
            "missing grant",
            "missing comment",
            "missing comment",
            "added comment",
        ],
        "{report:#}"
    );
    let table = &report["differences"][1];
    assert_eq!(table["covers"].as_array().unwrap().len(), 4, "{table:#}");
    for difference in report["differences"].as_array().unwrap() {
        run_fix(&client, difference["fix"].as_str().unwrap()).await;
    }
    let (code, report) = drift(&db, &[]);
    assert_eq!(
        (code, differences(&report)),
        (Some(0), Vec::new()),
        "{report:#}"
    );
}

#[tokio::test]
async fn a_database_lma_did_not_build_compares_with_a_migrations_dir_read_only() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    let client = db.client().await;
    for entry in [
        "V1__create_widgets.sql",
        "V2__add_widget_color.sql",
        "V3__create_gadgets.sql",
    ] {
        let sql = std::fs::read_to_string(dir.join(entry)).unwrap();
        client.batch_execute(&sql).await.unwrap();
    }
    client
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET default_transaction_read_only = on",
            db.name
        ))
        .await
        .unwrap();
    let dir_arg = dir.display().to_string();
    let (code, report) = drift(&db, &["--migrations", &dir_arg]);
    assert_eq!(code, Some(0), "{report:#}");
    assert!(report["version"].is_null());
}

#[tokio::test]
async fn an_ignored_difference_is_reported_with_its_reason_and_does_not_fail() {
    let db = TestDb::new().await;
    let dir = fixture("migrations_basic");
    db.migrate_dir(&dir, None);
    let client = db.client().await;
    client
        .batch_execute("CREATE INDEX widgets_hotfix ON widgets (name)")
        .await
        .unwrap();
    let dir_arg = dir.display().to_string();
    let (code, _) = drift(&db, &["--migrations", &dir_arg]);
    assert_eq!(code, Some(1));
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        config.path(),
        "[[drift.ignore]]\nobject = \"index public.widgets *\"\nreason = \"hotfix, becomes V4\"\n",
    )
    .unwrap();
    let config_arg = config.path().display().to_string();
    let (code, report) = drift(&db, &["--migrations", &dir_arg, "--config", &config_arg]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["differences"][0]["ignored"], "hotfix, becomes V4");
    // The JSON shape is a promise: pinned here.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&report),
        [
            "database",
            "differences",
            "milliseconds",
            "objects",
            "version"
        ]
    );
    assert_eq!(
        keys(&report["differences"][0]),
        [
            "change",
            "database",
            "fix",
            "ignored",
            "kind",
            "migrations",
            "name"
        ]
    );
}

/// A column privilege is a grant like a table's: PUBLIC reading users.hashed_password by hand
/// is drift, and its fix revokes exactly that.
#[tokio::test]
async fn a_column_grant_made_by_hand_is_drift_and_its_fix_revokes_it() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    client
        .batch_execute("GRANT SELECT (hashed_password) ON users TO PUBLIC")
        .await
        .unwrap();
    let (code, report) = drift(&db, &[]);
    assert_eq!(code, Some(1));
    let name = "COLUMN public.users.hashed_password to PUBLIC: SELECT";
    assert_eq!(
        differences(&report),
        [("added".to_owned(), "grant".to_owned(), name.to_owned())],
        "{report:#}"
    );
    let fix = report["differences"][0]["fix"].as_str().unwrap();
    assert_eq!(
        fix,
        "REVOKE SELECT (hashed_password) ON TABLE public.users FROM PUBLIC;"
    );
    run_fix(&client, fix).await;
    let (code, report) = drift(&db, &[]);
    assert_eq!(
        (code, differences(&report)),
        (Some(0), Vec::new()),
        "{report:#}"
    );
}
