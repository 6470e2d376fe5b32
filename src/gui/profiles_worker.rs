//! The blocking side of the profiles sidebar: the profiles file, the keyring, the history and the
//! file dialogs. Every call here runs on the tokio runtime (`spawn_blocking` for file and keyring
//! I/O, `rfd::AsyncFileDialog` awaited in a task), never on the UI thread. Results come back as
//! [`ProfilesMsg`]s, drained in `App::logic` (see `profiles_panel`).
//!
//! No message carries a secret except [`ProfilesMsg::SecretLoaded`], which goes straight into the
//! form's (masked) secret field.

use super::Wake;
use super::test_all::{TestAllRow, TestAllRowState};
use crate::plan::Plan;
use crate::profiles::{
    self, ConflictPolicy, History, HistoryEntry, ImportPlan, Profile, ProfileStore, SecretSaved, SecretStore,
    StoreError, transfer,
};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the window's profiles come from.
pub enum ProfilesSource {
    /// No sidebar (the default of [`super::App::new`]: tests and embedders never touch the real
    /// config directory or keyring by accident).
    Off,
    /// The OS config and data directories (or `AA_CONNTEST_CONFIG_DIR` / `AA_CONNTEST_DATA_DIR`)
    /// and the system keyring, opened off the UI thread at start-up.
    System,
    /// Given stores (tests: a temporary directory and the keyring crate's mock store).
    Given {
        store: ProfileStore,
        secrets: Arc<dyn SecretStore>,
        history: Option<History>,
    },
}

/// The opened stores, shared with the background tasks.
#[derive(Clone)]
pub struct Backend {
    pub store: Arc<Mutex<ProfileStore>>,
    pub secrets: Arc<dyn SecretStore>,
    pub history: Option<History>,
}

impl Backend {
    pub fn new(store: ProfileStore, secrets: Arc<dyn SecretStore>, history: Option<History>) -> Self {
        Self {
            store: Arc::new(Mutex::new(store)),
            secrets,
            history,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, ProfileStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The list and the latest result of each profile, for the sidebar.
    pub fn snapshot(&self) -> Snapshot {
        let profiles = self.lock().list().to_vec();
        let latest = self.history.as_ref().and_then(|h| h.latest().ok()).unwrap_or_default();
        Snapshot { profiles, latest }
    }
}

/// What the sidebar lists.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub profiles: Vec<Profile>,
    pub latest: BTreeMap<String, HistoryEntry>,
}

/// The end of an operation, in words for the status line.
#[derive(Debug, Clone)]
pub struct OpDone {
    pub message: Result<String, String>,
    pub snapshot: Snapshot,
    /// Select this profile afterwards (a new or duplicated one); `Some("")` clears the selection.
    pub select: Option<String>,
    /// After a save: the secret now stored for the selected profile (so the form is not "changed").
    pub saved_secret: Option<Secret>,
}

/// Messages from the profiles tasks to the UI thread.
pub enum ProfilesMsg {
    Opened {
        backend: Result<Backend, String>,
        warnings: Vec<String>,
        keyring_limited: Option<String>,
    },
    SecretLoaded {
        id: String,
        result: Result<Option<Secret>, String>,
    },
    History {
        id: String,
        entries: Result<Vec<HistoryEntry>, String>,
    },
    Done(Box<OpDone>),
    /// A file to import was read and compared with the saved profiles (`None`: no file chosen).
    ImportPlanned(Option<Result<(PathBuf, ImportPlan), String>>),
    Row(usize, TestAllRow),
    TestAllFinished,
}

/// Sends messages and wakes the UI.
#[derive(Clone)]
pub struct Outbox {
    pub tx: Sender<ProfilesMsg>,
    pub wake: Wake,
}

impl Outbox {
    pub fn send(&self, msg: ProfilesMsg) {
        let _ = self.tx.send(msg);
        (self.wake)();
    }
}

fn store_warnings(w: &[profiles::StoreWarning]) -> Vec<String> {
    w.iter().map(|w| w.to_string()).collect()
}

/// Open the profiles at start-up.
pub fn open(rt: &tokio::runtime::Handle, source: ProfilesSource, out: Outbox) {
    rt.spawn_blocking(move || {
        let msg = match source {
            ProfilesSource::Off => return,
            ProfilesSource::Given {
                store,
                secrets,
                history,
            } => {
                let keyring_limited = secrets.status().message_if_limited();
                ProfilesMsg::Opened {
                    backend: Ok(Backend::new(store, secrets, history)),
                    warnings: Vec::new(),
                    keyring_limited,
                }
            }
            ProfilesSource::System => {
                let secrets = profiles::secrets::open_default();
                let keyring_limited = secrets.status().message_if_limited();
                let mut warnings = Vec::new();
                let history = match History::open_default() {
                    Ok(h) => Some(h),
                    Err(e) => {
                        warnings.push(format!("The history of results is off: {e}"));
                        None
                    }
                };
                match ProfileStore::open_default() {
                    Ok((store, w)) => {
                        warnings.extend(store_warnings(&w));
                        ProfilesMsg::Opened {
                            backend: Ok(Backend::new(store, secrets, history)),
                            warnings,
                            keyring_limited,
                        }
                    }
                    Err(e) => ProfilesMsg::Opened {
                        backend: Err(format!("The saved profiles could not be opened: {e}")),
                        warnings,
                        keyring_limited,
                    },
                }
            }
        };
        out.send(msg);
    });
}

/// Run a blocking operation on the stores and send back its outcome with a fresh snapshot. A
/// failed save (a conflict with another window, a disk error) reloads the store, so memory and
/// disk agree and the user can redo the change.
pub fn op(
    rt: &tokio::runtime::Handle,
    backend: &Backend,
    out: &Outbox,
    f: impl FnOnce(&Backend) -> Result<OpDone, StoreError> + Send + 'static,
) {
    let backend = backend.clone();
    let out = out.clone();
    rt.spawn_blocking(move || {
        let done = match f(&backend) {
            Ok(mut d) => {
                d.snapshot = backend.snapshot();
                d
            }
            Err(e) => {
                let reload = backend.lock().reload();
                let mut msg = match &e {
                    StoreError::Conflict { .. } => format!("Not saved: {e} The profiles were reloaded."),
                    _ => format!("Not done: {e}"),
                };
                if let Err(r) = reload {
                    msg.push_str(&format!(" (Reloading the profiles failed too: {r})"));
                }
                OpDone {
                    message: Err(msg),
                    snapshot: backend.snapshot(),
                    select: None,
                    saved_secret: None,
                }
            }
        };
        out.send(ProfilesMsg::Done(Box::new(done)));
    });
}

fn done(message: Result<String, String>) -> OpDone {
    OpDone {
        message,
        snapshot: Snapshot::default(),
        select: None,
        saved_secret: None,
    }
}

/// Save (add or update) a profile and its secret (`None`: keep the saved secret).
pub fn save(
    rt: &tokio::runtime::Handle,
    backend: &Backend,
    out: &Outbox,
    profile: Profile,
    secret: Option<Secret>,
    is_new: bool,
) {
    op(rt, backend, out, move |b| {
        let id = profile.id.clone();
        let name = profile.name.clone();
        let (warnings, saved) = profiles::save_with_secret(&mut b.lock(), &*b.secrets, profile, secret.as_ref())?;
        let what = if is_new {
            "Saved the new profile"
        } else {
            "Saved profile"
        };
        let mut message = match &saved {
            SecretSaved::Keyring => Ok(format!("{what} \"{name}\"; its secret is in the system keyring.")),
            SecretSaved::Unchanged => Ok(format!("{what} \"{name}\".")),
            SecretSaved::SessionOnly(msg) => Ok(format!("{what} \"{name}\". {msg}")),
            SecretSaved::Failed(e) => Err(format!("{what} \"{name}\", but its secret was not stored: {e}")),
        };
        if !warnings.is_empty()
            && let Ok(m) = &mut message
        {
            m.push(' ');
            m.push_str(&store_warnings(&warnings).join(" "));
        }
        let saved_secret = match saved {
            SecretSaved::Failed(_) => None,
            _ => secret,
        };
        Ok(OpDone {
            message,
            snapshot: Snapshot::default(),
            select: Some(id),
            saved_secret,
        })
    });
}

pub fn rename(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox, id: String, new_name: String) {
    op(rt, backend, out, move |b| {
        let mut store = b.lock();
        let old = store.get(&id).map(|p| p.name.clone()).unwrap_or_default();
        store.rename(&id, &new_name)?;
        store.save()?;
        Ok(done(Ok(format!("Renamed \"{old}\" to \"{}\".", new_name.trim()))))
    });
}

pub fn duplicate(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox, id: String) {
    op(rt, backend, out, move |b| {
        let (copy, err) = profiles::duplicate_with_secret(&mut b.lock(), &*b.secrets, &id)?;
        let message = match err {
            None => Ok(format!("Made a copy: \"{}\".", copy.name)),
            Some(e) => Err(format!(
                "Made a copy: \"{}\", but its secret was not copied: {e}",
                copy.name
            )),
        };
        Ok(OpDone {
            message,
            snapshot: Snapshot::default(),
            select: Some(copy.id),
            saved_secret: None,
        })
    });
}

pub fn delete(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox, id: String) {
    op(rt, backend, out, move |b| {
        let removed = profiles::remove_profile(&mut b.lock(), &*b.secrets, b.history.as_ref(), &id)?;
        let name = removed.profile.map(|p| p.name).unwrap_or_default();
        let mut problems = Vec::new();
        if let Some(e) = removed.secret_error {
            problems.push(format!("its secret could not be deleted from the keyring: {e}"));
        }
        if let Some(e) = removed.history_error {
            problems.push(format!("its history could not be deleted: {e}"));
        }
        let message = if problems.is_empty() {
            Ok(format!("Deleted \"{name}\", its saved secret and its history."))
        } else {
            Err(format!("Deleted \"{name}\", but {}.", problems.join("; ")))
        };
        Ok(OpDone {
            message,
            snapshot: Snapshot::default(),
            select: Some(String::new()),
            saved_secret: None,
        })
    });
}

/// Read a profile's secret from the keyring.
pub fn load_secret(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox, id: String) {
    let secrets = backend.secrets.clone();
    let out = out.clone();
    rt.spawn_blocking(move || {
        let result = secrets.get(&id).map_err(|e| e.to_string());
        out.send(ProfilesMsg::SecretLoaded { id, result });
    });
}

/// Read a profile's history (newest first).
pub fn load_history(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox, id: String) {
    let Some(history) = backend.history.clone() else { return };
    let out = out.clone();
    rt.spawn_blocking(move || {
        let entries = history.entries(&id).map_err(|e| e.to_string());
        out.send(ProfilesMsg::History { id, entries });
    });
}

/// Record a finished check of a profile, then refresh the list and the profile's history.
pub fn record(
    rt: &tokio::runtime::Handle,
    backend: &Backend,
    out: &Outbox,
    id: String,
    result: crate::worker::CheckResult,
) {
    let Some(history) = backend.history.clone() else { return };
    let backend = backend.clone();
    let out = out.clone();
    rt.spawn_blocking(move || {
        let message = match profiles::record_result(&history, &id, &result) {
            Ok(_) => None,
            Err(e) => Some(format!("The result could not be added to the history: {e}")),
        };
        let entries = history.entries(&id).map_err(|e| e.to_string());
        out.send(ProfilesMsg::History { id, entries });
        if let Some(m) = message {
            out.send(ProfilesMsg::Done(Box::new(OpDone {
                message: Err(m),
                snapshot: backend.snapshot(),
                select: None,
                saved_secret: None,
            })));
        } else {
            out.send(ProfilesMsg::Done(Box::new(OpDone {
                message: Ok(String::new()),
                snapshot: backend.snapshot(),
                select: None,
                saved_secret: None,
            })));
        }
    });
}

/// "Import…": the dialog, then read and compare (nothing changes yet).
pub fn pick_import(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox) {
    let backend = backend.clone();
    let out = out.clone();
    rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Import profiles")
            .add_filter("aa-conntest profiles", &["json"])
            .add_filter("All files", &["*"])
            .pick_file()
            .await
            .map(|f| f.path().to_path_buf());
        match picked {
            None => out.send(ProfilesMsg::ImportPlanned(None)),
            Some(path) => plan_import_file(&backend, &out, path).await,
        }
    });
}

/// Read `path` and compare it with the saved profiles (also what tests call, without a dialog).
pub async fn plan_import_file(backend: &Backend, out: &Outbox, path: PathBuf) {
    let b = backend.clone();
    let r = tokio::task::spawn_blocking(move || {
        let incoming = transfer::read_import_file(&path).map_err(|e| e.to_string())?;
        let plan = transfer::plan_import(&b.lock(), &incoming);
        Ok((path, plan))
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    out.send(ProfilesMsg::ImportPlanned(Some(r)));
}

pub fn apply_import(
    rt: &tokio::runtime::Handle,
    backend: &Backend,
    out: &Outbox,
    plan: ImportPlan,
    policy: ConflictPolicy,
) {
    op(rt, backend, out, move |b| {
        let mut store = b.lock();
        let summary = transfer::apply_import(&mut store, &plan, policy)?;
        store.save()?;
        let mut parts = Vec::new();
        if !summary.added.is_empty() {
            parts.push(format!("added {}", summary.added.join(", ")));
        }
        if !summary.replaced.is_empty() {
            parts.push(format!("replaced {}", summary.replaced.join(", ")));
        }
        if !summary.skipped.is_empty() {
            parts.push(format!("left out {}", summary.skipped.join(", ")));
        }
        if parts.is_empty() {
            parts.push("nothing to add".into());
        }
        Ok(done(Ok(format!(
            "Imported: {}. Imported profiles have no secret; select one and type it.",
            parts.join("; ")
        ))))
    });
}

/// "Export…": the dialog, then write the profiles (never a secret: profiles have no secret field).
pub fn pick_export(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox) {
    let backend = backend.clone();
    let out = out.clone();
    let rt2 = rt.clone();
    rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Export profiles (no secrets)")
            .set_file_name("aa-conntest-profiles.json")
            .add_filter("aa-conntest profiles", &["json"])
            .save_file()
            .await
            .map(|f| f.path().to_path_buf());
        match picked {
            None => out.send(ProfilesMsg::Done(Box::new(done(Ok(
                "Nothing exported (no file chosen, or no file dialog is available on this system).".into(),
            ))))),
            Some(path) => export_to(&rt2, &backend, &out, path),
        }
    });
}

/// Write the export to `path` (also what tests call, without a dialog).
pub fn export_to(rt: &tokio::runtime::Handle, backend: &Backend, out: &Outbox, path: PathBuf) {
    op(rt, backend, out, move |b| {
        let list = b.lock().list().to_vec();
        transfer::export_to_file(&path, &list)?;
        Ok(done(Ok(format!(
            "Exported {} profile{} to {} (no secrets).",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            path.display()
        ))))
    });
}

/// "Test all": every profile in turn, one login attempt each (a profile without a saved secret
/// stops at preflight), recorded in its history. Rows stream back as they finish.
pub fn test_all(
    rt: &tokio::runtime::Handle,
    backend: &Backend,
    out: &Outbox,
    profiles: Vec<Profile>,
    cancel: crate::engine::CancelToken,
) {
    let backend = backend.clone();
    let out = out.clone();
    rt.spawn(async move {
        for (i, p) in profiles.into_iter().enumerate() {
            if cancel.is_cancelled() {
                out.send(ProfilesMsg::Row(
                    i,
                    TestAllRow::new(&p, TestAllRowState::Skipped("not tested (stopped)".into())),
                ));
                continue;
            }
            out.send(ProfilesMsg::Row(i, TestAllRow::new(&p, TestAllRowState::Running)));
            let secrets = backend.secrets.clone();
            let id = p.id.clone();
            let secret = tokio::task::spawn_blocking(move || secrets.get(&id))
                .await
                .unwrap_or_else(|e| Err(profiles::SecretError::Platform(e.to_string())));
            let (secret, note) = match secret {
                Ok(Some(s)) => (s, None),
                Ok(None) => (
                    Secret::default(),
                    Some(format!("no {} saved for this profile", p.auth.secret_label())),
                ),
                Err(e) => (Secret::default(), Some(e.to_string())),
            };
            let plan: Plan = p.to_plan(secret);
            let result = crate::worker::check(&plan, cancel.clone()).await;
            if let Some(history) = backend.history.clone() {
                let id = p.id.clone();
                let r = result.clone();
                let _ = tokio::task::spawn_blocking(move || profiles::record_result(&history, &id, &r)).await;
            }
            out.send(ProfilesMsg::Row(
                i,
                TestAllRow::new(&p, TestAllRowState::Done(TestAllRow::summary(&result, note))),
            ));
        }
        let snapshot = backend.snapshot();
        out.send(ProfilesMsg::Done(Box::new(OpDone {
            message: Ok(String::new()),
            snapshot,
            select: None,
            saved_secret: None,
        })));
        out.send(ProfilesMsg::TestAllFinished);
    });
}
