//! Commands that only look (`indexes`, `drift`, `status`, `queries`, `lint --database`) connect
//! through `Database::connect_read_only`: the session's transactions are read-only by default.
//! The session itself is tested here, and `lma indexes` end to end.

use crate::support::TestDb;

#[tokio::test]
async fn a_read_only_session_refuses_writes_and_still_reads() {
    let db = TestDb::new().await;
    db.client()
        .await
        .batch_execute("CREATE TABLE t (id int)")
        .await
        .unwrap();
    let client = db.database().connect_read_only().await.unwrap();
    let err = client
        .batch_execute("INSERT INTO t VALUES (1)")
        .await
        .unwrap_err();
    let code = err.as_db_error().map(|db| db.code().code().to_owned());
    assert_eq!(code.as_deref(), Some("25006"), "{err}");
    let rows: i64 = client
        .query_one("SELECT count(*) FROM t", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 0);
}

/// What lma's sessions ran in this database, from pg_stat_statements (the test server preloads
/// it), since the reset.
async fn statements(client: &tokio_postgres::Client) -> Vec<String> {
    let rows = client
        .query(
            "SELECT query FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .await
        .unwrap();
    rows.iter().map(|row| row.get(0)).collect()
}

#[tokio::test]
async fn lma_indexes_opens_a_read_only_session_and_writes_nothing() {
    let db = TestDb::new().await;
    let client = db.client().await;
    // A foreign key makes lma plan its lookup (PREPARE … FOR KEY SHARE, EXPLAIN EXECUTE).
    client
        .batch_execute(
            "CREATE TABLE parent (id int PRIMARY KEY);
             CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent);
             CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
             SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database
                                                 WHERE datname = current_database()), 0);",
        )
        .await
        .unwrap();
    let output = db.lma().args(["indexes"]).output().unwrap();
    // A write refused by the read-only session would have been an error (exit 2); one that
    // completed would be listed by pg_stat_statements below.
    assert!(output.status.code().unwrap() < 2, "{output:?}");
    let seen = statements(&client).await;
    assert!(
        seen.iter()
            .any(|q| q.starts_with("SET default_transaction_read_only")),
        "lma indexes did not make its session read-only: {seen:#?}"
    );
    let writes: Vec<&String> = seen
        .iter()
        .filter(|q| {
            let verb = q
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            [
                "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE",
            ]
            .contains(&verb.as_str())
        })
        .collect();
    assert!(writes.is_empty(), "{writes:#?}");
}
