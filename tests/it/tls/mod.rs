//! TLS against a throwaway cluster serving a certificate signed by a CA the test makes.

mod v1;

use std::path::Path;
use std::process::Command;

use lma::db::Database;
use lma::sandbox::Sandbox;
use tempfile::TempDir;

use crate::support::lma_binary;

/// A cluster with ssl=on, and the directory holding its CA certificate (`ca.crt`). The server
/// certificate names only `localhost`, so 127.0.0.1 passes verify-ca but not verify-full.
struct TlsCluster {
    sandbox: Sandbox,
    certs: TempDir,
}

impl TlsCluster {
    async fn start() -> Self {
        Self::start_with(make_certificates).await
    }

    /// A cluster serving `server.crt` and `server.key`, which `make` writes into its directory.
    async fn start_with(make: fn(&Path)) -> Self {
        let certs = tempfile::tempdir().unwrap();
        make(certs.path());
        let sandbox = tokio::task::spawn_blocking(Sandbox::start)
            .await
            .unwrap()
            .expect("a throwaway cluster");
        let data = sandbox.dir().join("data");
        for file in ["server.crt", "server.key"] {
            std::fs::copy(certs.path().join(file), data.join(file)).unwrap();
        }
        hand_to_cluster_owner(&data);
        let cluster = Self { sandbox, certs };
        cluster.set("ssl", "on").await;
        cluster
    }

    /// Sets a server setting with ALTER SYSTEM and waits until new sessions see it.
    async fn set(&self, name: &str, value: &str) {
        let admin_url = self.sandbox.url("postgres");
        let admin = connect(&admin_url).await;
        // ALTER SYSTEM refuses to run in the implicit transaction of a multi-statement query.
        admin
            .batch_execute(&format!("ALTER SYSTEM SET {name} = '{value}'"))
            .await
            .unwrap();
        admin
            .batch_execute("SELECT pg_reload_conf()")
            .await
            .unwrap();
        for _ in 0..200 {
            let shown: String = connect(&admin_url)
                .await
                .query_one(&format!("SHOW {name}"), &[])
                .await
                .unwrap()
                .get(0);
            if shown == value {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{name} did not become {value}");
    }

    fn url(&self, host: &str, params: &str) -> String {
        format!(
            "postgres://postgres@{host}:{}/postgres?{params}",
            self.sandbox.port()
        )
    }

    fn ca(&self) -> String {
        self.certs.path().join("ca.crt").display().to_string()
    }
}

/// Runs openssl in `dir` and returns its standard output.
fn openssl(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A CA (`ca.crt`, `ca.key`) and a server certificate it signed, for `localhost` only.
fn make_certificates(dir: &Path) {
    make_ca(dir);
    let openssl = |args: &[&str]| openssl(dir, args);
    let ext = "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n";
    std::fs::write(dir.join("server.ext"), ext).unwrap();
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
}

/// A self-signed CA certificate, `ca.crt`, and its key.
fn make_ca(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=lma test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
}

/// The server reads its key as the cluster's owner and refuses one others can read.
fn hand_to_cluster_owner(data: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        data.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    if nix::unistd::geteuid().is_root() {
        let owner = nix::unistd::User::from_name("postgres")
            .unwrap()
            .expect("a postgres user");
        for file in ["server.crt", "server.key"] {
            nix::unistd::chown(&data.join(file), Some(owner.uid), Some(owner.gid)).unwrap();
        }
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    Database::resolve(Some(url), &|_| None, None)
        .unwrap()
        .connect()
        .await
        .unwrap_or_else(|err| panic!("{err:#}"))
}

async fn uses_tls(url: &str) -> bool {
    tls_version(url).await.is_some()
}

/// The TLS version of a new session to `url` (pg_stat_ssl), None when it is not encrypted.
async fn tls_version(url: &str) -> Option<String> {
    let client = connect(url).await;
    client
        .query_one(
            "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

/// The error connecting to `url` gives, on one line.
async fn connect_error(url: &str) -> String {
    let err = Database::resolve(Some(url), &|_| None, None)
        .unwrap()
        .connect()
        .await
        .err()
        .unwrap_or_else(|| panic!("{url} connects"));
    format!("{err:#}")
}

#[tokio::test]
async fn require_encrypts_and_disable_does_not() {
    let cluster = TlsCluster::start().await;
    assert!(uses_tls(&cluster.url("127.0.0.1", "sslmode=require")).await);
    assert!(uses_tls(&cluster.url("127.0.0.1", "sslmode=prefer")).await);
    assert!(!uses_tls(&cluster.url("127.0.0.1", "sslmode=disable")).await);
}

#[tokio::test]
async fn verify_full_accepts_the_right_ca_and_host_and_verify_ca_ignores_the_host() {
    let cluster = TlsCluster::start().await;
    let ca = cluster.ca();
    assert!(
        uses_tls(&cluster.url(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca}")
        ))
        .await
    );
    assert!(
        uses_tls(&cluster.url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}"))).await
    );

    let wrong_host = cluster.url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let err = Database::resolve(Some(&wrong_host), &|_| None, None)
        .unwrap()
        .connect()
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("certificate"), "{err:#}");
}

#[tokio::test]
async fn verify_full_against_an_unknown_ca_fails_with_a_clear_message() {
    let cluster = TlsCluster::start().await;
    let output = lma_binary()
        .env("HOME", cluster.certs.path())
        .args([
            "status",
            "--database-url",
            &cluster.url("localhost", "sslmode=verify-full"),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("invalid peer certificate") && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );
    assert!(stderr.contains("sslrootcert must name the CA"), "{stderr}");
}
