//! refinery's history table, `refinery_schema_history`: which migrations a database has applied.
//!
//! lma reads and writes it in refinery's format (version, name, RFC 3339 `applied_on`, checksum
//! as text), always schema-qualified: a migration's `SET search_path` must not make lma find, or
//! create, a second history elsewhere. Its schema is fixed once per run, before any migration.
//! Versions are i64 (refinery's `int8-versions`); a table that lma 0.1 created with `int4`
//! versions keeps working, and is widened only when a version needs it.

use std::hash::{Hash as _, Hasher as _};

use anyhow::{bail, Context as _};
use refinery::Migration;
use siphasher::sip::SipHasher13;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::Client;

use crate::db::find_db_error;

/// refinery's default history table name.
pub const TABLE: &str = "refinery_schema_history";

/// The schema of an existing history table on the search path, else the current schema.
const LOCATE_SQL: &str = "SELECT coalesce(
        (SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = to_regclass('refinery_schema_history')),
        current_schema()::text),
    current_user::text";

const VERSION_TYPE_SQL: &str = "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
    WHERE attrelid = to_regclass($1) AND attname = 'version'";

/// Where this run's history lives.
#[derive(Debug, Clone)]
pub struct History {
    pub schema: String,
    /// `"schema"."refinery_schema_history"`, quoted for SQL.
    qualified: String,
    user: String,
}

impl History {
    /// Finds the history table as refinery would through the search path, and pins it there.
    pub async fn locate(client: &Client) -> anyhow::Result<Self> {
        let row = client
            .query_one(LOCATE_SQL, &[])
            .await
            .context("cannot look for the migration history table")?;
        let schema: Option<String> = row.try_get(0)?;
        let Some(schema) = schema else {
            bail!("no schema for {TABLE}: the search_path names no schema that exists");
        };
        Ok(Self {
            qualified: format!("{}.{}", quote_ident(&schema), quote_ident(TABLE)),
            schema,
            user: row.try_get(1)?,
        })
    }

    /// The table's name, for messages.
    #[must_use]
    pub fn name(&self) -> String {
        format!("{}.{TABLE}", self.schema)
    }

    async fn exists(&self, client: &Client) -> anyhow::Result<bool> {
        let row = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&self.qualified])
            .await
            .context("cannot look for the migration history table")?;
        Ok(row.try_get(0)?)
    }

    /// The applied migrations in version order; none when the table does not exist yet.
    pub async fn applied(&self, client: &Client) -> anyhow::Result<Vec<Migration>> {
        if !self.exists(client).await? {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT version::int8, name, applied_on, checksum FROM {} ORDER BY version",
            self.qualified
        );
        let rows = client
            .query(&sql, &[])
            .await
            .with_context(|| format!("cannot read the migration history ({})", self.name()))?;
        rows.iter()
            .map(|row| applied_migration(row).with_context(|| format!("in {}", self.name())))
            .collect()
    }

    /// Creates the table when it is missing, and widens an `int4` version column when a version
    /// to record does not fit it. Errors say which of the two failed and why.
    pub async fn prepare(&self, client: &Client, largest: i64) -> anyhow::Result<()> {
        if !self.exists(client).await? {
            let create = format!(
                "CREATE TABLE IF NOT EXISTS {} (version int8 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255))",
                self.qualified
            );
            return client
                .batch_execute(&create)
                .await
                .map_err(|err| self.explain(&err, "create"));
        }
        if i32::try_from(largest).is_ok() {
            return Ok(());
        }
        let row = client
            .query_one(VERSION_TYPE_SQL, &[&self.qualified])
            .await?;
        if row.try_get::<_, String>(0)? == "integer" {
            let widen = format!(
                "ALTER TABLE {} ALTER COLUMN version TYPE int8",
                self.qualified
            );
            client
                .batch_execute(&widen)
                .await
                .map_err(|err| self.explain(&err, "widen the version column of"))?;
        }
        Ok(())
    }

    fn explain(&self, err: &tokio_postgres::Error, what: &str) -> anyhow::Error {
        let name = self.name();
        let db = find_db_error(err);
        let why = match db.map(tokio_postgres::error::DbError::code) {
            Some(&SqlState::READ_ONLY_SQL_TRANSACTION) => {
                "the database is read-only (a hot standby, or default_transaction_read_only)"
                    .to_owned()
            }
            Some(&SqlState::INSUFFICIENT_PRIVILEGE) => format!(
                "role {} has no CREATE privilege on schema {}",
                self.user, self.schema
            ),
            _ => db.map_or_else(|| err.to_string(), |db| db.message().to_owned()),
        };
        anyhow::anyhow!("cannot {what} {name}: {why}")
    }

    /// Records a migration as applied, on the connection (and in the transaction) that ran it.
    pub async fn record(
        &self,
        client: &Client,
        migration: &Migration,
    ) -> Result<(), tokio_postgres::Error> {
        let sql = format!(
            "INSERT INTO {} (version, name, applied_on, checksum) VALUES ($1::int8, $2, $3, $4)",
            self.qualified
        );
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .expect("the current time has an RFC 3339 form");
        let checksum = migration.checksum().to_string();
        // One round trip (no separate prepare): this runs once per migration.
        client
            .query_typed(
                &sql,
                &[
                    (&migration.version(), Type::INT8),
                    (&migration.name(), Type::TEXT),
                    (&now, Type::TEXT),
                    (&checksum, Type::TEXT),
                ],
            )
            .await?;
        Ok(())
    }
}

/// Whether a history row records this file: refinery's checksum of today, or the one lma 0.1
/// wrote, which hashed the version as an i32.
#[must_use]
pub fn same_checksum(file: &Migration, done: &Migration) -> bool {
    file.checksum() == done.checksum() || legacy_checksum(file) == Some(done.checksum())
}

/// refinery's checksum without `int8-versions`: SipHasher13 over name, i32 version and SQL.
fn legacy_checksum(file: &Migration) -> Option<u64> {
    let version = i32::try_from(file.version()).ok()?;
    let mut hasher = SipHasher13::new();
    file.name().to_owned().hash(&mut hasher);
    version.hash(&mut hasher);
    file.sql().unwrap_or_default().hash(&mut hasher);
    Some(hasher.finish())
}

fn applied_migration(row: &tokio_postgres::Row) -> anyhow::Result<Migration> {
    let version: i64 = row.try_get(0).context("invalid version")?;
    let name: String = row.try_get(1).context("invalid name")?;
    let applied_on: String = row.try_get(2).context("invalid applied_on")?;
    let applied_on = OffsetDateTime::parse(&applied_on, &Rfc3339)
        .with_context(|| format!("V{version}: invalid applied_on {applied_on:?}"))?;
    let checksum: String = row.try_get(3).context("invalid checksum")?;
    let checksum = checksum
        .parse::<u64>()
        .with_context(|| format!("V{version}: invalid checksum {checksum:?}"))?;
    Ok(Migration::applied(version, name, applied_on, checksum))
}

/// Quotes an identifier as PostgreSQL's quote_ident does when quoting is needed (always, here).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_always_quoted() {
        assert_eq!(quote_ident("public"), "\"public\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn the_legacy_checksum_is_what_lma_0_1_recorded() {
        // tests/fixtures/history_int4/basic.sql holds what lma 0.1 wrote for this file.
        let sql = include_str!("../../tests/fixtures/migrations_basic/V1__create_widgets.sql");
        let file = Migration::unapplied("V1__create_widgets", sql).unwrap();
        let recorded = Migration::applied(
            1,
            "create_widgets".to_owned(),
            OffsetDateTime::UNIX_EPOCH,
            9_689_089_151_910_049_315,
        );
        assert!(same_checksum(&file, &recorded));
        assert_ne!(
            file.checksum(),
            recorded.checksum(),
            "int8 checksums differ"
        );
    }
}
