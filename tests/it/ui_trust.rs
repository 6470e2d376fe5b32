//! "Trust this certificate" through the real window (egui_kittest, headless) against the demo
//! Control Room over TLS, whose throwaway CA this computer does not trust; the technical details of
//! a failed step; the saved proxy password of a single Test; outside text escaped in labels.

use crate::support::scripted::{self, Scripted};
use crate::ui_profiles::{Env, click, harness_with, replace, save_new, settle};
use crate::ui_support::{all_text, runtime, step_until};
use aa_conntest::demo::{self, DemoOptions, DemoServer};
use aa_conntest::diagnose::HintId;
use aa_conntest::gui::{App, FormState, Launch};
use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::Outcome;
use aa_conntest::verdict::{self, VerdictKind};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

const TRUST: &str = "Trust this certificate…";

fn tls_demo(rt: &tokio::runtime::Runtime) -> DemoServer {
    rt.block_on(DemoServer::start(DemoOptions {
        tls: true,
        ..DemoOptions::default()
    }))
    .expect("demo over TLS")
}

/// The demo's working login, for `server`; its CA is not trusted (no CA file).
fn demo_form(server: &DemoServer) -> FormState {
    FormState::from_plan(&Plan::new(
        Target::new(
            server.url(),
            AuthMode::ApiKey,
            demo::API_KEY_USER,
            CheckOptions::default(),
        ),
        Secret::new(demo::API_KEY),
    ))
}

/// Press Test connection (or let `start` start a check) and wait for the new result.
fn wait_for_new_result(h: &mut Harness<'_, App>, before: Option<u64>) {
    let done = step_until(h, Duration::from_secs(30), |h| {
        h.state().run_id() != before && !h.state().is_running() && h.state().result().is_some()
    });
    assert!(done, "no result; status {}", h.state().status_text());
    h.run();
}

fn test(h: &mut Harness<'_, App>) {
    let before = h.state().run_id();
    click(h, "Test connection");
    wait_for_new_result(h, before);
}

fn top_hint(h: &Harness<'_, App>) -> Option<HintId> {
    let r = h.state().result()?;
    verdict::top_hint(&r.hints).map(|t| t.id)
}

fn verdict_kind(h: &Harness<'_, App>) -> VerdictKind {
    let r = h.state().result().expect("result");
    verdict::verdict(r.transcript.outcome, &r.hints).kind
}

fn leaf_fingerprint(h: &Harness<'_, App>) -> String {
    h.state()
        .result()
        .and_then(|r| r.transcript.connect.as_ref())
        .and_then(|c| c.certificates.first())
        .map(|c| c.sha256.clone())
        .expect("the server's certificate")
}

/// The whole story: untrusted -> the certificate shown -> trusted -> it works; saved and reloaded,
/// the profile keeps the pin (listed in Options, removable); another server's certificate is
/// refused as a changed one.
#[test]
fn trust_this_certificate_then_it_works_and_the_profile_keeps_the_pin() {
    let rt = runtime();
    let server = tls_demo(&rt);
    let env = Env::new();
    let mut h = harness_with(
        &rt,
        env.source(),
        Launch {
            form: Some(demo_form(&server)),
            ..Default::default()
        },
    );

    // 1. Not trusted: the verdict card offers to trust it.
    test(&mut h);
    assert_eq!(top_hint(&h), Some(HintId::TlsUntrusted), "{}", all_text(&h));
    assert_eq!(verdict_kind(&h), VerdictKind::Unreachable);
    assert!(h.query_by_label(TRUST).is_some(), "no offer:\n{}", all_text(&h));
    let fp = leaf_fingerprint(&h);

    // 2. The dialog shows the certificate and what trusting means; Go back changes nothing.
    click(&mut h, TRUST);
    let text = all_text(&h);
    for want in [
        "Trust this certificate?",
        "CN=localhost",
        "aa-conntest demo CA (not trusted anywhere)",
        fp.as_str(),
        "Only this certificate is accepted for these settings",
        "A TLS-inspecting proxy's certificate is not the Control Room's",
    ] {
        assert!(text.contains(want), "{want:?} not in the dialog:\n{text}");
    }
    assert!(text.contains("Valid") && text.contains("from "), "{text}");
    click(&mut h, "Go back");
    assert!(h.query_by_label("Trust this certificate?").is_none());
    assert!(h.state().form().target.options.pin_sha256.is_empty());

    // 3. Trust it: pinned into the form and tested again at once; it works, by the pin.
    click(&mut h, TRUST);
    let before = h.state().run_id();
    click(&mut h, "Trust and test again");
    wait_for_new_result(&mut h, before);
    assert_eq!(h.state().form().target.options.pin_sha256, vec![fp.clone()]);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", all_text(&h));
    assert!(all_text(&h).contains("It works"));
    let c = h.state().result().and_then(|r| r.transcript.connect.clone()).unwrap();
    assert_eq!(c.trusted_by.as_deref(), Some("pin"));
    assert!(h.query_by_label(TRUST).is_none(), "offered again after it worked");
    assert!(all_text(&h).contains("Trusts only the pinned certificate"));

    // 4. Saved as a profile: the file keeps the pin.
    save_new(&mut h, "Demo over TLS");
    let file: serde_json::Value = serde_json::from_str(&env.profiles_json()).unwrap();
    assert_eq!(
        file["profiles"][0]["options"]["pin_sha256"],
        serde_json::json!([fp]),
        "{file}"
    );
    drop(h);

    // 5. Reloaded in a new window: the profile's pin is in the form and in Options; it works.
    let mut h = harness_with(&rt, env.source(), Launch::default());
    h.get_by_label("Demo over TLS").click();
    h.run();
    assert!(step_until(&mut h, Duration::from_secs(10), |h| !h
        .state()
        .form()
        .secret
        .is_empty()));
    settle(&mut h);
    assert_eq!(h.state().form().target.options.pin_sha256, vec![fp.clone()]);
    click(&mut h, "Options (timeout, certificates, proxy)");
    assert!(all_text(&h).contains(&fp), "the pin is not listed:\n{}", all_text(&h));
    assert_eq!(h.get_all_by_label("Remove").count(), 1);
    test(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", all_text(&h));

    // 6. Another server, another certificate: the pinned one changed, never accepted.
    let other = tls_demo(&rt);
    replace(&mut h, "Control Room URL", &other.url());
    test(&mut h);
    assert_eq!(top_hint(&h), Some(HintId::TlsPinMismatch), "{}", all_text(&h));
    let text = all_text(&h);
    assert!(
        text.contains("The certificate of localhost changed since you trusted it"),
        "the verdict does not say it:\n{text}"
    );
    assert!(h.query_by_label(TRUST).is_none(), "a changed certificate is offered");
    assert_eq!(h.state().result().unwrap().transcript.login_attempts, 0);

    // 7. Remove the pin: untrusted again, and offered again.
    click(&mut h, "Remove");
    assert!(h.state().form().target.options.pin_sha256.is_empty());
    test(&mut h);
    assert_eq!(top_hint(&h), Some(HintId::TlsUntrusted));
    assert!(h.query_by_label(TRUST).is_some());
}

/// Not a question of trust: an expired certificate, one for another name, and a check whose
/// settings changed since are never offered.
#[test]
fn trust_is_offered_only_for_an_untrusted_certificate_of_these_settings() {
    let rt = runtime();
    let server = tls_demo(&rt);
    let env = Env::new();
    let mut h = harness_with(
        &rt,
        env.source(),
        Launch {
            form: Some(demo_form(&server)),
            ..Default::default()
        },
    );
    for (scenario, id) in [
        (demo::Scenario::TlsExpired, HintId::TlsExpired),
        (demo::Scenario::TlsWrongName, HintId::TlsUntrusted),
    ] {
        server.set_scenario(scenario);
        test(&mut h);
        assert_eq!(top_hint(&h), Some(id), "{scenario:?}");
        let pinnable = h
            .state()
            .result()
            .and_then(|r| r.transcript.connect.as_ref())
            .is_some_and(|c| c.pinnable);
        assert!(!pinnable, "{scenario:?}");
        assert!(h.query_by_label(TRUST).is_none(), "{scenario:?} offered");
    }
    server.set_scenario(demo::Scenario::Normal);
    test(&mut h);
    assert!(h.query_by_label(TRUST).is_some());
    // The form changed since: the certificate was seen for other settings.
    replace(&mut h, "Username", "someone_else");
    assert!(h.query_by_label(TRUST).is_none(), "offered for a stale result");
}

/// The response pane's "Technical details" hold the raw text (the TLS library's words for a
/// certificate that is its own authority); nothing outside the fold does.
#[test]
fn technical_details_of_a_failed_step_show_the_raw_error() {
    let rt = runtime();
    let (leaf, _) = crate::support::field::openssl_style(&["localhost"]);
    let port = rt.block_on(crate::support::tls::serve(leaf));
    let mut form = FormState::default();
    form.target.url = format!("https://localhost:{port}");
    form.target.username = "svc_api".into();
    form.secret = demo::API_KEY.into();
    let env = Env::new();
    let mut h = harness_with(
        &rt,
        env.source(),
        Launch {
            form: Some(form),
            ..Default::default()
        },
    );
    test(&mut h);
    let result = h.state().result().cloned().unwrap();
    let step = result
        .transcript
        .step(aa_conntest::transcript::StepName::Connect)
        .unwrap();
    let raw = step
        .error
        .as_ref()
        .and_then(|e| e.technical())
        .expect("raw text")
        .to_string();
    assert!(raw.contains("CaUsedAsEndEntity"), "{raw}");
    let before = all_text(&h);
    assert!(
        !before.contains("CaUsedAsEndEntity"),
        "raw text outside the fold:\n{before}"
    );
    assert!(before.contains("self-signed"), "{before}");
    // The fold of the Connect step's error (the first "Technical details" of the response pane).
    let fold = h
        .get_all_by_label("Technical details")
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .expect("a Technical details fold");
    fold.click();
    h.run();
    let after = all_text(&h);
    assert!(after.contains(&raw), "the fold does not show the raw error:\n{after}");
}

// ---------------------------------------------------------------------------------------------
// Issue 13 leftovers in the window

/// A secret store that notes which thread reads what (the keyring is blocking I/O: never on the
/// UI thread, which in these tests is the test's own).
struct Watched {
    inner: std::sync::Arc<dyn aa_conntest::profiles::SecretStore>,
    reads: std::sync::Mutex<Vec<(String, std::thread::ThreadId)>>,
}

impl aa_conntest::profiles::SecretStore for Watched {
    fn get(&self, id: &str) -> Result<Option<Secret>, aa_conntest::profiles::secrets::SecretError> {
        self.reads
            .lock()
            .unwrap()
            .push((id.to_string(), std::thread::current().id()));
        self.inner.get(id)
    }
    fn set(&self, id: &str, secret: &Secret) -> Result<(), aa_conntest::profiles::secrets::SecretError> {
        self.inner.set(id, secret)
    }
    fn delete(&self, id: &str) -> Result<(), aa_conntest::profiles::secrets::SecretError> {
        self.inner.delete(id)
    }
    fn status(&self) -> aa_conntest::profiles::secrets::Availability {
        self.inner.status()
    }
}

/// A forwarding proxy that wants `Proxy-Authorization: Basic …` of `user:password` (407
/// otherwise) and answers the Control Room's calls itself, as a proxy that forwards would.
fn proxy_wanting(user: &str, password: &str) -> Scripted {
    use base64::Engine;
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    );
    Scripted::start(move |r| {
        if r.header("proxy-authorization") != Some(want.as_str()) {
            return scripted::response(
                407,
                "Proxy Authentication Required",
                &[("Proxy-Authenticate", "Basic realm=\"corp\"")],
                "",
            );
        }
        scripted::control_room_through_proxy(r)
    })
}

/// A saved profile's proxy password lives in the keyring; a single Test of that profile in the
/// window puts it back (read off the UI thread), as Test all and the command line do. The window
/// never shows it and the profiles file never holds it.
#[test]
fn a_single_test_of_a_saved_profile_uses_the_proxy_password_from_the_keyring() {
    const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";
    let rt = runtime();
    let proxy = proxy_wanting("proxy@user", "s3cr:t-pw");
    let watched = std::sync::Arc::new(Watched {
        inner: Env::new().secrets.clone(),
        reads: Default::default(),
    });
    let env = Env::with_secrets(watched.clone());
    let mut form = FormState::default();
    form.target.url = "http://cr.example.test".into();
    form.target.username = "svc_api".into();
    form.secret = KEY.into();
    form.target.options.proxy = Some(format!("http://proxy%40user:s3cr%3At-pw@127.0.0.1:{}", proxy.port));
    let mut h = harness_with(
        &rt,
        env.source(),
        Launch {
            form: Some(form),
            ..Default::default()
        },
    );
    save_new(&mut h, "Via proxy");
    assert!(!env.profiles_json().contains("s3cr"), "{}", env.profiles_json());
    drop(h);

    // A new window: the profile's proxy comes without its password; the keyring has it.
    let mut h = harness_with(&rt, env.source(), Launch::default());
    h.get_by_label("Via proxy").click();
    h.run();
    assert!(step_until(&mut h, Duration::from_secs(10), |h| !h
        .state()
        .form()
        .secret
        .is_empty()));
    settle(&mut h);
    assert_eq!(
        h.state().form().target.options.proxy.as_deref(),
        Some(format!("http://127.0.0.1:{}", proxy.port).as_str())
    );
    let ui_thread = std::thread::current().id();
    watched.reads.lock().unwrap().clear();
    test(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", all_text(&h));
    // The login went through the proxy with the saved credentials.
    assert!(
        proxy
            .requests()
            .iter()
            .any(|r| r.path.contains("/v2/authentication") && r.header("proxy-authorization").is_some()),
        "{:?}",
        proxy.requests()
    );
    // Read from the keyring for this check, and not on the UI thread.
    let reads = watched.reads.lock().unwrap().clone();
    let proxy_reads: Vec<_> = reads.iter().filter(|(id, _)| id.ends_with(".proxy")).collect();
    assert!(!proxy_reads.is_empty(), "the keyring was not asked: {reads:?}");
    assert!(
        proxy_reads.iter().all(|(_, t)| *t != ui_thread),
        "the keyring was read on the UI thread"
    );
    // The window and the result it keeps show the proxy without its password.
    let text = all_text(&h);
    assert!(!text.contains("s3cr") && !text.contains("proxy%40user"), "{text}");
    let report = aa_conntest::report::build(
        &h.state().form().to_plan(),
        &h.state().result().unwrap().transcript,
        &h.state().result().unwrap().hints,
    )
    .to_json();
    assert!(!report.contains("s3cr"), "{report}");

    // Another proxy typed into the form is used as typed (no saved password for it).
    let other = proxy_wanting("someone", "else");
    click(&mut h, "Options (timeout, certificates, proxy)");
    replace(&mut h, "Proxy", &format!("http://127.0.0.1:{}", other.port));
    test(&mut h);
    assert_eq!(top_hint(&h), Some(HintId::NetProxy), "{}", all_text(&h));
    assert!(
        other
            .requests()
            .iter()
            .all(|r| r.header("proxy-authorization").is_none()),
        "the saved password went to another proxy"
    );
}

/// Every character the sanitiser escapes (control, C1, bidi, invisible format), but newlines and
/// tabs our own layout uses.
fn raw_unsafe(text: &str) -> Vec<String> {
    text.chars()
        .filter(|c| aa_conntest::sanitize::is_unsafe(*c) && *c != '\n' && *c != '\t')
        .map(|c| format!("U+{:04X}", c as u32))
        .collect()
}

/// All text of the window a person reads, but the form's own text fields (what was typed, or a
/// profile's settings being edited, is shown as it is).
fn labels_text(h: &Harness<'_, App>) -> String {
    use eframe::egui::accesskit::Role;
    let is_input = |r: Role| matches!(r, Role::TextInput | Role::MultilineTextInput | Role::PasswordInput);
    let mut out = String::new();
    for node in h.root().children_recursive() {
        let n = node.accesskit_node();
        // A text field, and the runs of text inside it.
        if is_input(n.role()) || node.parent().is_some_and(|p| is_input(p.accesskit_node().role())) {
            continue;
        }
        for s in [n.label(), n.value(), n.description()].into_iter().flatten() {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

/// A profile's URL and username and a server's answer carry control, C1 and bidi characters: the
/// sidebar's hover text, the verdict, the hints, the response pane (headers and body) and the
/// status line show them escaped.
#[test]
fn outside_text_in_labels_and_hover_texts_is_shown_escaped() {
    let rt = runtime();
    let server = Scripted::start(|_| {
        let body = serde_json::json!({
            "code": "UM1110",
            "message": "Either\u{1b}[2K the username \u{202e}or password\u{9b}31m is wrong",
            "details": "\u{200b}hidden\u{2066}",
        });
        scripted::response(
            401,
            "Unauthorized",
            &[("Content-Type", "application/json"), ("X-Hostile", "a\u{202e}b\u{85}c")],
            &body.to_string(),
        )
    });
    let env = Env::new();
    {
        let mut store = env.store();
        let p = aa_conntest::profiles::Profile::new(
            "Hostile",
            format!("{}/\u{202e}txt.exe", server.url()),
            AuthMode::ApiKey,
            "svc\u{202e}ipa",
            CheckOptions::default(),
        );
        env.secrets.set(&p.id, &Secret::new(demo::API_KEY)).unwrap();
        store.upsert(p).unwrap();
        store.save().unwrap();
    }
    let mut h = harness_with(&rt, env.source(), Launch::default());
    // The sidebar's hover text: the URL and the username, escaped.
    h.get_by_label("Hostile").hover();
    h.run();
    let hover = labels_text(&h);
    assert!(hover.contains("U+202Etxt.exe"), "{hover}");
    assert!(hover.contains("svcU+202Eipa"), "{hover}");
    assert!(raw_unsafe(&hover).is_empty(), "{:?}\n{hover}", raw_unsafe(&hover));
    // The check: refused, with the server's hostile words everywhere on screen, escaped.
    h.get_by_label("Hostile").click();
    h.run();
    assert!(step_until(&mut h, Duration::from_secs(10), |h| !h
        .state()
        .form()
        .secret
        .is_empty()));
    settle(&mut h);
    test(&mut h);
    h.get_by_label_contains("Response headers").click();
    h.run();
    let text = labels_text(&h);
    assert!(text.contains("X-Hostile") || text.contains("x-hostile"), "{text}");
    // The hostile texts were there, escaped: the header, the JSON body's message.
    for shown in ["aU+202EbU+0085c", "U+202Eor passwordU+009B31m is wrong"] {
        assert!(text.contains(shown), "{shown:?} is not shown:\n{text}");
    }
    assert!(raw_unsafe(&text).is_empty(), "{:?}\n{text}", raw_unsafe(&text));
}
