//! The blocking side of the profiles sidebar: the profiles file, the keyring, the history and the
//! file dialogs. Every call here runs on the tokio runtime (`spawn_blocking` for file and keyring
//! I/O, `rfd::AsyncFileDialog` awaited in a task), never on the UI thread. Results come back as
//! [`ProfilesMsg`]s on the window's channel, applied by `profiles_panel::update`. An operation's
//! last message carries the [`Ticket`] it was started with.
//!
//! No message carries a secret except [`ProfilesMsg::SecretLoaded`], which goes straight into the
//! form's (masked) secret field.

use super::command::{Background, Outbox};
use super::profiles_panel::{Selection, Ticket};
use super::test_all::{TestAllRow, TestAllRowState};
use crate::profiles::{
    self, ConflictPolicy, History, HistoryEntry, ImportPlan, NoSecret, Profile, ProfileStore, SecretFrom, SecretSaved,
    SecretStore, StoreError, transfer,
};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::path::PathBuf;
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

/// The end of an operation, with words for the status line (`None`: nothing to say).
#[derive(Debug, Clone)]
pub struct OpDone {
    pub ticket: Ticket,
    pub message: Option<Result<String, String>>,
    pub snapshot: Snapshot,
    pub select: Selection,
    /// After a save: the secret now stored for the selected profile (so the form is not "changed").
    pub saved_secret: Option<Secret>,
}

impl OpDone {
    fn new(ticket: Ticket, message: Result<String, String>) -> Self {
        Self {
            message: Some(message),
            ..Self::silent(ticket)
        }
    }

    /// Done, with nothing to say.
    fn silent(ticket: Ticket) -> Self {
        Self {
            ticket,
            message: None,
            snapshot: Snapshot::default(),
            select: Selection::Keep,
            saved_secret: None,
        }
    }
}

/// Messages from the profiles tasks to the UI thread.
pub enum ProfilesMsg {
    Opened {
        ticket: Ticket,
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
    ImportPlanned {
        ticket: Ticket,
        plan: Option<Result<(PathBuf, ImportPlan), String>>,
    },
    Row(usize, TestAllRow),
    /// Test all is over; the list with everyone's latest result.
    TestAllFinished(Snapshot),
}

fn store_warnings(w: &[profiles::StoreWarning]) -> Vec<String> {
    w.iter().map(|w| w.to_string()).collect()
}

/// Open the profiles at start-up.
pub fn open(bg: &Background, ticket: Ticket, source: ProfilesSource) {
    let out = bg.out.clone();
    bg.rt.spawn_blocking(move || {
        let msg = match source {
            ProfilesSource::Off => return,
            ProfilesSource::Given {
                store,
                secrets,
                history,
            } => {
                let keyring_limited = secrets.status().message_if_limited();
                ProfilesMsg::Opened {
                    ticket,
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
                            ticket,
                            backend: Ok(Backend::new(store, secrets, history)),
                            warnings,
                            keyring_limited,
                        }
                    }
                    Err(e) => ProfilesMsg::Opened {
                        ticket,
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
    bg: &Background,
    backend: &Backend,
    ticket: Ticket,
    f: impl FnOnce(&Backend) -> Result<OpDone, StoreError> + Send + 'static,
) {
    let backend = backend.clone();
    let out = bg.out.clone();
    bg.rt.spawn_blocking(move || {
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
                    snapshot: backend.snapshot(),
                    ..OpDone::new(ticket, Err(msg))
                }
            }
        };
        out.send(ProfilesMsg::Done(Box::new(done)));
    });
}

/// Read the list (after opening).
pub fn load(bg: &Background, backend: &Backend, ticket: Ticket) {
    op(bg, backend, ticket, move |_| Ok(OpDone::silent(ticket)));
}

/// Save (add or update) a profile and its secret (`None`: keep the saved secret).
pub fn save(
    bg: &Background,
    backend: &Backend,
    ticket: Ticket,
    profile: Profile,
    secret: Option<Secret>,
    is_new: bool,
) {
    op(bg, backend, ticket, move |b| {
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
            select: Selection::Select(id),
            saved_secret,
            ..OpDone::new(ticket, message)
        })
    });
}

pub fn rename(bg: &Background, backend: &Backend, ticket: Ticket, id: String, new_name: String) {
    op(bg, backend, ticket, move |b| {
        let mut store = b.lock();
        let old = store.get(&id).map(|p| p.name.clone()).unwrap_or_default();
        store.rename(&id, &new_name)?;
        store.save()?;
        Ok(OpDone::new(
            ticket,
            Ok(format!("Renamed \"{old}\" to \"{}\".", new_name.trim())),
        ))
    });
}

pub fn duplicate(bg: &Background, backend: &Backend, ticket: Ticket, id: String) {
    op(bg, backend, ticket, move |b| {
        let (copy, err) = profiles::duplicate_with_secret(&mut b.lock(), &*b.secrets, &id)?;
        let message = match err {
            None => Ok(format!("Made a copy: \"{}\".", copy.name)),
            Some(e) => Err(format!(
                "Made a copy: \"{}\", but its secret was not copied: {e}",
                copy.name
            )),
        };
        Ok(OpDone {
            select: Selection::Select(copy.id),
            ..OpDone::new(ticket, message)
        })
    });
}

pub fn delete(bg: &Background, backend: &Backend, ticket: Ticket, id: String) {
    op(bg, backend, ticket, move |b| {
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
            select: Selection::Clear,
            ..OpDone::new(ticket, message)
        })
    });
}

/// Read a profile's secret from the keyring.
pub fn load_secret(bg: &Background, backend: &Backend, id: String) {
    let secrets = backend.secrets.clone();
    let out = bg.out.clone();
    bg.rt.spawn_blocking(move || {
        let result = secrets.get(&id).map_err(|e| e.to_string());
        out.send(ProfilesMsg::SecretLoaded { id, result });
    });
}

/// Read a profile's history (newest first).
pub fn load_history(bg: &Background, backend: &Backend, id: String) {
    let Some(history) = backend.history.clone() else { return };
    let out = bg.out.clone();
    bg.rt.spawn_blocking(move || {
        let entries = history.entries(&id).map_err(|e| e.to_string());
        out.send(ProfilesMsg::History { id, entries });
    });
}

/// Record the window's finished check of a profile, then refresh the list and the profile's
/// history. (Without a history the work ends at once.)
pub fn record(bg: &Background, backend: &Backend, ticket: Ticket, id: String, result: crate::worker::CheckResult) {
    let backend = backend.clone();
    let out = bg.out.clone();
    bg.rt.spawn_blocking(move || {
        let mut problem = None;
        if let Some(history) = &backend.history {
            if let Err(e) = profiles::record_result(history, &id, &result) {
                problem = Some(Err(format!("The result could not be added to the history: {e}")));
            }
            let entries = history.entries(&id).map_err(|e| e.to_string());
            out.send(ProfilesMsg::History { id, entries });
        }
        out.send(ProfilesMsg::Done(Box::new(OpDone {
            message: problem,
            snapshot: backend.snapshot(),
            ..OpDone::silent(ticket)
        })));
    });
}

/// "Import…": the dialog, then read and compare (nothing changes yet).
pub fn pick_import(bg: &Background, backend: &Backend, ticket: Ticket) {
    let backend = backend.clone();
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Import profiles")
            .add_filter("aa-conntest profiles", &["json"])
            .add_filter("All files", &["*"])
            .pick_file()
            .await
            .map(|f| f.path().to_path_buf());
        match picked {
            None => out.send(ProfilesMsg::ImportPlanned { ticket, plan: None }),
            Some(path) => plan_import_file(&backend, &out, ticket, path).await,
        }
    });
}

/// Read `path` and compare it with the saved profiles (also what tests call, without a dialog).
pub async fn plan_import_file(backend: &Backend, out: &Outbox, ticket: Ticket, path: PathBuf) {
    let b = backend.clone();
    let r = tokio::task::spawn_blocking(move || {
        let incoming = transfer::read_import_file(&path).map_err(|e| e.to_string())?;
        let plan = transfer::plan_import(&b.lock(), &incoming);
        Ok((path, plan))
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    out.send(ProfilesMsg::ImportPlanned { ticket, plan: Some(r) });
}

pub fn apply_import(bg: &Background, backend: &Backend, ticket: Ticket, plan: ImportPlan, policy: ConflictPolicy) {
    op(bg, backend, ticket, move |b| {
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
        Ok(OpDone::new(
            ticket,
            Ok(format!(
                "Imported: {}. Imported profiles have no secret; select one and type it.",
                parts.join("; ")
            )),
        ))
    });
}

/// "Export…": the dialog, then write the profiles (never a secret: profiles have no secret field).
pub fn pick_export(bg: &Background, backend: &Backend, ticket: Ticket) {
    let backend = backend.clone();
    let bg2 = bg.clone();
    bg.rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Export profiles (no secrets)")
            .set_file_name("aa-conntest-profiles.json")
            .add_filter("aa-conntest profiles", &["json"])
            .save_file()
            .await
            .map(|f| f.path().to_path_buf());
        match picked {
            None => bg2.out.send(ProfilesMsg::Done(Box::new(OpDone::new(
                ticket,
                Ok("Nothing exported (no file chosen, or no file dialog is available on this system).".into()),
            )))),
            Some(path) => export_to(&bg2, &backend, ticket, path),
        }
    });
}

/// Write the export to `path` (also what tests call, without a dialog).
pub fn export_to(bg: &Background, backend: &Backend, ticket: Ticket, path: PathBuf) {
    op(bg, backend, ticket, move |b| {
        let list = b.lock().list().to_vec();
        transfer::export_to_file(&path, &list)?;
        Ok(OpDone::new(
            ticket,
            Ok(format!(
                "Exported {} profile{} to {} (no secrets).",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                path.display()
            )),
        ))
    });
}

/// "Test all": every profile in turn through [`profiles::check_saved`] (one login attempt each;
/// a profile without a saved secret stops at preflight), recorded in its history. Rows stream
/// back as they finish.
pub fn test_all(bg: &Background, backend: &Backend, profiles: Vec<Profile>, cancel: crate::engine::CancelToken) {
    let backend = backend.clone();
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        for (i, p) in profiles.into_iter().enumerate() {
            if cancel.is_cancelled() {
                out.send(ProfilesMsg::Row(
                    i,
                    TestAllRow::new(&p, TestAllRowState::Skipped("not tested (stopped)".into())),
                ));
                continue;
            }
            out.send(ProfilesMsg::Row(i, TestAllRow::new(&p, TestAllRowState::Running)));
            let secret = SecretFrom::Store(backend.secrets.clone());
            let done = profiles::check_saved(&p, secret, backend.history.as_ref(), cancel.clone()).await;
            let note = done.no_secret.map(|why| match why {
                NoSecret::NotSaved => format!("no {} saved for this profile", p.target.auth.secret_label()),
                NoSecret::Unreadable(e) => e,
            });
            out.send(ProfilesMsg::Row(
                i,
                TestAllRow::new(&p, TestAllRowState::Done(TestAllRow::summary(&done.result, note))),
            ));
        }
        let b = backend.clone();
        let snapshot = tokio::task::spawn_blocking(move || b.snapshot())
            .await
            .unwrap_or_default();
        out.send(ProfilesMsg::TestAllFinished(snapshot));
    });
}
