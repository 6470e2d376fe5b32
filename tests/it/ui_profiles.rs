//! The profiles sidebar, driven headless with egui_kittest against the demo Control Room. Every
//! test uses its own temporary config/data directories and the keyring crate's mock store: the
//! developer's real profiles and keyring are never touched.

use crate::ui_support;
use aa_conntest::demo::{self, DemoOptions, DemoServer};
use aa_conntest::gui::profiles_panel::{ProfilesCmd, SecretState};
use aa_conntest::gui::{App, Command, Launch, ProfilesSource};
use aa_conntest::plan::{AuthMode, CheckOptions};
use aa_conntest::profiles::{History, KeyringStore, Profile, ProfileStore, SecretStore, SessionStore};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::Outcome;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use ui_support::{all_text, fill, runtime, step_until};

pub(crate) struct Env {
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) config: PathBuf,
    pub(crate) data: PathBuf,
    pub(crate) secrets: Arc<dyn SecretStore>,
}

impl Env {
    pub(crate) fn new() -> Self {
        Self::with_secrets(Arc::new(KeyringStore::with_store(
            keyring_core::mock::Store::new().expect("mock keyring"),
            "aa-conntest-ui-test",
        )))
    }

    pub(crate) fn with_secrets(secrets: Arc<dyn SecretStore>) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config");
        let data = dir.path().join("data");
        Self {
            _dir: dir,
            config,
            data,
            secrets,
        }
    }

    pub(crate) fn store(&self) -> ProfileStore {
        ProfileStore::open(&self.config).expect("open store").0
    }

    pub(crate) fn history(&self) -> History {
        History::open(&self.data)
    }

    pub(crate) fn source(&self) -> ProfilesSource {
        ProfilesSource::Given {
            store: self.store(),
            secrets: self.secrets.clone(),
            history: Some(self.history()),
        }
    }

    pub(crate) fn profiles_json(&self) -> String {
        std::fs::read_to_string(self.config.join("profiles.json")).unwrap_or_default()
    }
}

pub(crate) fn harness(rt: &tokio::runtime::Runtime, source: ProfilesSource) -> Harness<'static, App> {
    harness_with(rt, source, Launch::default())
}

/// The window with the profiles sidebar, launched with `launch`.
pub(crate) fn harness_with(
    rt: &tokio::runtime::Runtime,
    source: ProfilesSource,
    launch: Launch,
) -> Harness<'static, App> {
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        // Background results (keyring, files) wake the UI; a modal fades in over a few frames.
        .with_max_steps(24)
        .build_eframe(move |cc| App::with_profiles(cc, handle, launch, source));
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h.state().profiles().is_ready()),
        "the profiles did not open"
    );
    h.run();
    h
}

/// Wait until no profiles operation is running.
pub(crate) fn settle(h: &mut Harness<'_, App>) {
    assert!(
        step_until(h, Duration::from_secs(10), |h| h.state().profiles().is_ready()),
        "a profiles operation did not finish; status: {}",
        h.state().status_text()
    );
    h.run();
}

/// Replace the whole text of a field (select all, then type).
pub(crate) fn replace(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

pub(crate) fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Save the form as a new profile through the name dialog.
pub(crate) fn save_new(h: &mut Harness<'_, App>, name: &str) {
    click(h, "Save");
    assert!(
        h.state().profiles().dialog_open(),
        "Save without a selection asks a name"
    );
    replace(h, "Profile name", name);
    click(h, "Save profile");
    settle(h);
    assert!(!h.state().profiles().dialog_open());
}

pub(crate) fn id_of(h: &Harness<'_, App>, name: &str) -> String {
    h.state()
        .profiles()
        .list()
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.id.clone())
        .unwrap_or_else(|| panic!("no profile {name}"))
}

pub(crate) fn apply(h: &mut Harness<'_, App>, cmd: ProfilesCmd) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::Profiles(cmd));
    h.run();
}

pub(crate) fn no_secret_in_dir(dir: &Path, secrets: &[&str]) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for s in secrets {
            assert!(!text.contains(s), "{} contains a secret", entry.display());
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn save_select_check_and_delete_a_profile() {
    let rt = runtime();
    let server = rt
        .block_on(DemoServer::start(DemoOptions::default()))
        .expect("demo server");
    let env = Env::new();
    let mut h = harness(&rt, env.source());
    assert!(h.query_by_label("Profiles").is_some(), "the sidebar is shown");
    assert!(h.state().profiles().list().is_empty());

    // 1. Fill the form and save it as "Prod svc".
    fill(&mut h, "Control Room URL", &server.url());
    fill(&mut h, "Username", demo::API_KEY_USER);
    fill(&mut h, "API key", demo::API_KEY);
    assert!(
        h.state().profile_form_changed(),
        "a filled form that is no profile yet is marked"
    );
    save_new(&mut h, "Prod svc");
    let prod = id_of(&h, "Prod svc");
    assert!(!h.state().profile_form_changed(), "just saved: no unsaved changes");
    let json = env.profiles_json();
    assert!(json.contains("Prod svc"), "{json}");
    assert!(!json.contains(demo::API_KEY), "the profiles file holds no secret");
    assert_eq!(
        env.secrets.get(&prod).expect("keyring").map(|s| s.expose().to_string()),
        Some(demo::API_KEY.to_string()),
        "the secret went to the keyring"
    );

    // 2. New: an empty form; a second profile signing in with a password.
    click(&mut h, "New");
    assert!(h.state().form().target.url.is_empty() && h.state().form().secret.is_empty());
    assert!(h.state().profiles().selected().is_none());
    fill(&mut h, "Control Room URL", &server.url());
    click(&mut h, "Sign in with password");
    fill(&mut h, "Username", demo::PASSWORD_USER);
    fill(&mut h, "Password", demo::PASSWORD);
    save_new(&mut h, "Dev admin");
    assert_eq!(h.state().profiles().list().len(), 2);
    let json = env.profiles_json();
    assert!(json.contains("Dev admin") && !json.contains(demo::PASSWORD), "{json}");

    // 3. Select the first: the form fills, the secret arrives from the keyring, masked.
    click(&mut h, "Prod svc");
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| matches!(
            h.state().profiles().secret_state(),
            SecretState::Loaded(_)
        )),
        "the secret was not loaded"
    );
    h.run();
    let f = h.state().form();
    assert_eq!(f.target.username, demo::API_KEY_USER);
    assert_eq!(f.target.auth, AuthMode::ApiKey);
    assert_eq!(f.secret, demo::API_KEY);
    assert!(!f.show_secret, "the secret field stays masked");
    assert!(!h.state().profile_form_changed());
    let shown = all_text(&h);
    assert!(!shown.contains(demo::API_KEY), "the secret is never shown");
    assert!(!shown.contains(demo::PASSWORD), "the secret is never shown");
    // Neither profile has been tested: both say so in the sidebar.
    assert_eq!(
        h.query_all_by_label_contains("not tested yet").count(),
        2,
        "{}",
        all_text(&h)
    );

    // An edit shows the unsaved-changes marker; undoing it clears it.
    fill(&mut h, "Username", "x");
    assert!(h.state().profile_form_changed());
    assert!(h.query_by_label("Unsaved changes").is_some());
    replace(&mut h, "Username", demo::API_KEY_USER);
    assert!(!h.state().profile_form_changed());

    // 4. Run a check: the badge and the history update.
    let before = server.login_attempts();
    h.get_by_label("Test connection").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |h| h.state().result().is_some()
            && !h.state().profiles().history().is_empty()
            && h.state().profiles().latest(&prod).is_some()),
        "the result was not recorded; status: {}",
        h.state().status_text()
    );
    h.run();
    assert_eq!(h.state().outcome(), Some(Outcome::Ok));
    assert_eq!(server.login_attempts(), before + 1);
    let latest = h.state().profiles().latest(&prod).expect("latest").clone();
    assert!(latest.is_ok());
    assert!(
        h.query_by_label_contains("ok · just now").is_some(),
        "the badge shows the result"
    );
    assert!(h.query_by_label("History of Prod svc").is_some());
    assert_eq!(h.state().profiles().history().len(), 1);
    let hist = std::fs::read_to_string(env.data.join("history.json")).expect("history file");
    assert!(!hist.contains(demo::API_KEY));

    // 5. Rename and duplicate.
    click(&mut h, "Rename…");
    replace(&mut h, "New name", "Prod service");
    click(&mut h, "Rename profile");
    settle(&mut h);
    assert!(env.profiles_json().contains("Prod service"));
    click(&mut h, "Duplicate");
    settle(&mut h);
    assert_eq!(h.state().profiles().list().len(), 3);
    let copy = id_of(&h, "Prod service (2)");
    assert_eq!(
        env.secrets.get(&copy).expect("keyring").map(|s| s.expose().to_string()),
        Some(demo::API_KEY.to_string()),
        "the copy has the secret too"
    );

    // 6. Delete with confirmation: "No, keep it" keeps it, "Yes, delete" removes it everywhere.
    click(&mut h, "Prod service");
    settle(&mut h);
    click(&mut h, "Delete…");
    assert!(h.state().profiles().dialog_open());
    click(&mut h, "No, keep it");
    assert!(!h.state().profiles().dialog_open());
    assert_eq!(h.state().profiles().list().len(), 3);
    click(&mut h, "Delete…");
    click(&mut h, "Yes, delete");
    settle(&mut h);
    assert_eq!(h.state().profiles().list().len(), 2);
    assert!(h.state().profiles().selected().is_none());
    let json = env.profiles_json();
    assert!(!json.contains("\"Prod service\""), "{json}");
    assert!(
        env.secrets.get(&prod).expect("keyring").is_none(),
        "the keyring entry is gone"
    );
    assert!(env.history().entries(&prod).expect("history").is_empty());

    no_secret_in_dir(&env.config, &[demo::API_KEY, demo::PASSWORD]);
    no_secret_in_dir(&env.data, &[demo::API_KEY, demo::PASSWORD]);
}

#[test]
fn test_all_fills_the_table_with_one_login_per_profile() {
    let rt = runtime();
    let server = rt
        .block_on(DemoServer::start(DemoOptions::default()))
        .expect("demo server");
    let env = Env::new();
    // Three saved profiles: a working key, one without a saved secret, a working password.
    {
        let mut store = env.store();
        let add = |store: &mut ProfileStore, name: &str, auth, user: &str, secret: Option<&str>| {
            let p = Profile::new(name, server.url(), auth, user, CheckOptions::default());
            store.upsert(p.clone()).expect("upsert");
            if let Some(s) = secret {
                env.secrets.set(&p.id, &Secret::new(s)).expect("secret");
            }
        };
        add(
            &mut store,
            "A key",
            AuthMode::ApiKey,
            demo::API_KEY_USER,
            Some(demo::API_KEY),
        );
        add(&mut store, "B no secret", AuthMode::ApiKey, demo::API_KEY_USER, None);
        add(
            &mut store,
            "C password",
            AuthMode::Password,
            demo::PASSWORD_USER,
            Some(demo::PASSWORD),
        );
        store.save().expect("save");
    }
    let mut h = harness(&rt, env.source());
    assert_eq!(h.state().profiles().list().len(), 3);
    let before = server.login_attempts();

    click(&mut h, "Test all");
    // What a person sees: the summary line, then the table, row by row.
    assert!(
        step_until(&mut h, Duration::from_secs(30), |h| h
            .query_all_by_label_contains("of 3 profiles work.")
            .next()
            .is_some()),
        "Test all did not finish:\n{}",
        all_text(&h)
    );
    settle(&mut h);
    assert!(h.query_by_label("Test all profiles").is_some(), "the table's window");
    assert!(
        h.query_by_label("2 of 3 profiles work. 1 not tested (no secret on this computer).")
            .is_some(),
        "{}",
        all_text(&h)
    );
    let rows = table_rows(&h);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][..2], ["A key", "ok"], "{rows:?}");
    // Without a secret nothing is sent: "not tested", never "failed", never "generate a key".
    assert_eq!(rows[1][..2], ["B no secret", "not tested"], "{rows:?}");
    assert_eq!(
        rows[1][2], "Key not stored on this computer: paste it to test",
        "{rows:?}"
    );
    assert_eq!(rows[2][..2], ["C password", "ok"], "{rows:?}");
    for row in [&rows[0], &rows[2]] {
        assert!(row[3].ends_with("ms") || row[3].ends_with(" s"), "a time: {row:?}");
    }
    assert_eq!(rows[1][3], "", "nothing ran for B: no time");
    assert_eq!(
        server.login_attempts() - before,
        2,
        "one login per profile with a secret"
    );

    // Every profile got a badge in the sidebar: none is "not tested yet" any more; the one
    // without a secret says so, and nothing is "failed".
    assert_eq!(
        h.query_all_by_label_contains("not tested yet").count(),
        0,
        "{}",
        all_text(&h)
    );
    assert_eq!(
        h.query_all_by_label_contains("not tested · no secret here").count(),
        1,
        "{}",
        all_text(&h)
    );
    let shown = all_text(&h).to_lowercase();
    assert_eq!(h.query_all_by_label_contains("failed ·").count(), 0, "{shown}");
    assert!(
        !shown.contains("no api key was given") && !shown.contains("generate a new"),
        "{shown}"
    );
    let b = h.state().profiles().list()[1].id.clone();
    assert!(
        env.history().entries(&b).expect("history").is_empty(),
        "nothing was sent for B, so nothing is recorded"
    );
    assert_eq!(
        h.query_all_by_label_contains("ok · just now").count(),
        2,
        "{}",
        all_text(&h)
    );
    no_secret_in_dir(&env.data, &[demo::API_KEY, demo::PASSWORD]);
}

#[test]
fn export_and_import_never_carry_a_secret_and_never_overwrite_silently() {
    let rt = runtime();
    let env = Env::new();
    let mut h = harness(&rt, env.source());
    fill(&mut h, "Control Room URL", "https://cr.example.com");
    fill(&mut h, "Username", "svc_api");
    fill(&mut h, "API key", "export-test-secret-0123456789");
    save_new(&mut h, "Prod svc");

    let out = tempfile::tempdir().expect("tempdir");
    let export = out.path().join("export.json");
    apply(&mut h, ProfilesCmd::ExportTo(export.clone()));
    settle(&mut h);
    let text = std::fs::read_to_string(&export).expect("export written");
    assert!(
        text.contains("Prod svc") && !text.contains("export-test-secret"),
        "{text}"
    );

    // An import file with a conflicting name, a new profile and a smuggled secret field.
    let incoming = out.path().join("incoming.json");
    std::fs::write(
        &incoming,
        r#"{"schema":"aa-conntest.profiles/1","profiles":[
            {"id":"1111111111111111","name":"Prod svc","url":"https://other.example.com","username":"x"},
            {"id":"2222222222222222","name":"Dev","url":"https://dev.example.com","username":"d","apiKey":"smuggled-key"}
        ]}"#,
    )
    .expect("write");
    apply(&mut h, ProfilesCmd::ImportFrom(incoming));
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| h.state().profiles().dialog_open()),
        "the import plan is shown before anything changes"
    );
    h.run();
    assert!(h.query_by_label_contains("CONFLICT").is_some());
    assert_eq!(h.state().profiles().list().len(), 1, "nothing changed yet");
    click(&mut h, "Add them under new names");
    settle(&mut h);
    let names: Vec<String> = h.state().profiles().list().iter().map(|p| p.name.clone()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Prod svc (2)".to_string()) && names.contains(&"Dev".to_string()));
    let json = env.profiles_json();
    assert!(
        json.contains("https://cr.example.com"),
        "the saved profile was not overwritten"
    );
    assert!(!json.contains("smuggled-key") && !json.contains("apiKey"), "{json}");
}

#[test]
fn without_a_keyring_the_window_says_so_and_keeps_the_secret_for_the_session() {
    let rt = runtime();
    let env = Env::with_secrets(Arc::new(SessionStore::new("no Secret Service in this test")));
    let mut h = harness(&rt, env.source());
    let note = h.state().profiles().keyring_note().expect("a note").to_string();
    assert_eq!(
        note,
        "No keyring service is running on this computer, so secrets are kept for this session only and not saved."
    );
    assert!(h.query_by_label(&note).is_some(), "the note is shown in the sidebar");

    fill(&mut h, "Control Room URL", "https://cr.example.com");
    fill(&mut h, "Username", "svc_api");
    fill(&mut h, "API key", "session-only-secret-0123456789");
    save_new(&mut h, "Prod svc");
    assert!(
        h.state().status_text().contains("session only"),
        "{}",
        h.state().status_text()
    );
    let id = id_of(&h, "Prod svc");
    assert_eq!(
        env.secrets.get(&id).expect("session").map(|s| s.expose().to_string()),
        Some("session-only-secret-0123456789".to_string())
    );
    no_secret_in_dir(&env.config, &["session-only-secret"]);
}

// Edits to a saved profile are not thrown away by clicking another one: the window asks first.
#[test]
fn switching_profiles_with_unsaved_edits_asks_before_discarding() {
    let rt = runtime();
    let env = Env::new();
    let mut h = harness(&rt, env.source());
    fill(&mut h, "Control Room URL", "https://one.example.test");
    fill(&mut h, "Username", "svc_one");
    fill(&mut h, "API key", "0123456789012345678901234567890123456789");
    save_new(&mut h, "One");
    click(&mut h, "New");
    fill(&mut h, "Control Room URL", "https://two.example.test");
    fill(&mut h, "Username", "svc_two");
    fill(&mut h, "API key", "9876543210987654321098765432109876543210");
    save_new(&mut h, "Two");
    // "Two" is selected; edit it without saving, then click "One".
    replace(&mut h, "Username", "svc_two_edited");
    assert!(h.state().profile_form_changed());
    click(&mut h, "One");
    assert!(h.state().profiles().dialog_open(), "switching asks first");
    click(&mut h, "Keep editing");
    assert_eq!(h.state().form().target.username, "svc_two_edited", "nothing was lost");
    click(&mut h, "One");
    click(&mut h, "Discard changes");
    settle(&mut h);
    assert_eq!(h.state().form().target.username, "svc_one");
    assert!(!h.state().profiles().dialog_open());
}

/// A secret store whose reads wait until the test opens the gate ("Test all" reads each secret
/// with it, so the test decides when Test all may go on).
struct GatedReads {
    inner: Arc<dyn SecretStore>,
    open: std::sync::Mutex<bool>,
    cv: std::sync::Condvar,
}

impl GatedReads {
    fn open_gate(&self) {
        *self.open.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.cv.notify_all();
    }
}

impl SecretStore for GatedReads {
    fn get(&self, id: &str) -> Result<Option<Secret>, aa_conntest::profiles::SecretError> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        while !*open {
            open = self.cv.wait(open).unwrap_or_else(|p| p.into_inner());
        }
        drop(open);
        self.inner.get(id)
    }
    fn set(&self, id: &str, s: &Secret) -> Result<(), aa_conntest::profiles::SecretError> {
        self.inner.set(id, s)
    }
    fn delete(&self, id: &str) -> Result<(), aa_conntest::profiles::SecretError> {
        self.inner.delete(id)
    }
    fn status(&self) -> aa_conntest::profiles::Availability {
        self.inner.status()
    }
}

// Regression: "Test all" never counted itself as running work, yet its end marked one piece of
// work as done; a profile operation started during Test all got its buttons back while it was
// still running. (Reading an import from a FIFO keeps that operation running until the test
// writes the file; a Save cannot be held from outside, as it holds the store lock.)
#[cfg(unix)]
#[test]
fn buttons_stay_off_while_an_operation_started_during_test_all_still_runs() {
    let rt = runtime();
    let gate = Arc::new(GatedReads {
        inner: Arc::new(KeyringStore::with_store(
            keyring_core::mock::Store::new().expect("mock keyring"),
            "aa-conntest-ui-test",
        )),
        open: std::sync::Mutex::new(false),
        cv: std::sync::Condvar::new(),
    });
    let env = Env::with_secrets(gate.clone());
    {
        let mut store = env.store();
        // Nothing listens on port 9 here: the check ends at once, unreachable.
        let p = Profile::new(
            "A",
            "http://127.0.0.1:9",
            AuthMode::ApiKey,
            "svc",
            CheckOptions::default(),
        );
        store.upsert(p.clone()).expect("upsert");
        store.save().expect("save");
        gate.inner
            .set(&p.id, &Secret::new("gated-read-secret"))
            .expect("secret");
    }
    let mut h = harness(&rt, env.source());
    let is_off = |h: &Harness<'_, App>, label: &str| h.get_by_label(label).accesskit_node().is_disabled();
    click(&mut h, "Test all");
    assert!(h.state().profiles().test_all_running());
    assert!(!is_off(&h, "New"), "the profile buttons stay usable during Test all");

    // An import whose file is not there yet (a FIFO: reading it waits for the writer below).
    let fifo = env.config.parent().expect("dir").join("incoming.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        move || {
            let json = r#"{"schema":"aa-conntest.profiles/1","profiles":[
                {"id":"3333333333333333","name":"B","url":"https://b.example.com","username":"b"}]}"#;
            std::fs::write(&fifo, json).expect("write the FIFO");
        }
    };
    apply(&mut h, ProfilesCmd::ImportFrom(fifo.clone()));
    assert!(!h.state().profiles().is_ready(), "the import runs");
    assert!(is_off(&h, "New"));

    // Test all ends while the import still waits for its file.
    gate.open_gate();
    let ended = step_until(&mut h, Duration::from_secs(20), |h| {
        !h.state().profiles().test_all_running()
    });
    if !ended {
        std::thread::spawn(writer);
        panic!("Test all did not finish");
    }
    for _ in 0..5 {
        h.step();
    }
    let early = h.state().profiles().is_ready() || !is_off(&h, "New");
    // Let the import finish whatever happens, so no task is left waiting on the FIFO.
    let feeder = std::thread::spawn(writer);
    assert!(!early, "the buttons came back while the import was still running");
    feeder.join().expect("writer");
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h.state().profiles().dialog_open()),
        "the import plan is shown once the file is read"
    );
    h.run();
    assert!(
        h.state().profiles().is_ready(),
        "the import was read: the buttons are back"
    );
}

// The name dialog takes the keyboard when it opens: type the name, press Enter, it is saved.
#[test]
fn the_name_dialog_has_the_keyboard_and_enter_saves() {
    let rt = runtime();
    let env = Env::new();
    let mut h = harness(&rt, env.source());
    fill(&mut h, "Control Room URL", "https://cr.example.com");
    fill(&mut h, "Username", "svc_api");
    click(&mut h, "Save");
    assert!(h.state().profiles().dialog_open());
    // The name suggested from the host is selected and replaced from the keyboard alone.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text("Keyed in".into()));
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    settle(&mut h);
    assert!(!h.state().profiles().dialog_open(), "Enter saved and closed the dialog");
    let names: Vec<&str> = h.state().profiles().list().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Keyed in"]);
}

/// The rows of the Test all table as shown: the labels after its header (Profile, Outcome, Main
/// hint, Time), four to a row.
pub(crate) fn table_rows(h: &Harness<'_, App>) -> Vec<Vec<String>> {
    use egui_kittest::kittest::NodeT;
    let labels: Vec<String> = h
        .root()
        .children_recursive()
        .filter(|n| {
            use egui::accesskit::Role;
            matches!(
                n.accesskit_node().role(),
                Role::Label | Role::Paragraph | Role::GenericContainer
            )
        })
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.accesskit_node().value()))
        .collect();
    let start = labels
        .windows(4)
        .position(|w| w == ["Profile", "Outcome", "Main hint", "Time"])
        .unwrap_or_else(|| {
            let roles: Vec<String> = h
                .root()
                .children_recursive()
                .map(|n| format!("{:?} {:?}", n.accesskit_node().role(), n.accesskit_node().label()))
                .collect();
            panic!("no table header in {labels:?}\n{roles:?}")
        })
        + 4;
    labels[start..]
        .chunks(4)
        .take_while(|row| row.len() == 4 && !row[0].is_empty() && !row[0].starts_with("One sign-in"))
        .map(<[String]>::to_vec)
        .collect()
}
