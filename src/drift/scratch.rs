//! The scratch database that the migrations are applied to: on a throwaway cluster that lma
//! starts, or on a server the user names with `--scratch-url`. It is dropped afterwards.

use anyhow::{bail, Context as _};
use tokio_postgres::Client;

use crate::db::Database;
use crate::sandbox::Sandbox;

/// Roles of the target that the throwaway cluster lacks: non-system, non-bootstrap roles.
const ROLES_SQL: &str = "SELECT rolname::text FROM pg_roles
    WHERE rolname !~ '^pg_' AND oid >= 16384 ORDER BY 1";

/// A scratch database and what hosts it.
pub struct Scratch {
    pub database: Database,
    admin: Database,
    sandbox: Option<Sandbox>,
}

impl Scratch {
    /// Creates the scratch database: on `url`'s server when given, else on a new throwaway
    /// cluster, where the target's roles are created first (NOLOGIN) so that the migrations'
    /// GRANTs to them run and compare. The server's major version must be the target's.
    pub async fn create(url: Option<&Database>, target: &Client) -> anyhow::Result<Self> {
        let roles = if url.is_none() {
            roles(target).await?
        } else {
            Vec::new()
        };
        Self::create_for(url, major(target).await?, &roles).await
    }

    /// Creates the scratch database for targets of PostgreSQL `theirs` (a major version), with
    /// `roles` (theirs, all together) on a throwaway cluster.
    pub async fn create_for(
        url: Option<&Database>,
        theirs: i32,
        roles: &[String],
    ) -> anyhow::Result<Self> {
        let (admin, sandbox) = if let Some(admin) = url {
            (admin.clone(), None)
        } else {
            let sandbox = tokio::task::spawn_blocking(Sandbox::start)
                .await
                .context("the cluster start-up task failed")??;
            let admin = Database::resolve(Some(&sandbox.url("postgres")), &|_| None, None)?;
            (admin, Some(sandbox))
        };
        let client = admin.connect().await?;
        let ours = major(&client).await?;
        if theirs != ours {
            bail!(
                "the scratch server is PostgreSQL {ours} and the database {theirs}: catalogs of different major versions do not compare; {}",
                if sandbox.is_some() {
                    format!("set {} to the PostgreSQL {theirs} binaries, or give --scratch-url", crate::sandbox::BIN_ENV)
                } else {
                    "give a --scratch-url of the same major version".to_owned()
                }
            );
        }
        if sandbox.is_some() {
            create_roles(&client, roles).await?;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("lma_drift_{}_{nanos}", std::process::id());
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| {
                format!("cannot create the scratch database on {}", admin.describe())
            })?;
        Ok(Self {
            database: admin.with_dbname(&name),
            admin,
            sandbox,
        })
    }

    /// Drops the scratch database and stops the throwaway cluster.
    pub async fn remove(self) -> anyhow::Result<()> {
        if let Some(mut sandbox) = self.sandbox {
            return tokio::task::spawn_blocking(move || sandbox.stop())
                .await
                .context("the cluster shut-down task failed")?;
        }
        let client = self.admin.connect().await?;
        let name = self.database.dbname().replace('"', "\"\"");
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .with_context(|| format!("cannot drop the scratch database {name}"))
    }
}

/// The server's major version, e.g. 15.
pub async fn major(client: &Client) -> anyhow::Result<i32> {
    let row = client
        .query_one(
            "SELECT current_setting('server_version_num')::int / 10000",
            &[],
        )
        .await
        .context("cannot read the server version")?;
    Ok(row.try_get(0)?)
}

/// The roles a throwaway cluster lacks: the server's own, not the system's or the bootstrap one.
pub async fn roles(target: &Client) -> anyhow::Result<Vec<String>> {
    let rows = target
        .query(ROLES_SQL, &[])
        .await
        .context("cannot list the database's roles")?;
    rows.iter().map(|row| Ok(row.try_get(0)?)).collect()
}

async fn create_roles(scratch: &Client, roles: &[String]) -> anyhow::Result<()> {
    for role in roles {
        let sql = format!("CREATE ROLE \"{}\" NOLOGIN", role.replace('"', "\"\""));
        scratch
            .batch_execute(&sql)
            .await
            .with_context(|| format!("cannot create role {role} on the throwaway cluster"))?;
    }
    Ok(())
}
