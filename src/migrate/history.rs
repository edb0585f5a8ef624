//! refinery's history table: which migrations a database has applied.

use anyhow::Context as _;
use refinery::{Migration, Runner};
use tokio_postgres::Client;

use super::executor::Executor;

/// refinery's default history table, found through the search path as refinery finds it.
pub const TABLE: &str = "refinery_schema_history";

/// The applied migrations in version order; none when the history table does not exist yet.
pub async fn applied(client: &mut Client) -> anyhow::Result<Vec<Migration>> {
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&TABLE])
        .await
        .context("cannot look for the migration history table")?
        .try_get(0)?;
    if !exists {
        return Ok(Vec::new());
    }
    Runner::new(&[])
        .get_applied_migrations_async(&mut Executor::new(client))
        .await
        .with_context(|| format!("cannot read the migration history ({TABLE})"))
}
