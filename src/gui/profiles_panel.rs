//! The "Profiles" sidebar: the saved profiles with their last result, New / Save / Rename /
//! Duplicate / Delete, Import / Export, Test all, and the selected profile's history.
//!
//! Selecting a profile fills the form at once and its secret from the keyring a moment later (off
//! the UI thread; the sidebar says "loading secret…"). Secrets are never shown here: the sidebar,
//! the history and the dialogs hold names, addresses, usernames, outcomes and our own hints only.
//! All file and keyring work goes through [`super::profiles_worker`].

use eframe::egui;

use super::profiles_worker::{self as pw, Backend, Outbox, ProfilesMsg, ProfilesSource, Snapshot};
use super::state::{Command, FormState, Status, fmt_ms};
use super::test_all::{self, TestAllRow, TestAllState};
use super::{App, Wake, theme};
use crate::profiles::{ConflictPolicy, HistoryEntry, ImportPlan, Profile, model};
use crate::secret::Secret;
use egui::{RichText, TextEdit, Ui};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::Instant;

/// What the sidebar (and its dialogs) ask the app to do.
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
    Export,
    /// Export to this file (what Export does after the file dialog).
    ExportTo(PathBuf),
    TestAll,
    StopTestAll,
    CloseDialog,
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
    Failed(String),
}

/// An open dialog.
#[derive(Debug, Clone)]
enum Dialog {
    NewName {
        name: String,
        error: Option<String>,
        focused: bool,
    },
    Rename {
        id: String,
        name: String,
        error: Option<String>,
        focused: bool,
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

/// The sidebar's state.
pub struct ProfilesState {
    enabled: bool,
    backend: Option<Backend>,
    open_error: Option<String>,
    keyring_note: Option<String>,
    snapshot: Snapshot,
    selected: Option<String>,
    secret: SecretState,
    history: Vec<HistoryEntry>,
    dialog: Option<Dialog>,
    busy: usize,
    test_all: TestAllState,
    last_run_seen: Option<Instant>,
    rx: Receiver<ProfilesMsg>,
    out: Outbox,
}

impl ProfilesState {
    /// Start opening the profiles in the background (nothing happens for [`ProfilesSource::Off`]).
    pub fn start(rt: &tokio::runtime::Handle, source: ProfilesSource, wake: Wake) -> Self {
        let (tx, rx) = mpsc::channel();
        let out = Outbox { tx, wake };
        let enabled = !matches!(source, ProfilesSource::Off);
        if enabled {
            pw::open(rt, source, out.clone());
        }
        Self {
            enabled,
            backend: None,
            open_error: None,
            keyring_note: None,
            snapshot: Snapshot::default(),
            selected: None,
            secret: SecretState::None,
            history: Vec::new(),
            dialog: None,
            busy: usize::from(enabled),
            test_all: TestAllState::default(),
            last_run_seen: None,
            rx,
            out,
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The profiles are open (and no operation is running).
    pub fn is_ready(&self) -> bool {
        self.backend.is_some() && self.busy == 0
    }

    pub fn is_busy(&self) -> bool {
        self.busy > 0
    }

    pub fn list(&self) -> &[Profile] {
        &self.snapshot.profiles
    }

    pub fn latest(&self, id: &str) -> Option<&HistoryEntry> {
        self.snapshot.latest.get(id)
    }

    pub fn selected(&self) -> Option<&Profile> {
        let id = self.selected.as_deref()?;
        self.snapshot.profiles.iter().find(|p| p.id == id)
    }

    pub fn secret_state(&self) -> &SecretState {
        &self.secret
    }

    pub fn is_loading_secret(&self) -> bool {
        matches!(self.secret, SecretState::Loading)
    }

    /// The selected profile's results, newest first.
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// "No system keyring is available…" when secrets are kept for this session only.
    pub fn keyring_note(&self) -> Option<&str> {
        self.keyring_note.as_deref()
    }

    pub fn test_all_rows(&self) -> &[TestAllRow] {
        &self.test_all.rows
    }

    pub fn test_all_running(&self) -> bool {
        self.test_all.running
    }

    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    fn find(&self, id: &str) -> Option<&Profile> {
        self.snapshot.profiles.iter().find(|p| p.id == id)
    }

    fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        let key = model::name_key(name);
        self.snapshot
            .profiles
            .iter()
            .any(|p| Some(p.id.as_str()) != except && model::name_key(&p.name) == key)
    }
}

/// The form's non-secret fields match the profile.
pub fn form_matches(p: &Profile, form: &FormState) -> bool {
    form.url.trim() == p.url && form.auth == p.auth && form.username == p.username && form.options() == p.options
}

/// A profile's settings in the form (the secret comes later, from the keyring).
fn form_from_profile(p: &Profile) -> FormState {
    FormState::from_options(p.url.clone(), p.auth, p.username.clone(), &p.options)
}

fn name_problem(name: &str) -> Option<String> {
    model::check_name(name).err()
}

/// "3 min ago", from an RFC 3339 time.
pub fn ago(at: &str) -> String {
    let Ok(t) = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339) else {
        return at.to_string();
    };
    let secs = (time::OffsetDateTime::now_utc() - t).whole_seconds().max(0);
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => {
            let days = secs / 86_400;
            format!("{days} day{} ago", if days == 1 { "" } else { "s" })
        }
    }
}

/// "ok · 3 min ago" / "failed · 2 h ago".
pub fn badge(e: &HistoryEntry) -> String {
    let what = if e.is_ok() { "ok" } else { "failed" };
    format!("{what} · {}", ago(&e.at))
}

impl App {
    // ---- read access for tests ----

    /// The sidebar's state.
    pub fn profiles(&self) -> &ProfilesState {
        &self.profiles
    }

    /// The form differs from the selected profile (or no profile is selected and the form is not empty).
    pub fn profile_form_changed(&self) -> bool {
        let p = &self.profiles;
        match p.selected() {
            None => !(self.form.url.trim().is_empty() && self.form.username.is_empty() && self.form.secret.is_empty()),
            Some(profile) => {
                if !form_matches(profile, &self.form) {
                    return true;
                }
                match &p.secret {
                    SecretState::Loaded(s) => self.form.secret != s.as_ref().map(|s| s.expose()).unwrap_or(""),
                    SecretState::Failed(_) => !self.form.secret.is_empty(),
                    SecretState::Loading | SecretState::None => false,
                }
            }
        }
    }

    // ---- commands ----

    pub(super) fn profiles_apply(&mut self, cmd: ProfilesCmd) {
        let rt = self.rt.clone();
        let Some(backend) = self.profiles.backend.clone() else {
            return;
        };
        let out = self.profiles.out.clone();
        // Switching away from a selected profile with edits in the form asks first.
        let replaces_form = matches!(&cmd, ProfilesCmd::New)
            || matches!(&cmd, ProfilesCmd::Select(id) if self.profiles.selected.as_ref() != Some(id));
        if replaces_form && self.profiles.selected.is_some() && self.profile_form_changed() {
            self.profiles.dialog = Some(Dialog::Discard { then: cmd });
            return;
        }
        let cmd = match cmd {
            ProfilesCmd::DiscardingChanges(inner) => {
                self.profiles.dialog = None;
                *inner
            }
            other => other,
        };
        match cmd {
            ProfilesCmd::DiscardingChanges(_) => {}
            ProfilesCmd::Select(id) => self.select_profile(&backend, id),
            ProfilesCmd::New => {
                self.profiles.selected = None;
                self.profiles.secret = SecretState::None;
                self.profiles.history.clear();
                self.form = FormState::default();
                self.status = Status::normal("New profile: fill in the form, then press Save.");
            }
            ProfilesCmd::Save => {
                let selected = self.profiles.selected().cloned();
                match selected {
                    Some(mut p) => {
                        p.url = self.form.url.trim().to_string();
                        p.auth = self.form.auth;
                        p.username = self.form.username.clone();
                        p.options = self.form.options();
                        let unchanged_secret = match &self.profiles.secret {
                            SecretState::Loaded(Some(s)) => s.expose() == self.form.secret,
                            _ => false,
                        };
                        let secret = (!self.form.secret.is_empty() && !unchanged_secret)
                            .then(|| Secret::new(self.form.secret.clone()));
                        self.profiles.busy += 1;
                        pw::save(&rt, &backend, &out, p, secret, false);
                        self.status = Status::normal("Saving the profile…");
                    }
                    None => {
                        let base = url::Url::parse(self.form.url.trim())
                            .ok()
                            .and_then(|u| u.host_str().map(str::to_string))
                            .unwrap_or_default();
                        let name = if base.is_empty() {
                            String::new()
                        } else {
                            model::unique_name(&base, |n| self.profiles.name_taken(n, None))
                        };
                        self.profiles.dialog = Some(Dialog::NewName {
                            name,
                            error: None,
                            focused: false,
                        });
                    }
                }
            }
            ProfilesCmd::SaveAs(name) => {
                let problem = name_problem(&name).or_else(|| {
                    self.profiles
                        .name_taken(&name, None)
                        .then(|| format!("there is already a profile named \"{}\"", name.trim()))
                });
                if let Some(error) = problem {
                    if let Some(Dialog::NewName { error: e, .. }) = &mut self.profiles.dialog {
                        *e = Some(error);
                    } else {
                        self.status = Status::bad(format!("Not saved: {error}"));
                    }
                    return;
                }
                self.profiles.dialog = None;
                let p = Profile::new(
                    name,
                    self.form.url.clone(),
                    self.form.auth,
                    self.form.username.clone(),
                    self.form.options(),
                );
                let secret = (!self.form.secret.is_empty()).then(|| Secret::new(self.form.secret.clone()));
                self.profiles.busy += 1;
                pw::save(&rt, &backend, &out, p, secret, true);
                self.status = Status::normal("Saving the profile…");
            }
            ProfilesCmd::AskRename => {
                if let Some(p) = self.profiles.selected().cloned() {
                    self.profiles.dialog = Some(Dialog::Rename {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        error: None,
                        focused: false,
                    });
                }
            }
            ProfilesCmd::Rename { id, name } => {
                let problem = name_problem(&name).or_else(|| {
                    self.profiles
                        .name_taken(&name, Some(&id))
                        .then(|| format!("there is already a profile named \"{}\"", name.trim()))
                });
                if let Some(error) = problem {
                    if let Some(Dialog::Rename { error: e, .. }) = &mut self.profiles.dialog {
                        *e = Some(error);
                    }
                    return;
                }
                self.profiles.dialog = None;
                self.profiles.busy += 1;
                pw::rename(&rt, &backend, &out, id, name);
            }
            ProfilesCmd::Duplicate => {
                if let Some(id) = self.profiles.selected.clone() {
                    self.profiles.busy += 1;
                    pw::duplicate(&rt, &backend, &out, id);
                }
            }
            ProfilesCmd::AskDelete => {
                if let Some(p) = self.profiles.selected().cloned() {
                    self.profiles.dialog = Some(Dialog::Delete {
                        id: p.id.clone(),
                        name: p.name.clone(),
                    });
                }
            }
            ProfilesCmd::ConfirmDelete(id) => {
                self.profiles.dialog = None;
                self.profiles.busy += 1;
                pw::delete(&rt, &backend, &out, id);
            }
            ProfilesCmd::Import => {
                self.profiles.busy += 1;
                pw::pick_import(&rt, &backend, &out);
                self.status = Status::normal("Choose the file to import…");
            }
            ProfilesCmd::ImportFrom(path) => {
                self.profiles.busy += 1;
                let (b, o) = (backend.clone(), out.clone());
                rt.spawn(async move { pw::plan_import_file(&b, &o, path).await });
            }
            ProfilesCmd::ApplyImport(policy) => {
                if let Some(Dialog::Import { plan, .. }) = self.profiles.dialog.take() {
                    self.profiles.busy += 1;
                    pw::apply_import(&rt, &backend, &out, plan, policy);
                }
            }
            ProfilesCmd::Export => {
                self.profiles.busy += 1;
                pw::pick_export(&rt, &backend, &out);
                self.status = Status::normal("Choose where to export the profiles…");
            }
            ProfilesCmd::ExportTo(path) => {
                self.profiles.busy += 1;
                pw::export_to(&rt, &backend, &out, path);
            }
            ProfilesCmd::TestAll => {
                if self.profiles.test_all.running || self.profiles.snapshot.profiles.is_empty() {
                    return;
                }
                let list = self.profiles.snapshot.profiles.clone();
                let (handle, token) = crate::engine::cancel_pair();
                self.profiles.test_all.start(&list, handle);
                pw::test_all(&rt, &backend, &out, list, token);
                self.status = Status::normal("Testing every saved profile, one after another…");
            }
            ProfilesCmd::StopTestAll => {
                if let Some(c) = &self.profiles.test_all.cancel {
                    c.cancel();
                }
                self.status = Status::normal("Stopping the tests…");
            }
            ProfilesCmd::CloseDialog => self.profiles.dialog = None,
        }
    }

    fn select_profile(&mut self, backend: &Backend, id: String) {
        let Some(p) = self.profiles.find(&id).cloned() else {
            return;
        };
        self.form = form_from_profile(&p);
        self.profiles.selected = Some(id.clone());
        self.profiles.secret = SecretState::Loading;
        self.profiles.history.clear();
        pw::load_secret(&self.rt, backend, &self.profiles.out, id.clone());
        pw::load_history(&self.rt, backend, &self.profiles.out, id);
        self.status = Status::normal(format!("Profile \"{}\" loaded.", p.name));
    }

    // ---- background results ----

    /// Drain the profiles messages and record a finished check of the selected profile. Never blocks.
    pub(super) fn profiles_logic(&mut self) {
        while let Ok(msg) = self.profiles.rx.try_recv() {
            self.on_profiles_msg(msg);
        }
        self.record_finished_check();
    }

    fn on_profiles_msg(&mut self, msg: ProfilesMsg) {
        let p = &mut self.profiles;
        match msg {
            ProfilesMsg::Opened {
                backend,
                warnings,
                keyring_limited,
            } => {
                p.busy = p.busy.saturating_sub(1);
                p.keyring_note = keyring_limited;
                match backend {
                    Ok(b) => {
                        p.backend = Some(b.clone());
                        // The list itself is read in the background too.
                        p.busy += 1;
                        pw::op(&self.rt, &b, &p.out, |_| {
                            Ok(pw::OpDone {
                                message: Ok(String::new()),
                                snapshot: Snapshot::default(),
                                select: None,
                                saved_secret: None,
                            })
                        });
                    }
                    Err(e) => p.open_error = Some(e),
                }
                // The keyring note stays in the sidebar (shown once, not repeated in the status line).
                let mut notes: Vec<String> = warnings;
                if let Some(e) = &p.open_error {
                    notes.insert(0, e.clone());
                }
                if !notes.is_empty() {
                    self.status = Status::bad(notes.join(" "));
                }
            }
            ProfilesMsg::SecretLoaded { id, result } => {
                if p.selected.as_deref() != Some(id.as_str()) || !matches!(p.secret, SecretState::Loading) {
                    return;
                }
                match result {
                    Ok(secret) => {
                        // Keep what the user typed meanwhile.
                        if self.form.secret.is_empty()
                            && let Some(s) = &secret
                        {
                            self.form.secret = s.expose().to_string();
                        }
                        self.form.show_secret = false;
                        p.secret = SecretState::Loaded(secret);
                    }
                    Err(e) => {
                        self.status = Status::bad(format!("The saved secret could not be read: {e}"));
                        p.secret = SecretState::Failed(e);
                    }
                }
            }
            ProfilesMsg::History { id, entries } => {
                if p.selected.as_deref() == Some(id.as_str()) {
                    p.history = entries.unwrap_or_default();
                }
            }
            ProfilesMsg::Done(done) => {
                p.busy = p.busy.saturating_sub(1);
                let done = *done;
                p.snapshot = done.snapshot;
                if let Some(sel) = &p.selected
                    && !p.snapshot.profiles.iter().any(|x| &x.id == sel)
                {
                    p.selected = None;
                    p.secret = SecretState::None;
                    p.history.clear();
                }
                match done.select {
                    Some(id) if id.is_empty() => {
                        p.selected = None;
                        p.secret = SecretState::None;
                        p.history.clear();
                    }
                    Some(id) => {
                        let same = p.selected.as_deref() == Some(id.as_str());
                        p.selected = Some(id.clone());
                        if let Some(s) = done.saved_secret {
                            p.secret = SecretState::Loaded(Some(s));
                        } else if !same {
                            // A copy: its secret was copied in the keyring; read it back.
                            if let Some(b) = p.backend.clone() {
                                p.secret = SecretState::Loading;
                                pw::load_secret(&self.rt, &b, &p.out, id.clone());
                            }
                        }
                        if let Some(b) = p.backend.clone() {
                            pw::load_history(&self.rt, &b, &p.out, id);
                        }
                    }
                    None => {}
                }
                match done.message {
                    Ok(m) if m.is_empty() => {}
                    Ok(m) => self.status = Status::good(m),
                    Err(m) => self.status = Status::bad(m),
                }
            }
            ProfilesMsg::ImportPlanned(r) => {
                p.busy = p.busy.saturating_sub(1);
                match r {
                    None => {
                        self.status = Status::normal(
                            "Nothing imported (no file chosen, or no file dialog is available on this system).",
                        )
                    }
                    Some(Err(e)) => self.status = Status::bad(format!("Nothing imported: {e}")),
                    Some(Ok((path, plan))) => p.dialog = Some(Dialog::Import { path, plan }),
                }
            }
            ProfilesMsg::Row(i, row) => p.test_all.set_row(i, row),
            ProfilesMsg::TestAllFinished => {
                p.test_all.finish();
                let ok = p
                    .test_all
                    .rows
                    .iter()
                    .filter(|r| r.outcome() == Some(crate::transcript::Outcome::Ok))
                    .count();
                self.status = Status::normal(format!("Tested {} profiles: {ok} work.", p.test_all.rows.len()));
            }
        }
    }

    /// After a check of the selected profile (the form exactly as saved), add it to the history.
    fn record_finished_check(&mut self) {
        let Some(run) = &self.run else { return };
        let Some(result) = &run.result else { return };
        if self.profiles.last_run_seen == Some(run.started) {
            return;
        }
        self.profiles.last_run_seen = Some(run.started);
        if run.cancelled_at.is_some() {
            return;
        }
        let Some(profile) = self.profiles.selected() else {
            return;
        };
        let plan = &run.plan;
        let same_settings = plan.input_url.trim() == profile.url
            && plan.auth == profile.auth
            && plan.username == profile.username
            && plan.options == profile.options;
        let same_secret = match &self.profiles.secret {
            SecretState::Loaded(s) => plan.secret.expose() == s.as_ref().map(|s| s.expose()).unwrap_or(""),
            _ => false,
        };
        if !(same_settings && same_secret) {
            return;
        }
        let id = profile.id.clone();
        if let Some(b) = self.profiles.backend.clone()
            && b.history.is_some()
        {
            self.profiles.busy += 1;
            pw::record(&self.rt, &b, &self.profiles.out, id, result.clone());
        }
    }

    // ---- views ----

    /// The sidebar, the Test all window and the dialogs.
    pub(super) fn profiles_ui(&mut self, ui: &mut Ui, cmds: &mut Vec<Command>) {
        if !self.profiles.enabled {
            return;
        }
        let changed = self.profile_form_changed();
        let running = self.is_running();
        egui::Panel::left("profiles_panel")
            .resizable(true)
            .default_size(220.0)
            .size_range(160.0..=420.0)
            .show(ui, |ui| sidebar(ui, &self.profiles, changed, running, cmds));
        let ctx = ui.ctx().clone();
        test_all::show(&ctx, &mut self.profiles.test_all, cmds);
        dialog(&ctx, &mut self.profiles.dialog, cmds);
    }
}

fn push(cmds: &mut Vec<Command>, c: ProfilesCmd) {
    cmds.push(Command::Profiles(c));
}

fn sidebar(ui: &mut Ui, p: &ProfilesState, changed: bool, running: bool, cmds: &mut Vec<Command>) {
    ui.add_space(6.0);
    ui.heading("Profiles");
    if let Some(note) = &p.keyring_note {
        ui.label(RichText::new(note).color(theme::warn(ui)).small());
    }
    if let Some(e) = &p.open_error {
        ui.label(RichText::new(e).color(theme::error(ui)).small());
        return;
    }
    if p.backend.is_none() {
        ui.weak("Opening the saved profiles…");
        return;
    }
    ui.add_space(4.0);
    let ready = p.busy == 0;
    let has_sel = p.selected.is_some();

    egui::ScrollArea::vertical()
        .id_salt("profiles_list")
        .max_height((ui.available_height() * 0.5).max(120.0))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if p.snapshot.profiles.is_empty() {
                ui.weak("No saved profiles yet. Fill in the form and press Save.");
            }
            for prof in &p.snapshot.profiles {
                let is_sel = p.selected.as_deref() == Some(prof.id.as_str());
                let r = ui
                    .selectable_label(is_sel, RichText::new(&prof.name).strong())
                    .on_hover_text(format!("{}\n{}", prof.url, prof.username));
                if r.clicked() && !is_sel {
                    push(cmds, ProfilesCmd::Select(prof.id.clone()));
                }
                match p.snapshot.latest.get(&prof.id) {
                    Some(e) => {
                        let color = if e.is_ok() { theme::ok(ui) } else { theme::error(ui) };
                        let mut hover = e.summary();
                        if let Some(h) = &e.hint_title {
                            hover.push_str(&format!("\n{h}"));
                        }
                        ui.label(RichText::new(format!("  {}", badge(e))).small().color(color))
                            .on_hover_text(hover);
                    }
                    None => {
                        ui.label(RichText::new("  not tested yet").small().weak());
                    }
                }
            }
        });

    ui.add_space(2.0);
    if has_sel && matches!(p.secret, SecretState::Loading) {
        ui.weak("loading secret…");
    }
    if let SecretState::Failed(e) = &p.secret {
        ui.label(
            RichText::new(format!("Secret not read: {e}"))
                .small()
                .color(theme::error(ui)),
        );
    }
    if changed {
        let text = if has_sel {
            "Unsaved changes"
        } else {
            "Not saved as a profile"
        };
        ui.label(RichText::new(text).color(theme::warn(ui)))
            .on_hover_text("The form differs from the saved profile. Press Save to keep the changes.");
    }

    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new("New"))
            .on_hover_text("Start a new profile with an empty form")
            .clicked()
        {
            push(cmds, ProfilesCmd::New);
        }
        let save_tip = if has_sel {
            "Save the form into the selected profile (the secret goes to the system keyring)"
        } else {
            "Save the form as a new profile (the secret goes to the system keyring)"
        };
        if ui
            .add_enabled(ready, egui::Button::new("Save"))
            .on_hover_text(save_tip)
            .clicked()
        {
            push(cmds, ProfilesCmd::Save);
        }
        if ui.add_enabled(ready && has_sel, egui::Button::new("Rename…")).clicked() {
            push(cmds, ProfilesCmd::AskRename);
        }
        if ui
            .add_enabled(ready && has_sel, egui::Button::new("Duplicate"))
            .on_hover_text("Make a copy of the selected profile, with its secret")
            .clicked()
        {
            push(cmds, ProfilesCmd::Duplicate);
        }
        if ui
            .add_enabled(ready && has_sel, egui::Button::new("Delete…"))
            .on_hover_text("Delete the selected profile, its saved secret and its history")
            .clicked()
        {
            push(cmds, ProfilesCmd::AskDelete);
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new("Import…"))
            .on_hover_text("Add profiles from an exported file (never overwrites without asking)")
            .clicked()
        {
            push(cmds, ProfilesCmd::Import);
        }
        if ui
            .add_enabled(ready && !p.snapshot.profiles.is_empty(), egui::Button::new("Export…"))
            .on_hover_text("Write the profiles to a file, without any secret")
            .clicked()
        {
            push(cmds, ProfilesCmd::Export);
        }
        if ui
            .add_enabled(
                ready && !running && !p.test_all.running && !p.snapshot.profiles.is_empty(),
                egui::Button::new("Test all"),
            )
            .on_hover_text("Test every saved profile in turn: one sign-in attempt each")
            .clicked()
        {
            push(cmds, ProfilesCmd::TestAll);
        }
    });

    if let Some(sel) = p.selected() {
        ui.add_space(6.0);
        egui::CollapsingHeader::new(format!("History of {}", sel.name))
            .id_salt("profile_history")
            .default_open(true)
            .show(ui, |ui| {
                ui.weak(format!("{} · {}", sel.url, sel.username));
                if p.history.is_empty() {
                    ui.weak("No results yet.");
                }
                egui::ScrollArea::vertical()
                    .id_salt("profile_history_scroll")
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for e in &p.history {
                            let color = if e.is_ok() { theme::ok(ui) } else { theme::error(ui) };
                            ui.label(
                                RichText::new(format!("{} · {}", e.summary(), fmt_ms(e.duration_ms)))
                                    .small()
                                    .color(color),
                            );
                            if let Some(h) = &e.hint_title {
                                ui.label(RichText::new(format!("   {h}")).small());
                            }
                        }
                    });
            });
    }
}

/// The open dialog, as a modal. Enter confirms a name; Esc or a click outside closes.
fn dialog(ctx: &egui::Context, dialog: &mut Option<Dialog>, cmds: &mut Vec<Command>) {
    let Some(d) = dialog else { return };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("profiles_dialog")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        match d {
            Dialog::NewName { name, error, focused } => {
                ui.heading("Save as a new profile");
                ui.label("The secret goes to the system keyring, never to the profiles file.");
                if let Some(c) = name_field(ui, "Profile name", name, error, focused) {
                    push(cmds, ProfilesCmd::SaveAs(c));
                }
                ui.horizontal(|ui| {
                    if ui.button("Save profile").clicked() {
                        push(cmds, ProfilesCmd::SaveAs(name.clone()));
                    }
                    if ui.button("Go back").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::Rename {
                id,
                name,
                error,
                focused,
            } => {
                ui.heading("Rename the profile");
                if let Some(c) = name_field(ui, "New name", name, error, focused) {
                    push(
                        cmds,
                        ProfilesCmd::Rename {
                            id: id.clone(),
                            name: c,
                        },
                    );
                }
                ui.horizontal(|ui| {
                    if ui.button("Rename profile").clicked() {
                        push(
                            cmds,
                            ProfilesCmd::Rename {
                                id: id.clone(),
                                name: name.clone(),
                            },
                        );
                    }
                    if ui.button("Go back").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::Delete { id, name } => {
                ui.heading("Delete the profile?");
                ui.label(format!(
                    "\"{name}\" will be deleted, with its secret in the system keyring and its history. \
                     This cannot be undone."
                ));
                ui.horizontal(|ui| {
                    let yes = ui.button(RichText::new("Yes, delete").color(theme::error(ui)));
                    if yes.clicked() {
                        push(cmds, ProfilesCmd::ConfirmDelete(id.clone()));
                    }
                    let no = ui.button("No, keep it");
                    if no.clicked() {
                        close = true;
                    }
                    // Keyboard: the safe choice has the focus.
                    if !yes.has_focus() && !no.has_focus() && ui.memory(|m| m.focused().is_none()) {
                        no.request_focus();
                    }
                });
            }
            Dialog::Discard { then } => {
                ui.heading("Discard the changes?");
                ui.label("The form has changes that are not saved in the selected profile.");
                ui.horizontal(|ui| {
                    let discard = ui.button("Discard changes");
                    if discard.clicked() {
                        push(cmds, ProfilesCmd::DiscardingChanges(Box::new(then.clone())));
                    }
                    let back = ui.button("Keep editing");
                    if back.clicked() {
                        close = true;
                    }
                    // Keyboard: the safe choice has the focus.
                    if !discard.has_focus() && !back.has_focus() && ui.memory(|m| m.focused().is_none()) {
                        back.request_focus();
                    }
                });
            }
            Dialog::Import { path, plan } => {
                ui.heading("Import profiles");
                ui.label(format!("From {}:", path.display()));
                let described = plan.describe();
                if described.trim().is_empty() {
                    ui.label("The file has no profiles.");
                } else {
                    egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
                        ui.label(RichText::new(described.trim_end()).monospace());
                    });
                }
                ui.label("Imported profiles have no secret (exports never carry one).");
                ui.horizontal_wrapped(|ui| {
                    if plan.has_conflicts() {
                        ui.label(RichText::new("Some names are already used:").color(theme::warn(ui)));
                        if ui
                            .button("Add them under new names")
                            .on_hover_text("e.g. \"Prod (2)\"; the saved profiles stay as they are")
                            .clicked()
                        {
                            push(cmds, ProfilesCmd::ApplyImport(ConflictPolicy::Rename));
                        }
                        if ui
                            .button("Replace the saved ones")
                            .on_hover_text("Overwrite the saved profiles' settings; they keep their secrets")
                            .clicked()
                        {
                            push(cmds, ProfilesCmd::ApplyImport(ConflictPolicy::Replace));
                        }
                        if ui.button("Leave those out").clicked() {
                            push(cmds, ProfilesCmd::ApplyImport(ConflictPolicy::Skip));
                        }
                    } else if !plan.add.is_empty() && ui.button("Import them").clicked() {
                        push(cmds, ProfilesCmd::ApplyImport(ConflictPolicy::Refuse));
                    }
                    if ui.button("Go back").clicked() {
                        close = true;
                    }
                });
            }
        }
    });
    if close || modal.should_close() {
        *dialog = None;
    }
}

/// A name field; returns the name when Enter is pressed in it.
fn name_field(
    ui: &mut Ui,
    label: &str,
    name: &mut String,
    error: &Option<String>,
    focused: &mut bool,
) -> Option<String> {
    let l = ui.label(label);
    let r = ui
        .add(TextEdit::singleline(name).desired_width(320.0))
        .labelled_by(l.id);
    if !*focused {
        r.request_focus();
        *focused = true;
    }
    if let Some(e) = error {
        ui.label(RichText::new(e).color(theme::error(ui)));
    }
    (r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))).then(|| name.clone())
}
