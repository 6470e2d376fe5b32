//! Secret-leak audit (issue 7 item 4, issue 16): every form of every secret
//! (`support::secret_forms`: raw, JSON-escaped, URL-encoded both ways, HTML-escaped, base64 in
//! four alphabets/paddings and inside longer base64 text, and any 12-byte window of those) is
//! searched in every channel a secret could leave by:
//! - a full session with the demo's secrets through the command line and the window;
//! - checks against a hostile Control Room (`support::leaky`) that echoes every form of what it
//!   receives and of its tokens in bodies, `Set-Cookie`, `X-Authorization` and the user's fields,
//!   with secrets holding `\`, `"`, `%`, `&`, `<` and spaces: the engine's reports, each step's
//!   record, curl and PowerShell (and a property test with random secrets);
//! - the window: each step's panes, Copy as curl / PowerShell, its own "Save report…" button, and
//!   what `eframe::App::save` writes to storage (kittest never calls it);
//! - the command line: text and JSON output, saved reports, and a proxy that echoes the
//!   credentials it was sent.
//!
//! The real-keyring session with `check --all-profiles` is in `keyring_secret_service.rs` (run by
//! `scripts/test.sh`). CLI children run without a D-Bus session (secrets kept for the session
//! only) and the window uses the keyring crate's mock store, so no real keyring is touched here.

use crate::profiles_support;

use aa_conntest::demo::{self, DemoOptions, DemoServer};
use aa_conntest::gui::{App, Launch, ProfilesSource};
use aa_conntest::profiles::{History, KeyringStore, ProfileStore, SecretStore};
use aa_conntest::transcript::Outcome;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use profiles_support::{Sandbox, text};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn run_cli(sb: &Sandbox, args: &[&str], stdin: &str) -> Output {
    let mut child = sb
        .command(args)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn aa-conntest");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait aa-conntest")
}

fn step_until(h: &mut Harness<'_, App>, timeout: Duration, mut done: impl FnMut(&Harness<'_, App>) -> bool) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        h.step();
        if done(h) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// The text field with this label (other nodes may share it, e.g. the account's "Username").
fn field<'a>(h: &'a Harness<'_, App>, label: &'a str) -> egui_kittest::Node<'a> {
    h.query_all_by_label(label)
        .find(|n| {
            matches!(
                n.accesskit_node().role(),
                egui::accesskit::Role::TextInput | egui::accesskit::Role::PasswordInput
            )
        })
        .unwrap_or_else(|| panic!("no text field labelled {label}"))
}

fn fill(h: &mut Harness<'_, App>, label: &str, text: &str) {
    field(h, label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    field(h, label).type_text(text);
    h.run();
}

fn all_text(h: &Harness<'_, App>) -> String {
    let mut out = String::new();
    for node in h.root().children_recursive() {
        let n = node.accesskit_node();
        for s in [n.label(), n.value(), n.description()].into_iter().flatten() {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

/// Run the check in the form and wait for its result.
fn check(h: &mut Harness<'_, App>) -> Outcome {
    let before = h.state().result().map(|r| r.transcript.started_at);
    h.get_by_label("Test connection").click();
    assert!(
        step_until(h, Duration::from_secs(20), |h| {
            !h.state().is_running() && h.state().result().map(|r| r.transcript.started_at) != before
        }),
        "the check did not finish"
    );
    h.run();
    h.state().outcome().expect("an outcome")
}

/// Click "Copy as curl" and read the text from the platform output of that frame.
fn copy_as_curl(h: &mut Harness<'_, App>) -> String {
    h.get_by_label("Copy as curl").click();
    let mut copied = None;
    for _ in 0..4 {
        h.step();
        for c in &h.output().platform_output.commands {
            if let egui::OutputCommand::CopyText(t) = c {
                copied = Some(t.clone());
            }
        }
        if copied.is_some() {
            break;
        }
    }
    h.run();
    let copied = copied.expect("the copy reached the platform output");
    assert_eq!(Some(copied.as_str()), h.state().last_copied());
    assert!(copied.contains("curl "), "{copied}");
    copied
}

#[test]
fn a_full_session_leaves_no_secret_anywhere() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(DemoServer::start(DemoOptions::default()))
        .expect("demo server");
    let url = server.url();
    let sb = Sandbox::new("leak-audit");
    let saved = sb.dir.path().join("saved");
    std::fs::create_dir_all(&saved).expect("mkdir");
    let mut captured = String::new();
    let mut cli = |args: &[&str], stdin: &str| {
        let o = run_cli(&sb, args, stdin);
        captured.push_str(&text(&o));
        o
    };

    // ---- the command line ----
    let o = cli(
        &[
            "profiles",
            "add",
            "Prod svc",
            "--url",
            &url,
            "--username",
            demo::API_KEY_USER,
            "--api-key-stdin",
        ],
        demo::API_KEY,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = cli(
        &[
            "profiles",
            "add",
            "Dev pw",
            "--url",
            &url,
            "--username",
            demo::PASSWORD_USER,
            "--password-stdin",
        ],
        demo::PASSWORD,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let cli_report = saved.join("cli-ok");
    let o = cli(
        &[
            "check",
            "--profile",
            "Prod svc",
            "--api-key-stdin",
            "--save-report",
            cli_report.to_str().expect("utf-8"),
        ],
        demo::API_KEY,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let cli_fail = saved.join("cli-fail");
    let o = cli(
        &[
            "check",
            "--url",
            &url,
            "--username",
            "nobody_here",
            "--password-stdin",
            "--save-report",
            cli_fail.to_str().expect("utf-8"),
        ],
        demo::PASSWORD,
    );
    assert_eq!(o.status.code(), Some(1), "refused: {}", text(&o));
    let o = cli(
        &[
            "check",
            "--url",
            &url,
            "--username",
            demo::API_KEY_USER,
            "--api-key-stdin",
            "--json",
        ],
        demo::API_KEY,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let export = saved.join("export.json");
    let o = cli(&["profiles", "export", export.to_str().expect("utf-8")], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = cli(&["profiles", "list"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(export.exists() && cli_report.with_extension("md").exists());

    // ---- the window, on the same directories ----
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::with_store(
        keyring_core::mock::Store::new().expect("mock keyring"),
        "aa-conntest-leak-audit",
    ));
    let store = ProfileStore::open(&sb.config_dir()).expect("store").0;
    let source = ProfilesSource::Given {
        store,
        secrets: secrets.clone(),
        history: Some(History::open(&sb.data_dir())),
    };
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        // Background results (keyring, files) wake the UI; a modal fades in over a few frames.
        .with_max_steps(24)
        .build_eframe(move |cc| App::with_profiles(cc, handle, Launch::default(), source));
    assert!(step_until(&mut h, Duration::from_secs(10), |h| h
        .state()
        .profiles()
        .is_ready()));
    h.run();
    assert_eq!(h.state().profiles().list().len(), 2, "the CLI's profiles are listed");

    // Save the form as a profile, run a succeeding check, copy it as curl.
    h.get_by_label("New").click();
    h.run();
    fill(&mut h, "Control Room URL", &url);
    fill(&mut h, "Username", demo::API_KEY_USER);
    fill(&mut h, "API key", demo::API_KEY);
    h.get_by_label("Save").click();
    h.run();
    fill(&mut h, "Profile name", "Window svc");
    h.get_by_label("Save profile").click();
    assert!(step_until(&mut h, Duration::from_secs(10), |h| h
        .state()
        .profiles()
        .is_ready()
        && h.state().profiles().list().len() == 3));
    h.run();
    assert_eq!(check(&mut h), Outcome::Ok);
    let copied_ok = copy_as_curl(&mut h);
    let result = h.state().result().expect("result").clone();
    let report = aa_conntest::report::build(&h.state().form().to_plan(), &result.transcript, &result.hints);
    aa_conntest::report_markdown::save_report(&saved.join("window-ok"), &report).expect("report");
    let mut screen = all_text(&h);

    // A failing check with the password (refused), its curl and its report.
    h.get_by_label("Sign in with password").click();
    h.run();
    fill(&mut h, "Username", "nobody_here");
    fill(&mut h, "Password", demo::PASSWORD);
    assert_eq!(check(&mut h), Outcome::Rejected);
    let copied_fail = copy_as_curl(&mut h);
    let result = h.state().result().expect("result").clone();
    let report = aa_conntest::report::build(&h.state().form().to_plan(), &result.transcript, &result.hints);
    aa_conntest::report_markdown::save_report(&saved.join("window-fail"), &report).expect("report");
    screen.push_str(&all_text(&h));
    // Let the history writes land.
    assert!(step_until(&mut h, Duration::from_secs(5), |h| h
        .state()
        .profiles()
        .is_ready()));
    drop(h);

    // ---- the audit: every form of each secret and token, in every file and every text ----
    let mut scanner = LeakScanner::new([("the API key", demo::API_KEY), ("the password", demo::PASSWORD)]);
    let mut tokens: Vec<String> = server
        .received()
        .iter()
        .filter_map(|r| r.header("x-authorization").map(str::to_string))
        .collect();
    tokens.sort();
    tokens.dedup();
    assert!(tokens.len() >= 3, "tokens were used: {}", tokens.len());
    for t in &tokens {
        assert!(t.len() > 40, "a full token");
        scanner.add("a token", t);
    }
    let logins = server.login_attempts();
    assert!(logins >= 5, "{logins} logins");

    let (files, mut hits) = scanner.scan_dir(sb.dir.path());
    for (name, text) in [
        ("the CLI's stdout/stderr", &captured),
        ("the copied curl (ok)", &copied_ok),
        ("the copied curl (refused)", &copied_fail),
        ("the window's accessibility tree", &screen),
    ] {
        hits.extend(scanner.scan_str(name, &without_markers(text)));
    }
    assert!(files >= 8, "the session wrote files to scan ({files})");
    assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
}

// ---- every form of every secret, against a server that echoes them all ----

use crate::support;
use aa_conntest::plan::{AuthMode, Plan};
use aa_conntest::transcript::StepName;
use support::leaky::LeakyControlRoom;
use support::secret_forms::{HOSTILE_API_KEY, HOSTILE_PASSWORD, LeakScanner, without_markers};

/// Every text the engine's result reaches outside the process: the JSON and Markdown reports,
/// each step's recorded request and response as serialised, the hints, and the curl and
/// PowerShell snippets of each step.
pub(crate) fn engine_channels(plan: &Plan, r: &aa_conntest::worker::CheckResult) -> Vec<(String, String)> {
    let report = aa_conntest::report::build(plan, &r.transcript, &r.hints);
    let mut out = vec![
        ("the JSON report".to_string(), report.to_json()),
        (
            "the Markdown report".to_string(),
            aa_conntest::report_markdown::render(&report),
        ),
        ("the hints".to_string(), serde_json::to_string(&r.hints).expect("hints")),
    ];
    for step in &r.transcript.steps {
        out.push((
            format!("the {} step", step.name),
            serde_json::to_string(step).expect("step"),
        ));
        if let Some(req) = &step.request {
            out.push((format!("curl of {}", step.name), aa_conntest::snippets::curl(req)));
            out.push((
                format!("PowerShell of {}", step.name),
                aa_conntest::snippets::powershell(req),
            ));
        }
    }
    out
}

pub(crate) fn scan_all(scanner: &LeakScanner, channels: &[(String, String)]) -> Vec<String> {
    channels
        .iter()
        .flat_map(|(name, text)| scanner.scan_str(name, &without_markers(text)))
        .collect()
}

fn hostile_plan(url: &str, auth: AuthMode, secret: &str) -> Plan {
    let mut p = support::api_key_plan(url, "svc_api", secret);
    p.target.auth = auth;
    p
}

#[tokio::test]
async fn d3_a_server_echoing_every_form_of_key_and_token_leaks_nothing() {
    let cr = LeakyControlRoom::start("svc_api", HOSTILE_API_KEY);
    let plan = hostile_plan(&cr.url, AuthMode::ApiKey, HOSTILE_API_KEY);
    let r = aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.transcript.steps);
    let tokens = cr.tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(cr.received.lock().unwrap().as_slice(), [HOSTILE_API_KEY]);

    // The echoes are there, masked: the login answer's headers carry the token and the key.
    let login = r
        .transcript
        .step(StepName::Authenticate)
        .unwrap()
        .response
        .clone()
        .unwrap();
    for name in ["set-cookie", "x-authorization"] {
        let v = login
            .header(name)
            .unwrap_or_else(|| panic!("no {name}: {:?}", login.headers));
        assert!(v.contains("<redacted token eyJh"), "{name}: {v}");
    }
    let echoed = login
        .headers
        .iter()
        .filter(|(k, _)| k.starts_with("x-echo-secret"))
        .count();
    assert!(echoed >= 10, "the server echoed the key in {echoed} headers");
    assert!(login.body.matches("<redacted").count() >= 30, "{}", login.body);

    let scanner = LeakScanner::new([("the API key", HOSTILE_API_KEY), ("the token", tokens[0].as_str())]);
    let channels = engine_channels(&plan, &r);
    let hits = scan_all(&scanner, &channels);
    assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
}

#[tokio::test]
async fn d3_a_refused_password_echoed_in_every_form_leaks_nothing() {
    let cr = LeakyControlRoom::start("svc_api", "the-right-password");
    let plan = hostile_plan(&cr.url, AuthMode::Password, HOSTILE_PASSWORD);
    let r = aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Rejected, "{:#?}", r.transcript.steps);
    assert_eq!(cr.received.lock().unwrap().as_slice(), [HOSTILE_PASSWORD]);
    let login = r
        .transcript
        .step(StepName::Authenticate)
        .unwrap()
        .response
        .clone()
        .unwrap();
    assert!(login.body.matches("<redacted").count() >= 20, "{}", login.body);
    let scanner = LeakScanner::new([("the password", HOSTILE_PASSWORD)]);
    let hits = scan_all(&scanner, &engine_channels(&plan, &r));
    assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
}

mod through_the_engine {
    use super::{engine_channels, scan_all};
    use crate::fuzz_props::redaction::secret;
    use crate::support::leaky::LeakyControlRoom;
    use crate::support::secret_forms::LeakScanner;
    use aa_conntest::plan::AuthMode;
    use aa_conntest::transcript::Outcome;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        // Random secrets (with `\`, `"`, `%`, `&`, `<`, spaces, escape look-alikes, non-ASCII)
        // through a real check against a server that echoes every form of them and of its
        // token in bodies and headers: none survives in any channel of the result.
        #[test]
        fn random_secrets_echoed_in_every_form_never_survive_a_check(secret in secret(), password in any::<bool>(), accept in any::<bool>()) {
            // An API key is sent trimmed (preflight); a password as typed.
            let sent = if password { secret.as_str() } else { secret.trim() };
            let cr = LeakyControlRoom::start("svc_api", if accept { sent } else { "another secret" });
            let mut plan = crate::support::api_key_plan(&cr.url, "svc_api", &secret);
            if password {
                plan.target.auth = AuthMode::Password;
            }
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let r = rt.block_on(aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()));
            let want = if accept { Outcome::Ok } else { Outcome::Rejected };
            prop_assert_eq!(r.transcript.outcome, want);
            let mut scanner = LeakScanner::new([("the secret", secret.as_str())]);
            let tokens = cr.tokens();
            for t in &tokens {
                scanner.add("the token", t);
            }
            prop_assert_eq!(tokens.len(), usize::from(accept));
            let hits = scan_all(&scanner, &engine_channels(&plan, &r));
            prop_assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
        }
    }
}

// ---- the window ----

/// eframe's storage as a map: what `App::save` writes (kittest never calls `save`).
#[derive(Default)]
pub(crate) struct MemoryStorage(pub std::collections::BTreeMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// Run `eframe::App::save` as eframe does at exit and on its autosave timer; all that it stored.
pub(crate) fn saved_state(h: &mut Harness<'_, App>) -> String {
    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    assert!(!storage.0.is_empty(), "the window saved nothing");
    storage.0.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
}

fn copied_text(h: &mut Harness<'_, App>, button: &str) -> String {
    h.get_by_label(button).click();
    let mut copied = None;
    for _ in 0..4 {
        h.step();
        for c in &h.output().platform_output.commands {
            if let egui::OutputCommand::CopyText(t) = c {
                copied = Some(t.clone());
            }
        }
        if copied.is_some() {
            break;
        }
    }
    h.run();
    copied.unwrap_or_else(|| panic!("{button} copied nothing"))
}

fn has_text(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Every channel of the window after a check: each step's panes (as the accessibility tree shows
/// them), Copy as curl and Copy as PowerShell of each step, the window's own "Save report…"
/// (the files it wrote), and what it saves through eframe's storage.
fn window_channels(h: &mut Harness<'_, App>, reports: &Path, out: &mut Vec<(String, String)>) {
    for step in ["Preflight: ", "Connect: ", "Authenticate: ", "Validate: ", "Logout: "] {
        h.get_by_label_contains(step).click();
        h.run();
        out.push((format!("the window's {step}panes"), all_text(h)));
        if has_text(h, "Copy as curl") {
            let curl = copied_text(h, "Copy as curl");
            assert!(curl.contains("curl "), "{curl}");
            out.push((format!("Copy as curl ({step})"), curl));
            let ps = copied_text(h, "Copy as PowerShell");
            assert!(ps.contains("Invoke-"), "{ps}");
            out.push((format!("Copy as PowerShell ({step})"), ps));
        }
    }
    let before = profiles_support::count_files(reports);
    h.get_by_label("Save report…").click();
    assert!(
        step_until(h, Duration::from_secs(10), |h| has_text(h, "Report saved to")),
        "the report was not saved:\n{}",
        all_text(h)
    );
    h.run();
    assert_eq!(
        profiles_support::count_files(reports),
        before + 2,
        "the JSON and Markdown reports"
    );
    out.push(("the window's saved state".into(), saved_state(h)));
}

#[test]
fn the_window_leaks_no_form_of_hostile_secrets_in_any_channel() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let cr = LeakyControlRoom::start("svc_api", HOSTILE_API_KEY);
    let dir = tempfile::tempdir().expect("tempdir");
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("mkdir");
    let handle = rt.handle().clone();
    let launch = Launch {
        save_reports_to: Some(reports.clone()),
        ..Launch::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .build_eframe(move |cc| App::new(cc, handle, launch));
    h.run();
    let mut channels = Vec::new();

    // 1. A working key: every step has panes and snippets; the token is echoed everywhere.
    fill(&mut h, "Control Room URL", &cr.url);
    fill(&mut h, "Username", "svc_api");
    fill(&mut h, "API key", HOSTILE_API_KEY);
    h.get_by_label("Test connection").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |h| has_text(h, "It works")),
        "{}",
        all_text(&h)
    );
    h.run();
    assert!(has_text(&h, "Logout: ok"), "{}", all_text(&h));
    window_channels(&mut h, &reports, &mut channels);

    // 2. A refused password, echoed back in every form by the server.
    h.get_by_label("Sign in with password").click();
    h.run();
    fill(&mut h, "Password", HOSTILE_PASSWORD);
    h.get_by_label("Test connection").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |h| has_text(h, "Authenticate: failed")),
        "{}",
        all_text(&h)
    );
    h.run();
    window_channels(&mut h, &reports, &mut channels);

    // 3. Proxy credentials typed in the Options panel are not remembered either.
    h.get_by_label("Options (timeout, certificates, proxy)").click();
    h.run();
    fill(
        &mut h,
        "Proxy",
        &format!("http://alice:{}@127.0.0.1:3128", PROXY_PASSWORD_ENCODED),
    );
    channels.push(("the window's saved state (proxy)".into(), saved_state(&mut h)));
    drop(h);

    let mut scanner = LeakScanner::new([
        ("the API key", HOSTILE_API_KEY),
        ("the password", HOSTILE_PASSWORD),
        ("the proxy password", PROXY_PASSWORD),
    ]);
    let tokens = cr.tokens();
    assert_eq!(tokens.len(), 1);
    scanner.add("the token", &tokens[0]);
    let mut hits = scan_all(&scanner, &channels);
    let (files, file_hits) = scanner.scan_dir(dir.path());
    assert_eq!(files, 4, "two reports of two files each");
    hits.extend(file_hits);
    assert!(
        hits.is_empty(),
        "{} leaks in {} channels:\n{}",
        hits.len(),
        channels.len() + files,
        hits.join("\n")
    );
    // The echoes reached the window, masked.
    let panes: String = channels.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        panes.contains("<redacted token eyJh"),
        "the token's echoes were shown, masked"
    );
}

/// A proxy password with the characters that break naive escaping, and its form in a URL.
const PROXY_PASSWORD: &str = "pr0xy \"s3c%&<ret\\";
const PROXY_PASSWORD_ENCODED: &str = "pr0xy%20%22s3c%25%26%3Cret%5C";

// ---- the command line, with hostile secrets and a hostile proxy ----

/// A forward proxy that refuses every request with 407 and echoes the credentials it was sent
/// (the `Proxy-Authorization` header and its decoded `user:password`) in its answer.
fn echoing_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut auth = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':')
                        && k.eq_ignore_ascii_case("proxy-authorization")
                    {
                        auth = v.trim().to_string();
                    }
                }
                let decoded = auth
                    .strip_prefix("Basic ")
                    .and_then(|b| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b).ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                log.lock().unwrap().push(decoded.clone());
                let body = format!(
                    "<html><body>Proxy authentication failed for {} ({})</body></html>",
                    decoded
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('"', "&quot;"),
                    auth
                );
                let head = format!(
                    "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\
                     X-Echo: {auth}\r\nX-Echo-Decoded: {decoded}\r\nContent-Type: text/html\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let mut s = stream;
                let _ = std::io::Write::write_all(&mut s, head.as_bytes());
                let _ = std::io::Write::write_all(&mut s, body.as_bytes());
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[test]
fn the_command_line_leaks_no_form_of_hostile_secrets_nor_proxy_credentials() {
    let cr = LeakyControlRoom::start("svc_api", HOSTILE_API_KEY);
    let sb = Sandbox::new("leak-cli");
    let reports = sb.dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("mkdir");
    let path = |name: &str| reports.join(name).to_str().expect("utf-8").to_string();
    let (r_ok, r_refused, r_proxy) = (path("ok"), path("refused"), path("proxy"));
    let mut printed = String::new();
    let mut cli = |args: &[&str], stdin: &str, code: i32| {
        let o = run_cli(&sb, args, stdin);
        printed.push_str(&text(&o));
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", text(&o));
    };
    let base = ["check", "--url", cr.url.as_str(), "--username", "svc_api"];
    cli(
        &joined(&base, &["--api-key-stdin", "--save-report", &r_ok]),
        HOSTILE_API_KEY,
        0,
    );
    cli(&joined(&base, &["--api-key-stdin", "--json"]), HOSTILE_API_KEY, 0);
    cli(
        &joined(&base, &["--api-key-stdin", "--no-logout", "--multiple-login"]),
        HOSTILE_API_KEY,
        0,
    );
    cli(
        &joined(&base, &["--password-stdin", "--save-report", &r_refused]),
        HOSTILE_PASSWORD,
        1,
    );
    cli(&joined(&base, &["--password-stdin", "--json"]), HOSTILE_PASSWORD, 1);

    // Through a proxy that wants other credentials and echoes the ones it got.
    let (proxy, seen) = echoing_proxy();
    let proxy_url = proxy.replace("http://", &format!("http://alice:{PROXY_PASSWORD_ENCODED}@"));
    let p = proxy_url.as_str();
    cli(
        &joined(&base, &["--api-key-stdin", "--proxy", p, "--save-report", &r_proxy]),
        HOSTILE_API_KEY,
        2,
    );
    cli(
        &joined(&base, &["--api-key-stdin", "--proxy", p, "--json"]),
        HOSTILE_API_KEY,
        2,
    );
    let want = format!("alice:{PROXY_PASSWORD}");
    let got = seen.lock().unwrap().clone();
    assert!(got.contains(&want), "the proxy got the credentials: {got:?}");

    let mut scanner = LeakScanner::new([
        ("the API key", HOSTILE_API_KEY),
        ("the password", HOSTILE_PASSWORD),
        ("the proxy password", PROXY_PASSWORD),
    ]);
    let tokens = cr.tokens();
    assert_eq!(tokens.len(), 3);
    for t in &tokens {
        scanner.add("a token", t);
    }
    let (files, mut hits) = scanner.scan_dir(sb.dir.path());
    assert!(files >= 6, "3 reports of 2 files ({files})");
    hits.extend(scanner.scan_str("what the CLI printed", &without_markers(&printed)));
    assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
}

fn joined<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(extra).copied().collect()
}
