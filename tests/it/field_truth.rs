//! Issue 12, "Field truth": one regression test per numbered situation of its "Why", named after it,
//! against a real local server (certificates made with rcgen the way `openssl req -x509` makes them,
//! sockets that reset, a gateway 403, a 407 proxy on http, a URL with userinfo, the demo's validate),
//! plus the URL inputs of issue 13 that must get exit 3 and a sentence.

use crate::support::{self, field, tls};

use aa_conntest::demo::{self, DemoOptions, DemoServer, Scenario};
use aa_conntest::diagnose::{Hint, HintId, Severity};
use aa_conntest::engine::CancelToken;
use aa_conntest::plan::Plan;
use aa_conntest::transcript::{Outcome, ResetPhase, StepError, StepName, TlsFailure, Transcript};
use aa_conntest::worker;
use field::Cut;

const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";

/// The names of the TLS library's error enums and their debug forms: no text a person reads may
/// carry one (they live only in the technical details, `*_detail` fields).
const TLS_NAMES: &[&str] = &[
    "CaUsedAsEndEntity",
    "UnknownIssuer",
    "NotValidForName",
    "NotValidYet",
    "ExpiredContext",
    "BadSignature",
    "InvalidCertificate",
    "InvalidContentType",
    "InvalidMessage",
    "AlertReceived",
    "PeerIncompatible",
    "PeerMisbehaved",
    "OtherError",
    "Other(",
    "DnsName(",
    "(UNIX)",
    "UnsupportedSignatureAlgorithm",
    "ApplicationVerificationFailure",
    "HandshakeFailure",
];
/// Raw library and OS text the demo sweep flags.
const RAW_TEXT: &[&str] = &[
    "os error",
    "SendRequest",
    "client error (",
    "connection error:",
    "invalid HTTP version parsed",
    "hyper::",
    "reqwest::",
];

async fn run(plan: &Plan) -> (Transcript, Vec<Hint>) {
    let r = worker::check(plan, CancelToken::never()).await;
    (r.transcript, r.hints)
}

fn plan(url: &str) -> Plan {
    support::api_key_plan(url, "svc_field", KEY)
}

fn ids(h: &[Hint]) -> Vec<HintId> {
    h.iter().map(|h| h.id).collect()
}

fn first(h: &[Hint], id: HintId, t: &Transcript) -> Hint {
    assert_eq!(
        h.first().map(|h| h.id),
        Some(id),
        "hints {:?}\nsteps {:#?}",
        ids(h),
        t.steps
    );
    h[0].clone()
}

fn words(h: &[Hint]) -> String {
    h.iter()
        .map(|h| {
            format!(
                "{}\n{}\n{}\n{}",
                h.title,
                h.detail,
                h.fix,
                h.evidence.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_no_library_text(what: &str, text: &str) {
    for n in TLS_NAMES.iter().chain(RAW_TEXT) {
        assert!(!text.contains(n), "{what} carries the library text {n:?}:\n{text}");
    }
}

/// The JSON report without its technical-details fields (`*_detail`), where raw text belongs.
fn without_details(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            o.retain(|k, _| !k.ends_with("_detail"));
            o.values_mut().for_each(without_details);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_details),
        _ => {}
    }
}

fn tls_kind(t: &Transcript) -> Option<TlsFailure> {
    match t.step(StepName::Connect)?.error.as_ref()? {
        StepError::Tls { kind, .. } => Some(*kind),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Why 1: a self-signed certificate made the usual way (`openssl req -x509 … -addext subjectAltName`)

#[tokio::test]
async fn why_1_openssl_style_certificate_is_trusted_through_its_own_ca_file() {
    let (leaf, pem) = field::openssl_style(&["localhost"]);
    let port = tls::serve(leaf).await;
    let ca = support::write_temp(&pem);
    let mut p = plan(&format!("https://localhost:{port}"));
    p.target.options.ca_file = Some(ca.path().to_path_buf());
    let (t, h) = run(&p).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}\n{:?}", ids(&h), t.steps);
    let c = t.connect.as_ref().unwrap();
    assert_eq!(c.trusted, Some(true));
    assert_eq!(c.trusted_by.as_deref(), Some("ca_file_exact"));
    // The certificate details the window shows before "Trust this certificate".
    let cert = &c.certificates[0];
    assert!(cert.is_ca && cert.self_signed, "{cert:?}");
    assert!(cert.subject.contains("localhost") && cert.issuer.contains("localhost"));
    assert!(cert.not_before.is_some() && cert.not_after.is_some());
    assert_eq!(cert.sha256.len(), 95, "{}", cert.sha256);
}

#[tokio::test]
async fn why_1_without_it_the_certificate_is_self_signed_not_an_inspecting_proxy() {
    let (leaf, _) = field::openssl_style(&["localhost"]);
    let port = tls::serve(leaf).await;
    let (t, h) = run(&plan(&format!("https://localhost:{port}"))).await;
    assert_eq!(tls_kind(&t), Some(TlsFailure::Untrusted), "{:?}", t.steps);
    let u = first(&h, HintId::TlsUntrusted, &t);
    assert!(u.title.contains("self-signed"), "{}", u.title);
    assert!(u.detail.contains("self-signed"), "{}", u.detail);
    let all = words(&h);
    assert!(!all.contains("TLS-inspecting") && !all.contains("inspecting"), "{all}");
    assert!(u.fix.contains("--pin-sha256"), "{}", u.fix);
    assert_no_library_text("the hints", &all);
    // The raw verifier error stays in the technical details.
    let raw = t
        .step(StepName::Connect)
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .technical()
        .unwrap_or("");
    assert!(!raw.is_empty());
    assert_eq!(t.login_attempts, 0);
}

#[tokio::test]
async fn why_1_exact_match_still_checks_validity_name_and_the_handshake_signature() {
    // The CA file holds the certificate, but the server does not hold its key: refused.
    let (leaf, pem) = field::openssl_style(&["localhost"]);
    let (impostor, _) = field::openssl_style(&["localhost"]);
    let port = field::serve_with_wrong_key(leaf.chain.clone(), impostor.key).await;
    let ca = support::write_temp(&pem);
    let mut p = plan(&format!("https://localhost:{port}"));
    p.target.options.ca_file = Some(ca.path().to_path_buf());
    let (t, _) = run(&p).await;
    assert_ne!(t.outcome, Outcome::Ok, "{:?}", t.steps);
    match t.step(StepName::Connect).and_then(|s| s.error.as_ref()) {
        Some(StepError::Tls { reason, .. }) => assert!(reason.contains("holds the certificate's key"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(t.login_attempts, 0);
    // An exact match that has expired is refused as expired.
    let (leaf, pem) = field::openssl_style_expired(&["localhost"]);
    let port = tls::serve(leaf).await;
    let ca = support::write_temp(&pem);
    let mut p = plan(&format!("https://localhost:{port}"));
    p.target.options.ca_file = Some(ca.path().to_path_buf());
    let (t, _) = run(&p).await;
    assert_eq!(tls_kind(&t), Some(TlsFailure::Expired), "{:?}", t.steps);
    // The exact match is for the names on the certificate only.
    let (leaf, pem) = field::openssl_style(&["cr.other.example"]);
    let port = tls::serve(leaf).await;
    let ca = support::write_temp(&pem);
    let mut p = plan(&format!("https://localhost:{port}"));
    p.target.options.ca_file = Some(ca.path().to_path_buf());
    let (t, _) = run(&p).await;
    assert_eq!(tls_kind(&t), Some(TlsFailure::NameMismatch), "{:?}", t.steps);
}

#[tokio::test]
async fn why_1_a_pinned_certificate_that_changed_is_never_accepted() {
    let (leaf, pem) = field::openssl_style(&["localhost"]);
    let port = tls::serve(leaf).await;
    // Even with a CA file that would trust it: the pin decides.
    let ca = support::write_temp(&pem);
    let mut p = plan(&format!("https://localhost:{port}"));
    p.target.options.ca_file = Some(ca.path().to_path_buf());
    p.target.options.pin_sha256 = vec!["00".repeat(32)];
    let (t, h) = run(&p).await;
    assert_eq!(t.outcome, Outcome::Unreachable);
    assert_eq!(aa_conntest::cli::exit::for_outcome(t.outcome), 2);
    assert_eq!(tls_kind(&t), Some(TlsFailure::PinMismatch));
    let m = first(&h, HintId::TlsPinMismatch, &t);
    assert!(m.title.contains("changed since you trusted it"), "{}", m.title);
    assert_eq!(t.connect.as_ref().unwrap().pin_matched, Some(false));
    assert_eq!(t.login_attempts, 0);
}

#[tokio::test]
async fn why_1_a_pinned_certificate_is_trusted_whatever_its_chain() {
    let (leaf, _) = field::openssl_style(&["localhost"]);
    let fp = field::fingerprint(&leaf);
    let port = tls::serve(leaf).await;
    // Lower case, without colons: the same fingerprint.
    let mut p = plan(&format!("https://localhost:{port}"));
    p.target.options.pin_sha256 = vec![fp.replace(':', "").to_ascii_lowercase()];
    let (t, h) = run(&p).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?} {:?}", ids(&h), t.steps);
    let c = t.connect.as_ref().unwrap();
    assert_eq!((c.trusted_by.as_deref(), c.pin_matched), (Some("pin"), Some(true)));
    assert_eq!(c.certificates[0].sha256, fp);
}

#[tokio::test]
async fn why_1_an_inspection_product_in_the_issuer_says_a_company_proxy_inspects() {
    let (leaf, _) = field::inspected(&["localhost"]);
    let port = tls::serve(leaf).await;
    let (t, h) = run(&plan(&format!("https://localhost:{port}"))).await;
    let u = first(&h, HintId::TlsUntrusted, &t);
    assert!(
        u.detail.contains("a company proxy is inspecting encrypted traffic"),
        "{}",
        u.detail
    );
    assert!(u.detail.contains("zscaler"), "{}", u.detail);
    assert!(!u.detail.contains("self-signed"), "{}", u.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn why_1_cli_ca_file_exits_0_and_the_pin_decides() {
    let (leaf, pem) = field::openssl_style(&["localhost"]);
    let fp = field::fingerprint(&leaf);
    let port = tls::serve(leaf).await;
    let ca = support::write_temp(&pem);
    let base = |extra: &[&str]| {
        let mut a: Vec<String> = [
            "--url",
            &format!("https://localhost:{port}"),
            "--username",
            "svc_field",
            "--api-key-env",
            "AA_FIELD_KEY",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let ca_path = ca.path().display().to_string();
    let (code, out, err) = field::cli_check(base(&["--ca-file", &ca_path]), KEY).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = field::cli_check(base(&["--pin-sha256", &fp]), KEY).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let other = "AB:".repeat(31) + "AB";
    let (code, out, err) = field::cli_check(base(&["--pin-sha256", &other, "--json"]), KEY).await;
    assert_eq!(code, 2, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    assert_eq!(v["hints"][0]["id"], "tls.pin-mismatch", "{out}");
    // A fingerprint that is not one: exit 3 and a sentence, nothing sent.
    let (code, out, err) = field::cli_check(base(&["--pin-sha256", "not-a-fingerprint"]), KEY).await;
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains("64 hexadecimal digits"), "{out}");
}

/// Every TLS situation through `check`: text and JSON carry no TLS-library name outside the
/// technical-details fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn why_1_no_tls_library_name_in_any_output_of_check() {
    let mut scenarios: Vec<(&str, String, Vec<String>)> = Vec::new();
    let url = |port: u16| format!("https://localhost:{port}");
    let (leaf, pem) = field::openssl_style(&["localhost"]);
    let openssl_port = tls::serve(leaf).await;
    let openssl_pem = support::write_temp(&pem);
    scenarios.push(("self-signed CA-flagged", url(openssl_port), vec![]));
    scenarios.push((
        "pin mismatch",
        url(openssl_port),
        vec!["--pin-sha256".into(), "11".repeat(32)],
    ));
    scenarios.push(("insecure", url(openssl_port), vec!["--insecure".into()]));
    let ca = tls::ca("Acme Private Root CA");
    let ca_file = support::write_temp(&ca.pem);
    let ca_path = ca_file.path().display().to_string();
    let private = tls::serve(tls::leaf(Some(&ca), &["localhost"], false)).await;
    scenarios.push(("private CA, untrusted", url(private), vec![]));
    let expired = tls::serve(tls::leaf(Some(&ca), &["localhost"], true)).await;
    scenarios.push(("expired", url(expired), vec!["--ca-file".into(), ca_path.clone()]));
    let wrong = tls::serve(tls::leaf(Some(&ca), &["cr.other.example"], false)).await;
    scenarios.push(("wrong name", url(wrong), vec!["--ca-file".into(), ca_path.clone()]));
    // openssl's CA file for another server: the exact match does not apply.
    scenarios.push((
        "CA file of another certificate",
        url(private),
        vec!["--ca-file".into(), openssl_pem.path().display().to_string()],
    ));
    let (inspected, _) = field::inspected(&["localhost"]);
    scenarios.push(("inspection proxy", url(tls::serve(inspected).await), vec![]));
    let plain = tls::serve_plain_http().await;
    scenarios.push(("plain http on the TLS port", url(plain), vec![]));
    let (reset, _task) = field::resetting(Cut::AfterFirstBytes).await;
    scenarios.push(("reset in the handshake", url(reset), vec![]));
    let (closed, _task2) = field::resetting(Cut::CloseAfterRequest).await;
    scenarios.push(("closed in the handshake", url(closed), vec![]));
    for (name, u, extra) in scenarios {
        for json in [false, true] {
            let mut args = vec![
                "--url".to_string(),
                u.clone(),
                "--username".into(),
                "svc_field".into(),
                "--api-key-env".into(),
                "AA_FIELD_KEY".into(),
                "--timeout".into(),
                "5".into(),
            ];
            args.extend(extra.iter().cloned());
            if json {
                args.push("--json".into());
            }
            let (code, out, err) = field::cli_check(args, KEY).await;
            assert!(code == 0 || code == 2, "{name}: exit {code}\n{out}\n{err}");
            assert_no_library_text(&format!("{name}: stderr"), &err);
            if json {
                let mut v: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}\n{out}"));
                assert_no_library_text(&format!("{name}: JSON hints"), &v["hints"].to_string());
                without_details(&mut v);
                assert_no_library_text(&format!("{name}: JSON report"), &v.to_string());
            } else {
                assert_no_library_text(&format!("{name}: text"), &out);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Why 2: a firewall that resets the connection is `net.reset`, never `net.unreachable`

async fn reset_case(cut: Cut, https: bool) -> (Transcript, Vec<Hint>) {
    let (port, _task) = field::resetting(cut).await;
    let scheme = if https { "https" } else { "http" };
    run(&plan(&format!("{scheme}://127.0.0.1:{port}"))).await
}

fn reset_phase(t: &Transcript) -> (StepName, ResetPhase, bool) {
    t.steps
        .iter()
        .find_map(|s| match &s.error {
            Some(StepError::Reset { phase, orderly, .. }) => Some((s.name, *phase, *orderly)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no reset recorded: {:#?}", t.steps))
}

#[tokio::test]
async fn why_2_reset_at_accept_on_https_is_a_reset_during_the_handshake() {
    for cut in [Cut::AtAccept, Cut::AfterFirstBytes] {
        let (t, h) = reset_case(cut, true).await;
        let r = first(&h, HintId::NetReset, &t);
        assert!(!ids(&h).contains(&HintId::NetUnreachable), "{:?}", ids(&h));
        let (step, phase, _) = reset_phase(&t);
        assert_eq!((step, phase), (StepName::Connect, ResetPhase::TlsHandshake), "{cut:?}");
        assert!(
            r.evidence.as_deref().unwrap_or("").contains("TLS handshake"),
            "{:?}",
            r.evidence
        );
        assert_eq!(aa_conntest::cli::exit::for_outcome(t.outcome), 2);
        assert_no_library_text("the hints", &words(&h));
    }
}

#[tokio::test]
async fn why_2_reset_after_the_request_is_a_reset_after_the_request() {
    for (cut, orderly) in [
        (Cut::AfterRequest, false),
        (Cut::CloseAfterRequest, true),
        (Cut::AtAccept, false),
    ] {
        let (t, h) = reset_case(cut, false).await;
        let r = first(&h, HintId::NetReset, &t);
        assert!(!ids(&h).contains(&HintId::NetUnreachable), "{:?}", ids(&h));
        let (step, phase, was_orderly) = reset_phase(&t);
        assert_eq!(step, StepName::Authenticate, "{cut:?}");
        if cut == Cut::AtAccept {
            // Cut before the request could go out: said so, and no attempt was spent.
            assert!(
                matches!(
                    phase,
                    ResetPhase::Connect | ResetPhase::Sending | ResetPhase::AfterRequest
                ),
                "{cut:?}: {phase:?}"
            );
        } else {
            assert!(
                matches!(phase, ResetPhase::AfterRequest | ResetPhase::Sending),
                "{cut:?}: {phase:?}"
            );
            assert_eq!(was_orderly, orderly, "{cut:?}");
            assert!(
                r.evidence
                    .as_deref()
                    .unwrap_or("")
                    .contains("after the request was sent"),
                "{:?}",
                r.evidence
            );
            assert!(r.detail.contains("counts as one attempt"), "{}", r.detail);
        }
        assert_eq!(aa_conntest::cli::exit::for_outcome(t.outcome), 2);
        // The step's own words are human too; the raw text is the technical detail.
        let e = t.step(step).unwrap().error.as_ref().unwrap();
        assert_no_library_text("the step error", &e.to_string());
        assert!(e.technical().is_some());
        assert_no_library_text("the hints", &words(&h));
    }
}

// ---------------------------------------------------------------------------------------------
// Why 3: exit codes follow who answered

#[tokio::test]
async fn why_3_gateway_403_without_an_aa_code_exits_2() {
    let (port, _task) = field::fake_http(vec![(
        "POST /v2/authentication",
        field::response(403, "application/json", r#"{"message":"Forbidden"}"#),
    )])
    .await;
    let (t, h) = run(&plan(&format!("http://127.0.0.1:{port}"))).await;
    first(&h, HintId::HttpBlocked, &t);
    assert_eq!(
        (t.outcome, aa_conntest::cli::exit::for_outcome(t.outcome)),
        (Outcome::Unreachable, 2)
    );
    assert!(!ids(&h).contains(&HintId::AuthRetryWarning), "{:?}", ids(&h));
}

#[tokio::test]
async fn why_3_the_control_rooms_own_403_exits_1() {
    let s = DemoServer::start(DemoOptions {
        scenario: Scenario::Forbidden,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut p = plan(&s.url());
    p.target.username = demo::API_KEY_USER.into();
    p.secret = aa_conntest::secret::Secret::new(demo::API_KEY);
    let (t, h) = run(&p).await;
    first(&h, HintId::AuthForbidden, &t);
    assert_eq!(
        (t.outcome, aa_conntest::cli::exit::for_outcome(t.outcome)),
        (Outcome::Rejected, 1)
    );
}

// ---------------------------------------------------------------------------------------------
// Why 4: a proxy answering 407 to a plain-http request

#[tokio::test]
async fn why_4_proxy_407_to_a_plain_http_request_is_net_proxy() {
    let (proxy, _task) = field::fake_http(vec![(
        "POST http://",
        field::response(
            407,
            "text/html",
            "<html><body>Proxy authentication required</body></html>",
        )
        .replacen("\r\n", "\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n", 1),
    )])
    .await;
    let mut p = plan("http://cr.acme.example:8080");
    p.target.options.proxy = Some(format!("http://127.0.0.1:{proxy}"));
    let (t, h) = run(&p).await;
    let x = first(&h, HintId::NetProxy, &t);
    assert!(x.detail.contains("407"), "{}", x.detail);
    assert!(x.fix.contains("proxy"), "{}", x.fix);
    assert!(!ids(&h).contains(&HintId::HttpNotApi), "{:?}", ids(&h));
    assert_eq!(aa_conntest::cli::exit::for_outcome(t.outcome), 2);
}

// ---------------------------------------------------------------------------------------------
// Why 5: a URL with credentials in it

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn why_5_url_with_credentials_is_never_echoed_stored_or_sent() {
    const PW: &str = "Url-Pa55word!x";
    let s = DemoServer::start(DemoOptions::default()).await.unwrap();
    let url = s.url().replace("http://", &format!("http://admin:{PW}@"));
    let mut p = plan(&url);
    p.target.username = demo::API_KEY_USER.into();
    p.secret = aa_conntest::secret::Secret::new(demo::API_KEY);
    let (t, h) = run(&p).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}", t.steps);
    let c = h
        .iter()
        .find(|h| h.id == HintId::UrlCredentials)
        .expect("url.credentials");
    assert_eq!(c.severity, Severity::Warning);
    assert!(c.detail.contains('@'), "{}", c.detail);
    let report = aa_conntest::report::build(&p, &t, &h);
    let json = report.to_json();
    let md = aa_conntest::report_markdown::render(&report);
    let text = aa_conntest::cli::render_text(&t, &h);
    for (what, out) in [
        ("report", &json),
        ("markdown", &md),
        ("text", &text),
        ("hints", &words(&h)),
    ] {
        assert!(!out.contains(PW) && !out.contains("admin:"), "{what}:\n{out}");
    }
    assert_eq!(report.target.input_url, s.url());
    // Nothing of it was sent.
    for q in s.received() {
        assert!(q.header("authorization").is_none(), "{q:?}");
        assert!(!format!("{q:?}").contains(PW), "{q:?}");
    }
    // The same through the command line.
    let (code, out, err) = field::cli_check(
        vec![
            "--url".into(),
            url.clone(),
            "--username".into(),
            demo::API_KEY_USER.into(),
            "--api-key-env".into(),
            "AA_FIELD_KEY".into(),
            "--json".into(),
        ],
        demo::API_KEY,
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains(PW) && !err.contains(PW), "{out}\n{err}");
}

#[tokio::test]
async fn why_5_a_proxy_password_is_used_but_never_shown() {
    const PW: &str = "Pr0xy-Secret";
    let (proxy, _task) = field::fake_http(vec![(
        "POST http://",
        field::response(407, "text/plain", "proxy says no"),
    )])
    .await;
    let mut p = plan("http://cr.acme.example");
    p.target.options.proxy = Some(format!("http://corp_user:{PW}@127.0.0.1:{proxy}"));
    let (t, h) = run(&p).await;
    let report = aa_conntest::report::build(&p, &t, &h).to_json();
    assert!(!report.contains(PW), "{report}");
    assert!(!words(&h).contains(PW));
    assert!(
        t.connect.as_ref().and_then(|c| c.proxy.as_deref()) == Some(format!("http://127.0.0.1:{proxy}").as_str()),
        "{:?}",
        t.connect
    );
}

// ---------------------------------------------------------------------------------------------
// Why 6: the demo's validate takes the token in the query alone

#[tokio::test]
async fn why_6_demo_validate_accepts_the_token_query_parameter_alone() {
    let s = DemoServer::start(DemoOptions::default()).await.unwrap();
    let c = reqwest::Client::new();
    let body = serde_json::json!({"username": demo::API_KEY_USER, "apiKey": demo::API_KEY}).to_string();
    let login = c
        .post(format!("{}/v2/authentication", s.url()))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let login: serde_json::Value = serde_json::from_str(&login).unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    let mut url = url::Url::parse(&format!("{}/v1/authentication/token", s.url())).unwrap();
    url.query_pairs_mut().append_pair("token", &token);
    // No X-Authorization: the token in the query alone.
    let r = c.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v, serde_json::json!({"valid": true}));
    // The header-stripping proxy still shows, on the logout.
    s.set_scenario(Scenario::HeaderStripped);
    let mut p = plan(&s.url());
    p.target.username = demo::API_KEY_USER.into();
    p.secret = aa_conntest::secret::Secret::new(demo::API_KEY);
    let (t, h) = run(&p).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}", t.steps);
    let x = h
        .iter()
        .find(|h| h.id == HintId::TokenHeaderMissing)
        .unwrap_or_else(|| panic!("{:?}", ids(&h)));
    assert_eq!((x.severity, x.step), (Severity::Warning, Some(StepName::Logout)));
}

// ---------------------------------------------------------------------------------------------
// Issue 13, item 8 (URLs): every bad input gets exit 3 and a sentence

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_urls_exit_3_with_a_sentence() {
    let long_host = format!("https://{}.example.com", "a".repeat(10_000));
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        ("https://cr.example.com:0".into(), "port number is 0", None),
        ("https://cr.example.com:65536".into(), "1 to 65535", None),
        ("javascript:alert(1)".into(), "not a web address", None),
        (
            "data:text/html,<script>alert(1)</script>".into(),
            "not a web address",
            None,
        ),
        ("ftp://cr.example.com".into(), "https://", None),
        (long_host, "at most 253", None),
        (format!("https://{}.example.com", "b".repeat(64)), "at most 63", None),
        (
            "https://cr.example.com".into(),
            "http://",
            Some("ftp://proxy.example.com:21"),
        ),
        (
            "https://cr.example.com".into(),
            "port is 0",
            Some("http://proxy.example.com:0"),
        ),
    ];
    for (url, sentence, proxy) in cases {
        let mut args = vec![
            "--url".to_string(),
            url.clone(),
            "--username".into(),
            "svc".into(),
            "--api-key-env".into(),
            "AA_FIELD_KEY".into(),
        ];
        if let Some(p) = proxy {
            args.extend(["--proxy".to_string(), p.to_string()]);
        }
        let (code, out, err) = field::cli_check(args, KEY).await;
        let shown: String = url.chars().take(60).collect();
        assert_eq!(code, 3, "{shown} {proxy:?}: exit {code}\n{out}\n{err}");
        assert!(out.contains(sentence), "{shown} {proxy:?}: no \"{sentence}\" in\n{out}");
        assert!(out.len() < 20_000, "{shown}: the output quotes the whole input");
        assert!(!out.contains("panicked") && !err.contains("panicked"), "{err}");
    }
}
