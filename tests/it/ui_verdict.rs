//! The verdict-first window, read from the accessibility tree as a person (or a screen reader)
//! reads the screen: every demo mistake's headline, status line and response pane agree with the
//! first hint, and no library or operating-system error text is visible outside "Technical
//! details"; the account card is on screen at 1024×700; stale results are labelled; the request
//! pane shows a request in flight; the ladder stays on one line; Tab starts at the URL field.

use crate::ui_support::{all_text, fill, runtime, shown, step_until, test_and_wait};
use aa_conntest::demo;
use aa_conntest::gui::{App, Command, Launch, ProfilesSource};
use aa_conntest::verdict::{self, VerdictKind};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

/// Raw text that must not reach a person (the patterns of the team's demo sweep).
const FORBIDDEN: &[&str] = &[
    "os error",
    "Other(",
    "OtherError",
    "UnknownIssuer",
    "CaUsedAsEndEntity",
    "NotValidFor",
    "ExpiredContext",
    "BadSignature",
    "UnsupportedSignatureAlgorithm",
    "InvalidCertificate",
    "invalid peer certificate",
    "SendRequest",
    "client error (",
    "connection error:",
    "DnsName(",
    "(UNIX)",
    "zbus",
    "hyper::",
    "reqwest::",
];

fn forbidden_in(text: &str) -> Vec<&'static str> {
    FORBIDDEN.iter().copied().filter(|f| text.contains(f)).collect()
}

/// The profiles sidebar on a temporary directory and the keyring crate's mock store, as the
/// window has it (it takes room on the left).
pub fn sidebar(dir: &std::path::Path) -> ProfilesSource {
    use aa_conntest::profiles::{KeyringStore, ProfileStore, SecretStore};
    let secrets: std::sync::Arc<dyn SecretStore> = std::sync::Arc::new(KeyringStore::with_store(
        keyring_core::mock::Store::new().expect("mock keyring"),
        "aa-conntest-ui-verdict",
    ));
    let store = ProfileStore::open(&dir.join("config")).expect("store").0;
    ProfilesSource::Given {
        store,
        secrets,
        history: None,
    }
}

/// The window with `--demo`, and the sidebar (kept by the returned directory).
pub(crate) fn demo_window(
    rt: &tokio::runtime::Runtime,
    size: egui::Vec2,
) -> (Harness<'static, App>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let profiles = sidebar(dir.path());
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(40)
        .build_eframe(move |cc| {
            App::with_profiles(
                cc,
                handle,
                Launch {
                    demo: true,
                    ..Default::default()
                },
                profiles,
            )
        });
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h.state().demo_url().is_some()
            && h.state().profiles().is_ready()),
        "the demo Control Room did not start: {}",
        h.state().status_text()
    );
    h.run();
    (h, dir)
}

/// Run a demo case through the window's own command (as the picker sends it) and wait for its
/// result.
fn run_case(h: &mut Harness<'_, App>, index: usize) {
    let before = h.state().run_id();
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::RunDemoCase(index));
    let done = step_until(h, Duration::from_secs(30), |h| {
        h.state().run_id() != before && !h.state().is_running() && h.state().result().is_some()
    });
    assert!(done, "case {index}: no result; status {}", h.state().status_text());
    h.run();
}

/// A node whose label or value is exactly `text`.
fn has_exact(h: &Harness<'_, App>, text: &str) -> bool {
    h.root().children_recursive().any(|n| {
        let a = n.accesskit_node();
        a.label().as_deref() == Some(text) || a.value().as_deref() == Some(text)
    })
}

/// Every demo case through the window: the verdict card's word and headline, the status line and
/// the failed step's response pane say what the first hint says, in the same words; nothing raw.
#[test]
fn every_demo_mistake_reads_the_same_in_the_headline_status_and_response_pane() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt, egui::vec2(1280.0, 900.0));
    let mut raw_in_hints: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for (i, case) in demo::cases().iter().enumerate() {
        run_case(&mut h, i);
        let result = h.state().result().cloned().expect("result");
        let hints = &result.hints;
        let v = verdict::verdict(result.transcript.outcome, hints);
        let text = all_text(&h);
        let mut fail = |what: String| problems.push(format!("{}: {what}", case.id));

        // The verdict card: the outcome word and the headline.
        if !text.contains(v.kind.word()) {
            fail(format!("verdict word {:?} not shown", v.kind.word()));
        }
        let headline = shown(&v.headline);
        if !text.contains(&headline) {
            fail(format!("headline {headline:?} not shown"));
        }
        // The headline is the first hint's title whenever the check failed.
        let top = verdict::top_hint(hints);
        if v.kind != VerdictKind::Works
            && v.kind != VerdictKind::Cancelled
            && let Some(top) = top
            && v.headline != top.title
        {
            fail(format!(
                "headline {:?} is not the first hint {:?}",
                v.headline, top.title
            ));
        }
        if v.kind == VerdictKind::Works && top.is_some() && v.caveat.as_deref() != top.map(|t| t.title.as_str()) {
            fail("a working check does not name its warning".into());
        }
        // The status line: the same words.
        let status = h.state().status_text().to_string();
        if !status.starts_with(&format!("{}: {}", v.kind.word(), shown(&v.headline))) {
            fail(format!("status line {status:?} does not say {:?}", v.one_line()));
        }
        // The response pane of the failed step (shown by default): the verdict's words, or the
        // warning's for a check that works.
        if let Some(failed) = result.transcript.failed_step() {
            let pane = if v.kind == VerdictKind::Works {
                v.caveat.as_deref().map(shown)
            } else {
                Some(format!("{}: {}", v.kind.word(), headline))
            };
            if let Some(pane) = pane
                && !has_exact(&h, &pane)
            {
                fail(format!("the {} pane does not say {pane:?}", failed.name.as_str()));
            }
        }
        // Never blamed on the credentials unless the diagnosis does.
        let credential_ids = [
            "auth.bad-credentials",
            "auth.forbidden",
            "auth.disabled",
            "auth.first-login",
            "input.smart-quotes",
            "input.key-length",
        ];
        let about_credentials = top.is_some_and(|t| credential_ids.contains(&t.id.as_str()));
        if !about_credentials
            && (v.kind == VerdictKind::CredentialsRefused
                || status.contains("refused these credentials")
                || text.contains("login was refused")
                || text.contains("refused the sign-in"))
        {
            fail(format!("blames the credentials: {}", v.one_line()));
        }
        // No raw text outside "Technical details" — except inside hint texts, which the
        // diagnosis writes (listed below, not failed here).
        let mut outside_hints = text.clone();
        for hint in hints {
            for part in [&hint.title, &hint.detail, &hint.fix] {
                let s = shown(part);
                if !forbidden_in(&s).is_empty() {
                    raw_in_hints.push(format!("{} {}: {:?}", case.id, hint.id, forbidden_in(&s)));
                }
                outside_hints = outside_hints.replace(&s, "");
            }
        }
        let raw = forbidden_in(&outside_hints);
        if !raw.is_empty() {
            fail(format!(
                "raw text on screen outside the hints: {raw:?}\n{outside_hints}"
            ));
        }
    }
    raw_in_hints.sort();
    raw_in_hints.dedup();
    if !raw_in_hints.is_empty() {
        eprintln!(
            "hint texts that still carry raw library text (the diagnosis' words):\n  {}",
            raw_in_hints.join("\n  ")
        );
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The rectangle of the (first) node labelled exactly `label`.
fn rect_of(h: &Harness<'_, App>, label: &str) -> egui::Rect {
    h.get_all_by_label(label).next().expect(label).rect()
}

/// At 1024×700, after a successful demo check, the account card (username, roles, licence,
/// expiry) is on screen without scrolling, beside the verdict and above the step ladder.
#[test]
fn the_account_card_is_on_screen_at_1024x700() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt, egui::vec2(1024.0, 700.0));
    test_and_wait(&mut h);
    let ladder_top = h.get_by_label_contains("Preflight: ").rect().top();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    let verdict = h
        .get_by_label("The Control Room accepted these credentials and confirmed the token.")
        .rect();
    for what in [
        &format!("{} · Demo API service", demo::API_KEY_USER),
        "API_Key_Generation, AAE_Basic",
        "Unattended Bot Runner (RUNTIME)",
        "can generate an API key",
    ] {
        let r = rect_of(&h, what);
        assert!(screen.contains_rect(r), "{what} off screen: {r:?}");
        assert!(
            r.bottom() <= ladder_top,
            "{what} under the ladder: {r:?}, ladder at {ladder_top}"
        );
        assert!(
            r.left() > verdict.right(),
            "{what} not beside the verdict: {r:?} vs {verdict:?}"
        );
    }
    let expiry = h
        .get_all_by_label_contains("(in 20 min)")
        .find(|n| n.accesskit_node().value().is_some_and(|l| l.ends_with("(in 20 min)")))
        .expect("the token's expiry")
        .rect();
    assert!(
        screen.contains_rect(expiry) && expiry.bottom() <= ladder_top,
        "{expiry:?}"
    );
    let t = all_text(&h);
    assert!(t.contains("(in 20 min)"), "expiry not local and relative:\n{t}");
}

/// Options open at 1024×700: the request and response panes keep a useful height.
#[test]
fn the_panes_keep_their_height_with_options_open() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt, egui::vec2(1024.0, 700.0));
    test_and_wait(&mut h);
    h.get_by_label("Options (timeout, certificates, proxy)").click();
    h.run();
    assert!(h.query_by_label("Accept invalid certificates").is_some());
    let pane_top = rect_of(&h, "Request").top();
    let hints_top = rect_of(&h, "More causes and what to do").top();
    assert!(
        hints_top - pane_top >= 160.0,
        "panes {:.0} px high with the options open",
        hints_top - pane_top
    );
}

/// After the form changes, the result on screen says it belongs to the previous settings.
#[test]
fn a_result_is_labelled_as_previous_after_the_form_changes() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt, egui::vec2(1024.0, 700.0));
    let label = "Previous check: the settings have changed since. Press Test connection to check these.";
    test_and_wait(&mut h);
    assert!(h.query_by_label(label).is_none());
    fill(&mut h, "Username", "x");
    assert!(h.query_by_label(label).is_some(), "{}", all_text(&h));
    assert!(all_text(&h).contains("from the previous check"));
    // Back to the working setup (the demo's reset): the form is the checked one again.
    let wrong = demo::cases::find_case("wrong-api-key").expect("case");
    let index = demo::cases().iter().position(|c| c.id == wrong.id).expect("index");
    run_case(&mut h, index);
    assert!(h.query_by_label(label).is_none());
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::DemoReset);
    h.run();
    assert!(h.query_by_label(label).is_some(), "{}", all_text(&h));
}

/// While the login is out, the request pane shows it (secret masked) and the response pane how
/// long the answer may still take.
#[test]
fn the_request_shows_while_in_flight() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt, egui::vec2(1024.0, 700.0));
    let slow = demo::cases()
        .iter()
        .position(|c| c.scenario == demo::Scenario::Slow)
        .expect("slow case");
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::RunDemoCase(slow));
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h
            .query_by_label_contains("Being sent now")
            .is_some()),
        "{}",
        all_text(&h)
    );
    let t = all_text(&h);
    assert!(t.contains("/v2/authentication"), "{t}");
    assert!(t.contains("<redacted: 40 chars>"), "{t}");
    assert!(!t.contains(demo::API_KEY), "the key on screen");
    assert!(t.contains("the step gives up in"), "{t}");
    assert!(!t.contains("No request was sent in this step"), "{t}");
    h.get_by_label("Cancel").click();
    assert!(step_until(&mut h, Duration::from_secs(5), |h| h
        .state()
        .result()
        .is_some()));
}

/// The ladder stays on one line, even beside the sidebar at the smallest window size.
#[test]
fn the_ladder_never_wraps() {
    let rt = runtime();
    for width in [720.0, 900.0, 1280.0] {
        let (mut h, _dir) = demo_window(&rt, egui::vec2(width, 560.0));
        test_and_wait(&mut h);
        let tops: Vec<f32> = ["Preflight: ", "Connect: ", "Authenticate: ", "Validate: ", "Logout: "]
            .iter()
            .map(|s| h.get_by_label_contains(s).rect().top())
            .collect();
        assert!(tops.iter().all(|t| (t - tops[0]).abs() < 1.0), "{width}: {tops:?}");
        let right = h.get_by_label_contains("Logout: ").rect().right();
        assert!(right <= width, "{width}: the ladder runs off the window ({right})");
    }
}

/// After a check, with the verdict, the account card and the focus ring on screen, the window is
/// idle: no repaint is asked for.
#[test]
fn idle_after_a_check_means_no_repaint() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt, egui::vec2(1024.0, 700.0));
    h.get_by_label("Test connection").click();
    assert!(step_until(&mut h, Duration::from_secs(20), |h| h
        .state()
        .result()
        .is_some()));
    let steps = h.run();
    assert!(steps < 12, "{steps} frames to settle after the check");
    let delay = h.output().viewport_output.values().next().map(|v| v.repaint_delay);
    assert!(delay.is_some_and(|d| d > Duration::from_secs(1)), "{delay:?}");
}

/// TLS failures the demo does not play (a certificate made the way `openssl req -x509` makes it, a
/// self-signed one that expired, an inspecting proxy's, a pinned one that changed): nothing on
/// screen carries the TLS library's text, hints included; the raw text is in the step's fold.
#[test]
fn tls_failures_outside_the_demo_show_no_library_text() {
    use crate::support::{field, tls};
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = rt.handle().clone();
    let profiles = sidebar(dir.path());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(40)
        .build_eframe(move |cc| App::with_profiles(cc, handle, Launch::default(), profiles));
    let (openssl, _) = field::openssl_style(&["localhost"]);
    let (expired, _) = field::openssl_style_expired(&["localhost"]);
    let (inspected, _) = field::inspected(&["localhost"]);
    let (pinned, _) = field::openssl_style(&["localhost"]);
    let servers = rt.block_on(async {
        vec![
            ("openssl-style self-signed", tls::serve(openssl).await, None),
            ("self-signed, expired", tls::serve(expired).await, None),
            ("inspecting proxy", tls::serve(inspected).await, None),
            ("pinned, changed", tls::serve(pinned).await, Some("00".repeat(32))),
        ]
    });
    let mut problems = Vec::new();
    for (what, port, pin) in servers {
        let mut form = aa_conntest::gui::FormState::default();
        form.target.url = format!("https://localhost:{port}");
        form.target.username = "svc_api".into();
        form.secret = demo::API_KEY.into();
        form.target.options.pin_sha256 = pin.into_iter().collect();
        let ctx = h.ctx.clone();
        let before = h.state().run_id();
        h.state_mut().apply(&ctx, Command::EditForm(Box::new(form)));
        h.state_mut().apply(&ctx, Command::RunCheck);
        assert!(
            step_until(&mut h, Duration::from_secs(20), |h| h.state().run_id() != before
                && h.state().result().is_some()),
            "{what}: no result"
        );
        h.run();
        let raw = h
            .state()
            .result()
            .and_then(|r| r.transcript.step(aa_conntest::transcript::StepName::Connect))
            .and_then(|s| s.error.as_ref())
            .and_then(|e| e.technical().map(str::to_string));
        if raw.is_none() {
            problems.push(format!("{what}: no raw text to keep in the fold"));
        }
        let text = all_text(&h);
        let found = forbidden_in(&text);
        if !found.is_empty() {
            problems.push(format!("{what}: {found:?} on screen:\n{text}"));
        }
        if let Some(raw) = raw
            && text.contains(&raw)
        {
            problems.push(format!("{what}: the raw text {raw:?} outside the fold"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
