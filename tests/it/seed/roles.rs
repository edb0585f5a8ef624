//! Who may seed: a database owner who is not a superuser seeds the same data; a role that does
//! not own the tables is refused.

use super::{content_hashes, count, date, refused, seed_db_at};
use crate::schema::summaries::assert_summaries_exact;
use crate::support::{json, TestDb, TestRole};

/// The owner of the database who is not a superuser (a managed server's usual migration
/// role): COPY checks each foreign key and fires every trigger it is allowed to, so the load
/// must disable the summaries' triggers itself. Concurrent loads deadlocked on them before.
#[tokio::test]
async fn an_owner_who_is_not_a_superuser_seeds_the_same_data() {
    let role = TestRole::create("CREATEROLE").await;
    let (owned, reference) = tokio::join!(TestDb::new(), TestDb::migrated());
    let give = format!("ALTER DATABASE \"{}\" OWNER TO {}", owned.name, role.name);
    owned.client().await.batch_execute(&give).await.unwrap();
    owned
        .lma_as(&role)
        .args(["migrate", "-q"])
        .assert()
        .success();
    let output = owned
        .lma_as(&role)
        .args([
            "seed",
            "--leads",
            "500",
            "--seed",
            "5",
            "--anchor",
            "2026-01-01",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(json(&output)["fk_triggers_skipped"], false);
    seed_db_at(&reference, 500, 5, date("2026-01-01")).await;
    let (client, expected) = (owned.client().await, reference.client().await);
    assert_eq!(
        content_hashes(&client).await,
        content_hashes(&expected).await
    );
    assert_summaries_exact(&client, "a non-superuser's seed").await;
    let triggers = "SELECT string_agg(tgname || ' ' || tgenabled::text, ', ' ORDER BY tgname)
                    FROM pg_trigger WHERE NOT tgisinternal";
    let enabled: String = client.query_one(triggers, &[]).await.unwrap().get(0);
    let as_migrated: String = expected.query_one(triggers, &[]).await.unwrap().get(0);
    assert_eq!(enabled, as_migrated);
    assert!(!enabled.contains(" D"), "{enabled}");
}

/// A role with every privilege on the tables but not their ownership cannot rebuild their
/// indexes: refused before anything is loaded.
#[tokio::test]
async fn a_role_that_does_not_own_the_tables_is_refused() {
    let role = TestRole::create("BYPASSRLS").await;
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let grants = format!(
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO {0};
         GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {0}",
        role.name
    );
    client.batch_execute(&grants).await.unwrap();
    let stderr = refused(db.lma_as(&role).args(["seed", "--scale", "tiny"]));
    let expected = format!(
        "the role {} does not own activity_logs, campaign_leads,",
        role.name
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(
        count(&client, "SELECT count(*) FROM organizations").await,
        0
    );
}
