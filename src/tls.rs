//! TLS for connections, with libpq's `sslmode` values on rustls.
//!
//! tokio-postgres knows only `disable`, `prefer` and `require`, and rejects the other libpq
//! keys, so lma takes `sslmode` and `sslrootcert` out of the connection string itself and
//! gives rustls the matching verifier: `require` encrypts without verifying (as libpq does),
//! `verify-ca` checks the chain, `verify-full` the chain and the host name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use percent_encoding::percent_decode_str;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

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
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .context("cannot set up TLS")?;
        let config = if self.mode.verifies() {
            let roots = Arc::new(self.roots()?);
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .context("cannot set up TLS certificate verification")?;
            let verifier: Arc<dyn ServerCertVerifier> = if self.mode == SslMode::VerifyCa {
                Arc::new(ChainOnly(webpki))
            } else {
                webpki
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
                .with_no_client_auth()
        };
        Ok(MakeRustlsConnect::new(config))
    }

    /// The trusted roots: `sslrootcert`, else libpq's `~/.postgresql/root.crt`, else the system's.
    fn roots(&self) -> anyhow::Result<RootCertStore> {
        let default =
            std::env::var_os("HOME").map(|home| Path::new(&home).join(".postgresql/root.crt"));
        let file = self
            .root_cert
            .clone()
            .or(default.filter(|path| path.is_file()));
        let mut roots = RootCertStore::empty();
        if let Some(file) = file {
            let certs = CertificateDer::pem_file_iter(&file)
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .with_context(|| format!("cannot read sslrootcert {}", file.display()))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                bail!("sslrootcert {} holds no usable certificate", file.display());
            }
        } else {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
        Ok(roots)
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer` and `require`: encrypted, but any certificate is accepted, as libpq does. The
/// handshake signatures are still checked, so the session is bound to the certificate shown.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

const TLS_KEYS: [&str; 2] = ["sslmode", "sslrootcert"];

/// Removes the TLS keys from a URL's query string.
fn take_url_params(url: &str) -> (String, Vec<(String, String)>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), Vec::new());
    };
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if TLS_KEYS.contains(&key) {
            taken.push((
                key.to_owned(),
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            ));
        } else {
            kept.push(pair);
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, taken)
}

/// Removes the TLS keys from a `key=value` string (values may be single-quoted).
fn take_dsn_params(dsn: &str) -> (String, Vec<(String, String)>) {
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    let mut rest = dsn.trim_start();
    while !rest.is_empty() {
        let (pair, key, value, tail) = next_dsn_pair(rest);
        if TLS_KEYS.contains(&key.as_str()) {
            taken.push((key, value));
        } else {
            kept.push(pair);
        }
        rest = tail.trim_start();
    }
    (kept.join(" "), taken)
}

/// Splits off the first `key = value` pair: its text, key, unquoted value, and what follows.
fn next_dsn_pair(text: &str) -> (&str, String, String, &str) {
    let key_end = text
        .find(|c: char| c == '=' || c.is_whitespace())
        .unwrap_or(text.len());
    let key = text[..key_end].to_owned();
    let after_key = text[key_end..].trim_start();
    let after_eq = after_key
        .strip_prefix('=')
        .unwrap_or(after_key)
        .trim_start();
    let value_start = text.len() - after_eq.len();
    let (value, value_len) = if let Some(quoted) = after_eq.strip_prefix('\'') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let mut end = quoted.len();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
                '\'' => {
                    end = at + 1;
                    break;
                }
                c => value.push(c),
            }
        }
        (value, end + 1)
    } else {
        let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
        (after_eq[..end].to_owned(), end)
    };
    let pair_end = (value_start + value_len).min(text.len());
    (&text[..pair_end], key, value, &text[pair_end..])
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
