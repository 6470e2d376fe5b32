//! Certificates the way on-premises Control Rooms and corporate networks serve them, generated in
//! the test: a private CA (trusted through a CA file, or not), self-signed, expired, wrong name,
//! and plain HTTP on the TLS port. Each must be told apart at the connect step (issue 6).

use crate::support;

use aa_conntest::engine::{CancelToken, run_check};
use aa_conntest::transcript::{Outcome, StepError, StepName, StepStatus, TlsFailure, Transcript};
use support::tls;

const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";

/// Serve `names` with a leaf from `ca` (or self-signed) and check `https://localhost:port`,
/// trusting `ca` through a CA file when `trust_ca`.
async fn check_tls(ca: Option<&tls::Ca>, names: &[&str], expired: bool, trust_ca: bool, insecure: bool) -> Transcript {
    let port = tls::serve(tls::leaf(ca, names, expired)).await;
    let ca_file = ca.filter(|_| trust_ca).map(|c| support::write_temp(&c.pem));
    let mut plan = support::api_key_plan(&format!("https://localhost:{port}"), "svc_tls", KEY);
    plan.target.options.ca_file = ca_file.as_ref().map(|f| f.path().to_path_buf());
    plan.target.options.insecure = insecure;
    run_check(&plan, CancelToken::never(), |_| {}).await
}

fn tls_kind(t: &aa_conntest::transcript::Transcript) -> Option<TlsFailure> {
    match t.step(StepName::Connect)?.error.as_ref()? {
        StepError::Tls { kind, .. } => Some(*kind),
        _ => None,
    }
}

// On-premises Control Room with a certificate from the company's own CA, and the CA file given.
#[tokio::test]
async fn private_ca_trusted_through_ca_file_succeeds() {
    let ca = tls::ca("Acme Private Root CA");
    let t = check_tls(Some(&ca), &["localhost"], false, true, false).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}", t.step(StepName::Connect));
    let info = t.connect.as_ref().unwrap();
    assert!(info.tls_version.as_deref().unwrap_or("").starts_with("TLS"), "{info:?}");
    assert!(info.certificates[0].issuer.contains("Acme Private Root CA"), "{info:?}");
    assert!(info.certificates[0].sans.iter().any(|s| s.contains("localhost")));
    // The validate call reuses the login's connection.
    let validate = t.step(StepName::Validate).unwrap().timings.clone().unwrap();
    assert_eq!(validate.reused, Some(true));
    let login = t.step(StepName::Authenticate).unwrap().timings.clone().unwrap();
    assert_eq!(login.reused, Some(false));
    let phases = login.dns_ms.unwrap_or(0.0) + login.connect_ms.unwrap_or(0.0);
    assert!(phases <= login.ttfb_ms.unwrap() && login.ttfb_ms.unwrap() <= login.total_ms);
}

// The same server without the CA file: the usual "unknown issuer" of on-prem installs.
#[tokio::test]
async fn private_ca_without_ca_file_is_untrusted() {
    let ca = tls::ca("Acme Private Root CA");
    let t = check_tls(Some(&ca), &["localhost"], false, false, false).await;
    assert_eq!(t.outcome, Outcome::Unreachable);
    assert_eq!(tls_kind(&t), Some(TlsFailure::Untrusted));
    assert_eq!(t.login_attempts, 0, "nothing is sent over an untrusted connection");
    // The certificate is still described, so the hint can say who issued it.
    assert!(
        t.connect.as_ref().unwrap().certificates[0]
            .issuer
            .contains("Acme Private Root CA")
    );
}

// The installer's self-signed certificate option (reference [D15]).
#[tokio::test]
async fn self_signed_certificate_is_untrusted() {
    let t = check_tls(None, &["localhost"], false, false, false).await;
    assert_eq!(tls_kind(&t), Some(TlsFailure::Untrusted));
    assert!(t.connect.as_ref().unwrap().certificates[0].self_signed);
}

#[tokio::test]
async fn expired_certificate_is_expired() {
    let ca = tls::ca("Acme Private Root CA");
    let t = check_tls(Some(&ca), &["localhost"], true, true, false).await;
    assert_eq!(
        tls_kind(&t),
        Some(TlsFailure::Expired),
        "{:?}",
        t.step(StepName::Connect)
    );
    assert!(
        t.connect.as_ref().unwrap().certificates[0]
            .not_after
            .as_deref()
            .unwrap_or("")
            .contains("2021")
    );
}

#[tokio::test]
async fn certificate_for_another_name_is_a_name_mismatch() {
    let ca = tls::ca("Acme Private Root CA");
    let t = check_tls(Some(&ca), &["cr.other.example"], false, true, false).await;
    assert_eq!(
        tls_kind(&t),
        Some(TlsFailure::NameMismatch),
        "{:?}",
        t.step(StepName::Connect)
    );
}

// https:// typed for a Control Room that only speaks HTTP on that port.
#[tokio::test]
async fn plain_http_on_the_tls_port_is_a_handshake_failure() {
    let port = tls::serve_plain_http().await;
    let plan = support::api_key_plan(&format!("https://127.0.0.1:{port}"), "svc_tls", KEY);
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    assert_eq!(
        tls_kind(&t),
        Some(TlsFailure::Handshake),
        "{:?}",
        t.step(StepName::Connect)
    );
    assert_eq!(t.outcome, Outcome::Unreachable);
}

// "Accept invalid certificates" confirms the diagnosis: the same self-signed server then works.
#[tokio::test]
async fn insecure_switch_accepts_a_self_signed_certificate() {
    let t = check_tls(None, &["localhost"], false, false, true).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}", t.steps);
    assert_eq!(t.step(StepName::Connect).unwrap().status, StepStatus::Ok);
    // What the check would have said is kept, for the warning.
    let info = t.connect.as_ref().unwrap();
    assert_eq!(info.trusted, Some(false));
    assert!(info.trust_error.is_some());
}

#[tokio::test]
async fn unreadable_ca_file_is_unusable_input() {
    let f = support::write_temp("this is not a certificate");
    let mut plan = support::api_key_plan("https://localhost:1", "svc_tls", KEY);
    plan.target.options.ca_file = Some(f.path().to_path_buf());
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    assert_eq!(t.outcome, Outcome::InvalidInput);
    assert!(
        matches!(
            t.step(StepName::Preflight).unwrap().error,
            Some(StepError::CaFile { .. })
        ),
        "{:?}",
        t.steps[0]
    );
    assert_eq!(t.step(StepName::Connect).unwrap().status, StepStatus::Skipped);
}
