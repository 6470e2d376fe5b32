//! The sidebar's part of the window's reducer: every [`ProfilesCmd`] and every [`ProfilesMsg`] is
//! applied here (called from `gui::update`, the only caller). File and keyring work is started
//! here, each piece with a [`Ticket`](super::Ticket), and ends with the message that carries it.

use super::super::command::Background;
use super::super::path_dialog::{self, Folders, PathDialog, PathPurpose};
use super::super::profiles_worker::{self as pw, OpDone, ProfilesMsg, ProfilesSource, Snapshot, TestAllItem};
use super::super::state::{FormState, RunPhase, State, Status};
use super::super::test_all::TestAllRowState;
use super::state::{Dialog, ProfilesCmd, ProfilesState, SecretState, Selection, Work, form_changed};
use crate::profiles::{Profile, model};
use crate::secret::Secret;

/// The sidebar's state, opening the profiles in the background (nothing happens for
/// [`ProfilesSource::Off`]).
pub fn start(bg: &Background, source: ProfilesSource) -> ProfilesState {
    let enabled = !matches!(source, ProfilesSource::Off);
    let mut p = ProfilesState::new(enabled);
    if enabled {
        let ticket = p.in_flight.start(Work::Open);
        pw::open(bg, ticket, source);
    }
    // The path field's default folder (reading it is file I/O on Linux).
    let out = bg.out.clone();
    bg.rt
        .spawn_blocking(move || out.send(ProfilesMsg::Folders(Folders::read())));
    p
}

/// Offer the path field for `purpose` (no native file dialog, or it returned nothing).
pub fn offer_path(state: &mut State, purpose: PathPurpose, after_native: bool) {
    let file_name = match purpose {
        PathPurpose::Export => Some(path_dialog::EXPORT_FILE_NAME.to_string()),
        PathPurpose::SaveReport => state.run.as_ref().and_then(|r| {
            let result = r.result()?;
            let report = crate::report::build(&r.plan, &result.transcript, &result.hints);
            Some(format!("{}.json", crate::report_markdown::default_file_stem(&report)))
        }),
        PathPurpose::Import | PathPurpose::CaFile => None,
    };
    let p = &mut state.profiles;
    let mut path = path_dialog::initial_text(purpose, &p.folders, file_name.as_deref());
    if purpose == PathPurpose::CaFile
        && let Some(ca) = &state.form.target.options.ca_file
    {
        path = ca.display().to_string();
    }
    p.path_dialog = Some(PathDialog {
        purpose,
        path,
        after_native,
    });
}

/// Commands that need no open profiles: the guard's and the path field's. `true`: handled.
fn apply_without_backend(state: &mut State, cmd: &ProfilesCmd) -> bool {
    match cmd {
        ProfilesCmd::CloseGuardDialog => super::guard::close(state),
        ProfilesCmd::EditPath(text) => {
            if let Some(d) = &mut state.profiles.path_dialog {
                d.path = text.clone();
            }
        }
        ProfilesCmd::ClosePathDialog => state.profiles.path_dialog = None,
        _ => return false,
    }
    true
}

/// Apply a command of the sidebar, its dialogs or the Test all table.
pub fn apply(state: &mut State, bg: &Background, cmd: ProfilesCmd) {
    if apply_without_backend(state, &cmd) {
        return;
    }
    let Some(backend) = state.profiles.backend.clone() else {
        return;
    };
    // Switching away from a selected profile with edits in the form asks first.
    let replaces_form = matches!(&cmd, ProfilesCmd::New)
        || matches!(&cmd, ProfilesCmd::Select(id) if state.profiles.selected.as_ref() != Some(id));
    if replaces_form && state.profiles.selected.is_some() && form_changed(&state.profiles, &state.form) {
        state.profiles.dialog = Some(Dialog::Discard { then: cmd });
        return;
    }
    let cmd = match cmd {
        ProfilesCmd::DiscardingChanges(inner) => {
            state.profiles.dialog = None;
            *inner
        }
        other => other,
    };
    let p = &mut state.profiles;
    match cmd {
        ProfilesCmd::DiscardingChanges(_) => {}
        ProfilesCmd::Select(id) => select(state, bg, id),
        ProfilesCmd::New => {
            clear_selection(p);
            state.form = FormState::default();
            state.status = Status::normal("New profile: fill in the form, then press Save.");
        }
        ProfilesCmd::Save => save(state, bg),
        ProfilesCmd::SaveAs(name) => save_as(state, bg, name),
        ProfilesCmd::AskRename => {
            if let Some(s) = p.selected() {
                p.dialog = Some(Dialog::Rename {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    error: None,
                });
            }
        }
        ProfilesCmd::Rename { id, name } => {
            let problem = model::check_name(&name).err().or_else(|| {
                p.name_taken(&name, Some(&id))
                    .then(|| format!("there is already a profile named \"{}\"", name.trim()))
            });
            if let Some(problem) = problem {
                if let Some(Dialog::Rename { error, .. }) = &mut p.dialog {
                    *error = Some(problem);
                }
                return;
            }
            p.dialog = None;
            let ticket = p.in_flight.start(Work::Rename);
            pw::rename(bg, &backend, ticket, id, name);
        }
        ProfilesCmd::Duplicate => {
            if let Some(id) = p.selected.clone() {
                let ticket = p.in_flight.start(Work::Duplicate);
                pw::duplicate(bg, &backend, ticket, id);
            }
        }
        ProfilesCmd::AskDelete => {
            if let Some(s) = p.selected() {
                p.dialog = Some(Dialog::Delete {
                    id: s.id.clone(),
                    name: s.name.clone(),
                });
            }
        }
        ProfilesCmd::ConfirmDelete(id) => {
            p.dialog = None;
            let ticket = p.in_flight.start(Work::Delete);
            pw::delete(bg, &backend, ticket, id);
        }
        ProfilesCmd::Import => {
            if !bg.native_file_dialogs {
                return offer_path(state, PathPurpose::Import, false);
            }
            let ticket = p.in_flight.start(Work::ReadImport);
            pw::pick_import(bg, &backend, ticket);
            state.status = Status::normal("Choose the file to import…");
        }
        ProfilesCmd::ImportFrom(path) => {
            let ticket = p.in_flight.start(Work::ReadImport);
            let out = bg.out.clone();
            bg.rt
                .spawn(async move { pw::plan_import_file(&backend, &out, ticket, path).await });
        }
        ProfilesCmd::AcceptNetworkSettings(yes) => {
            if let Some(Dialog::Import { plan, .. }) = p.dialog.as_mut() {
                plan.accept_network = yes;
            }
        }
        ProfilesCmd::ApplyImport(policy) => {
            if let Some(Dialog::Import { plan, .. }) = p.dialog.take() {
                let ticket = p.in_flight.start(Work::Import);
                pw::apply_import(bg, &backend, ticket, plan, policy);
            }
        }
        ProfilesCmd::Export => {
            if !bg.native_file_dialogs {
                return offer_path(state, PathPurpose::Export, false);
            }
            let ticket = p.in_flight.start(Work::Export);
            pw::pick_export(bg, &backend, ticket);
            state.status = Status::normal("Choose where to export the profiles…");
        }
        ProfilesCmd::ExportTo(path) => {
            let ticket = p.in_flight.start(Work::Export);
            pw::export_to(bg, &backend, ticket, path);
        }
        ProfilesCmd::TestAll => {
            if p.test_all.is_running() || p.snapshot.profiles.is_empty() {
                return;
            }
            let list = p.snapshot.profiles.clone();
            let (handle, token) = crate::engine::cancel_pair();
            p.test_all.start(&list, handle);
            let items = list
                .into_iter()
                .enumerate()
                .map(|(row, profile)| TestAllItem { row, profile })
                .collect();
            pw::test_all(bg, &backend, items, false, token);
            state.status = Status::normal("Testing every saved profile, one after another…");
        }
        ProfilesCmd::TestGuardedAnyway => {
            if p.test_all.is_running() {
                return;
            }
            let items: Vec<TestAllItem> = p
                .test_all
                .guarded()
                .filter_map(|(row, r)| {
                    p.find(&r.profile_id)
                        .cloned()
                        .map(|profile| TestAllItem { row, profile })
                })
                .collect();
            if items.is_empty() {
                return;
            }
            let rows: Vec<usize> = items.iter().map(|i| i.row).collect();
            let (handle, token) = crate::engine::cancel_pair();
            p.test_all.restart(&rows, handle);
            pw::test_all(bg, &backend, items, true, token);
            state.status = Status::normal("Sending one more login with each secret that was refused before…");
        }
        ProfilesCmd::StopTestAll => {
            p.test_all.stop();
            state.status = Status::normal("Stopping the tests…");
        }
        ProfilesCmd::CloseTestAll => p.test_all.open = false,
        ProfilesCmd::EditDialogName(new) => {
            if let Some(Dialog::NewName { name, .. } | Dialog::Rename { name, .. }) = &mut p.dialog {
                *name = new;
            }
        }
        ProfilesCmd::CloseDialog => p.dialog = None,
        // Handled above, without the stores.
        ProfilesCmd::CloseGuardDialog | ProfilesCmd::EditPath(_) | ProfilesCmd::ClosePathDialog => {}
    }
}

fn clear_selection(p: &mut ProfilesState) {
    p.selected = None;
    p.secret = SecretState::None;
    p.history.clear();
}

/// Select a profile: its settings in the form now, its secret and history from the background.
fn select(state: &mut State, bg: &Background, id: String) {
    let p = &mut state.profiles;
    let (Some(profile), Some(backend)) = (p.find(&id).cloned(), p.backend.clone()) else {
        return;
    };
    state.form = FormState::from_target(profile.target);
    p.selected = Some(id.clone());
    p.secret = SecretState::Loading;
    p.history.clear();
    pw::load_secret(bg, &backend, id.clone());
    pw::load_history(bg, &backend, id);
    state.status = Status::normal(format!("Profile \"{}\" loaded.", profile.name));
}

/// Save: into the selected profile, or ask the name of a new one.
fn save(state: &mut State, bg: &Background) {
    let p = &mut state.profiles;
    let Some(backend) = p.backend.clone() else { return };
    let Some(mut profile) = p.selected().cloned() else {
        let host = url::Url::parse(state.form.target.url.trim())
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let name = if host.is_empty() {
            String::new()
        } else {
            model::unique_name(&host, |n| p.name_taken(n, None))
        };
        p.dialog = Some(Dialog::NewName { name, error: None });
        return;
    };
    profile.target = state.form.target.normalised();
    // An unchanged secret is not written again.
    let secret = (!state.form.secret.is_empty() && p.loaded_secret() != Some(state.form.secret.as_str()))
        .then(|| Secret::new(state.form.secret.clone()));
    let ticket = p.in_flight.start(Work::Save);
    pw::save(bg, &backend, ticket, profile, secret, false);
    state.status = Status::normal("Saving the profile…");
}

/// Save the form as a new profile named `name` (from the name dialog).
fn save_as(state: &mut State, bg: &Background, name: String) {
    let p = &mut state.profiles;
    let Some(backend) = p.backend.clone() else { return };
    let problem = model::check_name(&name).err().or_else(|| {
        p.name_taken(&name, None)
            .then(|| format!("there is already a profile named \"{}\"", name.trim()))
    });
    if let Some(problem) = problem {
        if let Some(Dialog::NewName { error, .. }) = &mut p.dialog {
            *error = Some(problem);
        } else {
            state.status = Status::bad(format!("Not saved: {problem}"));
        }
        return;
    }
    p.dialog = None;
    let profile = Profile::with_target(name, state.form.checked_target());
    let secret = (!state.form.secret.is_empty()).then(|| Secret::new(state.form.secret.clone()));
    let ticket = p.in_flight.start(Work::Save);
    pw::save(bg, &backend, ticket, profile, secret, true);
    state.status = Status::normal("Saving the profile…");
}

/// A new list: drop the selection if its profile is gone.
fn set_snapshot(p: &mut ProfilesState, snapshot: Snapshot) {
    p.snapshot = snapshot;
    if let Some(sel) = &p.selected
        && p.find(sel).is_none()
    {
        clear_selection(p);
    }
}

/// Apply a message of the profiles' background work.
pub fn on_msg(state: &mut State, bg: &Background, msg: ProfilesMsg) {
    let p = &mut state.profiles;
    match msg {
        ProfilesMsg::Opened {
            ticket,
            backend,
            warnings,
            keyring,
        } => {
            p.in_flight.finish(ticket);
            p.keyring = Some(keyring);
            match backend {
                Ok(b) => {
                    // The list itself is read in the background too.
                    let ticket = p.in_flight.start(Work::Load);
                    pw::load(bg, &b, ticket);
                    p.backend = Some(b);
                }
                Err(e) => p.open_error = Some(e),
            }
            // The keyring note stays in the sidebar (shown once, not repeated in the status line).
            let mut notes: Vec<String> = warnings;
            if let Some(e) = &p.open_error {
                notes.insert(0, e.clone());
            }
            if !notes.is_empty() {
                state.status = Status::bad(notes.join(" "));
            }
        }
        ProfilesMsg::SecretLoaded { id, result } => {
            if p.selected.as_deref() != Some(id.as_str()) || !matches!(p.secret, SecretState::Loading) {
                return;
            }
            match result {
                Ok(secret) => {
                    // Keep what the user typed meanwhile.
                    if state.form.secret.is_empty()
                        && let Some(s) = &secret
                    {
                        state.form.secret = s.expose().to_string();
                    }
                    state.form.show_secret = false;
                    p.secret = SecretState::Loaded(secret);
                }
                Err(e) => {
                    state.status = Status::bad(format!("The saved secret could not be read. {}", e.sentence()));
                    p.secret = SecretState::Failed(e);
                }
            }
        }
        ProfilesMsg::History { id, entries } => {
            if p.selected.as_deref() == Some(id.as_str()) {
                p.history = entries.unwrap_or_default();
            }
        }
        ProfilesMsg::Done(done) => op_done(state, bg, *done),
        ProfilesMsg::ImportPlanned { ticket, plan } => {
            p.in_flight.finish(ticket);
            match plan {
                Err(e) => state.status = Status::bad(format!("Nothing imported: {e}")),
                Ok((path, plan)) => p.dialog = Some(Dialog::Import { path, plan }),
            }
        }
        ProfilesMsg::Folders(f) => p.folders = f,
        ProfilesMsg::NoFileChosen { ticket, purpose } => {
            p.in_flight.finish(ticket);
            state.status = Status::normal("No file chosen.");
            offer_path(state, purpose, true);
        }
        ProfilesMsg::Row(i, row) => {
            match &row.state {
                TestAllRowState::NotTested { headline, .. } => {
                    p.untested.insert(row.profile_id.clone(), headline.clone());
                }
                TestAllRowState::Done(_) | TestAllRowState::Guarded(_) => {
                    p.untested.remove(&row.profile_id);
                }
                _ => {}
            }
            p.test_all.set_row(i, row);
        }
        ProfilesMsg::TestAllFinished(snapshot) => {
            set_snapshot(p, snapshot);
            p.test_all.finish();
            // Test all may have added a refusal of the selected profile: the guard reads it there.
            if let (Some(id), Some(b)) = (p.selected.clone(), p.backend.as_ref()) {
                pw::load_history(bg, b, id);
            }
            state.status = Status::normal(format!("Test all: {}", p.test_all.summary_line()));
        }
    }
}

fn op_done(state: &mut State, bg: &Background, done: OpDone) {
    let p = &mut state.profiles;
    p.in_flight.finish(done.ticket);
    if let Some(snapshot) = done.snapshot {
        set_snapshot(p, snapshot);
    }
    match done.select {
        Selection::Keep => {}
        Selection::Clear => clear_selection(p),
        Selection::Select(id) => {
            let same = p.selected.as_deref() == Some(id.as_str());
            p.selected = Some(id.clone());
            if let Some(s) = done.saved_secret {
                p.secret = SecretState::Loaded(Some(s));
            } else if !same && let Some(b) = &p.backend {
                // A copy: its secret was copied in the keyring; read it back.
                p.secret = SecretState::Loading;
                pw::load_secret(bg, b, id.clone());
            }
            if let Some(b) = &p.backend {
                pw::load_history(bg, b, id);
            }
        }
    }
    match done.message {
        None => {}
        Some(Ok(m)) => state.status = Status::good(m),
        Some(Err(m)) => state.status = Status::bad(m),
    }
}

/// The window's check finished: when it checked the selected profile exactly as saved (same
/// settings, same secret, not cancelled), add the result to that profile's history.
pub fn on_check_finished(state: &mut State, bg: &Background) {
    super::guard::on_check_finished(state);
    let Some(run) = &state.run else { return };
    let RunPhase::Finished {
        result,
        cancelled_at: None,
        ..
    } = &run.phase
    else {
        return;
    };
    let p = &mut state.profiles;
    let Some(profile) = p.selected() else { return };
    let same_settings = run.plan.target.normalised() == profile.target;
    let same_secret = p.loaded_secret() == Some(run.plan.secret.expose());
    if !(same_settings && same_secret) {
        return;
    }
    let id = profile.id.clone();
    p.untested.remove(&id);
    if let Some(b) = p.backend.clone()
        && b.history.is_some()
    {
        let ticket = p.in_flight.start(Work::Record);
        pw::record(bg, &b, ticket, id, run.plan.clone(), (**result).clone());
    }
}
