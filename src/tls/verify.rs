//! The certificate checks of each `sslmode`, as libpq makes them through OpenSSL.
//!
//! `prefer` and `require` accept any certificate. `verify-ca` needs a chain to a trusted root,
//! `verify-full` also the host name. webpki judges X.509 v3 certificates; a v1 certificate,
//! which webpki refuses and OpenSSL accepts, is judged in `certificate.rs`.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, verify_tls13_signature_with_raw_key,
    WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, PeerMisbehaved, SignatureScheme};

use super::certificate::Parsed;

/// The handshake's signature, checked against the key the server's certificate carries, so the
/// session is bound to the certificate shown whatever the mode. rustls's `verify_tls1*_signature`
/// parse the certificate with webpki first, and so fail on a certificate webpki refuses (an
/// X.509 v1 one) even in the modes that do not judge certificates; such a certificate's key is
/// read with x509-cert instead.
#[derive(Debug)]
pub(super) struct Signatures(pub(super) WebPkiSupportedAlgorithms);

impl Signatures {
    fn tls12(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.0).or_else(|_| {
            let key = Parsed::new(cert)?.public_key()?;
            let key = webpki::RawPublicKeyEntity::try_from(&key)
                .map_err(|_| Error::from(CertificateError::BadEncoding))?;
            // TLS 1.2 names no single algorithm for a scheme: any of its candidates may do.
            let candidates = self
                .0
                .mapping
                .iter()
                .find(|(scheme, _)| *scheme == dss.scheme)
                .map(|(_, algorithms)| *algorithms)
                .ok_or(PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme)?;
            candidates
                .iter()
                .any(|alg| key.verify_signature(*alg, message, dss.signature()).is_ok())
                .then(HandshakeSignatureValid::assertion)
                .ok_or_else(|| CertificateError::BadSignature.into())
        })
    }

    fn tls13(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.0).or_else(|_| {
            let key = Parsed::new(cert)?.public_key()?;
            verify_tls13_signature_with_raw_key(message, &key, dss, &self.0)
        })
    }

    fn schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `prefer` and `require`: any certificate is accepted, as libpq does.
#[derive(Debug)]
pub(super) struct Unverified(pub(super) Signatures);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.0.tls12(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.0.tls13(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.schemes()
    }
}

/// `verify-ca` and `verify-full`.
#[derive(Debug)]
pub(super) struct Verified {
    pub(super) webpki: Arc<WebPkiServerVerifier>,
    /// The trusted roots as given, for the v1 certificates webpki cannot judge.
    pub(super) roots: Vec<CertificateDer<'static>>,
    /// `verify-full`: the host name is checked too.
    pub(super) full: bool,
    pub(super) signatures: Signatures,
}

impl Verified {
    /// An X.509 v1 server certificate, as OpenSSL judges one: trusted when a root signed it (a
    /// self-signed one is its own root when `sslrootcert` names it; a certificate that is not
    /// self-signed is no root, as OpenSSL without partial chains), within its validity and the
    /// root's; under `verify-full` its common name must match the host (a v1 certificate has no
    /// subjectAltName). Intermediates are not followed for it.
    fn verify_v1(
        &self,
        cert: &Parsed,
        host: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        cert.check_time(now)?;
        let algorithms = self.signatures.0.all;
        let trusted = self
            .roots
            .iter()
            .filter_map(|root| Parsed::new(root).ok())
            .any(|root| root.check_time(now).is_ok() && cert.issued_by(&root, algorithms));
        if !trusted {
            return Err(CertificateError::UnknownIssuer.into());
        }
        if self.full && !cert.common_name_matches(host) {
            return Err(CertificateError::NotValidForName.into());
        }
        Ok(ServerCertVerified::assertion())
    }
}

impl ServerCertVerifier for Verified {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        host: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let err = match self
            .webpki
            .verify_server_cert(end_entity, intermediates, host, ocsp, now)
        {
            Ok(verified) => return Ok(verified),
            Err(err) => err,
        };
        let Ok(cert) = Parsed::new(end_entity) else {
            return Err(err);
        };
        if cert.is_v1() {
            return self.verify_v1(&cert, host, now);
        }
        // webpki checks the name after the chain, so a name error means the chain is good.
        let wrong_name = matches!(
            err,
            Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            )
        );
        if wrong_name && (!self.full || cert.common_name_matches(host)) {
            return Ok(ServerCertVerified::assertion());
        }
        Err(err)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.signatures.tls12(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.signatures.tls13(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.signatures.schemes()
    }
}
