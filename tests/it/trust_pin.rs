//! "Trust this certificate" in the engine: which refusals a pin answers (`ConnectInfo::pinnable`,
//! what the window offers on), and what a pin still checks (dates, host name). Real TLS servers on
//! 127.0.0.1 with certificates made by rcgen.

use crate::support::{self, field, tls};
use aa_conntest::diagnose::{Hint, HintId};
use aa_conntest::engine::CancelToken;
use aa_conntest::plan::Plan;
use aa_conntest::transcript::{Outcome, StepError, StepName, TlsFailure, Transcript};
use aa_conntest::worker;

const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";

async fn run(plan: &Plan) -> (Transcript, Vec<Hint>) {
    let r = worker::check(plan, CancelToken::never()).await;
    (r.transcript, r.hints)
}

fn plan(port: u16) -> Plan {
    support::api_key_plan(&format!("https://localhost:{port}"), "svc_trust", KEY)
}

fn tls_kind(t: &Transcript) -> Option<TlsFailure> {
    match t.step(StepName::Connect)?.error.as_ref()? {
        StepError::Tls { kind, .. } => Some(*kind),
        _ => None,
    }
}

fn pinnable(t: &Transcript) -> bool {
    t.connect.as_ref().is_some_and(|c| c.pinnable)
}

/// Each certificate a person may meet, whether the window offers to trust it, and why.
#[tokio::test]
async fn a_pin_is_offered_only_where_it_is_the_answer() {
    let private_ca = tls::ca("Acme Private Root CA");
    let cases: Vec<(&str, tls::Leaf, Option<TlsFailure>, bool)> = vec![
        // Nothing trusted vouches for it, nothing else is wrong: trusting it is the question.
        (
            "self-signed, CA-flagged (openssl req -x509)",
            field::openssl_style(&["localhost"]).0,
            Some(TlsFailure::Untrusted),
            true,
        ),
        (
            "self-signed",
            tls::leaf(None, &["localhost"], false),
            Some(TlsFailure::Untrusted),
            true,
        ),
        (
            "issued by a private CA",
            tls::leaf(Some(&private_ca), &["localhost"], false),
            Some(TlsFailure::Untrusted),
            true,
        ),
        // An inspecting proxy's: offered, the dialog warns (its issuer names the product).
        (
            "re-signed by an inspecting proxy",
            field::inspected(&["localhost"]).0,
            Some(TlsFailure::Untrusted),
            true,
        ),
        // Not a question of trust: a pin would not change what is wrong.
        (
            "self-signed for another name",
            tls::leaf(None, &["controlroom.other.example"], false),
            Some(TlsFailure::Untrusted),
            false,
        ),
        (
            "self-signed and expired",
            field::openssl_style_expired(&["localhost"]).0,
            None,
            false,
        ),
        (
            "private CA, expired",
            tls::leaf(Some(&private_ca), &["localhost"], true),
            None,
            false,
        ),
    ];
    let mut wrong = Vec::new();
    for (what, leaf, kind, offered) in cases {
        let fp = field::fingerprint(&leaf);
        let port = tls::serve(leaf).await;
        let (t, h) = run(&plan(port)).await;
        assert_eq!(t.outcome, Outcome::Unreachable, "{what}: {:?}", t.steps);
        if let Some(k) = kind
            && tls_kind(&t) != Some(k)
        {
            wrong.push(format!("{what}: kind {:?}, expected {k:?}", tls_kind(&t)));
        }
        if pinnable(&t) != offered {
            wrong.push(format!(
                "{what}: pinnable {}, expected {offered} ({:?})",
                pinnable(&t),
                t.connect.as_ref().and_then(|c| c.trust_error_detail.clone())
            ));
        }
        // The hint suggests pinning exactly where the window offers it (for an inspecting proxy's
        // certificate it asks for the proxy's root as the CA file instead; the window's dialog
        // warns).
        let inspected = what.contains("inspecting");
        let suggests = h.iter().any(|h| h.fix.contains(&format!("--pin-sha256 {fp}")));
        if suggests != (offered && !inspected) {
            wrong.push(format!(
                "{what}: the hint suggests a pin: {suggests}, offered: {offered}"
            ));
        }
        // The fact is for the window only: not a field of the report.
        let report = aa_conntest::report::build(&plan(port), &t, &h).to_json();
        assert!(!report.contains("pinnable"), "{what}: {report}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A pin replaces who vouches for the certificate, nothing else: a pinned certificate that expired
/// is refused as expired, one used for another host name as such.
#[tokio::test]
async fn a_pinned_certificate_still_has_its_dates_and_host_name_checked() {
    let (expired, _) = field::openssl_style_expired(&["localhost"]);
    let other_name = tls::leaf(None, &["controlroom.other.example"], false);
    for (what, leaf, kind, id) in [
        ("expired", expired, TlsFailure::Expired, HintId::TlsExpired),
        (
            "another name",
            other_name,
            TlsFailure::NameMismatch,
            HintId::TlsNameMismatch,
        ),
    ] {
        let fp = field::fingerprint(&leaf);
        let port = tls::serve(leaf).await;
        let mut p = plan(port);
        p.target.options.pin_sha256 = vec![fp];
        let (t, h) = run(&p).await;
        assert_eq!(t.outcome, Outcome::Unreachable, "{what}: {:?}", t.steps);
        assert_eq!(tls_kind(&t), Some(kind), "{what}: {:?}", t.steps);
        assert_eq!(h.first().map(|h| h.id), Some(id), "{what}");
        let c = t.connect.as_ref().unwrap();
        // It is the pinned one; it is refused for what else is wrong with it.
        assert_eq!((c.pin_matched, c.trusted), (Some(true), Some(false)), "{what}");
        assert_eq!(t.login_attempts, 0, "{what}");
    }
    // The same pin on a certificate that is fine: trusted by it.
    let (good, _) = field::openssl_style(&["localhost"]);
    let fp = field::fingerprint(&good);
    let port = tls::serve(good).await;
    let mut p = plan(port);
    p.target.options.pin_sha256 = vec![fp];
    let (t, _) = run(&p).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}", t.steps);
    assert_eq!(t.connect.as_ref().unwrap().trusted_by.as_deref(), Some("pin"));
}
