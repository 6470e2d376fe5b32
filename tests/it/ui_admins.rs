//! Issue 14 in the real window (egui_kittest, read from the accessibility tree): the account card
//! says in words what two demo users with different roles may do and what each capability probe
//! answered; a capability ticked under "Must be able to" that the user lacks turns the verdict into
//! "Missing permission"; the API key's expiry typed in the options is said in days; a Postman
//! environment imported through the window gives a profile without its secrets.

use crate::ui_profiles::{Env, click, harness_with, no_secret_in_dir, settle};
use crate::ui_support::{all_text, runtime, step_until};
use aa_conntest::demo;
use aa_conntest::gui::{App, Command, Launch};
use aa_conntest::verdict::VerdictKind;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::Duration;

/// The window with `--demo` at 1280×900 (the account card and the probes in full).
fn demo_window(rt: &tokio::runtime::Runtime) -> (Harness<'static, App>, tempfile::TempDir) {
    crate::ui_verdict::demo_window(rt, egui::vec2(1280.0, 900.0))
}

fn wait_result(h: &mut Harness<'_, App>, before: Option<u64>) {
    let done = step_until(h, Duration::from_secs(30), |h| {
        h.state().run_id() != before && !h.state().is_running() && h.state().result().is_some()
    });
    assert!(done, "no result; status {}", h.state().status_text());
    h.run();
}

/// Run the demo case `id` as the picker does.
fn run_case(h: &mut Harness<'_, App>, id: &str) {
    let index = demo::cases()
        .iter()
        .position(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id}"));
    let before = h.state().run_id();
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::RunDemoCase(index));
    wait_result(h, before);
}

/// Scroll the options to the widget labelled `label` (they scroll within a cap), then click it.
fn reach_and_click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    click(h, label);
}

#[test]
fn the_account_card_says_what_two_demo_users_may_do() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt);

    run_case(&mut h, "working-api-key-probes");
    let text = all_text(&h);
    for want in [
        "Unattended Bot Runner (RUNTIME)",
        "can generate an API key",
        "can view its bots and run its bots",
        "can view the licence details",
        "view the licence details: allowed · list devices: allowed · list the public workspace's files: allowed · \
         list scheduled automations: allowed",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
    assert!(!text.contains("not allowed (403)"), "{text}");

    run_case(&mut h, "working-password-probes");
    let text = all_text(&h);
    assert!(text.contains("Bot Creator (DEVELOPMENT)"), "{text}");
    assert!(
        text.contains("can view and manage its own Bot Runners, Bot Creators and device pools"),
        "{text}"
    );
    assert!(!text.contains("can generate an API key"), "{text}");
    assert!(
        text.contains(
            "view the licence details: not allowed (403) · list devices: allowed · list the public workspace's \
             files: not allowed (403) · list scheduled automations: not allowed (403)"
        ),
        "{text}"
    );
    // Facts about the account, not a failure of the check.
    assert!(text.contains(VerdictKind::Works.word()), "{text}");

    // "Must be able to: read the repository" ticked in the options, for this user: the verdict
    // says the credentials work and a permission is missing, and the card says which.
    click(&mut h, "Options (timeout, certificates, proxy)");
    reach_and_click(&mut h, "read the repository");
    assert!(
        h.state()
            .form()
            .target
            .require
            .contains(&aa_conntest::capabilities::Capability::ReadRepository)
    );
    let before = h.state().run_id();
    click(&mut h, "Test connection");
    wait_result(&mut h, before);
    let text = all_text(&h);
    assert!(text.contains(VerdictKind::MissingPermission.word()), "{text}");
    assert!(text.contains("demo_user cannot read the repository"), "{text}");
    assert!(
        text.contains("The sign-in itself worked, so the credentials are fine."),
        "{text}"
    );
    assert!(text.contains("read the repository: missing"), "{text}");
    assert_eq!(
        h.state().result().map(|r| r.transcript.outcome),
        Some(aa_conntest::transcript::Outcome::Rejected)
    );
}

#[test]
fn the_key_expiry_typed_in_the_options_is_said_in_days() {
    let rt = runtime();
    let (mut h, _dir) = demo_window(&rt);
    click(&mut h, "Options (timeout, certificates, proxy)");
    let when = time::OffsetDateTime::now_utc() + time::Duration::days(9) + time::Duration::hours(1);
    let typed = format!("{} {:02}:{:02}", when.date(), when.hour(), when.minute());
    reach_and_click(&mut h, "API key expires");
    h.get_by_label("API key expires").type_text(&typed);
    h.run();
    let text = all_text(&h);
    assert!(text.contains("The key expires in 9 days"), "{text}");
    // The check warns, and the card says it too.
    let before = h.state().run_id();
    click(&mut h, "Test connection");
    wait_result(&mut h, before);
    let hints = &h.state().result().expect("result").hints;
    assert!(
        hints
            .iter()
            .any(|x| x.id == aa_conntest::diagnose::HintId::InputKeyExpiring
                && x.severity == aa_conntest::diagnose::Severity::Warning),
        "{hints:#?}"
    );
    let text = all_text(&h);
    assert!(text.contains("expires in 9 days ("), "{text}");
    // Something that is not a date is said at once, before any check.
    reach_and_click(&mut h, "API key expires");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("API key expires").type_text("soon");
    h.run();
    assert!(
        all_text(&h).contains("is not a date this tool reads"),
        "{}",
        all_text(&h)
    );
}

const POSTMAN_ENV: &str = r#"{
	"id": "7d1f4a2b-9c3e-4b5a-8e6f-1a2b3c4d5e6f",
	"name": "AA Dev",
	"values": [
		{"key": "CR_URL", "value": "https://dev-cr.example.test", "type": "default", "enabled": true},
		{"key": "username", "value": "svc_dev", "type": "default", "enabled": true},
		{"key": "apiKey", "value": "Wq4;Tm:Rw9]Lp2{Hd7!Vx3@Nc8(Fb1)Gj6#Ys0Zz", "type": "secret", "enabled": true}
	],
	"_postman_variable_scope": "environment",
	"_postman_exported_at": "2026-01-12T09:30:11.415Z",
	"_postman_exported_using": "Postman/11.27.4"
}"#;

#[test]
fn a_postman_environment_imports_through_the_window_without_its_secret() {
    let rt = runtime();
    let env = Env::new();
    let mut h = harness_with(
        &rt,
        env.source(),
        Launch {
            no_file_dialogs: true,
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("AA Dev.postman_environment.json");
    std::fs::write(&file, POSTMAN_ENV).unwrap();
    click(&mut h, "Import…");
    crate::ui_files::type_path(&mut h, &file);
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| h
            .query_by_label("Import them")
            .is_some()),
        "the preview is shown:\n{}",
        all_text(&h)
    );
    let text = all_text(&h);
    assert!(text.contains("Read as a Postman environment"), "{text}");
    assert!(text.contains("secrets ignored   apiKey"), "{text}");
    assert!(!text.contains("Wq4;Tm"), "{text}");
    click(&mut h, "Import them");
    settle(&mut h);
    let p = h
        .state()
        .profiles()
        .list()
        .iter()
        .find(|p| p.name == "AA Dev")
        .cloned()
        .expect("imported");
    assert_eq!(p.target.url, "https://dev-cr.example.test");
    assert_eq!(p.target.username, "svc_dev");
    assert!(env.secrets.get(&p.id).ok().flatten().is_none(), "no secret imported");
    no_secret_in_dir(&env.config, &["Wq4;Tm:Rw9]Lp2"]);
    no_secret_in_dir(&env.data, &["Wq4;Tm:Rw9]Lp2"]);
}
