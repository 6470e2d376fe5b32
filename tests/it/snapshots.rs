//! Image snapshots of the window's main states: the README's screenshots, which therefore cannot
//! drift from what the window draws. Each state is a real check against the demo Control Room
//! (its own server, started here); what changes from run to run (the port, durations, times, the
//! `Date` header, certificate dates and fingerprints) is then made fixed, and the window shows the result with a
//! fixed clock. Rendered by wgpu on the software GL driver (llvmpipe), headless.
//!
//! Run: `cargo test --features snapshot --test it snapshots::` (`scripts/test.sh` runs them).
//! Regenerate the pictures: `UPDATE_SNAPSHOTS=1 cargo test --features snapshot --test it snapshots::`
//! (they are written to assets/screenshots/; a failing comparison leaves `NAME.new.png` and
//! `NAME.diff.png` there, ignored by git).

use crate::ui_support::{all_text, runtime};
use aa_conntest::demo::{self, DemoOptions, DemoServer};
use aa_conntest::diagnose::Hint;
use aa_conntest::engine;
use aa_conntest::gui::{App, Launch, ProfilesSource};
use aa_conntest::local_time::Clock;
use aa_conntest::plan::Plan;
use aa_conntest::transcript::{StepError, StepStatus, Transcript};
use aa_conntest::worker::{self, CheckResult};
use eframe::egui;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};
use std::sync::Mutex;
use time::macros::{datetime, offset};

/// The port every snapshot shows.
const SHOWN_PORT: &str = "8443";
/// The check's fixed time, and the clock the window shows times with (UTC+1).
const NOW: time::OffsetDateTime = datetime!(2026-11-27 14:00 UTC);

/// One snapshot at a time: they share the GPU adapter and the CPU (2 cores).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A real check of a demo case, made fixed.
fn checked(case_id: &str) -> (Plan, CheckResult) {
    checked_with(case_id, |_| {})
}

/// [`checked`], the case's plan changed by `change` first.
fn checked_with(case_id: &str, change: impl FnOnce(&mut Plan)) -> (Plan, CheckResult) {
    let rt = runtime();
    let case = demo::cases::find_case(case_id).unwrap_or_else(|| panic!("no demo case {case_id}"));
    rt.block_on(async {
        let server = DemoServer::start(DemoOptions {
            tls: case.tls,
            scenario: case.scenario,
            ..DemoOptions::default()
        })
        .await
        .expect("demo server");
        let mut plan = case.plan_for(&server);
        change(&mut plan);
        let (_cancel, token) = engine::cancel_pair();
        let result = worker::check(&plan, token).await;
        let port = server.url().rsplit(':').next().unwrap_or_default().to_string();
        fixed(plan, result, &port)
    })
}

/// The plan and result with the port, times and durations that change from run to run replaced.
fn fixed(mut plan: Plan, mut r: CheckResult, port: &str) -> (Plan, CheckResult) {
    let fix = |s: &mut String| {
        if s.contains(port) {
            *s = s.replace(port, SHOWN_PORT);
        }
    };
    fix(&mut plan.target.url);
    let mut fingerprints: Vec<(String, String)> = Vec::new();
    let t: &mut Transcript = &mut r.transcript;
    t.started_at = NOW;
    fix(&mut t.input_url);
    if let Some(b) = t.base_url.as_mut() {
        fix(b);
    }
    t.token_received_at = Some(NOW.unix_timestamp());
    for (i, s) in t.steps.iter_mut().enumerate() {
        if s.status != StepStatus::Skipped {
            s.duration_ms = [0.4, 1.8, 412.0, 96.0, 88.0][i % 5];
        }
        s.timings = None;
        s.notes.iter_mut().for_each(fix);
        if let Some(q) = s.request.as_mut() {
            fix(&mut q.url);
            q.headers.iter_mut().for_each(|(_, v)| fix(v));
            if let Some(b) = q.body.as_mut() {
                fix(b);
            }
        }
        if let Some(a) = s.response.as_mut() {
            for (k, v) in &mut a.headers {
                if k.eq_ignore_ascii_case("date") {
                    *v = "Fri, 27 Nov 2026 14:00:00 GMT".into();
                }
                fix(v);
            }
            fix(&mut a.body);
        }
        if let Some(e) = s.error.as_mut() {
            match e {
                StepError::Input { reason: d }
                | StepError::Reset { detail: d, .. }
                | StepError::Proxy { detail: d }
                | StepError::Protocol { detail: d }
                | StepError::CaFile { detail: d }
                | StepError::Answer { detail: d } => fix(d),
                StepError::Tls { reason, detail, .. } | StepError::Network { reason, detail } => {
                    fix(reason);
                    fix(detail);
                }
                StepError::Unreachable { addr, reason, detail } => {
                    fix(addr);
                    fix(reason);
                    fix(detail);
                }
                StepError::Dns { detail: d, .. } => fix(d),
                StepError::Refused { addr: d } => fix(d),
                StepError::Timeout { .. } | StepError::Cancelled => {}
            }
        }
    }
    if let Some(c) = t.connect.as_mut() {
        c.port = SHOWN_PORT.parse().unwrap_or(8443);
        c.dns_ms = c.dns_ms.map(|_| 0.2);
        c.tcp_ms = c.tcp_ms.map(|_| 0.3);
        c.tls_ms = c.tls_ms.map(|_| 2.1);
        c.addresses.iter_mut().for_each(fix);
        if let Some(a) = c.connected_to.as_mut() {
            fix(a);
        }
        for (i, cert) in c.certificates.iter_mut().enumerate() {
            // The demo's certificates are made afresh at each start: their fingerprints too.
            if !cert.sha256.is_empty() {
                let shown = format!("{:02X}", 0x5A + i)
                    .repeat(32)
                    .as_bytes()
                    .chunks(2)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .collect::<Vec<_>>()
                    .join(":");
                fingerprints.push((std::mem::replace(&mut cert.sha256, shown.clone()), shown));
            }
            cert.not_before = cert
                .not_before
                .as_ref()
                .map(|_| "Thu, 26 Nov 2026 14:00:00 +0000".into());
            cert.not_after = cert
                .not_after
                .as_ref()
                .map(|_| "Sat, 26 Dec 2026 14:00:00 +0000".into());
        }
    }
    if let Some(tok) = t.token.as_mut() {
        tok.iat = tok.iat.map(|_| NOW.unix_timestamp());
        tok.exp = tok.exp.map(|_| NOW.unix_timestamp() + 1200);
        tok.claims = None;
    }
    if let Some(a) = t.account.as_mut() {
        a.token_expires_at = a.token_expires_at.as_ref().map(|_| "2026-11-27T14:20:00Z".into());
    }
    for h in &mut r.hints {
        fix_hint(h, port);
        for (was, shown) in &fingerprints {
            for s in [&mut h.title, &mut h.detail, &mut h.fix] {
                *s = s.replace(was.as_str(), shown);
            }
            if let Some(e) = h.evidence.as_mut() {
                *e = e.replace(was.as_str(), shown);
            }
        }
    }
    (plan, r)
}

fn fix_hint(h: &mut Hint, port: &str) {
    for s in [&mut h.title, &mut h.detail, &mut h.fix] {
        *s = s.replace(port, SHOWN_PORT);
    }
    if let Some(e) = h.evidence.as_mut() {
        *e = e.replace(port, SHOWN_PORT);
    }
}

/// The window as a person has it: with the profiles sidebar (empty, on a temporary directory
/// and the keyring crate's mock store, unless `profiles` says otherwise).
fn window(size: egui::Vec2, profiles: Option<ProfilesSource>) -> (Harness<'static, App>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let profiles = profiles.unwrap_or_else(|| crate::ui_verdict::sidebar(dir.path()));
    let rt = Box::leak(Box::new(runtime()));
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(size)
        .with_options(options())
        .wgpu()
        .build_eframe(move |cc| App::with_profiles(cc, handle, Launch::default(), profiles));
    h.state_mut().set_clock(Clock::Fixed {
        now: NOW,
        offset: Some(offset!(+1)),
    });
    settle(&mut h);
    (h, dir)
}

/// Where the pictures live: the README shows them from there.
pub const DIR: &str = "assets/screenshots";

/// Here the pictures come out pixel-identical from run to run (llvmpipe, GL or Vulkan). A pixel
/// may still differ a little (kittest's default colour tolerance, for another Mesa version's
/// anti-aliasing), and at most a handful may differ at all: a moved line or a changed word fails.
fn options() -> SnapshotOptions {
    SnapshotOptions::new()
        .threshold(0.6)
        .max_failed_pixels(8)
        .output_path(DIR)
}

fn show(h: &mut Harness<'_, App>, (plan, result): (Plan, CheckResult)) {
    h.state_mut().show_result(plan, result);
    h.run();
    h.remove_cursor();
    settle(h);
}

/// Let background work (the sidebar reading profiles and secrets) finish: the screen must read
/// the same for a while before it is taken.
fn settle(h: &mut Harness<'_, App>) {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut same = 0;
    let mut last = all_text(h);
    while same < 5 && std::time::Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(40));
        h.run();
        let now = all_text(h);
        same = if now == last { same + 1 } else { 0 };
        last = now;
    }
}

/// The account card, what an admin came for, on screen at 1024×700 beside the verdict.
#[test]
fn demo_success_with_the_account_card() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(&mut h, checked("working-api-key"));
    assert!(all_text(&h).contains("It works"), "{}", all_text(&h));
    h.snapshot("demo-success");
}

/// For admins: a user whose roles lack what the profile requires. The verdict says the credentials
/// work and a permission is missing; the card says what the Control Room answered to each probe.
#[test]
fn a_missing_permission_with_the_probes() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(
        &mut h,
        checked_with("working-password-probes", |p| {
            p.target.require = vec![aa_conntest::capabilities::Capability::ReadRepository];
        }),
    );
    let text = all_text(&h);
    assert!(text.contains("Missing permission"), "{text}");
    assert!(text.contains("list devices: allowed"), "{text}");
    h.snapshot("missing-permission");
}

#[test]
fn a_refused_key() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(&mut h, checked("wrong-api-key"));
    assert!(all_text(&h).contains("Credentials refused"));
    h.snapshot("refused-key");
}

#[test]
fn a_firewall_page() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(&mut h, checked("block-page"));
    assert!(all_text(&h).contains("Something else answered"));
    h.snapshot("firewall-page");
}

#[test]
fn an_untrusted_certificate() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(&mut h, checked("tls-untrusted"));
    assert!(all_text(&h).contains("Could not reach the Control Room"));
    h.snapshot("untrusted-certificate");
}

/// "Trust this certificate?" over the untrusted certificate: what a person sees before trusting.
#[test]
fn the_trust_dialog() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(&mut h, checked("tls-untrusted"));
    h.get_by_label("Trust this certificate…").click();
    h.run();
    h.remove_cursor();
    settle(&mut h);
    let text = all_text(&h);
    assert!(text.contains("Trust this certificate?"), "{text}");
    assert!(text.contains("Trust and test again"), "{text}");
    h.snapshot("trust-dialog");
}

/// No keyring service (a desktop without one, a container): the sidebar says so in words.
#[test]
fn no_keyring() {
    use aa_conntest::profiles::{ProfileStore, SessionStore};
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = ProfileStore::open(&dir.path().join("config")).expect("store").0;
    let p = aa_conntest::profiles::Profile::new(
        "Prod svc",
        "https://acme.my.automationanywhere.digital",
        aa_conntest::plan::AuthMode::ApiKey,
        "svc_api",
        aa_conntest::plan::CheckOptions::default(),
    );
    store.upsert(p).expect("upsert");
    store.save().expect("save");
    let secrets = std::sync::Arc::new(SessionStore::new(
        "Platform failure: zbus error: Failed to connect to address `unix:path=/run/user/0/bus`: No such file or \
         directory (os error 2)",
    ));
    let (mut h, _dir) = window(
        egui::vec2(1024.0, 700.0),
        Some(ProfilesSource::Given {
            store,
            secrets,
            history: None,
        }),
    );
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.query_by_label_contains("Prod svc").is_none() && std::time::Instant::now() < end {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
    h.get_by_label_contains("Prod svc").click();
    h.run();
    h.remove_cursor();
    settle(&mut h);
    let text = all_text(&h);
    assert!(
        text.contains("No keyring service is running on this computer"),
        "{text}"
    );
    assert!(!text.contains("zbus"), "{text}");
    h.snapshot("no-keyring");
}

/// Options open at the smallest common size: the panes keep a useful height.
#[test]
fn options_open_at_1024x700() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut h, _dir) = window(egui::vec2(1024.0, 700.0), None);
    show(&mut h, checked("working-api-key"));
    h.get_by_label("Options (timeout, certificates, proxy)").click();
    h.run();
    h.remove_cursor();
    settle(&mut h);
    assert!(all_text(&h).contains("Accept invalid certificates"));
    h.snapshot("options-open-1024x700");
}
