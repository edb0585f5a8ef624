//! TLS for connections, with libpq's `sslmode` values on rustls.
//!
//! tokio-postgres knows only `disable`, `prefer` and `require`, and rejects the other libpq
//! keys, so lma takes `sslmode` and `sslrootcert` out of the connection string itself and
//! gives rustls the matching verifier: `require` encrypts without verifying (as libpq does),
//! `verify-ca` checks the chain, `verify-full` the chain and the host name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use tokio_postgres_rustls::MakeRustlsConnect;

use params::{take_dsn_params, take_url_params};
use verify::{Signatures, Unverified, Verified};

mod certificate;
mod params;
mod verify;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> anyhow::Result<Self> {
        Ok(match value {
            "disable" => Self::Disable,
            "allow" => Self::Allow,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => bail!("invalid sslmode {other:?}: use disable, allow, prefer, require, verify-ca or verify-full"),
        })
    }

    /// What tokio-postgres is told: whether TLS is attempted, and whether it is required.
    #[must_use]
    pub fn negotiation(self) -> tokio_postgres::config::SslMode {
        use tokio_postgres::config::SslMode as Pg;
        match self {
            Self::Disable => Pg::Disable,
            // tokio-postgres cannot try plain text first; TLS when offered is the safer half.
            Self::Allow | Self::Prefer => Pg::Prefer,
            Self::Require | Self::VerifyCa | Self::VerifyFull => Pg::Require,
        }
    }

    /// Whether the server's certificate is checked against trusted roots.
    #[must_use]
    pub fn verifies(self) -> bool {
        matches!(self, Self::VerifyCa | Self::VerifyFull)
    }
}

/// The TLS settings of a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    pub mode: SslMode,
    /// PEM file of the certificate authorities to trust.
    pub root_cert: Option<PathBuf>,
}

impl Tls {
    /// Takes `sslmode` and `sslrootcert` out of a connection string (URL or key=value), falling
    /// back to `PGSSLMODE` and `PGSSLROOTCERT`; returns the rest of the string and the settings.
    pub fn extract(
        conn: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<(String, Self)> {
        let (rest, pairs) = if conn.contains("://") {
            take_url_params(conn)
        } else {
            take_dsn_params(conn)
        };
        let value = |key: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let mode = value("sslmode").or_else(|| env("PGSSLMODE").filter(|v| !v.is_empty()));
        let root_cert =
            value("sslrootcert").or_else(|| env("PGSSLROOTCERT").filter(|v| !v.is_empty()));
        let mode = mode
            .as_deref()
            .map(SslMode::parse)
            .transpose()?
            .unwrap_or_default();
        Ok((
            rest,
            Self {
                mode,
                root_cert: root_cert.map(PathBuf::from),
            },
        ))
    }

    /// A rustls connector for tokio-postgres that verifies as the mode says.
    pub fn connector(&self) -> anyhow::Result<MakeRustlsConnect> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let signatures = Signatures(provider.signature_verification_algorithms);
        let verifier: Arc<dyn ServerCertVerifier> = if self.mode.verifies() {
            let roots = self.roots()?;
            let mut store = RootCertStore::empty();
            store.add_parsable_certificates(roots.iter().cloned());
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                    .build()
                    .context("cannot set up TLS certificate verification")?;
            Arc::new(Verified {
                webpki,
                roots,
                full: self.mode == SslMode::VerifyFull,
                signatures,
            })
        } else {
            Arc::new(Unverified(signatures))
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("cannot set up TLS")?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    /// The trusted roots: `sslrootcert`, else libpq's `~/.postgresql/root.crt`, else the system's.
    fn roots(&self) -> anyhow::Result<Vec<CertificateDer<'static>>> {
        let default =
            std::env::var_os("HOME").map(|home| Path::new(&home).join(".postgresql/root.crt"));
        let file = self
            .root_cert
            .clone()
            .or(default.filter(|path| path.is_file()));
        let Some(file) = file else {
            return Ok(rustls_native_certs::load_native_certs().certs);
        };
        let certs = CertificateDer::pem_file_iter(&file)
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .with_context(|| format!("cannot read sslrootcert {}", file.display()))?;
        if certs.is_empty() {
            bail!("sslrootcert {} holds no certificate", file.display());
        }
        Ok(certs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn url_tls_keys_are_taken_out_and_the_rest_kept() {
        let (rest, tls) = Tls::extract(
            "postgres://u@h/db?sslmode=verify-full&application_name=x&sslrootcert=%2Ftmp%2Fca.crt",
            &no_env,
        )
        .unwrap();
        assert_eq!(rest, "postgres://u@h/db?application_name=x");
        assert_eq!(
            tls,
            Tls {
                mode: SslMode::VerifyFull,
                root_cert: Some(PathBuf::from("/tmp/ca.crt"))
            }
        );
        let (rest, tls) = Tls::extract("postgres://u@h/db?sslmode=require", &no_env).unwrap();
        assert_eq!(
            (rest.as_str(), tls.mode),
            ("postgres://u@h/db", SslMode::Require)
        );
    }

    #[test]
    fn dsn_tls_keys_are_taken_out_including_quoted_values() {
        let (rest, tls) = Tls::extract(
            "host=h sslmode = verify-ca sslrootcert='/my certs/ca.crt' user=u",
            &no_env,
        )
        .unwrap();
        assert_eq!(rest, "host=h user=u");
        assert_eq!(tls.mode, SslMode::VerifyCa);
        assert_eq!(tls.root_cert, Some(PathBuf::from("/my certs/ca.crt")));
    }

    #[test]
    fn the_environment_fills_in_and_prefer_is_the_default() {
        let env = |key: &str| (key == "PGSSLMODE").then(|| "require".to_owned());
        assert_eq!(
            Tls::extract("host=h", &env).unwrap().1.mode,
            SslMode::Require
        );
        assert_eq!(
            Tls::extract("host=h sslmode=disable", &env).unwrap().1.mode,
            SslMode::Disable
        );
        assert_eq!(
            Tls::extract("host=h", &no_env).unwrap().1.mode,
            SslMode::Prefer
        );
    }

    #[test]
    fn an_unknown_sslmode_is_an_error_listing_the_choices() {
        let err = Tls::extract("postgres://h/db?sslmode=always", &no_env).unwrap_err();
        assert!(err.to_string().contains("verify-full"), "{err}");
    }

    #[test]
    fn connectors_build_for_every_mode() {
        for mode in [
            SslMode::Disable,
            SslMode::Prefer,
            SslMode::Require,
            SslMode::VerifyCa,
            SslMode::VerifyFull,
        ] {
            Tls {
                mode,
                root_cert: None,
            }
            .connector()
            .unwrap();
        }
    }
}
