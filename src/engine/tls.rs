//! TLS trust for the connect probe: the OS trust store (rustls-platform-verifier), plus an optional
//! CA file, or nothing at all when the user turned certificate checks off. A wrapping verifier keeps
//! the chain the server presented, so a failed check can still say what the certificate was.

use crate::transcript::{StepError, TlsFailure};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What the server presented (end entity first, as DER) and what the real verifier said of it.
#[derive(Debug, Default)]
pub struct Presented {
    pub chain: Vec<CertificateDer<'static>>,
    pub verdict: Option<Result<(), rustls::Error>>,
}

pub type PresentedChain = Arc<Mutex<Presented>>;

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Read every certificate of a PEM file.
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, StepError> {
    // Only a regular file, at most 1 MiB, read with a time limit (a FIFO, /dev/zero).
    let bytes = super::ca_file::read_ca_file(path).map_err(|detail| StepError::CaFile { detail })?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| StepError::CaFile {
            detail: format!("{}: not a PEM certificate file ({e:?})", path.display()),
        })?;
    if certs.is_empty() {
        return Err(StepError::CaFile {
            detail: format!("{}: holds no certificate", path.display()),
        });
    }
    Ok(certs)
}

/// Build the client configuration and the slot where the presented chain will land.
/// The crypto library initialises itself on first use (tens of ms in a debug build); do that
/// before the handshake is timed so the TLS phase shows the network, not the library.
fn warm_up(provider: &rustls::crypto::CryptoProvider) {
    for group in &provider.kx_groups {
        let _ = group.start();
    }
}

pub fn client_config(ca_file: Option<&Path>, insecure: bool) -> Result<(ClientConfig, PresentedChain), StepError> {
    let provider = provider();
    warm_up(&provider);
    let extra = match ca_file {
        Some(p) => read_ca_file(p)?,
        None => Vec::new(),
    };
    let inner: Arc<dyn ServerCertVerifier> = Arc::new(
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone()).map_err(|e| {
            StepError::Tls {
                kind: TlsFailure::Handshake,
                detail: format!("trust store: {e}"),
            }
        })?,
    );
    let chain: PresentedChain = Arc::default();
    let verifier = Arc::new(Recording {
        inner,
        chain: chain.clone(),
        insecure,
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StepError::Tls {
            kind: TlsFailure::Handshake,
            detail: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok((config, chain))
}

#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    chain: PresentedChain,
    insecure: bool,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        if let Ok(mut p) = self.chain.lock() {
            p.chain = std::iter::once(end_entity.clone().into_owned())
                .chain(intermediates.iter().map(|i| i.clone().into_owned()))
                .collect();
            p.verdict = Some(verdict.as_ref().map(|_| ()).map_err(|e| e.clone()));
        }
        if self.insecure {
            Ok(ServerCertVerified::assertion())
        } else {
            verdict
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Map a rustls error (found anywhere in an error chain) to the failure kinds the hints know.
pub fn classify(err: &rustls::Error) -> TlsFailure {
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::UnhandledCriticalExtension => TlsFailure::Untrusted,
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => TlsFailure::Expired,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::NameMismatch
            }
            CertificateError::Other(o) => {
                let text = o.to_string().to_ascii_lowercase();
                if text.contains("issuer") || text.contains("trust") || text.contains("self") {
                    TlsFailure::Untrusted
                } else if text.contains("expired") || text.contains("not valid yet") {
                    TlsFailure::Expired
                } else if text.contains("name") {
                    TlsFailure::NameMismatch
                } else {
                    TlsFailure::Handshake
                }
            }
            CertificateError::BadEncoding => TlsFailure::Handshake,
            // Everything else means no path to a trusted root was found (e.g. a self-signed
            // certificate whose key type matches no root), which the user knows as "not trusted".
            _ => TlsFailure::Untrusted,
        },
        _ => TlsFailure::Handshake,
    }
}

/// Find a rustls error in an error's source chain.
pub fn find_rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(r) = inner.downcast_ref::<rustls::Error>()
        {
            return Some(r);
        }
        cur = e.source();
    }
    None
}
