//! Guarding the account in the window (egui_kittest against the demo Control Room, which disables
//! an account after three failed logins like a real one): a secret refused before is not sent
//! again without asking, Test all skips it until "Test them anyway", and a profile whose secret is
//! not on this computer asks for it instead of sending nothing and saying "generate a new key".

use crate::ui_profiles::{Env, click, harness, id_of, replace, save_new, settle, table_rows};
use crate::ui_support::{all_text, fill, runtime, step_until};
use aa_conntest::demo::{self, DemoOptions, DemoServer};
use aa_conntest::gui::App;
use aa_conntest::gui::profiles_panel::SecretState;
use aa_conntest::gui::profiles_panel::guard::GuardDialog;
use aa_conntest::plan::{AuthMode, CheckOptions};
use aa_conntest::profiles::{Profile, SessionStore};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::Outcome;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use std::time::Duration;

const WRONG_KEY: &str = "wrong-key-0123456789012345678901234567890";

fn demo_server(rt: &tokio::runtime::Runtime) -> DemoServer {
    rt.block_on(DemoServer::start(DemoOptions::default()))
        .expect("demo server")
}

/// Press Test connection; wait for the check to finish (when one starts) and the UI to settle.
fn press_test(h: &mut Harness<'_, App>) {
    let before = h.state().result().map(|r| r.transcript.started_at);
    click(h, "Test connection");
    step_until(h, Duration::from_secs(20), |h| {
        !h.state().is_running() && h.state().result().map(|r| r.transcript.started_at) != before
    });
    for _ in 0..3 {
        h.step();
    }
    h.run();
}

/// Replace the text of the form's text field `label` (other nodes may have the same label, such
/// as the account card's "Username").
fn retype(h: &mut Harness<'_, App>, label: &str, text: &str) {
    use eframe::egui::accesskit::Role;
    let role = if h.query_by_role_and_label(Role::PasswordInput, label).is_some() {
        Role::PasswordInput
    } else {
        Role::TextInput
    };
    h.get_by_role_and_label(role, label).click();
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

fn refused_dialog(h: &Harness<'_, App>) -> Option<usize> {
    match h.state().profiles().guard_dialog() {
        Some(GuardDialog::RefusedBefore { refusals, .. }) => Some(refusals.count),
        _ => None,
    }
}

#[test]
fn a_second_test_with_a_refused_key_asks_first_and_names_the_cost() {
    let rt = runtime();
    let server = demo_server(&rt);
    let env = Env::new();
    let mut h = harness(&rt, env.source());
    fill(&mut h, "Control Room URL", &server.url());
    fill(&mut h, "Username", demo::API_KEY_USER);
    fill(&mut h, "API key", WRONG_KEY);

    press_test(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Rejected));
    assert_eq!(server.login_attempts(), 1);

    // The same key again: nothing is sent; the dialog says how often and what it costs.
    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(1), "{}", all_text(&h));
    assert_eq!(server.login_attempts(), 1, "nothing sent before the answer");
    let text = all_text(&h);
    assert!(h.query_by_label("This API key was refused before").is_some(), "{text}");
    assert!(
        text.contains("The Control Room refused svc_demo_api with this API key once"),
        "{text}"
    );
    assert!(
        text.contains("2 more failed logins in a row may disable the account")
            && text.contains("after 3 failed logins in a row")
            && text.contains("every bot and script that uses it stops"),
        "{text}"
    );
    // Enter presses the safe choice, which has the focus: nothing is sent.
    h.key_press(eframe::egui::Key::Enter);
    h.run();
    assert!(h.state().profiles().guard_dialog().is_none(), "Enter went back");
    assert_eq!(server.login_attempts(), 1);
    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(1));
    click(&mut h, "Go back");
    assert!(h.state().profiles().guard_dialog().is_none());
    assert_eq!(server.login_attempts(), 1, "Go back sends nothing");

    // Asked again, and this time sent anyway: a second refusal.
    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(1));
    click(&mut h, "Send the login anyway");
    assert!(
        step_until(&mut h, Duration::from_secs(20), |h| !h.state().is_running()),
        "the check did not finish"
    );
    h.run();
    assert_eq!(server.login_attempts(), 2, "the person said so: one login");
    assert_eq!(h.state().outcome(), Some(Outcome::Rejected));

    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(2));
    let text = all_text(&h);
    assert!(text.contains("with this API key twice"), "{text}");
    assert!(text.contains("One more failed login may disable the account"), "{text}");
    click(&mut h, "Go back");

    // Another key is another question: it is sent at once (and works).
    retype(&mut h, "API key", demo::API_KEY);
    press_test(&mut h);
    assert!(h.state().profiles().guard_dialog().is_none());
    assert_eq!(server.login_attempts(), 3);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok));

    // Another username with the wrong key has not been refused: sent.
    retype(&mut h, "Username", demo::PASSWORD_USER);
    retype(&mut h, "API key", WRONG_KEY);
    press_test(&mut h);
    assert_eq!(server.login_attempts(), 4);
    // The refused pair is still refused after a success with another key.
    retype(&mut h, "Username", demo::API_KEY_USER);
    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(2));
    assert_eq!(server.login_attempts(), 4);
}

/// Save profile "Bad key" (the wrong key) and check it once (refused), in a first window.
fn first_session_with_a_refusal(rt: &tokio::runtime::Runtime, server: &DemoServer, env: &Env) -> String {
    let mut h = harness(rt, env.source());
    fill(&mut h, "Control Room URL", &server.url());
    fill(&mut h, "Username", demo::API_KEY_USER);
    fill(&mut h, "API key", WRONG_KEY);
    save_new(&mut h, "Bad key");
    press_test(&mut h);
    settle(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Rejected));
    let id = id_of(&h, "Bad key");
    assert_eq!(
        h.state().profiles().latest(&id).map(|e| e.outcome),
        Some(Outcome::Rejected),
        "recorded in the history"
    );
    id
}

#[test]
fn a_refusal_in_the_history_asks_before_the_first_login_of_a_new_session() {
    let rt = runtime();
    let server = demo_server(&rt);
    let env = Env::new();
    let id = first_session_with_a_refusal(&rt, &server, &env);
    assert_eq!(server.login_attempts(), 1);
    let history = std::fs::read_to_string(env.data.join("history.json")).expect("history");
    assert!(history.contains("\"answer\": \"refused\""), "{history}");
    assert!(!history.contains(WRONG_KEY), "no secret in the history");
    crate::ui_profiles::no_secret_in_dir(&env.data, &[WRONG_KEY]);

    // A new window (a restart): the session knows nothing, the history does.
    let mut h = harness(&rt, env.source());
    click(&mut h, "Bad key");
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| matches!(
            h.state().profiles().secret_state(),
            SecretState::Loaded(Some(_))
        ) && !h
            .state()
            .profiles()
            .history()
            .is_empty()),
        "the secret and the history were not loaded"
    );
    h.run();
    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(1), "{}", all_text(&h));
    assert_eq!(server.login_attempts(), 1, "nothing sent");
    click(&mut h, "Go back");

    // Its secret changed (the right key saved): no question, one login.
    replace(&mut h, "API key", demo::API_KEY);
    click(&mut h, "Save");
    settle(&mut h);
    assert_eq!(
        env.secrets.get(&id).unwrap().map(|s| s.expose().to_string()).as_deref(),
        Some(demo::API_KEY)
    );
    press_test(&mut h);
    assert!(h.state().profiles().guard_dialog().is_none());
    assert_eq!(server.login_attempts(), 2);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok));
}

#[test]
fn test_all_skips_a_refused_profile_until_asked_and_sends_it_again_once_its_key_changed() {
    let rt = runtime();
    let server = demo_server(&rt);
    let env = Env::new();
    let (good, bad) = {
        let mut store = env.store();
        let good = Profile::new(
            "Good",
            server.url(),
            AuthMode::ApiKey,
            demo::API_KEY_USER,
            CheckOptions::default(),
        );
        let bad = Profile::new(
            "Refused",
            server.url(),
            AuthMode::Password,
            demo::PASSWORD_USER,
            CheckOptions::default(),
        );
        store.upsert(good.clone()).unwrap();
        store.upsert(bad.clone()).unwrap();
        store.save().unwrap();
        env.secrets.set(&good.id, &Secret::new(demo::API_KEY)).unwrap();
        env.secrets.set(&bad.id, &Secret::new("not-the-password")).unwrap();
        (good.id, bad.id)
    };
    let mut h = harness(&rt, env.source());
    let run_test_all = |h: &mut Harness<'_, App>, button: &str| {
        click(h, button);
        assert!(
            step_until(h, Duration::from_secs(30), |h| !h.state().profiles().test_all_running()),
            "Test all did not finish"
        );
        settle(h);
    };

    // "Refused" is selected in the sidebar while Test all runs.
    click(&mut h, "Refused");
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| matches!(
            h.state().profiles().secret_state(),
            SecretState::Loaded(Some(_))
        )),
        "the secret was not loaded"
    );
    settle(&mut h);

    // First run: both sent; the password is refused.
    run_test_all(&mut h, "Test all");
    assert_eq!(server.login_attempts(), 2);
    let rows = table_rows(&h);
    assert_eq!(rows[1][..2], ["Refused", "refused"], "{rows:?}");
    // Test connection on the selected profile now knows it too.
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| !h
            .state()
            .profiles()
            .history()
            .is_empty()),
        "the history of the selected profile was not read again"
    );
    click(&mut h, "Test connection");
    assert_eq!(refused_dialog(&h), Some(1), "{}", all_text(&h));
    assert_eq!(server.login_attempts(), 2);
    click(&mut h, "Go back");

    // Second run: the refused one is not sent again.
    run_test_all(&mut h, "Test all");
    assert_eq!(server.login_attempts(), 3, "only Good was sent");
    let rows = table_rows(&h);
    assert_eq!(rows[0][..2], ["Good", "ok"], "{rows:?}");
    assert_eq!(rows[1][..2], ["Refused", "not sent"], "{rows:?}");
    assert_eq!(rows[1][2], "Refused before (once): not sent again", "{rows:?}");
    assert!(
        h.query_by_label("1 of 2 profiles work. 1 not sent (refused before).")
            .is_some(),
        "{}",
        all_text(&h)
    );
    assert_eq!(
        env.history().entries(&bad).unwrap().len(),
        1,
        "a profile not sent records nothing"
    );

    // "Test it anyway": that one only, once.
    run_test_all(&mut h, "Test it anyway");
    assert_eq!(server.login_attempts(), 4);
    let rows = table_rows(&h);
    assert_eq!(rows[0][..2], ["Good", "ok"], "Good keeps its row: {rows:?}");
    assert_eq!(rows[1][..2], ["Refused", "refused"], "{rows:?}");
    let refusals = aa_conntest::profiles::refused_before(
        &env.history().entries(&bad).unwrap(),
        &env.history()
            .tagger()
            .unwrap()
            .tag(&h.state().profiles().list()[1].target, &Secret::new("not-the-password")),
    );
    assert_eq!(refusals.map(|r| r.count), Some(2));

    // The password changed: sent again at the next Test all, and it works.
    env.secrets.set(&bad, &Secret::new(demo::PASSWORD)).unwrap();
    run_test_all(&mut h, "Test all");
    assert_eq!(server.login_attempts(), 6);
    let rows = table_rows(&h);
    assert_eq!(rows[1][..2], ["Refused", "ok"], "{rows:?}");
    assert_eq!(h.state().profiles().latest(&good).map(|e| e.outcome), Some(Outcome::Ok));
}

#[test]
fn a_profile_whose_key_is_not_on_this_computer_asks_for_it_and_sends_nothing() {
    let rt = runtime();
    let server = demo_server(&rt);
    // No keyring: profiles saved in an earlier session have no secret now.
    let env = Env::with_secrets(Arc::new(SessionStore::new("no Secret Service in this test")));
    {
        let mut store = env.store();
        store
            .upsert(Profile::new(
                "Prod svc",
                server.url(),
                AuthMode::ApiKey,
                demo::API_KEY_USER,
                CheckOptions::default(),
            ))
            .unwrap();
        store.save().unwrap();
    }
    let mut h = harness(&rt, env.source());
    click(&mut h, "Prod svc");
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| matches!(
            h.state().profiles().secret_state(),
            SecretState::Loaded(None)
        )),
        "the keyring was not asked"
    );
    h.run();
    assert!(
        h.query_by_label("Key not stored on this computer: paste it to test")
            .is_some(),
        "the sidebar says so:\n{}",
        all_text(&h)
    );

    click(&mut h, "Test connection");
    assert!(
        matches!(
            h.state().profiles().guard_dialog(),
            Some(GuardDialog::SecretMissing { .. })
        ),
        "{}",
        all_text(&h)
    );
    assert!(h.state().result().is_none(), "no check ran");
    assert_eq!(server.login_attempts(), 0);
    let text = all_text(&h);
    assert!(
        text.contains("No keyring service is running on this computer"),
        "{text}"
    );
    assert!(text.contains("Paste the API key you already have"), "{text}");
    let lower = text.to_lowercase();
    assert!(
        !lower.contains("no api key was given") && !lower.contains("generate a new"),
        "never told to generate a key:\n{text}"
    );
    assert!(!text.contains("zbus"), "{text}");
    // The raw reason is there, folded under Technical details (the dialog's: the sidebar's keyring
    // note has its own fold).
    // (A click outside the dialog would close it: the dialog's fold is the last one drawn.)
    h.get_all_by_label("Technical details").last().expect("a fold").click();
    h.run();
    assert!(all_text(&h).contains("no Secret Service in this test"));
    click(&mut h, "OK");
    assert!(h.state().profiles().guard_dialog().is_none());

    // Pasted: it runs.
    fill(&mut h, "API key", demo::API_KEY);
    press_test(&mut h);
    assert_eq!(h.state().outcome(), Some(Outcome::Ok));
    assert_eq!(server.login_attempts(), 1);
}
