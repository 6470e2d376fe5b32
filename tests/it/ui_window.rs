//! The window, driven headless with egui_kittest through its labels and roles, against a real
//! HTTP server on loopback. No display, no keyring, no config directory is touched (kittest gives
//! the app no persistent storage).

use crate::ui_support;
use aa_conntest::gui::{App, Launch};
use aa_conntest::transcript::Outcome;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use ui_support::{all_text, fill, runtime, step_until, test_and_wait};

const USER: &str = "svc_api";
const KEY: &str = "Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO";

fn token() -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let header = b.encode(r#"{"alg":"RS512"}"#);
    let claims = b.encode(format!(
        r#"{{"sub":"27","clientType":"WEB","tenantUuid":"t-1","multipleLogin":false,"iat":{now},"exp":{}}}"#,
        now + 1200
    ));
    format!("{header}.{claims}.c2lnbmF0dXJlLW5vdC1yZWFs")
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// A small Control Room: login with USER/KEY, validate, logout.
    ControlRoom,
    /// Accepts connections and never answers.
    Silent,
}

/// A tiny Control Room stand-in on 127.0.0.1 (one request per connection).
async fn start_server(mode: Mode) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(handle(s, mode));
        }
    });
    url
}

async fn handle(mut s: TcpStream, mode: Mode) {
    if mode == Mode::Silent {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                return;
            }
        }
        return;
    }
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let (head_end, content_length) = loop {
        let n = match s.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        buf.extend_from_slice(&tmp[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..pos]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (pos + 4, len);
        }
    };
    while buf.len() < head_end + content_length {
        match s.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let body = String::from_utf8_lossy(&buf[head_end..head_end + content_length]).to_string();
    let first = head.lines().next().unwrap_or("").to_string();
    let (status, reason, answer) = if first.starts_with("POST /v2/authentication") {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if v["username"] == USER && v["apiKey"] == KEY {
            let answer = serde_json::json!({
                "token": token(),
                "user": {"id": 27, "username": USER, "email": "svc@example.com", "domain": null,
                         "roles": [{"name": "AAE_Basic"}], "licenseFeatures": ["RUNTIME"], "disabled": false}
            });
            (200, "OK", answer.to_string())
        } else {
            (
                401,
                "Unauthorized",
                r#"{"code":"UM1110","details":"","message":"Either your username or your password is incorrect. Please try again."}"#
                    .to_string(),
            )
        }
    } else if first.starts_with("GET /v1/authentication/token") {
        (200, "OK", r#"{"valid":true}"#.to_string())
    } else if first.starts_with("POST /v1/authentication/logout") {
        (204, "No Content", String::new())
    } else {
        (
            404,
            "Not Found",
            r#"{"code":"not.found","message":"Not found"}"#.to_string(),
        )
    };
    let ct = if answer.is_empty() {
        ""
    } else {
        "Content-Type: application/json\r\n"
    };
    let resp = format!(
        "HTTP/1.1 {status} {reason}\r\n{ct}Content-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = s.write_all(resp.as_bytes()).await;
    let _ = s.shutdown().await;
}

fn harness(rt: &tokio::runtime::Runtime, launch: Launch) -> Harness<'static, App> {
    let handle = rt.handle().clone();
    Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .build_eframe(move |cc| App::new(cc, handle, launch))
}

fn fill_form(h: &mut Harness<'_, App>, url: &str, secret: &str) {
    fill(h, "Control Room URL", url);
    fill(h, "Username", USER);
    fill(h, "API key", secret);
}

fn has_label_containing(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn ui_fills_form_by_labels_runs_check_and_shows_each_step() {
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::ControlRoom));
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill_form(&mut h, &url, KEY);
    assert_eq!(h.state().form().target.url, url);
    assert_eq!(h.state().form().secret, KEY);

    h.get_by_label("Test connection").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |h| h.state().result().is_some()),
        "the check did not finish"
    );
    h.run();
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", h.state().status_text());
    for step in [
        "Preflight: ok",
        "Connect: ok",
        "Authenticate: ok",
        "Validate: ok",
        "Logout: ok",
    ] {
        assert!(
            has_label_containing(&h, step),
            "no '{step}' in the ladder:\n{}",
            all_text(&h)
        );
    }
    assert!(has_label_containing(&h, "It works"));
    // The panes show the login by default: its request and the 200 answer.
    assert!(has_label_containing(&h, "POST http://127.0.0.1"));
    assert!(has_label_containing(&h, "200 OK"));
    // The account summary from the login answer and the token.
    assert!(has_label_containing(&h, "svc@example.com"), "{}", all_text(&h));
    assert!(has_label_containing(&h, "AAE_Basic"));

    // Clicking a step selects what the panes show.
    h.get_by_label_contains("Validate: ").click();
    h.run();
    assert!(has_label_containing(&h, "GET http://127.0.0.1"), "{}", all_text(&h));
}

#[test]
fn ui_rejected_key_shows_the_failed_step_and_its_answer() {
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::ControlRoom));
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill_form(&mut h, &url, "Wrong-key-0000000000000000000000000000000");
    test_and_wait(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Rejected));
    assert!(has_label_containing(&h, "Authenticate: failed"), "{}", all_text(&h));
    assert!(has_label_containing(&h, "Validate: skipped"), "{}", all_text(&h));
    assert!(has_label_containing(&h, "401 Unauthorized"), "{}", all_text(&h));
    assert!(has_label_containing(&h, "UM1110"), "{}", all_text(&h));
    let hints = h.state().result().map(|r| r.hints.clone()).unwrap_or_default();
    // The headline and the hints agree: refused, and the most likely cause is the credentials.
    ui_support::assert_hints_on_screen(&h, &hints, "Credentials refused");
    // The key typed has 41 characters: that is named first.
    assert!(hints[0].title.contains("41 characters"), "{hints:?}");
}

// The window's Cancel ends a hanging check at once. The wall-clock limit is generous (1 s, scaled
// by AA_CONNTEST_TEST_TIME_SCALE); the design's 200 ms target is measured by scripts/bench.sh.
#[test]
fn ui_cancel_stops_a_slow_check_promptly() {
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::Silent));
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill_form(&mut h, &url, KEY);
    h.get_by_label("Test connection").click();
    // Wait until the login request is out and hanging.
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| has_label_containing(
            h,
            "Testing… Authenticate"
        )),
        "{}",
        all_text(&h)
    );
    assert!(h.state().is_running());
    std::thread::sleep(Duration::from_millis(150));
    h.step();

    let clicked = Instant::now();
    h.get_by_label("Cancel").click();
    let limit = crate::support::time_limit(Duration::from_secs(1));
    assert!(
        step_until(&mut h, limit, |h| has_label_containing(h, "Cancelled")),
        "no 'Cancelled' within {limit:?}:\n{}",
        all_text(&h)
    );
    let took = clicked.elapsed();
    assert!(took < limit, "took {took:?}");
    assert!(!h.state().is_running());
    // The worker itself stops promptly too, and the final outcome is Cancelled.
    assert!(step_until(&mut h, Duration::from_secs(2), |h| h
        .state()
        .result()
        .is_some()));
    h.run();
    assert_eq!(h.state().outcome(), Some(Outcome::Cancelled));
    assert_eq!(
        h.state().result().map(|r| r.transcript.outcome),
        Some(Outcome::Cancelled)
    );
    assert!(has_label_containing(&h, "Authenticate: cancelled"), "{}", all_text(&h));
}

#[test]
fn ui_keyboard_enter_runs_and_esc_cancels() {
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::Silent));
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill_form(&mut h, &url, KEY);
    // Focus is in the API key field: Enter runs the check.
    h.key_press(egui::Key::Enter);
    h.step();
    assert!(h.state().is_running(), "Enter did not start the check");
    assert!(step_until(&mut h, Duration::from_secs(10), |h| has_label_containing(
        h,
        "Testing… Authenticate"
    )));
    h.key_press(egui::Key::Escape);
    h.step();
    assert!(!h.state().is_running(), "Esc did not cancel");
    assert_eq!(h.state().outcome(), Some(Outcome::Cancelled));
    assert!(has_label_containing(&h, "Cancelled"));

    // And Enter again (nothing focused now) runs a new check against a working server.
    let good = rt.block_on(start_server(Mode::ControlRoom));
    assert!(step_until(&mut h, Duration::from_secs(2), |h| h
        .state()
        .result()
        .is_some()));
    h.run();
    h.get_by_label("Control Room URL").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("Control Room URL").type_text(&good);
    h.run();
    h.key_press(egui::Key::Enter);
    assert!(step_until(&mut h, Duration::from_secs(20), |h| h
        .state()
        .result()
        .is_some()));
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", h.state().status_text());
}

#[test]
fn ui_secret_never_appears_while_masked() {
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::ControlRoom));
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill_form(&mut h, &url, KEY);
    let masked = all_text(&h);
    assert!(
        !masked.contains("Vie;Z"),
        "secret in the accessibility tree while masked:\n{masked}"
    );
    assert!(has_label_containing(&h, "40 characters"));

    test_and_wait(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok));
    // The request pane (login selected by default) shows the body with the key masked.
    let after = all_text(&h);
    assert!(after.contains("apiKey"), "{after}");
    assert!(!after.contains("Vie;Z"), "secret shown after the check:\n{after}");
    // Nor the token, in any step.
    let tok_sig = "c2lnbmF0dXJlLW5vdC1yZWFs";
    for step in ["Validate: ", "Logout: ", "Authenticate: "] {
        h.get_by_label_contains(step).click();
        h.run();
        let t = all_text(&h);
        assert!(
            !t.contains(tok_sig) && !t.contains("Vie;Z"),
            "secret in {step} panes:\n{t}"
        );
    }

    // "Show" reveals the field only (so the scan above would have seen it).
    h.get_by_label("Show").click();
    h.run();
    assert!(all_text(&h).contains("Vie;Z"));
}

#[test]
fn ui_copy_as_curl_and_powershell_hold_no_secret() {
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::ControlRoom));
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill_form(&mut h, &url, KEY);
    test_and_wait(&mut h);

    for step in ["Authenticate: ", "Validate: ", "Logout: "] {
        h.get_by_label_contains(step).click();
        h.run();
        for (button, var) in [("Copy as curl", "AA_"), ("Copy as PowerShell", "$env:AA_")] {
            h.get_by_label(button).click();
            h.step();
            let copied: Vec<String> = h
                .output()
                .platform_output
                .commands
                .iter()
                .filter_map(|c| match c {
                    egui::OutputCommand::CopyText(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            assert_eq!(copied.len(), 1, "{button} copied nothing");
            let text = &copied[0];
            assert!(!text.contains("Vie;Z"), "secret in {button}:\n{text}");
            assert!(!text.contains("c2lnbmF0dXJl"), "token in {button}:\n{text}");
            assert!(text.contains(var), "{text}");
            assert!(text.starts_with("# Secrets are not included"), "{text}");
            h.run();
        }
    }
    let login_curl = {
        h.get_by_label_contains("Authenticate: ").click();
        h.run();
        h.get_by_label("Copy as curl").click();
        h.run();
        h.state().last_copied().unwrap_or_default().to_string()
    };
    assert!(login_curl.contains("${AA_API_KEY}"), "{login_curl}");
    assert!(login_curl.contains("/v2/authentication"), "{login_curl}");
}

#[test]
fn ui_no_repaint_while_idle() {
    let rt = runtime();
    let mut h = harness(&rt, Launch::default());
    // `run` returns only once no repaint is requested: the idle window settles.
    let steps = h.run();
    assert!(steps < 10, "{steps} frames to settle");
    let delay = h.output().viewport_output.values().next().map(|v| v.repaint_delay);
    assert!(delay.is_some_and(|d| d > Duration::from_secs(1)), "{delay:?}");
}

// ---- against the demo Control Room (`--demo`) ----

fn demo_harness(rt: &tokio::runtime::Runtime) -> Harness<'static, App> {
    let mut h = harness(
        rt,
        Launch {
            demo: true,
            ..Default::default()
        },
    );
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h.state().demo_url().is_some()),
        "the demo Control Room did not start: {}",
        h.state().status_text()
    );
    h.run();
    h
}

fn pick_case(h: &mut Harness<'_, App>, title: &str) {
    h.get_by_label("Try a common mistake").click();
    h.run();
    h.get_by_label(title).scroll_to_me();
    h.run();
    h.get_by_label(title).click();
    h.step();
}

#[test]
fn ui_demo_fills_the_form_and_the_check_succeeds() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    let url = h.state().demo_url().unwrap_or_default();
    assert!(has_label_containing(&h, &format!("Demo at {url}")));
    assert_eq!(h.state().form().target.url, url);
    assert_eq!(h.state().form().target.username, aa_conntest::demo::API_KEY_USER);
    assert!(
        !all_text(&h).contains(aa_conntest::demo::API_KEY),
        "demo key visible while masked"
    );
    test_and_wait(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", h.state().status_text());
    for step in [
        "Preflight: ok",
        "Connect: ok",
        "Authenticate: ok",
        "Validate: ok",
        "Logout: ok",
    ] {
        assert!(has_label_containing(&h, step), "{step}:\n{}", all_text(&h));
    }
}

#[test]
fn ui_demo_picker_runs_a_mistake_and_shows_its_hints() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    let case = aa_conntest::demo::cases::find_case("wrong-api-key").expect("case");
    pick_case(&mut h, case.title);
    assert!(step_until(&mut h, Duration::from_secs(20), |h| h
        .state()
        .result()
        .is_some()));
    h.run();
    assert_eq!(
        h.state().outcome(),
        Some(Outcome::Rejected),
        "{}",
        h.state().status_text()
    );
    assert!(has_label_containing(&h, &format!("Lesson: {}", case.lesson)));
    assert!(has_label_containing(&h, "Authenticate: failed"));
    let hints = h.state().result().map(|r| r.hints.clone()).unwrap_or_default();
    assert!(
        hints.iter().any(|x| x.id == "auth.bad-credentials"),
        "{:?}",
        hints.iter().map(|x| x.id).collect::<Vec<_>>()
    );
    ui_support::assert_hints_on_screen(&h, &hints, "Credentials refused");
    assert_eq!(hints[0].id, "auth.bad-credentials", "most likely cause first");
    // A hint points at its step: select another step, then follow the hint back.
    h.get_by_label_contains("Preflight: ").click();
    h.run();
    assert!(!has_label_containing(&h, "POST http://127.0.0.1"));
    h.get_all_by_label("Show the Authenticate step")
        .next()
        .expect("button")
        .scroll_to_me();
    h.run();
    h.get_all_by_label("Show the Authenticate step")
        .next()
        .expect("button")
        .click();
    h.run();
    assert!(has_label_containing(&h, "POST http://127.0.0.1"), "{}", all_text(&h));

    // Back to the working setup.
    h.get_by_label("Back to the working setup").click();
    h.run();
    assert_eq!(h.state().form().secret, aa_conntest::demo::API_KEY);
}

#[test]
fn ui_demo_slow_scenario_cancelled_promptly() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    let case = aa_conntest::demo::cases()
        .iter()
        .find(|c| c.scenario == aa_conntest::demo::Scenario::Slow)
        .expect("slow case");
    pick_case(&mut h, case.title);
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| has_label_containing(
            h,
            "Testing… Authenticate"
        )),
        "{}",
        h.state().status_text()
    );
    std::thread::sleep(Duration::from_millis(100));
    h.step();
    let clicked = Instant::now();
    h.get_by_label("Cancel").click();
    let limit = crate::support::time_limit(Duration::from_secs(1));
    assert!(
        step_until(&mut h, limit, |h| has_label_containing(h, "Cancelled")),
        "no 'Cancelled' within {limit:?}:\n{}",
        all_text(&h)
    );
    assert!(clicked.elapsed() < limit, "took {:?}", clicked.elapsed());
    assert!(step_until(&mut h, Duration::from_secs(2), |h| h
        .state()
        .result()
        .is_some()));
    assert_eq!(
        h.state().result().map(|r| r.transcript.outcome),
        Some(Outcome::Cancelled)
    );
}

// ---- keyboard and screen readers: every control has a label and is reached with Tab ----

fn is_interactive(role: egui::accesskit::Role) -> bool {
    use egui::accesskit::Role;
    matches!(
        role,
        Role::Button
            | Role::CheckBox
            | Role::RadioButton
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::PasswordInput
            | Role::SearchInput
            | Role::SpinButton
            | Role::Slider
            | Role::ComboBox
            | Role::Link
            | Role::Tab
            | Role::Switch
            | Role::ListBoxOption
            | Role::MenuItem
            | Role::DisclosureTriangle
    )
}

/// (role, label) of every enabled interactive control in the accessibility tree.
fn controls(h: &Harness<'_, App>) -> Vec<(String, String, String)> {
    use egui_kittest::kittest::NodeT;
    h.root()
        .children_recursive()
        .filter(|n| is_interactive(n.accesskit_node().role()) && !n.accesskit_node().is_disabled())
        .map(|n| {
            let a = n.accesskit_node();
            (
                format!("{:?}", a.id()),
                format!("{:?}", a.role()),
                a.label().unwrap_or_default(),
            )
        })
        .collect()
}

fn focused(h: &Harness<'_, App>) -> Option<String> {
    use egui_kittest::kittest::NodeT;
    h.root()
        .children_recursive()
        .find(|n| n.accesskit_node().is_focused())
        .map(|n| format!("{:?}", n.accesskit_node().id()))
}

#[test]
fn ui_every_control_has_a_label_and_is_reached_with_tab() {
    use aa_conntest::profiles::{History, KeyringStore, ProfileStore, SecretStore};
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::ControlRoom));
    // The whole window: with the profiles sidebar (temporary directories, the keyring crate's
    // mock store) and one saved profile.
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets: std::sync::Arc<dyn SecretStore> = std::sync::Arc::new(KeyringStore::with_store(
        keyring_core::mock::Store::new().expect("mock keyring"),
        "aa-conntest-ui-keyboard",
    ));
    let mut store = ProfileStore::open(&dir.path().join("config")).expect("store").0;
    let p = aa_conntest::profiles::Profile::new(
        "Prod svc",
        url.clone(),
        aa_conntest::plan::AuthMode::ApiKey,
        USER,
        aa_conntest::plan::CheckOptions::default(),
    );
    store.upsert(p).expect("upsert");
    store.save().expect("save");
    let source = aa_conntest::gui::ProfilesSource::Given {
        store,
        secrets,
        history: Some(History::open(&dir.path().join("data"))),
    };
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(24)
        .build_eframe(move |cc| App::with_profiles(cc, handle, Launch::default(), source));
    assert!(step_until(&mut h, Duration::from_secs(10), |h| has_label_containing(
        h, "Prod svc"
    )));
    h.run();
    fill_form(&mut h, &url, KEY);
    h.get_by_label("Test connection").click();
    assert!(step_until(&mut h, Duration::from_secs(20), |h| has_label_containing(
        h, "It works"
    )));
    h.run();
    // The options too.
    h.get_by_label("Options (timeout, certificates, proxy)").click();
    h.run();
    // Start from nothing focused.
    h.key_press(egui::Key::Escape);
    h.run();

    let all = controls(&h);
    assert!(all.len() >= 20, "a window with controls: {all:?}");
    eprintln!(
        "{} controls: {:?}",
        all.len(),
        all.iter().map(|c| c.2.as_str()).collect::<Vec<_>>()
    );
    let unlabelled: Vec<_> = all.iter().filter(|(_, _, l)| l.trim().is_empty()).collect();
    assert!(unlabelled.is_empty(), "controls without a label: {unlabelled:?}");

    let mut reached = std::collections::BTreeSet::new();
    let mut order = Vec::new();
    for _ in 0..(all.len() * 2 + 10) {
        h.key_press(egui::Key::Tab);
        h.run();
        if let Some(id) = focused(&h) {
            if !reached.insert(id.clone()) && reached.len() >= all.len() {
                break;
            }
            order.push(id);
        }
    }
    let missed: Vec<_> = all.iter().filter(|(id, _, _)| !reached.contains(id)).collect();
    assert!(
        missed.is_empty(),
        "not reachable with Tab ({} of {}): {missed:?}",
        missed.len(),
        all.len()
    );
}

// ---- the Options panel, against the demo Control Room over TLS ----

#[test]
fn ui_options_panel_ca_file_session_and_certificate_switches_take_effect() {
    use aa_conntest::demo::{self, DemoOptions, DemoServer};
    let rt = runtime();
    let server = rt
        .block_on(DemoServer::start(DemoOptions {
            tls: true,
            ..DemoOptions::default()
        }))
        .expect("demo server");
    let ca = server.ca_file().expect("CA file").to_str().expect("utf-8").to_string();
    let mut h = harness(&rt, Launch::default());
    h.run();
    fill(&mut h, "Control Room URL", &server.url());
    fill(&mut h, "Username", demo::API_KEY_USER);
    fill(&mut h, "API key", demo::API_KEY);
    let run_check = |h: &mut Harness<'_, App>, done: &str| {
        h.get_by_label("Test connection").click();
        assert!(
            step_until(h, Duration::from_secs(20), |h| has_label_containing(h, done)
                && !has_label_containing(h, "Testing…")),
            "no '{done}':\n{}",
            all_text(h)
        );
        h.run_steps(3);
        assert!(!has_label_containing(h, ": running"), "{}", all_text(h));
    };

    // Without options: the demo's private CA is not trusted, and nothing is sent.
    run_check(&mut h, "Connect: failed");
    assert_eq!(server.login_attempts(), 0);

    // The CA file, no logout, multiple login: all three change what happens.
    h.get_by_label("Options (timeout, certificates, proxy)").click();
    h.run();
    fill(&mut h, "CA file (PEM)", &ca);
    h.get_by_label("Log out after the test").click();
    h.get_by_label("Multiple login").click();
    h.run();
    run_check(&mut h, "Validate: ok");
    assert!(has_label_containing(&h, "It works"), "{}", all_text(&h));
    assert!(has_label_containing(&h, "Logout: skipped"), "{}", all_text(&h));
    let got = server.received();
    assert!(!got.iter().any(|r| r.path.contains("logout")), "logged out anyway");
    let login = got
        .iter()
        .rev()
        .find(|r| r.path == "/v2/authentication")
        .expect("a login");
    let body: serde_json::Value = serde_json::from_str(&login.body).expect("JSON");
    assert_eq!(body["multipleLogin"], serde_json::json!(true), "{body}");

    // "Accept invalid certificates" instead of the CA file: works, and says so on screen.
    h.get_by_label("CA file (PEM)").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label("Accept invalid certificates").click();
    h.run();
    assert!(
        has_label_containing(&h, "Certificate checks are off"),
        "{}",
        all_text(&h)
    );
    // (The hint about the switch is new on screen: it shows this check has finished.)
    run_check(&mut h, "invalid certificates is on");
    assert!(has_label_containing(&h, "It works"), "{}", all_text(&h));
    assert_eq!(server.login_attempts(), 2);
}

/// The label of the focused node.
fn focused_label(h: &Harness<'_, App>) -> Option<String> {
    use egui_kittest::kittest::NodeT;
    h.root()
        .children_recursive()
        .find(|n| n.accesskit_node().is_focused())
        .map(|n| n.accesskit_node().label().unwrap_or_default())
}

/// Tab starts at the URL field (not in the sidebar, which is drawn first), goes through the form
/// in reading order to Test connection; after a check the focus is back on Test connection.
#[test]
fn ui_tab_order_starts_at_the_url_and_focus_returns_to_test() {
    use aa_conntest::profiles::{KeyringStore, ProfileStore, SecretStore};
    let rt = runtime();
    let url = rt.block_on(start_server(Mode::ControlRoom));
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets: std::sync::Arc<dyn SecretStore> = std::sync::Arc::new(KeyringStore::with_store(
        keyring_core::mock::Store::new().expect("mock keyring"),
        "aa-conntest-ui-tab-order",
    ));
    let mut store = ProfileStore::open(&dir.path().join("config")).expect("store").0;
    let p = aa_conntest::profiles::Profile::new(
        "Prod svc",
        url.clone(),
        aa_conntest::plan::AuthMode::ApiKey,
        USER,
        aa_conntest::plan::CheckOptions::default(),
    );
    store.upsert(p).expect("upsert");
    store.save().expect("save");
    let source = aa_conntest::gui::ProfilesSource::Given {
        store,
        secrets,
        history: None,
    };
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .with_max_steps(24)
        .build_eframe(move |cc| App::with_profiles(cc, handle, Launch::default(), source));
    assert!(step_until(&mut h, Duration::from_secs(10), |h| has_label_containing(
        h, "Prod svc"
    )));
    h.run();
    fill_form(&mut h, &url, KEY);
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(focused_label(&h), None);
    let order = [
        "Control Room URL",
        "Sign in with API key",
        "Sign in with password",
        "Username",
        "API key",
        "Show",
        "Test connection",
    ];
    for expected in order {
        h.key_press(egui::Key::Tab);
        h.run();
        assert_eq!(focused_label(&h).as_deref(), Some(expected), "Tab order");
    }
    // Shift+Tab goes back.
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::Tab);
    h.run();
    assert_eq!(focused_label(&h).as_deref(), Some("Show"));
    h.key_press(egui::Key::Tab);
    h.run();
    // Enter on Test connection runs the check; when it ends, the focus is on Test connection.
    h.key_press(egui::Key::Enter);
    assert!(step_until(&mut h, Duration::from_secs(20), |h| h
        .state()
        .result()
        .is_some()));
    h.run();
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", h.state().status_text());
    assert_eq!(focused_label(&h).as_deref(), Some("Test connection"));
    // Also after a check started with Enter from a field.
    h.get_by_label("API key").click();
    h.run();
    h.key_press(egui::Key::Enter);
    assert!(step_until(&mut h, Duration::from_secs(20), |h| !h.state().is_running()
        && focused_label(h).as_deref() == Some("Test connection")));
}
