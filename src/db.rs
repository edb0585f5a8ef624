//! Connections: resolve where the database is (URL, environment, libpq defaults), connect with
//! tokio-postgres, and describe the target without ever showing the password. A password the
//! URL leaves out comes from `PGPASSWORD`, else the libpq password file (src/pgpass.rs).

use std::path::Path;
use std::time::Duration;

use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config};

use crate::tls::Tls;

/// How long a connection attempt may take when neither the URL nor the config says.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Debian's libpq looks for the server's socket here when no host is given.
const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// A database to connect to, fully resolved.
#[derive(Clone)]
pub struct Database {
    config: Config,
    tls: Tls,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Database {
    /// Resolves a URL (or key=value string), filling what it leaves out from the libpq
    /// environment (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`) and libpq's defaults.
    pub fn resolve(
        url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        connect_timeout: Option<Duration>,
    ) -> anyhow::Result<Self> {
        let invalid = |err: anyhow::Error| anyhow::anyhow!("invalid database URL: {err}");
        let (rest, info) = crate::url::split(url.unwrap_or_default()).map_err(invalid)?;
        let (rest, tls) = Tls::extract(&rest, env).map_err(invalid)?;
        let mut config = match url {
            // The parser's message never repeats the input, so the password cannot leak here.
            Some(_) => rest.parse::<Config>().map_err(|err| invalid(err.into()))?,
            None => Config::new(),
        };
        // As in libpq, a user or password in the query string wins over the user information.
        if let (Some(user), None) = (info.user, config.get_user()) {
            config.user(user);
        }
        if let (Some(password), None) = (info.password, config.get_password()) {
            config.password(password);
        }
        config.ssl_mode(tls.mode.negotiation());
        fill_from_env(&mut config, env);
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT));
        }
        if config.get_application_name().is_none() {
            config.application_name("lma");
        }
        Ok(Self { config, tls })
    }

    /// `user@host:port/dbname`: what error messages and logs name. Never the password.
    #[must_use]
    pub fn describe(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            Some(Host::Unix(path)) => path.display().to_string(),
            None => "localhost".to_owned(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let user = self.config.get_user().unwrap_or("?");
        let dbname = self.config.get_dbname().unwrap_or("?");
        format!("{user}@{host}:{port}/{dbname}")
    }

    /// The database name.
    #[must_use]
    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or_default()
    }

    /// The same server and credentials, another database.
    #[must_use]
    pub fn with_dbname(&self, dbname: &str) -> Self {
        let mut config = self.config.clone();
        config.dbname(dbname);
        Self {
            config,
            tls: self.tls.clone(),
        }
    }

    /// Opens a connection and spawns its driver task. `connect_timeout` bounds all of it for
    /// each host tried, as in libpq: the TCP connection, TLS and the startup exchange
    /// (tokio-postgres bounds only the TCP connection, so a server that accepts and never
    /// answers would hang lma).
    pub async fn connect(&self) -> anyhow::Result<Client> {
        self.within_timeout(self.open()).await
    }

    /// A connection whose transactions are read-only by default, for commands that only look:
    /// a guard against a write lma did not mean (a statement could still undo it, e.g.
    /// `BEGIN READ WRITE`, and lma issues none).
    pub async fn connect_read_only(&self) -> anyhow::Result<Client> {
        self.within_timeout(async {
            let client = self.open().await?;
            client
                .batch_execute("SET default_transaction_read_only = on")
                .await
                .map_err(|err| {
                    let cause = crate::exit::one_line(&anyhow::anyhow!(err));
                    anyhow::anyhow!(
                        "{}: cannot start a read-only session: {cause}",
                        self.describe()
                    )
                })?;
            Ok(client)
        })
        .await
    }

    async fn open(&self) -> anyhow::Result<Client> {
        let connector = self.tls.connector()?;
        let (client, connection) = self.config.connect(connector).await.map_err(|err| {
            let cause = crate::exit::one_line(&anyhow::anyhow!(err));
            let hint = if cause.contains("certificate") && self.tls.mode.verifies() {
                "; sslrootcert must name the CA that signed the server's certificate"
            } else {
                ""
            };
            anyhow::anyhow!("cannot connect to {}: {cause}{hint}", self.describe())
        })?;
        tokio::spawn(async move {
            // The client reports a lost connection on its next call; nothing to add here.
            let _ = connection.await;
        });
        Ok(client)
    }

    /// Runs `work` within `connect_timeout` for each host the connection may try.
    async fn within_timeout<T>(
        &self,
        work: impl std::future::Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        let per_host = self
            .config
            .get_connect_timeout()
            .copied()
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let hosts = u32::try_from(self.config.get_hosts().len().max(1)).unwrap_or(u32::MAX);
        let limit = per_host.saturating_mul(hosts);
        tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "cannot connect to {}: no answer within {} (connect_timeout)",
                self.describe(),
                humantime::format_duration(limit)
            ))
        })
    }
}

fn fill_from_env(config: &mut Config, env: &dyn Fn(&str) -> Option<String>) {
    let var = |key: &str| env(key).filter(|value| !value.is_empty());
    if config.get_hosts().is_empty() {
        let default_host = if Path::new(DEFAULT_SOCKET_DIR).is_dir() {
            DEFAULT_SOCKET_DIR.to_owned()
        } else {
            "localhost".to_owned()
        };
        config.host(var("PGHOST").unwrap_or(default_host));
    }
    if config.get_ports().is_empty() {
        let port = var("PGPORT").and_then(|port| port.parse().ok());
        config.port(port.unwrap_or(5432));
    }
    if config.get_user().is_none() {
        let user = var("PGUSER")
            .or_else(|| var("USER"))
            .or_else(|| var("LOGNAME"));
        config.user(user.as_deref().unwrap_or("postgres"));
    }
    if config.get_dbname().is_none() {
        let dbname = var("PGDATABASE").or_else(|| config.get_user().map(str::to_owned));
        config.dbname(dbname.as_deref().unwrap_or("postgres"));
    }
    if config.get_password().is_none() {
        if let Some(password) = var("PGPASSWORD").or_else(|| from_pgpass(config, env)) {
            config.password(password);
        }
    }
}

/// The password `.pgpass` gives for the first host. A socket directory matches as
/// `localhost`, as in libpq.
fn from_pgpass(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let host = match config.get_hosts().first()? {
        Host::Tcp(name) => name.clone(),
        Host::Unix(_) => "localhost".to_owned(),
    };
    let lookup = crate::pgpass::Lookup {
        host: &host,
        port: config.get_ports().first().copied().unwrap_or(5432),
        dbname: config.get_dbname().unwrap_or_default(),
        user: config.get_user().unwrap_or_default(),
    };
    crate::pgpass::find(env, lookup)
}

/// The first PostgreSQL error in a chain.
pub fn find_db_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a tokio_postgres::error::DbError> {
    causes(err).find_map(|cause| cause.downcast_ref::<tokio_postgres::error::DbError>())
}

/// An error and its causes, outermost first.
pub fn causes<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |cause| cause.source())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn a_url_is_described_without_its_password() {
        let db = Database::resolve(
            Some("postgres://alice:s3cret@db.example:6543/crm"),
            &env_of(&[]),
            None,
        )
        .unwrap();
        assert_eq!(db.describe(), "alice@db.example:6543/crm");
        assert!(!format!("{db:?}").contains("s3cret"));
    }

    #[test]
    fn the_libpq_environment_fills_what_the_url_leaves_out() {
        let env = env_of(&[
            ("PGHOST", "h"),
            ("PGPORT", "7777"),
            ("PGUSER", "u"),
            ("PGDATABASE", "d"),
        ]);
        let db = Database::resolve(None, &env, None).unwrap();
        assert_eq!(db.describe(), "u@h:7777/d");
        // tokio-postgres gives a URL's host the default port itself, so only the rest is filled.
        let db = Database::resolve(Some("postgres://y/z"), &env, None).unwrap();
        assert_eq!(db.describe(), "u@y:5432/z");
    }

    #[test]
    fn the_database_defaults_to_the_user_name() {
        let db = Database::resolve(Some("host=h user=bob"), &env_of(&[]), None).unwrap();
        assert_eq!(db.dbname(), "bob");
    }

    #[test]
    fn a_malformed_url_is_an_error_that_does_not_repeat_it() {
        let err = Database::resolve(
            Some("postgres://u:hunter2@h:notaport/db"),
            &env_of(&[]),
            None,
        )
        .unwrap_err();
        let text = format!("{err:#}");
        assert!(text.starts_with("invalid database URL"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
