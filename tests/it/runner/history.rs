//! The history table under other projects' habits: errors named as history errors, timestamp
//! versions (Flyway style) and the int4 history of lma 0.1, baselines of databases built another
//! way, and what a DBA must grant.

use super::{dir, migrate, refused, stderr, table_exists};
use crate::support::{history, json, TestDb, TestRole};

#[tokio::test]
async fn history_errors_are_named_as_such() {
    let db = TestDb::new().await;
    let m = dir(&[("V1__a.sql", "create table a(i int);")]);
    let admin = db.client().await;
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET default_transaction_read_only = on",
            db.name
        ))
        .await
        .unwrap();
    refused(
        &migrate(&db, m.path(), &[]),
        &["cannot create public.refinery_schema_history", "read-only"],
    );
    // With the history table in place, the read-only database is still refused, by lma itself:
    // its transactions say READ WRITE.
    admin
        .batch_execute("SET default_transaction_read_only = off; CREATE TABLE refinery_schema_history (version int8 PRIMARY KEY, name varchar(255), applied_on varchar(255), checksum varchar(255))")
        .await
        .unwrap();
    refused(
        &migrate(&db, m.path(), &[]),
        &["read-only", "nothing was applied"],
    );
    assert!(!table_exists(&admin, "a").await);
    admin
        .batch_execute("DROP TABLE refinery_schema_history")
        .await
        .unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" RESET default_transaction_read_only",
            db.name
        ))
        .await
        .unwrap();
    let role = TestRole::create("").await;
    admin
        .batch_execute(&format!(
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO {}",
            role.name
        ))
        .await
        .unwrap();
    let output = db
        .lma_as(&role)
        .arg("migrate")
        .arg("--migrations")
        .arg(m.path())
        .output()
        .unwrap();
    refused(
        &output,
        &[
            "cannot create public.refinery_schema_history",
            "no CREATE privilege on schema public",
            &role.name,
        ],
    );
    admin
        .batch_execute(&format!("REVOKE ALL ON SCHEMA public FROM {}", role.name))
        .await
        .unwrap();
}

#[tokio::test]
async fn timestamp_versions_apply_and_an_int4_history_from_lma_0_1_is_upgraded() {
    let db = TestDb::new().await;
    let client = db.client().await;
    client
        .batch_execute(include_str!("../../fixtures/history_int4/basic.sql"))
        .await
        .unwrap();
    let m = crate::support::fixture_copy("migrations_basic");
    std::fs::remove_file(m.path().join("V3__create_gadgets.sql")).unwrap();
    let status = db
        .lma()
        .arg("status")
        .arg("--migrations")
        .arg(m.path())
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "lma 0.1's checksums are recognised: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    std::fs::write(
        m.path().join("V20240101120000__stamp.sql"),
        "create table stamped(i int);",
    )
    .unwrap();
    let output = migrate(&db, m.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(history(&client).await, [1, 2, 20_240_101_120_000]);
    let column: String = client
        .query_one("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'refinery_schema_history'::regclass and attname = 'version'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(column, "bigint");
    let again = db
        .lma()
        .arg("status")
        .arg("--migrations")
        .arg(m.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
}

#[tokio::test]
async fn the_embedded_schema_s_int4_history_stays_applied() {
    let db = TestDb::new().await;
    db.client()
        .await
        .batch_execute(include_str!("../../fixtures/history_int4/lma.sql"))
        .await
        .unwrap();
    let status = db
        .lma()
        .args(["status", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&status);
    let entries: Vec<(i64, String)> = report["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["version"].as_i64().unwrap(),
                m["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // lma 0.1 recorded V1 to V27; whatever came later is pending, and nothing is divergent.
    assert!(
        entries
            .iter()
            .all(|(v, state)| state == if *v <= 27 { "applied" } else { "pending" }),
        "{entries:?}"
    );
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
}

#[tokio::test]
async fn baseline_adopts_a_database_built_another_way_once() {
    let db = TestDb::new().await;
    let m = crate::support::fixture("migrations_basic");
    let client = db.client().await;
    for file in ["V1__create_widgets.sql", "V2__add_widget_color.sql"] {
        let sql = std::fs::read_to_string(m.join(file)).unwrap();
        client.batch_execute(&sql).await.unwrap();
    }
    let output = db
        .lma()
        .args(["baseline", "2", "--migrations"])
        .arg(&m)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(history(&client).await, [1, 2]);
    let rest = migrate(&db, &m, &[]);
    assert_eq!(rest.status.code(), Some(0), "{}", stderr(&rest));
    assert_eq!(history(&client).await, [1, 2, 3]);
    let again = db
        .lma()
        .args(["baseline", "2", "--migrations"])
        .arg(&m)
        .output()
        .unwrap();
    refused(&again, &["refusing to baseline", "already records 3"]);
    let unknown = db
        .lma()
        .args(["baseline", "7", "--migrations"])
        .arg(&m)
        .output()
        .unwrap();
    refused(&unknown, &["baseline 7"]);
}

#[tokio::test]
async fn v17_without_createrole_says_what_the_dba_must_do() {
    let role = TestRole::create("NOCREATEROLE").await;
    let db = TestDb::new().await;
    db.client()
        .await
        .batch_execute(&format!(
            "GRANT CREATE ON DATABASE \"{db}\" TO {r}; GRANT CREATE ON SCHEMA public TO {r}",
            db = db.name,
            r = role.name
        ))
        .await
        .unwrap();
    let output = db
        .lma_as(&role)
        .args(["migrate", "--target", "17"])
        .output()
        .unwrap();
    refused(
        &output,
        &[
            "V17__app_role_and_grants.sql",
            "42501",
            "CREATEROLE",
            "ALTER ROLE",
        ],
    );
    assert_eq!(history(&db.client().await).await.last(), Some(&16));
}
