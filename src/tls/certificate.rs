//! What lma reads from a server's certificate where webpki will not: webpki refuses an X.509
//! v1 certificate outright (`UnsupportedCertVersion`), and OpenSSL, which libpq uses, does not.
//! x509-cert parses every version; this module takes from it the public key, the validity, the
//! issuer's signature and the names, as OpenSSL and libpq read them.

use rustls::pki_types::{
    CertificateDer, ServerName, SignatureVerificationAlgorithm, SubjectPublicKeyInfoDer, UnixTime,
};
use rustls::{CertificateError, Error};
use x509_cert::der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use x509_cert::der::oid::db::rfc4519::COMMON_NAME;
use x509_cert::der::{Decode as _, Encode as _, EncodeValue as _};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::{Certificate, Version};

/// A server or root certificate of any X.509 version.
pub(super) struct Parsed(Certificate);

impl Parsed {
    pub(super) fn new(der: &CertificateDer<'_>) -> Result<Self, Error> {
        Certificate::from_der(der)
            .map(Self)
            .map_err(|_| CertificateError::BadEncoding.into())
    }

    pub(super) fn is_v1(&self) -> bool {
        self.0.tbs_certificate.version == Version::V1
    }

    /// The subject's public key, which signs the TLS handshake.
    pub(super) fn public_key(&self) -> Result<SubjectPublicKeyInfoDer<'static>, Error> {
        self.0
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map(SubjectPublicKeyInfoDer::from)
            .map_err(|_| CertificateError::BadEncoding.into())
    }

    /// Whether `now` falls within the certificate's validity.
    pub(super) fn check_time(&self, now: UnixTime) -> Result<(), Error> {
        let validity = &self.0.tbs_certificate.validity;
        let now = now.as_secs();
        if now < validity.not_before.to_unix_duration().as_secs() {
            return Err(CertificateError::NotValidYet.into());
        }
        if now > validity.not_after.to_unix_duration().as_secs() {
            return Err(CertificateError::Expired.into());
        }
        Ok(())
    }

    /// Whether `issuer` signed this certificate: its subject is this one's issuer, and this
    /// one's signature checks out with its key under one of `algorithms`.
    pub(super) fn issued_by(
        &self,
        issuer: &Parsed,
        algorithms: &[&dyn SignatureVerificationAlgorithm],
    ) -> bool {
        let tbs = &self.0.tbs_certificate;
        let key = &issuer.0.tbs_certificate.subject_public_key_info;
        if tbs.issuer != issuer.0.tbs_certificate.subject {
            return false;
        }
        // x509-cert decodes DER only, so the re-encoding is the signed bytes.
        let (Ok(signed), Some(signature), Some(key_bits)) = (
            tbs.to_der(),
            self.0.signature.as_bytes(),
            key.subject_public_key.as_bytes(),
        ) else {
            return false;
        };
        let (signature_id, key_id) = (
            contents(&self.0.signature_algorithm),
            contents(&key.algorithm),
        );
        algorithms
            .iter()
            .filter(|alg| {
                Some(alg.signature_alg_id().as_ref()) == signature_id.as_deref()
                    && Some(alg.public_key_alg_id().as_ref()) == key_id.as_deref()
            })
            .any(|alg| alg.verify_signature(key_bits, &signed, signature).is_ok())
    }

    /// libpq's fallback for the host name: when the certificate has no subjectAltName of the
    /// host's kind (DNS name, or IP address for an IP host), the common name must match.
    /// (libpq's `pq_verify_peer_name_matches_certificate_name`.)
    pub(super) fn common_name_matches(&self, host: &ServerName<'_>) -> bool {
        let (host, is_ip) = match host {
            ServerName::DnsName(name) => (name.as_ref().to_owned(), false),
            ServerName::IpAddress(ip) => (std::net::IpAddr::from(*ip).to_string(), true),
            _ => return false,
        };
        let has_alt_name_of_kind = self
            .0
            .tbs_certificate
            .get::<SubjectAltName>()
            .ok()
            .flatten()
            .is_some_and(|(_, names)| {
                names.0.iter().any(|name| match name {
                    GeneralName::DnsName(_) => !is_ip,
                    GeneralName::IpAddress(_) => is_ip,
                    _ => false,
                })
            });
        !has_alt_name_of_kind
            && self
                .common_name()
                .is_some_and(|name| name_matches(&name, &host))
    }

    /// The subject's first common name, as text.
    fn common_name(&self) -> Option<String> {
        let value = self
            .0
            .tbs_certificate
            .subject
            .0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|attribute| attribute.oid == COMMON_NAME)
            .map(|attribute| &attribute.value)?;
        let text = value
            .decode_as::<Utf8StringRef<'_>>()
            .map(|s| s.as_str().to_owned())
            .or_else(|_| {
                value
                    .decode_as::<PrintableStringRef<'_>>()
                    .map(|s| s.to_string())
            })
            .or_else(|_| value.decode_as::<Ia5StringRef<'_>>().map(|s| s.to_string()))
            .or_else(|_| {
                value
                    .decode_as::<TeletexStringRef<'_>>()
                    .map(|s| s.to_string())
            });
        text.ok()
    }
}

/// An AlgorithmIdentifier's DER without its SEQUENCE header: the form webpki's algorithms give.
fn contents(algorithm: &AlgorithmIdentifierOwned) -> Option<Vec<u8>> {
    let der = algorithm.to_der().ok()?;
    let header = der.len() - usize::try_from(u32::from(algorithm.value_len().ok()?)).ok()?;
    der.get(header..).map(<[u8]>::to_vec)
}

/// libpq's name comparison: equal ignoring ASCII case, or a `*.` pattern whose `*` stands for
/// exactly one label (`*.example.com` matches `db.example.com`, not `a.db.example.com`).
fn name_matches(pattern: &str, host: &str) -> bool {
    if pattern.eq_ignore_ascii_case(host) {
        return true;
    }
    let Some(suffix) = pattern.strip_prefix('*').filter(|s| s.starts_with('.')) else {
        return false;
    };
    let Some(label_end) = host.len().checked_sub(suffix.len()) else {
        return false;
    };
    match (host.get(..label_end), host.get(label_end..)) {
        (Some(label), Some(rest)) => {
            !label.is_empty() && !label.contains('.') && rest.eq_ignore_ascii_case(suffix)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn names_compare_as_libpq_compares_them() {
        assert!(name_matches("LocalHost", "localhost"));
        assert!(name_matches("*.example.com", "db.EXAMPLE.com"));
        assert!(!name_matches("*.example.com", "a.db.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(!name_matches("*.example.com", ".example.com"));
        assert!(!name_matches("db*.example.com", "db1.example.com"));
        assert!(!name_matches("localhost", "127.0.0.1"));
    }
}
