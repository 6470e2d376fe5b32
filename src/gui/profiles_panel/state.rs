//! What the profiles sidebar shows and what runs for it in the background. Changed only by
//! [`super::update`].

use super::super::path_dialog::{Folders, PathDialog};
use super::super::profiles_worker::{Backend, Snapshot};
use super::super::state::FormState;
use super::super::test_all::TestAllState;
use super::guard::GuardState;
use crate::profiles::{Availability, ConflictPolicy, HistoryEntry, ImportPlan, Profile, SecretError, model};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the sidebar (and its dialogs and the Test all table) ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfilesCmd {
    Select(String),
    /// Clear the form and the selection, to make a new profile.
    New,
    /// Save the form: into the selected profile, or ask a name for a new one.
    Save,
    /// Save the form as a new profile with this name (from the name dialog).
    SaveAs(String),
    AskRename,
    Rename {
        id: String,
        name: String,
    },
    Duplicate,
    AskDelete,
    ConfirmDelete(String),
    Import,
    /// Read and compare this file (what the Import dialog does after the file dialog).
    ImportFrom(PathBuf),
    ApplyImport(ConflictPolicy),
    /// The Import dialog's check box: also import the file's proxies and CA files (issue 13, D1).
    AcceptNetworkSettings(bool),
    Export,
    /// Export to this file (what Export does after the file dialog).
    ExportTo(PathBuf),
    TestAll,
    /// Test again the profiles Test all did not send because their secret was refused before.
    TestGuardedAnyway,
    StopTestAll,
    /// The Test all table was closed.
    CloseTestAll,
    /// The name typed in the open dialog (new profile, rename).
    EditDialogName(String),
    CloseDialog,
    /// The question before a login (refused before, secret missing) was answered "Go back".
    CloseGuardDialog,
    /// The path typed in the path field.
    EditPath(String),
    ClosePathDialog,
    /// Do this even though the form has unsaved changes (the user said so).
    DiscardingChanges(Box<ProfilesCmd>),
}

/// The secret of the selected profile.
#[derive(Debug, Clone)]
pub enum SecretState {
    /// No profile selected.
    None,
    Loading,
    /// What the keyring holds for it (`None`: nothing saved).
    Loaded(Option<Secret>),
    Failed(SecretError),
}

/// An open dialog.
#[derive(Debug, Clone)]
pub enum Dialog {
    NewName {
        name: String,
        error: Option<String>,
    },
    Rename {
        id: String,
        name: String,
        error: Option<String>,
    },
    Delete {
        id: String,
        name: String,
    },
    Import {
        path: PathBuf,
        plan: ImportPlan,
    },
    /// The form has unsaved changes to the selected profile; `then` would replace them.
    Discard {
        then: ProfilesCmd,
    },
}

/// Which profile to select when an operation is done.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Leave the selection as it is.
    Keep,
    /// Select this profile (a new, saved or duplicated one).
    Select(String),
    /// Select nothing (the selected profile was deleted).
    Clear,
}

/// Background work of the sidebar, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Opening the stores at start-up.
    Open,
    /// Reading the list.
    Load,
    Save,
    Rename,
    Duplicate,
    Delete,
    /// Choosing, reading and comparing a file to import.
    ReadImport,
    Import,
    Export,
    /// Adding the window's check of the selected profile to its history.
    Record,
}

/// Names one piece of background work; its end message carries it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// The background work in flight. Each piece is started with a ticket and finished by the
/// message that carries that ticket, so nothing is counted by hand: a message without a ticket
/// (the end of Test all) cannot end someone else's work, and a ticket ends its work only once.
#[derive(Debug, Default)]
pub struct InFlight {
    next: u64,
    running: Vec<(Ticket, Work)>,
}

impl InFlight {
    pub fn start(&mut self, work: Work) -> Ticket {
        self.next += 1;
        let t = Ticket(self.next);
        self.running.push((t, work));
        t
    }

    pub fn finish(&mut self, ticket: Ticket) {
        self.running.retain(|(t, _)| *t != ticket);
    }

    pub fn is_idle(&self) -> bool {
        self.running.is_empty()
    }

    pub fn is_running(&self, work: Work) -> bool {
        self.running.iter().any(|(_, w)| *w == work)
    }
}

/// The sidebar's state.
pub struct ProfilesState {
    /// `false`: no sidebar (the window was opened without profiles).
    pub(crate) enabled: bool,
    pub(crate) backend: Option<Backend>,
    pub(crate) open_error: Option<String>,
    /// Where secrets go, once the stores are open.
    pub(crate) keyring: Option<Availability>,
    pub(crate) snapshot: Snapshot,
    pub(crate) selected: Option<String>,
    pub(crate) secret: SecretState,
    /// The selected profile's results, newest first.
    pub(crate) history: Vec<HistoryEntry>,
    pub(crate) dialog: Option<Dialog>,
    pub(crate) in_flight: InFlight,
    pub(crate) test_all: TestAllState,
    /// Profiles the last Test all could not test (no secret here), by id: the words why.
    pub(crate) untested: BTreeMap<String, String>,
    /// The questions before a login is sent, and this session's refusals.
    pub(crate) guard: GuardState,
    /// The path field of Save report, Import, Export and CA file (no native dialog).
    pub(crate) path_dialog: Option<PathDialog>,
    /// Home and Documents, for the path field (read off the UI thread at start-up).
    pub(crate) folders: Folders,
}

impl ProfilesState {
    /// The state of a sidebar being opened (`enabled`) or of no sidebar.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            backend: None,
            open_error: None,
            keyring: None,
            snapshot: Snapshot::default(),
            selected: None,
            secret: SecretState::None,
            history: Vec::new(),
            dialog: None,
            in_flight: InFlight::default(),
            test_all: TestAllState::default(),
            untested: BTreeMap::new(),
            guard: GuardState::default(),
            path_dialog: None,
            folders: Folders::default(),
        }
    }

    /// The selected profile.
    pub fn selected(&self) -> Option<&Profile> {
        self.find(self.selected.as_deref()?)
    }

    /// A dialog of the sidebar, the guard or the path field is open (the window's own keys wait).
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some() || self.guard.dialog.is_some() || self.path_dialog.is_some()
    }

    /// The sentence about the keyring when secrets cannot be saved.
    pub fn keyring_limited(&self) -> Option<String> {
        self.keyring.as_ref().and_then(Availability::message_if_limited)
    }

    /// The selected profile's secret is not on this computer (and the form has none typed): the
    /// words to show instead, e.g. "Key not stored on this computer".
    pub fn secret_missing(&self, form: &FormState) -> Option<String> {
        let profile = self.selected()?;
        if !form.secret.trim().is_empty() {
            return None;
        }
        let why = match &self.secret {
            SecretState::Loaded(None) => crate::profiles::NoSecret::NotSaved,
            SecretState::Failed(e) => crate::profiles::NoSecret::Unreadable(e.clone()),
            _ => return None,
        };
        Some(why.headline(profile.target.auth))
    }

    pub fn find(&self, id: &str) -> Option<&Profile> {
        self.snapshot.profiles.iter().find(|p| p.id == id)
    }

    pub fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        let key = model::name_key(name);
        self.snapshot
            .profiles
            .iter()
            .any(|p| Some(p.id.as_str()) != except && model::name_key(&p.name) == key)
    }

    /// The secret loaded for the selected profile, if any (`""` when none is saved).
    pub fn loaded_secret(&self) -> Option<&str> {
        match &self.secret {
            SecretState::Loaded(s) => Some(s.as_ref().map(|s| s.expose()).unwrap_or("")),
            _ => None,
        }
    }
}

/// Read access for the integration tests (the `testing` feature).
#[cfg(feature = "testing")]
impl ProfilesState {
    /// The profiles are open and no operation is running: the buttons are usable.
    pub fn is_ready(&self) -> bool {
        self.backend.is_some() && self.in_flight.is_idle()
    }

    pub fn list(&self) -> &[Profile] {
        &self.snapshot.profiles
    }

    pub fn latest(&self, id: &str) -> Option<&HistoryEntry> {
        self.snapshot.latest.get(id)
    }

    pub fn secret_state(&self) -> &SecretState {
        &self.secret
    }

    /// The selected profile's results, newest first.
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// "No keyring service is running on this computer…" when secrets are kept for this session only.
    pub fn keyring_note(&self) -> Option<String> {
        self.keyring_limited()
    }

    /// The question open before a login, if any.
    pub fn guard_dialog(&self) -> Option<&super::guard::GuardDialog> {
        self.guard.dialog.as_ref()
    }

    /// The path field's dialog, if open.
    pub fn path_dialog(&self) -> Option<&PathDialog> {
        self.path_dialog.as_ref()
    }

    pub fn test_all_rows(&self) -> &[super::super::test_all::TestAllRow] {
        &self.test_all.rows
    }

    pub fn test_all_running(&self) -> bool {
        self.test_all.is_running()
    }
}

/// The form differs from the selected profile (or no profile is selected and the form is not
/// empty): the sidebar says "Unsaved changes", and switching away asks first.
pub fn form_changed(p: &ProfilesState, form: &FormState) -> bool {
    let Some(profile) = p.selected() else {
        return !form.is_blank();
    };
    if form.target.normalised() != profile.target {
        return true;
    }
    match &p.secret {
        SecretState::Loaded(_) => Some(form.secret.as_str()) != p.loaded_secret(),
        SecretState::Failed(_) => !form.secret.is_empty(),
        SecretState::Loading | SecretState::None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_ends_only_its_own_work_and_only_once() {
        let mut f = InFlight::default();
        let save = f.start(Work::Save);
        let import = f.start(Work::ReadImport);
        f.finish(save);
        f.finish(save);
        assert!(!f.is_idle(), "the import still runs");
        assert!(f.is_running(Work::ReadImport) && !f.is_running(Work::Save));
        f.finish(import);
        assert!(f.is_idle());
    }
}
