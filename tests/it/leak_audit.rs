//! Secret-leak audit (issue 7 item 4): a full session with known secrets through the command line
//! and the window, against the demo Control Room, with the config, data and cache directories in a
//! temporary directory. Then every file under it, every exported or saved file, the captured
//! stdout/stderr, the copied text and the window's accessibility tree are searched for the API
//! key, the password and every token the server handed out: 0 hits.
//!
//! The CLI children run without a D-Bus session (no keyring: secrets are kept for the session
//! only) and the window uses the keyring crate's mock store, so no real keyring is touched.

use crate::profiles_support;

use aa_conntest::demo::{self, DemoOptions, DemoServer};
use aa_conntest::gui::{App, Launch, ProfilesSource};
use aa_conntest::profiles::{History, KeyringStore, ProfileStore, SecretStore};
use aa_conntest::transcript::Outcome;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use profiles_support::{Sandbox, files_containing, text};
use std::io::Write;
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

    // ---- the audit ----
    let mut needles: Vec<(String, &str)> = vec![
        (demo::API_KEY.to_string(), "the API key"),
        (demo::PASSWORD.to_string(), "the password"),
    ];
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
        needles.push((t.clone(), "a token"));
    }
    let logins = server.login_attempts();
    assert!(logins >= 5, "{logins} logins");

    let mut hits = Vec::new();
    for (needle, what) in &needles {
        for f in files_containing(sb.dir.path(), needle) {
            hits.push(format!("{what} in {}", f.display()));
        }
        for (name, text) in [
            ("the CLI's stdout/stderr", &captured),
            ("the copied curl (ok)", &copied_ok),
            ("the copied curl (refused)", &copied_fail),
            ("the window's accessibility tree", &screen),
        ] {
            if text.contains(needle.as_str()) {
                hits.push(format!("{what} in {name}"));
            }
        }
    }
    let files = profiles_support::count_files(sb.dir.path());
    assert!(files >= 8, "the session wrote files to scan ({files})");
    assert!(hits.is_empty(), "secrets found:\n{}", hits.join("\n"));
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
        ("the Markdown report".to_string(), aa_conntest::report_markdown::render(&report)),
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
    p.auth = auth;
    p
}

#[tokio::test]
async fn a_server_echoing_every_form_of_key_and_token_leaks_nothing() {
    let cr = LeakyControlRoom::start("svc_api", HOSTILE_API_KEY);
    let plan = hostile_plan(&cr.url, AuthMode::ApiKey, HOSTILE_API_KEY);
    let r = aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.transcript.steps);
    let tokens = cr.tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(cr.received.lock().unwrap().as_slice(), [HOSTILE_API_KEY]);

    // The echoes are there, masked: the login answer's headers carry the token and the key.
    let login = r.transcript.step(StepName::Authenticate).unwrap().response.clone().unwrap();
    for name in ["set-cookie", "x-authorization"] {
        let v = login.header(name).unwrap_or_else(|| panic!("no {name}: {:?}", login.headers));
        assert!(v.contains("<redacted token eyJh"), "{name}: {v}");
    }
    let echoed = login.headers.iter().filter(|(k, _)| k.starts_with("x-echo-secret")).count();
    assert!(echoed >= 10, "the server echoed the key in {echoed} headers");
    assert!(login.body.matches("<redacted").count() >= 30, "{}", login.body);

    let scanner = LeakScanner::new([("the API key", HOSTILE_API_KEY), ("the token", tokens[0].as_str())]);
    let channels = engine_channels(&plan, &r);
    let hits = scan_all(&scanner, &channels);
    assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
}

#[tokio::test]
async fn a_refused_password_echoed_in_every_form_leaks_nothing() {
    let cr = LeakyControlRoom::start("svc_api", "the-right-password");
    let plan = hostile_plan(&cr.url, AuthMode::Password, HOSTILE_PASSWORD);
    let r = aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Rejected, "{:#?}", r.transcript.steps);
    assert_eq!(cr.received.lock().unwrap().as_slice(), [HOSTILE_PASSWORD]);
    let login = r.transcript.step(StepName::Authenticate).unwrap().response.clone().unwrap();
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
            let cr = LeakyControlRoom::start("svc_api", if accept { &secret } else { "another secret" });
            let mut plan = crate::support::api_key_plan(&cr.url, "svc_api", &secret);
            if password {
                plan.auth = AuthMode::Password;
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
