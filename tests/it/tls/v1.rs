//! X.509 v1 server certificates (no extensions), as Citus generates on every node and older
//! setups have: libpq (OpenSSL) accepts them in every mode that does not verify, and under
//! verify-ca / verify-full when they chain to the root given; so does lma.

use std::path::Path;

use super::{connect_error, make_ca, openssl, tls_version, TlsCluster};

/// A server key and its certificate request for CN=localhost, and the test CA beside them.
fn make_request(dir: &Path) {
    make_ca(dir);
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
}

/// `server.crt`: v1, self-signed (`x509 -req -signkey`, no extensions).
fn make_self_signed(dir: &Path) {
    make_request(dir);
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-signkey",
            "server.key",
            "-out",
            "server.crt",
            "-days",
            "2",
        ],
    );
    assert_is_v1(dir);
}

/// `server.crt`: v1, signed by the test CA (`x509 -req -CA`, no extensions).
fn make_signed_by_ca(dir: &Path) {
    make_request(dir);
    openssl(
        dir,
        &[
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
        ],
    );
    assert_is_v1(dir);
}

fn assert_is_v1(dir: &Path) {
    let text = openssl(dir, &["x509", "-in", "server.crt", "-noout", "-text"]);
    assert!(text.contains("Version: 1 (0x0)"), "{text}");
}

impl TlsCluster {
    fn file(&self, name: &str) -> String {
        self.certs.path().join(name).display().to_string()
    }
}

#[tokio::test]
async fn a_v1_self_signed_certificate_is_encrypted_without_verifying_and_pinned_by_verify_modes() {
    let cluster = TlsCluster::start_with(make_self_signed).await;
    let own = format!("sslrootcert={}", cluster.file("server.crt"));
    // rustls signs the handshake differently in each version: both are checked.
    for protocol in ["TLSv1.3", "TLSv1.2"] {
        cluster.set("ssl_max_protocol_version", protocol).await;
        // No sslmode is libpq's default, prefer.
        for mode in ["", "sslmode=prefer", "sslmode=require"] {
            let version = tls_version(&cluster.url("127.0.0.1", mode)).await;
            assert_eq!(version.as_deref(), Some(protocol), "{mode}");
        }
        // As psql: the certificate itself as the root passes verify-ca, and verify-full for
        // the host its common name gives.
        let verify_ca = format!("sslmode=verify-ca&{own}");
        let verify_full = format!("sslmode=verify-full&{own}");
        for url in [
            cluster.url("127.0.0.1", &verify_ca),
            cluster.url("localhost", &verify_full),
        ] {
            assert_eq!(tls_version(&url).await.as_deref(), Some(protocol), "{url}");
        }
        let err = connect_error(&cluster.url("127.0.0.1", &verify_full)).await;
        assert!(err.contains("NotValidForName"), "{err}");
    }
    let other_root = format!("sslmode=verify-ca&sslrootcert={}", cluster.ca());
    let err = connect_error(&cluster.url("127.0.0.1", &other_root)).await;
    assert!(err.contains("UnknownIssuer"), "{err}");
}

#[tokio::test]
async fn a_v1_certificate_signed_by_the_root_given_passes_verify_ca_and_verify_full() {
    let cluster = TlsCluster::start_with(make_signed_by_ca).await;
    let ca = format!("sslrootcert={}", cluster.ca());
    let verify_full = format!("sslmode=verify-full&{ca}");
    for url in [
        cluster.url("127.0.0.1", "sslmode=require"),
        cluster.url("127.0.0.1", &format!("sslmode=verify-ca&{ca}")),
        cluster.url("localhost", &verify_full),
    ] {
        assert!(tls_version(&url).await.is_some(), "{url}");
    }
    let err = connect_error(&cluster.url("127.0.0.1", &verify_full)).await;
    assert!(err.contains("NotValidForName"), "{err}");
    // The server's own certificate is no root of itself here: it is not self-signed.
    let own = format!(
        "sslmode=verify-ca&sslrootcert={}",
        cluster.file("server.crt")
    );
    let err = connect_error(&cluster.url("127.0.0.1", &own)).await;
    assert!(err.contains("UnknownIssuer"), "{err}");
}
