//! The integration-test harness: one PostgreSQL server for the whole run, one fresh database per
//! test, dropped when the test passes and kept (with its cluster) when it fails.
//!
//! The server is `LMA_TEST_DATABASE_URL` when set, else a throwaway cluster that lma's own
//! sandbox starts from the local binaries. Neither available is a failure that says how to fix
//! it, never a skip.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use lma::db::Database;
use lma::migrate::policy::Policy;
use lma::migrate::source::MigrationSet;
use lma::migrate::Migrator;
use lma::progress::Progress;
use lma::sandbox::Sandbox;
use tokio_postgres::Client;

/// The environment variable naming a server where tests may CREATE DATABASE.
pub const SERVER_ENV: &str = "LMA_TEST_DATABASE_URL";

/// The server every test of this run shares.
pub struct Server {
    admin_url: String,
    sandbox: Option<Sandbox>,
}

impl Server {
    fn start() -> Result<Self, String> {
        if let Ok(url) = std::env::var(SERVER_ENV) {
            return Ok(Self {
                admin_url: url,
                sandbox: None,
            });
        }
        let sandbox = Sandbox::start().map_err(|err| {
            format!(
                "no PostgreSQL for the tests: {err:#}. Install the server binaries \
                 (apt-get install postgresql) or set {SERVER_ENV} to a server where the tests may CREATE DATABASE"
            )
        })?;
        Ok(Self {
            admin_url: sandbox.url("postgres"),
            sandbox: Some(sandbox),
        })
    }

    /// A URL for another database on this server.
    pub fn url(&self, dbname: &str) -> String {
        url_with_dbname(&self.admin_url, dbname)
    }

    async fn admin(&self) -> Client {
        connect(&self.admin_url).await
    }
}

/// The shared server, started on first use.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    match SERVER.get_or_init(Server::start) {
        Ok(server) => server,
        Err(message) => panic!("{message}"),
    }
}

/// Connects to a URL with no help from the caller's environment.
pub async fn connect(url: &str) -> Client {
    let no_env = |_: &str| None;
    Database::resolve(Some(url), &no_env, None)
        .expect("test URLs are valid")
        .connect()
        .await
        .unwrap_or_else(|err| panic!("{err:#}"))
}

/// A fresh, empty database for one test.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// Creates a database named after the running test.
    pub async fn new() -> Self {
        let name = database_name(std::thread::current().name().unwrap_or("test"));
        let server = server();
        server
            .admin()
            .await
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|err| panic!("cannot create test database {name}: {err:#}"));
        let url = server.url(&name);
        Self { name, url }
    }

    /// A fresh database with the whole LMA schema applied.
    pub async fn migrated() -> Self {
        Self::migrated_to(None).await
    }

    /// A fresh database with the LMA schema applied up to `target` (all of it for `None`).
    pub async fn migrated_to(target: Option<i64>) -> Self {
        let db = Self::new().await;
        let set = MigrationSet::embedded();
        let quiet = Progress::new(true, 0);
        Migrator::new(&set, Policy::default(), &quiet)
            .apply(&db.database(), target)
            .await
            .unwrap_or_else(|err| panic!("cannot migrate {}: {err:#}", db.name));
        db
    }

    /// This database as lma's library resolves it.
    pub fn database(&self) -> Database {
        Database::resolve(Some(&self.url), &|_| None, None).expect("test URLs are valid")
    }

    /// Runs `lma migrate` with the migrations of `dir`, up to `target`, and expects success.
    pub fn migrate_dir(&self, dir: &Path, target: Option<i64>) {
        let mut command = self.lma();
        command.arg("migrate").arg("--migrations").arg(dir);
        if let Some(target) = target {
            command.args(["--target", &target.to_string()]);
        }
        command.assert().success();
    }

    /// A fresh database copied from `template`, a database of the test server that nobody is
    /// connected to (CREATE DATABASE … TEMPLATE): seeded data without seeding every test.
    pub async fn from_template(template: &str) -> Self {
        let name = database_name(std::thread::current().name().unwrap_or("test"));
        let server = server();
        server
            .admin()
            .await
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .await
            .unwrap_or_else(|err| panic!("cannot copy {template} to {name}: {err:#}"));
        let url = server.url(&name);
        Self { name, url }
    }

    /// The `lma` binary, pointed at this database with the session run as `role` (`options=-c
    /// role=...`): the harness's login acting with that role's privileges only, so a test can
    /// be a non-superuser without a login role or a password of its own.
    pub fn lma_as(&self, role: &TestRole) -> assert_cmd::Command {
        let option = format!("options=-c%20role%3D{}", role.name);
        let url = match (self.url.contains("://"), self.url.contains('?')) {
            (true, true) => format!("{}&{option}", self.url),
            (true, false) => format!("{}?{option}", self.url),
            (false, _) => format!("{} options='-c role={}'", self.url, role.name),
        };
        lma_at(&url)
    }

    /// A new connection to this database.
    pub async fn client(&self) -> Client {
        connect(&self.url).await
    }

    /// The `lma` binary, pointed at this database, with a clean environment.
    pub fn lma(&self) -> assert_cmd::Command {
        lma_at(&self.url)
    }
}

/// The `lma` binary pointed at `url`, with a clean environment.
fn lma_at(url: &str) -> assert_cmd::Command {
    let mut command = lma_binary();
    command.arg("--database-url").arg(url);
    command
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let server = server();
        if std::thread::panicking() {
            if let Some(sandbox) = &server.sandbox {
                let _ = sandbox.keep();
                eprintln!(
                    "kept database {} in the cluster at {}",
                    self.name,
                    sandbox.dir().display()
                );
            } else {
                eprintln!("kept database {} for inspection", self.name);
            }
            return;
        }
        admin_from_drop(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        ));
    }
}

/// Runs `sql` on the server as the harness's login, from a `Drop`: that runs inside the test's
/// runtime, which cannot block on another, so the statement gets a thread and a runtime.
fn admin_from_drop(sql: String) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            server().admin().await.batch_execute(&sql).await.unwrap();
        });
    })
    .join()
    .expect("a statement of the harness failed");
}

/// A role for one test (roles are the cluster's, not a database's), dropped when the test
/// passes. Declare it before the databases it owns or holds privileges in: they are dropped
/// first.
pub struct TestRole {
    pub name: String,
}

impl TestRole {
    /// `CREATE ROLE <name> NOLOGIN <attributes>`, named after the running test.
    pub async fn create(attributes: &str) -> Self {
        let name = database_name(std::thread::current().name().unwrap_or("test"));
        let sql = format!("CREATE ROLE {name} NOLOGIN {attributes}");
        server()
            .admin()
            .await
            .batch_execute(&sql)
            .await
            .unwrap_or_else(|err| panic!("cannot {sql}: {err:#}"));
        Self { name }
    }
}

impl Drop for TestRole {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            admin_from_drop(format!("DROP ROLE IF EXISTS {}", self.name));
        }
    }
}

/// The `lma` binary with none of the caller's database or colour settings.
pub fn lma_binary() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("lma").expect("the lma binary is built");
    for key in [
        "DATABASE_URL",
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
        "NO_COLOR",
    ] {
        command.env_remove(key);
    }
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Polls a boolean query until it is true; the bound (about a minute) only turns a hang into a
/// failure, and the failure lists the database's sessions. No test asserts on time.
pub async fn wait_until(client: &Client, sql: &str) {
    for _ in 0..1200 {
        if client.query_one(sql, &[]).await.unwrap().get::<_, bool>(0) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sessions = client
        .query("SELECT format('%s %s %s %s %s', pid, application_name, state, wait_event, left(query, 80)) FROM pg_stat_activity WHERE datname = current_database()", &[])
        .await
        .unwrap();
    let sessions: Vec<String> = sessions.iter().map(|row| row.get(0)).collect();
    panic!("never became true: {sql}\nsessions: {sessions:#?}");
}

/// The versions in refinery's history table; none when the table does not exist.
pub async fn history(client: &Client) -> Vec<i64> {
    if !exists(client, "refinery_schema_history").await {
        return Vec::new();
    }
    let rows = client
        .query(
            "SELECT version::int8 FROM refinery_schema_history ORDER BY version",
            &[],
        )
        .await
        .unwrap();
    rows.iter().map(|row| row.get(0)).collect()
}

/// Whether a relation exists, by name as the search path finds it.
pub async fn exists(client: &Client, relation: &str) -> bool {
    client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&relation])
        .await
        .unwrap()
        .get(0)
}

/// The report an `lma --format json` run printed; the panic shows stderr too.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A fixture directory under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of a fixture directory that a test may edit.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
    }
    copy
}

fn database_name(test: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let base: String = test
        .rsplit("::")
        .next()
        .unwrap_or(test)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("t_{base}_{}_{n}", std::process::id())
}

/// Replaces the database of a URL (`postgres://…/db?…`) or key=value string.
fn url_with_dbname(url: &str, dbname: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return format!("{url} dbname={dbname}");
    };
    let (before_query, query) = rest
        .split_once('?')
        .map_or((rest, None), |(b, q)| (b, Some(q)));
    let authority = before_query.split('/').next().unwrap_or_default();
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{dbname}{query}")
}

#[test]
fn urls_get_their_database_replaced() {
    assert_eq!(
        url_with_dbname("postgres://u:p@h:1/db?sslmode=disable", "x"),
        "postgres://u:p@h:1/x?sslmode=disable"
    );
    assert_eq!(url_with_dbname("postgresql://h", "x"), "postgresql://h/x");
    assert_eq!(
        url_with_dbname("host=h user=u", "x"),
        "host=h user=u dbname=x"
    );
}

/// A PostgreSQL client program next to the server binaries the tests use, else the one on PATH.
pub fn pg_tool(name: &str) -> PathBuf {
    let beside = lma::sandbox::find_bin_dir()
        .expect("the PostgreSQL binaries")
        .join(name);
    if beside.is_file() {
        beside
    } else {
        PathBuf::from(name)
    }
}

/// The keys of a JSON object, sorted: what a test pins of a report's shape.
pub fn keys(value: &serde_json::Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}
