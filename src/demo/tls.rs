//! TLS for the demo server: a throwaway CA and leaf certificates it signs, made fresh at each start.
//!
//! An on-prem Control Room installed with the self-signed option ([D15], reference §7.18) is what
//! the plain setup imitates: a client that does not trust the demo CA fails with "unknown issuer".
//! The `tls-expired` and `tls-wrong-name` scenarios swap in another leaf at handshake time.

use super::scenario::Scenario;
use super::state::Shared;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::fmt;
use std::io;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// The CA and the server configuration built on it.
pub(crate) struct DemoTls {
    pub ca_pem: String,
    pub acceptor: tokio_rustls::TlsAcceptor,
}

fn err(e: impl fmt::Display) -> io::Error {
    io::Error::other(format!("demo TLS setup: {e}"))
}

/// The names a correct leaf is issued for: what [`super::DemoServer::url`] uses, and the IP.
const GOOD_NAMES: &[&str] = &["localhost", "127.0.0.1"];
/// The name of the wrong-name leaf.
pub(crate) const WRONG_NAME: &str = "controlroom.other-company.example";

struct Leaf {
    names: &'static [&'static str],
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

fn make_ca() -> Result<(String, Issuer<'static, KeyPair>), rcgen::Error> {
    let now = OffsetDateTime::now_utc();
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "aa-conntest demo");
    params
        .distinguished_name
        .push(DnType::CommonName, "aa-conntest demo CA (not trusted anywhere)");
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(30);
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok((cert.pem(), Issuer::new(params, key)))
}

fn make_leaf(leaf: &Leaf, ca: &Issuer<'static, KeyPair>, provider: &CryptoProvider) -> io::Result<Arc<CertifiedKey>> {
    let names: Vec<String> = leaf.names.iter().map(|s| s.to_string()).collect();
    let mut params = CertificateParams::new(names).map_err(err)?;
    params.distinguished_name.push(DnType::CommonName, leaf.names[0]);
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = leaf.not_before;
    params.not_after = leaf.not_after;
    let key = KeyPair::generate().map_err(err)?;
    let cert = params.signed_by(&key, ca).map_err(err)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
    CertifiedKey::from_der(chain, key_der, provider)
        .map(Arc::new)
        .map_err(err)
}

/// Picks the leaf for each handshake from the current scenario.
struct ScenarioResolver {
    shared: Arc<Shared>,
    good: Arc<CertifiedKey>,
    expired: Arc<CertifiedKey>,
    wrong_name: Arc<CertifiedKey>,
}

impl fmt::Debug for ScenarioResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ScenarioResolver")
    }
}

impl ResolvesServerCert for ScenarioResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(match self.shared.scenario() {
            Scenario::TlsExpired => self.expired.clone(),
            Scenario::TlsWrongName => self.wrong_name.clone(),
            _ => self.good.clone(),
        })
    }
}

pub(crate) fn setup(shared: Arc<Shared>) -> io::Result<DemoTls> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let (ca_pem, ca) = make_ca().map_err(err)?;
    let now = OffsetDateTime::now_utc();
    let good = make_leaf(
        &Leaf {
            names: GOOD_NAMES,
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(30),
        },
        &ca,
        &provider,
    )?;
    let expired = make_leaf(
        &Leaf {
            names: GOOD_NAMES,
            not_before: now - Duration::days(400),
            not_after: now - Duration::days(35),
        },
        &ca,
        &provider,
    )?;
    let wrong_name = make_leaf(
        &Leaf {
            names: &[WRONG_NAME],
            not_before: now - Duration::days(1),
            not_after: now + Duration::days(30),
        },
        &ca,
        &provider,
    )?;
    let resolver = ScenarioResolver {
        shared,
        good,
        expired,
        wrong_name,
    };
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(err)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(DemoTls {
        ca_pem,
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    })
}
