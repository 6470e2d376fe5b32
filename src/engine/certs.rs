//! Certificate details in words (subject, issuer, names, validity).

use crate::transcript::CertificateInfo;
use rustls::pki_types::CertificateDer;

/// Describe one certificate. Unreadable certificates give an empty description, never a panic.
pub fn describe(der: &CertificateDer<'_>) -> CertificateInfo {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der.as_ref()) else {
        return CertificateInfo::default();
    };
    let sans = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| ext.value.general_names.iter().map(|n| format!("{n}")).collect())
        .unwrap_or_default();
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    CertificateInfo {
        self_signed: subject == issuer,
        subject,
        issuer,
        sans,
        not_before: cert.validity().not_before.to_rfc2822().ok(),
        not_after: cert.validity().not_after.to_rfc2822().ok(),
    }
}
