//! Secrets through the `SecretStore` API with keyring-core's mock store (no real keyring), the
//! session-only store, removing a profile everywhere, and the keyring-unavailable path of the CLI.

use crate::profiles_support;

use aa_conntest::plan::{AuthMode, CheckOptions};
use aa_conntest::profiles::remove_profile;
use aa_conntest::profiles::{
    Availability, History, HistoryEntry, KeyringStore, Profile, ProfileStore, SecretStore, SessionStore,
};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::Outcome;
use profiles_support::{MiniControlRoom, Sandbox, files_containing, text};

const SECRET: &str = "Mk3pQz8WvLx2BnT7cHy4JdR9aGf1SeU6oKq0XwZ5";

fn mock_keyring() -> KeyringStore {
    KeyringStore::with_store(keyring_core::mock::Store::new().unwrap(), "aa-conntest-test")
}

#[test]
fn keyring_store_saves_reads_replaces_and_deletes() {
    let k = mock_keyring();
    assert_eq!(k.get("p1").unwrap().map(|s| s.expose().to_string()), None);
    k.set("p1", &Secret::new(SECRET)).unwrap();
    assert_eq!(k.get("p1").unwrap().unwrap().expose(), SECRET);
    k.set("p1", &Secret::new("second")).unwrap();
    assert_eq!(k.get("p1").unwrap().unwrap().expose(), "second");
    assert!(k.get("p2").unwrap().is_none(), "one entry per profile id");
    k.delete("p1").unwrap();
    assert!(k.get("p1").unwrap().is_none());
    k.delete("p1").expect("deleting a missing secret is fine");
    assert_eq!(
        k.status(),
        Availability::Keyring {
            service: "aa-conntest-test".into()
        }
    );
    assert!(k.status().message_if_limited().is_none());
}

#[test]
fn session_store_says_plainly_that_nothing_is_saved() {
    let s = SessionStore::new("no D-Bus session");
    s.set("p1", &Secret::new(SECRET)).unwrap();
    assert_eq!(s.get("p1").unwrap().unwrap().expose(), SECRET);
    s.delete("p1").unwrap();
    assert!(s.get("p1").unwrap().is_none());
    let msg = s.status().message_if_limited().unwrap();
    // A sentence for a person; the raw reason only as technical details.
    assert_eq!(
        msg,
        "No keyring service is running on this computer, so secrets are kept for this session only and not saved."
    );
    assert_eq!(s.status().technical(), Some("no D-Bus session"));
    assert!(!format!("{s:?}").contains(SECRET));
}

#[test]
fn removing_a_profile_deletes_its_secret_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = ProfileStore::open(&dir.path().join("config")).unwrap();
    let keep = Profile::new(
        "Keep",
        "https://a.example.com",
        AuthMode::ApiKey,
        "u",
        CheckOptions::default(),
    );
    let gone = Profile::new(
        "Gone",
        "https://b.example.com",
        AuthMode::Password,
        "u",
        CheckOptions::default(),
    );
    store.upsert(keep.clone()).unwrap();
    store.upsert(gone.clone()).unwrap();
    store.save().unwrap();
    let k = mock_keyring();
    k.set(&keep.id, &Secret::new("keep-secret")).unwrap();
    k.set(&gone.id, &Secret::new(SECRET)).unwrap();
    let h = History::open(&dir.path().join("data"));
    let entry = HistoryEntry {
        at: "2026-11-27T14:00:00Z".into(),
        outcome: Outcome::Ok,
        duration_ms: 1.0,
        base_url: None,
        hint_id: None,
        hint_title: None,
        login: None,
    };
    h.record(&gone.id, entry.clone()).unwrap();
    h.record(&keep.id, entry).unwrap();

    let removed = remove_profile(&mut store, &k, Some(&h), &gone.id).unwrap();
    assert!(removed.secret_error.is_none() && removed.history_error.is_none());
    assert!(k.get(&gone.id).unwrap().is_none(), "keyring entry deleted");
    assert_eq!(k.get(&keep.id).unwrap().unwrap().expose(), "keep-secret");
    assert!(h.entries(&gone.id).unwrap().is_empty());
    assert_eq!(h.entries(&keep.id).unwrap().len(), 1);
    let reopened = ProfileStore::open(&dir.path().join("config")).unwrap().0;
    assert!(reopened.get_by_name("Gone").is_none(), "removal saved");
}

/// With no D-Bus session reachable, `profiles add` keeps the profile, says plainly that the
/// secret is not saved, and writes it nowhere; `check --profile` asks for it on stdin.
#[cfg(target_os = "linux")]
#[test]
fn without_a_keyring_the_cli_says_so_and_never_writes_the_secret() {
    let mut sb = Sandbox::new("no-keyring");
    sb.extra_env
        .push(("DBUS_SESSION_BUS_ADDRESS".into(), "unix:path=/nonexistent/bus".into()));
    let cr = MiniControlRoom::start("svc_api", SECRET);

    let out = sb.run(
        &[
            "profiles",
            "add",
            "Prod",
            "--url",
            &cr.url,
            "--username",
            "svc_api",
            "--api-key-stdin",
        ],
        &format!("{SECRET}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("No keyring service is running on this computer")
            && stdout.contains("secrets are kept for this session only and not saved"),
        "{}",
        text(&out)
    );
    assert!(!stdout.contains("zbus"), "no library text in the sentence: {stdout}");
    assert!(stdout.contains("--api-key-stdin"), "tells how to give it: {stdout}");
    assert!(
        ProfileStore::open(&sb.config_dir())
            .unwrap()
            .0
            .get_by_name("Prod")
            .is_some()
    );

    let out = sb.run(&["check", "--profile", "Prod"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Key not stored on this computer for \"Prod\"")
            && stderr.contains("No keyring service is running on this computer")
            && stderr.contains("--api-key-stdin"),
        "{}",
        text(&out)
    );
    assert!(
        !stderr.to_lowercase().contains("generate"),
        "never told to generate a new key: {}",
        text(&out)
    );
    assert_eq!(cr.login_count(), 0, "no login without a secret");

    let out = sb.run(&["check", "--profile", "Prod", "--api-key-stdin"], SECRET);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cr.login_count(), 1);

    assert!(
        files_containing(sb.dir.path(), SECRET).is_empty(),
        "the secret is in no file"
    );
}

#[test]
fn save_with_secret_and_duplicate_with_secret_for_the_window() {
    use aa_conntest::profiles::{SecretSaved, duplicate_with_secret, save_with_secret};
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = ProfileStore::open(dir.path()).unwrap();
    let k = mock_keyring();
    let p = Profile::new(
        "Prod",
        "https://a.example.com",
        AuthMode::ApiKey,
        "u",
        CheckOptions::default(),
    );
    let (warnings, saved) = save_with_secret(&mut store, &k, p.clone(), Some(&Secret::new(SECRET))).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(saved, SecretSaved::Keyring);
    assert_eq!(k.get(&p.id).unwrap().unwrap().expose(), SECRET);
    assert!(!store.is_dirty());

    // Editing without touching the secret keeps it.
    let mut edited = p.clone();
    edited.target.username = "v".into();
    let (_, saved) = save_with_secret(&mut store, &k, edited, None).unwrap();
    assert_eq!(saved, SecretSaved::Unchanged);
    assert_eq!(k.get(&p.id).unwrap().unwrap().expose(), SECRET);

    let (copy, err) = duplicate_with_secret(&mut store, &k, &p.id).unwrap();
    assert!(err.is_none());
    assert_eq!(copy.name, "Prod (2)");
    assert_eq!(k.get(&copy.id).unwrap().unwrap().expose(), SECRET);
    assert_eq!(ProfileStore::open(dir.path()).unwrap().0.list().len(), 2, "saved");

    let session = SessionStore::new("test");
    let p2 = Profile::new(
        "Other",
        "https://b.example.com",
        AuthMode::Password,
        "u",
        CheckOptions::default(),
    );
    let (_, saved) = save_with_secret(&mut store, &session, p2, Some(&Secret::new("pw"))).unwrap();
    assert!(matches!(saved, SecretSaved::SessionOnly(m) if m.contains("session only")));
    assert!(files_containing(dir.path(), SECRET).is_empty());
}
