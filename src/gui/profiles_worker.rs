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
use crate::profiles::guard::Tagger;
use crate::profiles::{
    self, Availability, ConflictPolicy, History, HistoryEntry, ImportPlan, NotTested, Profile, ProfileStore,
    SavedCheck, SecretError, SecretFrom, SecretSaved, SecretStore, StoreError, transfer,
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
    /// The installation's login tags (its key read once, off the UI thread), to compare the form's
    /// secret with the refusals in a profile's history. `None` without a history or its key.
    pub tagger: Option<Tagger>,
}

impl Backend {
    /// Blocking: reads (or makes) the key of the login tags beside the history.
    pub fn new(store: ProfileStore, secrets: Arc<dyn SecretStore>, history: Option<History>) -> Self {
        let tagger = history.as_ref().and_then(|h| h.tagger().ok());
        Self {
            store: Arc::new(Mutex::new(store)),
            secrets,
            history,
            tagger,
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
    /// The list as the stores hold it after the operation; `None`: the operation did not read
    /// it, and the list shown stays as it is (an empty default here once made Export without a
    /// file dialog show "No saved profiles yet").
    pub snapshot: Option<Snapshot>,
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
            snapshot: None,
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
        /// Where secrets go (the sidebar says so when they cannot be saved).
        keyring: Availability,
    },
    SecretLoaded {
        id: String,
        result: Result<Option<Secret>, SecretError>,
    },
    /// The folders of the path field (Documents, else home), read once at start-up.
    Folders(super::path_dialog::Folders),
    /// No file was chosen (cancelled, or no file dialog on this system): offer the path field.
    NoFileChosen {
        ticket: Ticket,
        purpose: super::path_dialog::PathPurpose,
    },
    History {
        id: String,
        entries: Result<Vec<HistoryEntry>, String>,
    },
    Done(Box<OpDone>),
    /// A file to import was read and compared with the saved profiles.
    ImportPlanned {
        ticket: Ticket,
        plan: Result<(PathBuf, ImportPlan), String>,
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
                let keyring = secrets.status();
                ProfilesMsg::Opened {
                    ticket,
                    backend: Ok(Backend::new(store, secrets, history)),
                    warnings: Vec::new(),
                    keyring,
                }
            }
            ProfilesSource::System => {
                let secrets = profiles::secrets::open_default();
                let keyring = secrets.status();
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
                            keyring,
                        }
                    }
                    Err(e) => ProfilesMsg::Opened {
                        ticket,
                        backend: Err(format!("The saved profiles could not be opened: {e}")),
                        warnings,
                        keyring,
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
                d.snapshot = Some(backend.snapshot());
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
                    snapshot: Some(backend.snapshot()),
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
            SecretSaved::Failed(e) => Err(format!(
                "{what} \"{name}\", but its secret was not stored: {} (Technical details: {})",
                e.sentence(),
                e.technical()
            )),
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
                "Made a copy: \"{}\", but its secret was not copied: {} (Technical details: {})",
                copy.name,
                e.sentence(),
                e.technical()
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
            problems.push(format!(
                "its secret could not be deleted from the keyring: {} (Technical details: {})",
                e.sentence(),
                e.technical()
            ));
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
        let result = secrets.get(&id);
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

/// Record the window's finished check of a profile (with the tag of the login it sent, from the
/// `plan` that ran), then refresh the list and the profile's history. (Without a history the
/// work ends at once.)
pub fn record(
    bg: &Background,
    backend: &Backend,
    ticket: Ticket,
    id: String,
    plan: crate::plan::Plan,
    result: crate::worker::CheckResult,
) {
    let backend = backend.clone();
    let out = bg.out.clone();
    bg.rt.spawn_blocking(move || {
        let mut problem = None;
        if let Some(history) = &backend.history {
            let tag = backend.tagger.as_ref().map(|t| t.tag(&plan.target, &plan.secret));
            if let Err(e) = profiles::record_result(history, &id, &result, tag) {
                problem = Some(Err(format!("The result could not be added to the history: {e}")));
            }
            let entries = history.entries(&id).map_err(|e| e.to_string());
            out.send(ProfilesMsg::History { id, entries });
        }
        out.send(ProfilesMsg::Done(Box::new(OpDone {
            message: problem,
            snapshot: Some(backend.snapshot()),
            ..OpDone::silent(ticket)
        })));
    });
}

/// "Import…": the native file dialog, then read and compare (nothing changes yet). No file
/// chosen: the path field is offered instead ([`ProfilesMsg::NoFileChosen`]).
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
            None => out.send(ProfilesMsg::NoFileChosen {
                ticket,
                purpose: super::path_dialog::PathPurpose::Import,
            }),
            Some(path) => plan_import_file(&backend, &out, ticket, path).await,
        }
    });
}

/// Read `path` and compare it with the saved profiles (after the file dialog or the path field).
pub async fn plan_import_file(backend: &Backend, out: &Outbox, ticket: Ticket, path: PathBuf) {
    let b = backend.clone();
    let r = tokio::task::spawn_blocking(move || {
        // A profiles export, or a Postman / Bruno / Insomnia environment (URL and username only).
        use crate::profiles::environments::{ImportSource, read_import_any};
        let (incoming, source) = match read_import_any(&path).map_err(|e| e.to_string())? {
            ImportSource::Profiles(p) => (p, None),
            ImportSource::Environments(env) => (env.profiles.clone(), Some(env.describe())),
        };
        let mut plan = transfer::plan_import(&b.lock(), &incoming);
        plan.source = source;
        Ok((path, plan))
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    out.send(ProfilesMsg::ImportPlanned { ticket, plan: r });
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

/// "Export…": the native file dialog, then write the profiles (never a secret: profiles have no
/// secret field). No file chosen: the path field is offered instead, and the list stays as it is.
pub fn pick_export(bg: &Background, backend: &Backend, ticket: Ticket) {
    let backend = backend.clone();
    let bg2 = bg.clone();
    bg.rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Export profiles (no secrets)")
            .set_file_name(super::path_dialog::EXPORT_FILE_NAME)
            .add_filter("aa-conntest profiles", &["json"])
            .save_file()
            .await
            .map(|f| f.path().to_path_buf());
        match picked {
            None => bg2.out.send(ProfilesMsg::NoFileChosen {
                ticket,
                purpose: super::path_dialog::PathPurpose::Export,
            }),
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

/// How Test all goes about a profile.
pub struct TestAllItem {
    /// Its row in the table.
    pub row: usize,
    pub profile: Profile,
}

/// "Test all": the given profiles in turn through [`profiles::check_saved`] (one login attempt
/// each), recorded in their history. A profile without a secret here is "not tested", and one
/// whose secret was refused before is not sent unless `force` ("Test them anyway"): nothing is
/// sent for either, and nothing recorded. Rows stream back as they finish.
pub fn test_all(
    bg: &Background,
    backend: &Backend,
    items: Vec<TestAllItem>,
    force: bool,
    cancel: crate::engine::CancelToken,
) {
    let backend = backend.clone();
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        for TestAllItem { row, profile: p } in items {
            if cancel.is_cancelled() {
                out.send(ProfilesMsg::Row(
                    row,
                    TestAllRow::new(&p, TestAllRowState::Skipped("not tested (stopped)".into())),
                ));
                continue;
            }
            out.send(ProfilesMsg::Row(row, TestAllRow::new(&p, TestAllRowState::Running)));
            let secret = SecretFrom::Store(backend.secrets.clone());
            let done = profiles::check_saved(&p, secret, backend.history.as_ref(), force, cancel.clone()).await;
            let state = match done {
                SavedCheck::Checked(c) => TestAllRowState::Done(TestAllRow::summary(&c.result)),
                SavedCheck::NotTested(NotTested::NoSecret(why)) => TestAllRowState::NotTested {
                    headline: why.headline(p.target.auth),
                    why: why.why(),
                    technical: why.technical(),
                },
                SavedCheck::NotTested(NotTested::RefusedBefore(r)) => TestAllRowState::Guarded(r),
            };
            out.send(ProfilesMsg::Row(row, TestAllRow::new(&p, state)));
        }
        let b = backend.clone();
        let snapshot = tokio::task::spawn_blocking(move || b.snapshot())
            .await
            .unwrap_or_default();
        out.send(ProfilesMsg::TestAllFinished(snapshot));
    });
}
