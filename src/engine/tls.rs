//! TLS trust for a check: who may vouch for the server's certificate, and one mapping from the
//! verifier's errors to words.
//!
//! A certificate is trusted, in this order, when:
//! 1. pinned fingerprints are given (`--pin-sha256`, "Trust this certificate" in the window): its
//!    SHA-256 is one of them, and no authority counts (a different certificate is refused as
//!    `PinMismatch`, even one the system would trust); its validity period and host name are still
//!    checked;
//! 2. the CA file holds this very certificate: then only its validity period and host name are checked,
//!    whatever its basic constraints, as curl and browsers do for a certificate trusted by hand
//!    (`openssl req -x509` makes self-signed server certificates with `CA:TRUE`);
//! 3. a CA of the CA file signed it (WebPKI path building over the CA file alone);
//! 4. the operating system's trust store accepts it (rustls-platform-verifier).
//!
//! The handshake signature is always verified with the certificate's key: only the chain rule is
//! relaxed for an exact match or a pin. "Accept invalid certificates" lets any certificate through
//! but still records what the check would have said.
//!
//! The system trust store is loaded once per process, on a background thread started as early as
//! possible ([`preload`]), so reading it overlaps with DNS and TCP; the probe and the HTTP client of
//! a check share one configuration, hence one TLS session cache (the login's connection resumes the
//! probe's session).

use crate::transcript::{CertificateInfo, StepError, TlsFailure};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

/// How the certificate came to be trusted (`ConnectInfo::trusted_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustedBy {
    System,
    CaFile,
    CaFileExact,
    Pin,
}

impl TrustedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            TrustedBy::System => "system",
            TrustedBy::CaFile => "ca_file",
            TrustedBy::CaFileExact => "ca_file_exact",
            TrustedBy::Pin => "pin",
        }
    }
}

/// What the server presented (end entity first, as DER) and what the trust rules said of it.
#[derive(Debug, Default)]
pub struct Presented {
    pub chain: Vec<CertificateDer<'static>>,
    pub verdict: Option<Result<TrustedBy, rustls::Error>>,
    /// `Some` when fingerprints were pinned.
    pub pin_matched: Option<bool>,
}

pub type PresentedChain = Arc<Mutex<Presented>>;

/// The TLS setup of one check: one client configuration for the probe and the HTTP client.
#[derive(Clone)]
pub struct Trust {
    pub config: Arc<ClientConfig>,
    pub presented: PresentedChain,
}

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

// ---------------------------------------------------------------------------------------------
// The system trust store, once per process

/// Why the system trust store could not be used (kept as an error of the verifier's chain).
#[derive(Debug)]
struct TrustStoreUnavailable(String);

impl std::fmt::Display for TrustStoreUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "system trust store unavailable: {}", self.0)
    }
}

impl std::error::Error for TrustStoreUnavailable {}

type Platform = Result<Arc<dyn ServerCertVerifier>, String>;

static PLATFORM: OnceLock<Platform> = OnceLock::new();

fn load_platform() -> Platform {
    let provider = provider();
    // The crypto library initialises itself on first use (tens of ms in a debug build); do it here,
    // off the check's path, so the handshake's timing shows the network.
    for group in &provider.kx_groups {
        let _ = group.start();
    }
    rustls_platform_verifier::Verifier::new(provider)
        .map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
        .map_err(|e| e.to_string())
}

/// The thread of [`preload`], once started (kept so that [`settle`] can wait for it).
static LOADER: Mutex<Option<std::thread::JoinHandle<()>>> = Mutex::new(None);

/// Start loading the system trust store in the background, if not loaded yet. Returns at once; the
/// first verification waits for it ([`platform_ready`] lets async code wait without blocking).
pub fn preload() {
    if PLATFORM.get().is_some() {
        return;
    }
    let mut loader = LOADER.lock().unwrap_or_else(|e| e.into_inner());
    if loader.is_none() {
        *loader = std::thread::Builder::new()
            .name("trust-store".into())
            .spawn(|| {
                let _ = PLATFORM.get_or_init(load_platform);
            })
            .ok();
    }
}

/// Whether the system trust store has been loaded in this process.
pub fn trust_store_loaded() -> bool {
    PLATFORM.get().is_some()
}

/// Wait, at most `limit`, for the background load of [`preload`] to end; call it before the
/// process exits. aws-lc clears its random generators when the process exits and aborts a thread
/// that asks for random bytes after that (a FIPS rule; the load's warm-up does ask): a check that
/// ended at once (a URL that cannot be used) was now and then killed by SIGABRT instead of exiting
/// with its code. A load stuck on the file system does not hold the exit beyond `limit`.
pub fn settle(limit: std::time::Duration) {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let running = LOADER
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|h| !h.is_finished());
        if !running || std::time::Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

fn platform() -> &'static Platform {
    PLATFORM.get_or_init(load_platform)
}

/// Wait (without blocking the async runtime) until the system trust store is loaded.
pub async fn platform_ready() {
    if PLATFORM.get().is_none() {
        let _ = tokio::task::spawn_blocking(|| {
            platform();
        })
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// Fingerprints and pins

/// SHA-256 of a certificate's DER.
pub fn sha256(der: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(der).into()
}

/// `AB:CD:…`, as browsers show a fingerprint.
pub fn fingerprint_text(fp: &[u8; 32]) -> String {
    fp.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// Read a pinned SHA-256 fingerprint: 64 hex digits, with or without colons (or spaces), in any
/// case; an optional `sha256:` / `SHA256=` prefix as some tools print it.
pub fn parse_pin(text: &str) -> Result<[u8; 32], String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let body = ["sha256:", "sha256=", "sha-256:", "sha-256="]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let hex: String = body.chars().filter(|c| !matches!(c, ':' | ' ' | '-')).collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let shown: String = t.chars().take(40).collect();
        return Err(format!(
            "the pinned fingerprint \"{shown}{}\" is not a SHA-256 fingerprint (64 hexadecimal digits, with or \
             without colons)",
            if t.chars().count() > 40 { "…" } else { "" }
        ));
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The handshake was not signed with the presented certificate's key (a copied certificate).
#[derive(Debug)]
struct KeyNotHeld;

impl std::fmt::Display for KeyNotHeld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("handshake signature does not verify with the certificate's public key")
    }
}

impl std::error::Error for KeyNotHeld {}

/// The certificate is not the pinned one.
#[derive(Debug)]
pub struct PinMismatch;

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("certificate fingerprint does not match the pinned SHA-256")
    }
}

impl std::error::Error for PinMismatch {}

// ---------------------------------------------------------------------------------------------
// The configuration of a check

/// Read every certificate of a PEM file.
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, StepError> {
    // Only a regular file, at most 1 MiB, read with a time limit (a FIFO, /dev/zero).
    let bytes = super::ca_file::read_ca_file(path).map_err(|detail| StepError::CaFile { detail })?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|_| StepError::CaFile {
            detail: format!("{}: not a PEM certificate file", path.display()),
        })?;
    if certs.is_empty() {
        return Err(StepError::CaFile {
            detail: format!("{}: holds no certificate", path.display()),
        });
    }
    Ok(certs)
}

/// Build the check's TLS configuration. Reads the CA file; does not wait for the system trust store
/// (it is consulted, and waited for, only when a certificate needs it).
pub fn trust(ca_file: Option<&Path>, pins: &[String], insecure: bool) -> Result<Trust, StepError> {
    let provider = provider();
    let pins = pins
        .iter()
        .map(|p| parse_pin(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|reason| StepError::Input { reason })?;
    let ca_certs = match ca_file {
        Some(p) => read_ca_file(p)?,
        None => Vec::new(),
    };
    let ca_verifier = if ca_certs.is_empty() {
        None
    } else {
        let mut roots = rustls::RootCertStore::empty();
        // A certificate WebPKI cannot use as an anchor may still be trusted by an exact match.
        let (added, _) = roots.add_parsable_certificates(ca_certs.iter().cloned());
        if added == 0 {
            None
        } else {
            Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| StepError::CaFile {
                        detail: format!(
                            "{}: its certificates cannot be used as authorities ({e})",
                            ca_file.map(|p| p.display().to_string()).unwrap_or_default()
                        ),
                    })?,
            )
        }
    };
    let presented: PresentedChain = Arc::default();
    let verifier = Arc::new(Policy {
        pins,
        ca_certs,
        ca_verifier,
        insecure,
        presented: presented.clone(),
        provider: provider.clone(),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StepError::Tls {
            kind: TlsFailure::Handshake,
            reason: "the secure connection could not be prepared".into(),
            detail: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Trust {
        config: Arc::new(config),
        presented,
    })
}

#[derive(Debug)]
struct Policy {
    pins: Vec<[u8; 32]>,
    ca_certs: Vec<CertificateDer<'static>>,
    ca_verifier: Option<Arc<WebPkiServerVerifier>>,
    insecure: bool,
    presented: PresentedChain,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl Policy {
    fn judge(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<TrustedBy, rustls::Error> {
        if !self.pins.is_empty() {
            let fp = sha256(end_entity.as_ref());
            if !self.pins.contains(&fp) {
                return Err(other(PinMismatch));
            }
            // A pin replaces the chain, nothing else: a pinned certificate that expired, or one
            // used for another host name, is refused for that reason (as an exact CA-file match).
            dates_and_name(end_entity, server_name, now)?;
            return Ok(TrustedBy::Pin);
        }
        if self.ca_certs.iter().any(|c| c.as_ref() == end_entity.as_ref()) {
            dates_and_name(end_entity, server_name, now)?;
            return Ok(TrustedBy::CaFileExact);
        }
        let mut ca_err = None;
        if let Some(v) = &self.ca_verifier {
            match v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
                Ok(_) => return Ok(TrustedBy::CaFile),
                Err(e) => ca_err = Some(e),
            }
        }
        let system = match platform() {
            Ok(p) => p.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now),
            Err(e) => Err(other(TrustStoreUnavailable(e.clone()))),
        };
        match (system, ca_err) {
            (Ok(_), _) => Ok(TrustedBy::System),
            // The CA file knew the issuer, and the certificate failed for a more precise reason.
            (Err(_), Some(ca)) if !unknown_issuer(&ca) => Err(ca),
            (Err(sys), _) => Err(sys),
        }
    }
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(Arc::new(e))))
}

fn unknown_issuer(e: &rustls::Error) -> bool {
    matches!(e, rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer))
}

/// What is still checked of a certificate trusted by an exact match or a pin: its validity period
/// and that it names the host.
fn dates_and_name(der: &CertificateDer<'_>, server_name: &ServerName<'_>, now: UnixTime) -> Result<(), rustls::Error> {
    check_validity(der, now)?;
    let parsed = rustls::server::ParsedCertificate::try_from(der)?;
    rustls::client::verify_server_name(&parsed, server_name)
}

/// Whether "trust this certificate" (a pin of its SHA-256) answers the verifier's refusal `err`:
/// nothing this computer trusts vouches for the certificate (self-signed, also when marked as a CA
/// the way `openssl req -x509` makes it, or issued by a private authority), and nothing else is
/// wrong with it: it is within its dates and names the host. An expired certificate, one for
/// another name, a revoked one, a broken signature, a certificate not meant for web servers or a
/// trust store that could not be read are not a question of trust: pinning would hide them.
pub fn pin_would_trust(
    err: &rustls::Error,
    end_entity: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> bool {
    let leaf = super::certs::describe(end_entity);
    #[allow(deprecated)]
    let no_trusted_issuer = match err {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => true,
        // WebPKI's end-entity rules for a self-signed or CA-flagged certificate
        // (`CaUsedAsEndEntity`); our own refusals are not.
        rustls::Error::InvalidCertificate(CertificateError::Other(o)) => {
            let ours = o.0.downcast_ref::<PinMismatch>().is_some()
                || o.0.downcast_ref::<KeyNotHeld>().is_some()
                || o.0.downcast_ref::<TrustStoreUnavailable>().is_some();
            !ours && (leaf.self_signed || leaf.is_ca)
        }
        // A self-signed certificate named like a trusted authority: that authority's key was tried
        // (see `explain`).
        rustls::Error::InvalidCertificate(
            CertificateError::BadSignature
            | CertificateError::UnsupportedSignatureAlgorithm
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. },
        ) => leaf.self_signed,
        _ => false,
    };
    no_trusted_issuer && dates_and_name(end_entity, server_name, now).is_ok()
}

/// The validity period of a certificate trusted by an exact match.
fn check_validity(der: &CertificateDer<'_>, now: UnixTime) -> Result<(), rustls::Error> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let now = now.as_secs() as i64;
    let v = cert.validity();
    if now < v.not_before.timestamp() {
        return Err(rustls::Error::InvalidCertificate(CertificateError::NotValidYet));
    }
    if now > v.not_after.timestamp() {
        return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
    }
    Ok(())
}

impl ServerCertVerifier for Policy {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.judge(end_entity, intermediates, server_name, ocsp_response, now);
        if let Ok(mut p) = self.presented.lock() {
            p.chain = std::iter::once(end_entity.clone().into_owned())
                .chain(intermediates.iter().map(|i| i.clone().into_owned()))
                .collect();
            // Matched even when the pinned certificate is refused for its dates or host name.
            p.pin_matched = (!self.pins.is_empty()).then(|| self.pins.contains(&sha256(end_entity.as_ref())));
            p.verdict = Some(verdict.clone());
        }
        match verdict {
            Ok(_) => Ok(ServerCertVerified::assertion()),
            Err(_) if self.insecure => Ok(ServerCertVerified::assertion()),
            Err(e) => Err(e),
        }
    }

    // The signature of the handshake is verified with the presented certificate's key, whatever
    // decided the trust: a pinned or exactly-matched certificate must still prove it holds the key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
            .map_err(signature_error)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
            .map_err(signature_error)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

fn signature_error(e: rustls::Error) -> rustls::Error {
    match e {
        rustls::Error::InvalidCertificate(CertificateError::BadSignature) => other(KeyNotHeld),
        e => e,
    }
}

// ---------------------------------------------------------------------------------------------
// The one mapping from TLS errors to words

/// The kind of failure and a sentence a person can read, from a TLS library error and (when the
/// handshake got that far) the server's certificate. The library's own text stays in the technical
/// details; no text made here names a library identifier.
pub fn explain(err: &rustls::Error, leaf: Option<&CertificateInfo>) -> (TlsFailure, String) {
    use TlsFailure::{Expired, Handshake, NameMismatch, Untrusted};
    let self_signed = leaf.is_some_and(|c| c.self_signed);
    let is_ca = leaf.is_some_and(|c| c.is_ca);
    let untrusted_issuer = || {
        if self_signed && is_ca {
            "the certificate is not trusted: it is self-signed (and marked as a certificate authority, as \
             `openssl req -x509` makes it), so nothing this computer trusts vouches for it"
        } else if self_signed {
            "the certificate is not trusted: it is self-signed, so nothing this computer trusts vouches for it"
        } else if is_ca {
            "the certificate is not trusted: the server presented a certificate authority's certificate as its own"
        } else {
            "the certificate is not trusted: it was issued by an authority this computer does not trust"
        }
        .to_string()
    };
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => (Untrusted, untrusted_issuer()),
            CertificateError::Other(o) if o.0.downcast_ref::<PinMismatch>().is_some() => (
                TlsFailure::PinMismatch,
                "the certificate is not the one that was trusted: its SHA-256 fingerprint differs from the pinned one"
                    .into(),
            ),
            CertificateError::Other(o) if o.0.downcast_ref::<KeyNotHeld>().is_some() => (
                Untrusted,
                "the certificate is not trusted: the server could not prove it holds the certificate's key".into(),
            ),
            CertificateError::Other(o) if o.0.downcast_ref::<TrustStoreUnavailable>().is_some() => (
                Untrusted,
                "the certificate could not be checked: this computer's trust store could not be read".into(),
            ),
            // Self-signed or CA-flagged certificates used as a server's (WebPKI's end-entity rules).
            CertificateError::Other(_) if self_signed || is_ca => (Untrusted, untrusted_issuer()),
            CertificateError::Other(o) => {
                let t = o.to_string().to_ascii_lowercase();
                if t.contains("eku") || t.contains("purpose") {
                    (
                        Untrusted,
                        "the certificate is not trusted: it is not meant for web servers".into(),
                    )
                } else if t.contains("expired") {
                    (Expired, "the certificate has expired".into())
                } else if t.contains("name") {
                    (NameMismatch, "the certificate is for another host name".into())
                } else {
                    (Untrusted, "the certificate could not be verified as trusted".into())
                }
            }
            // A self-signed certificate whose issuer name is also a trusted authority's (e.g. a
            // `CN=localhost` snakeoil certificate in the system store): the verifier tried that
            // authority's key. Still "nothing trusted vouches for it".
            #[allow(deprecated)]
            CertificateError::BadSignature
            | CertificateError::UnsupportedSignatureAlgorithm
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. }
                if self_signed =>
            {
                (Untrusted, untrusted_issuer())
            }
            CertificateError::BadSignature => (
                Untrusted,
                "the certificate is not trusted: its signature does not match its issuer".into(),
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                (Expired, "the certificate has expired".into())
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                (Expired, "the certificate is not valid yet".into())
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                (NameMismatch, "the certificate is for another host name".into())
            }
            CertificateError::Revoked => (
                Untrusted,
                "the certificate is not trusted: its issuer revoked it".into(),
            ),
            CertificateError::UnknownRevocationStatus => (
                Untrusted,
                "the certificate is not trusted: whether it was revoked could not be checked".into(),
            ),
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => (
                Untrusted,
                "the certificate is not trusted: it is not meant for web servers".into(),
            ),
            CertificateError::BadEncoding => (Handshake, "the server's certificate cannot be read".into()),
            CertificateError::UnhandledCriticalExtension => (
                Untrusted,
                "the certificate is not trusted: it has a critical extension this computer does not understand".into(),
            ),
            #[allow(deprecated)]
            CertificateError::UnsupportedSignatureAlgorithm
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => (
                Untrusted,
                "the certificate is not trusted: it is signed with an algorithm this computer does not accept".into(),
            ),
            // Everything else means no path to a trusted root was found.
            _ => (Untrusted, untrusted_issuer()),
        },
        rustls::Error::InvalidMessage(_) => (
            Handshake,
            "the secure connection could not be set up: the server answered with something that is not TLS".into(),
        ),
        rustls::Error::PeerIncompatible(_) => (
            Handshake,
            "the secure connection could not be set up: the server and this tool have no TLS version or cipher \
             in common"
                .into(),
        ),
        rustls::Error::AlertReceived(a) => (
            Handshake,
            match a {
                AlertDescription::HandshakeFailure
                | AlertDescription::ProtocolVersion
                | AlertDescription::InsufficientSecurity => {
                    "the secure connection could not be set up: the server found no TLS version or cipher in \
                     common with this tool"
                }
                AlertDescription::UnrecognisedName => {
                    "the secure connection could not be set up: the server does not know the host name asked for"
                }
                AlertDescription::CertificateRequired | AlertDescription::BadCertificate => {
                    "the secure connection could not be set up: the server asks for a client certificate"
                }
                _ => "the secure connection could not be set up: the server refused the handshake",
            }
            .into(),
        ),
        rustls::Error::NoCertificatesPresented => (
            Handshake,
            "the secure connection could not be set up: the server presented no certificate".into(),
        ),
        rustls::Error::PeerMisbehaved(_) => (
            Handshake,
            "the secure connection could not be set up: the server broke the TLS protocol".into(),
        ),
        _ => (Handshake, "the secure connection could not be set up".into()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_with_or_without_colons_in_any_case() {
        let hex = "3F2A".repeat(16);
        let with_colons = hex
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(":");
        let a = parse_pin(&hex).unwrap();
        assert_eq!(parse_pin(&hex.to_ascii_lowercase()).unwrap(), a);
        assert_eq!(parse_pin(&with_colons).unwrap(), a);
        assert_eq!(parse_pin(&format!("sha256:{}", with_colons.to_lowercase())).unwrap(), a);
        assert_eq!(fingerprint_text(&a), with_colons);
        for bad in ["", "3F2A", &format!("{hex}00"), &"zz".repeat(32)] {
            let e = parse_pin(bad).unwrap_err();
            assert!(e.contains("64 hexadecimal digits"), "{e}");
        }
    }

    #[test]
    fn no_library_identifier_in_the_words() {
        let leaf = CertificateInfo {
            self_signed: true,
            is_ca: true,
            ..Default::default()
        };
        let errs = [
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
            rustls::Error::InvalidCertificate(CertificateError::Expired),
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
            rustls::Error::InvalidCertificate(CertificateError::BadSignature),
            rustls::Error::InvalidCertificate(CertificateError::Revoked),
            other(PinMismatch),
            other(TrustStoreUnavailable("x".into())),
            rustls::Error::AlertReceived(AlertDescription::HandshakeFailure),
            rustls::Error::NoCertificatesPresented,
            rustls::Error::General("x".into()),
        ];
        for e in &errs {
            for l in [None, Some(&leaf)] {
                let (_, words) = explain(e, l);
                for id in [
                    "UnknownIssuer",
                    "Other(",
                    "CaUsedAsEndEntity",
                    "NotValidForName",
                    "Alert",
                    "Error",
                ] {
                    assert!(!words.contains(id), "{words}");
                }
                assert!(words.starts_with("the "), "{words}");
            }
        }
        assert_eq!(explain(&errs[0], Some(&leaf)).0, TlsFailure::Untrusted);
        assert!(explain(&errs[0], Some(&leaf)).1.contains("self-signed"));
        assert_eq!(explain(&errs[5], None).0, TlsFailure::PinMismatch);
    }
}
