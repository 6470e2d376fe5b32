//! Certificate details in words (subject, issuer, names, validity, SHA-256 fingerprint): what the
//! window shows before a person trusts a certificate, and what the hints quote.

use crate::transcript::CertificateInfo;
use rustls::pki_types::CertificateDer;

/// Describe one certificate. Unreadable certificates give an empty description, never a panic.
pub fn describe(der: &CertificateDer<'_>) -> CertificateInfo {
    let sha256 = super::tls::fingerprint_text(&super::tls::sha256(der.as_ref()));
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der.as_ref()) else {
        return CertificateInfo {
            sha256,
            ..Default::default()
        };
    };
    let sans = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| ext.value.general_names.iter().map(name).collect())
        .unwrap_or_default();
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    CertificateInfo {
        self_signed: subject == issuer,
        is_ca: cert.is_ca(),
        sha256,
        subject,
        issuer,
        sans,
        not_before: cert.validity().not_before.to_rfc2822().ok(),
        not_after: cert.validity().not_after.to_rfc2822().ok(),
    }
}

/// A subject alternative name as people write it: `cr.example.com`, `10.0.0.5`.
fn name(n: &x509_parser::extensions::GeneralName<'_>) -> String {
    use x509_parser::extensions::GeneralName;
    match n {
        GeneralName::DNSName(d) => d.to_string(),
        GeneralName::IPAddress(b) => match b.len() {
            4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
            16 => <[u8; 16]>::try_from(*b)
                .map(|a| std::net::Ipv6Addr::from(a).to_string())
                .unwrap_or_default(),
            _ => format!("{n}"),
        },
        GeneralName::RFC822Name(m) => m.to_string(),
        GeneralName::URI(u) => u.to_string(),
        other => format!("{other}"),
    }
}
