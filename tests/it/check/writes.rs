//! Checks never change data: a DELETE check and an `UPDATE … RETURNING` params query, undeclared
//! (refused, naming the check) and declared `-- writes: true` (run, and rolled back).

use crate::support::{fixture, TestDb};

use super::seeded;

/// Every table's rows, as a count and an md5 over the sorted rows' text, by table name.
async fn data_fingerprint(db: &TestDb) -> Vec<(String, String)> {
    let client = db.client().await;
    let tables = client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname)
             FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'
             ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for row in tables {
        let table: String = row.get(0);
        let sql = format!(
            "SELECT count(*)::text || ' ' || coalesce(md5(string_agg(r, '' ORDER BY r)), '')
             FROM (SELECT md5(t::text) AS r FROM {table} AS t) AS rows"
        );
        let digest: String = client.query_one(&sql, &[]).await.unwrap().get(0);
        out.push((table, digest));
    }
    out
}

fn lma_in(db: &TestDb, dir: &str, args: &[&str]) -> (i32, String, String) {
    let output = db
        .lma()
        .args(args)
        .arg("--checks")
        .arg(fixture("checks_writing").join(dir))
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_check_that_writes_without_declaring_it_is_refused_naming_the_check() {
    let db = seeded().await;
    let before = data_fingerprint(&db).await;
    let (code, stdout, stderr) = lma_in(&db, "undeclared", &["check", "--only", "delete_notes"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(
            "check delete_notes writes: the query failed with \"cannot execute DELETE in a \
             read-only transaction\""
        ),
        "{stderr}"
    );
    assert!(stderr.contains("-- writes: true"), "{stderr}");
    let (code, _, stderr) = lma_in(&db, "undeclared", &["explain", "touch_leads"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "check touch_leads writes: the params query failed with \"cannot execute UPDATE in \
             a read-only transaction\""
        ),
        "{stderr}"
    );
    assert_eq!(data_fingerprint(&db).await, before);
}

#[tokio::test]
async fn declared_writers_run_and_every_execution_is_rolled_back() {
    let db = seeded().await;
    let before = data_fingerprint(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let quick = ["--no-latency", "--iterations", "3", "--warmup", "2"];
    let runs: [&[&str]; 4] = [
        &["check"],
        &["check", "--save-baseline", baseline],
        &["explain", "delete_notes"],
        &["explain", "touch_leads"],
    ];
    for args in runs {
        let mut args = args.to_vec();
        if args[0] == "check" {
            args.extend(quick);
        }
        let (code, stdout, stderr) = lma_in(&db, "declared", &args);
        assert_eq!(code, 0, "{args:?}: {stdout}\n{stderr}");
        if args[0] == "explain" {
            assert!(stdout.contains("lead"), "{stdout}");
        }
    }
    assert!(std::fs::read_to_string(baseline)
        .unwrap()
        .contains("ModifyTable on lead_notes"));
    assert_eq!(data_fingerprint(&db).await, before);
}
