//! Whether the database holds the LMA schema: advice about `lma seed`, the `lma_app` role and
//! row-level security applies only there, since `--checks DIR` may judge any other schema.

use tokio_postgres::Client;

use crate::migrate::history::History;
use crate::migrate::source::MigrationSet;

/// Whether the migration history records LMA's first migration (version and name): a history
/// table alone is not enough, `lma migrate --migrations DIR` writes one for any project.
///
/// A history lma cannot read (another tool's, or one this role may not SELECT) is not LMA's:
/// that must not stop a catalog of checks written for another schema.
pub async fn is_lma(client: &mut Client) -> anyhow::Result<bool> {
    let Ok(history) = History::locate(client).await else {
        return Ok(false);
    };
    let Ok(applied) = history.applied(client).await else {
        return Ok(false);
    };
    let embedded = MigrationSet::embedded();
    Ok(match (applied.first(), embedded.migrations().first()) {
        (Some(first), Some(lma)) => first.version() == lma.version() && first.name() == lma.name(),
        _ => false,
    })
}
