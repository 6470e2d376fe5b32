//! The sidebar, the Test all table and the dialogs. They only read the state and push
//! [`ProfilesCmd`]s; `super::update` applies them.

use eframe::egui;

use super::super::command::Command;
use super::super::state::{State, fmt_ms};
use super::super::{test_all, theme};
use super::state::{Dialog, ProfilesCmd, ProfilesState, SecretState, form_changed};
use crate::profiles::{ConflictPolicy, HistoryEntry};
use crate::transcript::Outcome;
use egui::{RichText, TextEdit, Ui};

/// The sidebar, the Test all window and the open dialog; the guard's question and the path
/// field (also without the sidebar).
pub fn show(ui: &mut Ui, state: &State, cmds: &mut Vec<Command>) {
    let p = &state.profiles;
    {
        let ctx = ui.ctx().clone();
        super::super::guard_dialog::show(&ctx, p.guard.dialog.as_ref(), cmds);
        if let Some(d) = &p.path_dialog {
            super::super::path_dialog::show(&ctx, d, &p.folders, &state.form, cmds);
        }
    }
    if !p.enabled {
        return;
    }
    let changed = form_changed(p, &state.form);
    let running = state.is_running();
    let missing = p.secret_missing(&state.form);
    egui::Panel::left("profiles_panel")
        .resizable(true)
        .default_size(220.0)
        .size_range(160.0..=420.0)
        .show(ui, |ui| sidebar(ui, p, changed, running, missing.as_deref(), cmds));
    let ctx = ui.ctx().clone();
    test_all::show(&ctx, &p.test_all, cmds);
    dialog(&ctx, p.dialog.as_ref(), cmds);
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

/// "ok · 3 min ago" / "refused · 2 h ago" / "not tested · 1 day ago" (a check that stopped
/// before sending anything is never "failed").
pub fn badge(e: &HistoryEntry) -> String {
    format!("{} · {}", outcome_word(e.outcome), ago(&e.at))
}

/// The word of a past result in the sidebar.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Rejected => "refused",
        Outcome::Unreachable => "unreachable",
        Outcome::InvalidInput => "not tested",
        Outcome::Cancelled => "cancelled",
    }
}

/// The colour of a past result: good, bad, or neither (nothing was learnt).
fn outcome_color(ui: &Ui, o: Outcome) -> egui::Color32 {
    match o {
        Outcome::Ok => theme::ok(ui),
        Outcome::Rejected | Outcome::Unreachable => theme::error(ui),
        Outcome::InvalidInput | Outcome::Cancelled => ui.visuals().weak_text_color(),
    }
}

fn push(cmds: &mut Vec<Command>, c: ProfilesCmd) {
    cmds.push(Command::Profiles(c));
}

fn sidebar(
    ui: &mut Ui,
    p: &ProfilesState,
    changed: bool,
    running: bool,
    secret_missing: Option<&str>,
    cmds: &mut Vec<Command>,
) {
    // Keep the panel's width: a panel shrinks to narrow content (while the profiles are being
    // opened) and then keeps that width.
    ui.set_min_width(ui.available_width());
    ui.add_space(6.0);
    ui.heading("Profiles");
    if let Some(k) = &p.keyring
        && let Some(note) = k.message_if_limited()
    {
        ui.add(egui::Label::new(RichText::new(note).color(theme::warn(ui)).small()).wrap());
        if let Some(t) = k.technical() {
            super::super::plain_words::technical_details(ui, "keyring_note", |ui| {
                super::super::plain_words::raw_text(ui, t)
            });
        }
    }
    if let Some(e) = &p.open_error {
        super::super::plain_words::message(ui, "profiles_open_error", e, Some(theme::error(ui)), true);
        return;
    }
    if p.backend.is_none() {
        ui.weak("Opening the saved profiles…");
        return;
    }
    ui.add_space(4.0);
    let ready = p.in_flight.is_idle();
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
                    .on_hover_text(format!("{}\n{}", prof.target.url, prof.target.username));
                if r.clicked() && !is_sel {
                    push(cmds, ProfilesCmd::Select(prof.id.clone()));
                }
                let latest = p.snapshot.latest.get(&prof.id);
                if let Some(why) = p.untested.get(&prof.id) {
                    // The last Test all could not test it: say so, not "failed".
                    let mut hover = format!("{why}: paste it to test. Nothing was sent.");
                    if let Some(e) = latest {
                        hover.push_str(&format!("\nLast result: {}", badge(e)));
                    }
                    ui.label(RichText::new("  not tested · no secret here").small().weak())
                        .on_hover_text(hover);
                    continue;
                }
                match latest {
                    Some(e) => {
                        let mut hover = e.summary();
                        if let Some(h) = &e.hint_title {
                            hover.push_str(&format!("\n{h}"));
                        }
                        ui.label(
                            RichText::new(format!("  {}", badge(e)))
                                .small()
                                .color(outcome_color(ui, e.outcome)),
                        )
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
    if let Some(missing) = secret_missing {
        let r = ui.label(
            RichText::new(format!("{missing}: paste it to test"))
                .small()
                .color(theme::warn(ui)),
        );
        let mut hover = "The secret of this profile is not available on this computer. Paste the one you already \
                         have into the form; Save keeps it (in the keyring, when there is one)."
            .to_string();
        if let SecretState::Failed(e) = &p.secret {
            hover = format!("{}\n\nTechnical details: {}", e.sentence(), e.technical());
        }
        r.on_hover_text(hover);
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
                ready && !running && !p.test_all.is_running() && !p.snapshot.profiles.is_empty(),
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
                ui.weak(format!("{} · {}", sel.target.url, sel.target.username));
                if p.history.is_empty() {
                    ui.weak("No results yet.");
                }
                egui::ScrollArea::vertical()
                    .id_salt("profile_history_scroll")
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for e in &p.history {
                            let color = outcome_color(ui, e.outcome);
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
fn dialog(ctx: &egui::Context, dialog: Option<&Dialog>, cmds: &mut Vec<Command>) {
    let Some(d) = dialog else { return };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("profiles_dialog")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        match d {
            Dialog::NewName { name, error } => {
                ui.heading("Save as a new profile");
                ui.label("The secret goes to the system keyring, never to the profiles file.");
                let (field, name, entered) = name_field(ui, "Profile name", name, error.as_deref(), cmds);
                if entered {
                    push(cmds, ProfilesCmd::SaveAs(name.clone()));
                }
                ui.horizontal(|ui| {
                    let save = ui.button("Save profile");
                    if save.clicked() {
                        push(cmds, ProfilesCmd::SaveAs(name.clone()));
                    }
                    let back = ui.button("Go back");
                    close |= back.clicked();
                    keep_focus_inside(&field, &[&save, &back]);
                });
            }
            Dialog::Rename { id, name, error } => {
                ui.heading("Rename the profile");
                let (field, name, entered) = name_field(ui, "New name", name, error.as_deref(), cmds);
                let rename = || ProfilesCmd::Rename {
                    id: id.clone(),
                    name: name.clone(),
                };
                if entered {
                    push(cmds, rename());
                }
                ui.horizontal(|ui| {
                    let ok = ui.button("Rename profile");
                    if ok.clicked() {
                        push(cmds, rename());
                    }
                    let back = ui.button("Go back");
                    close |= back.clicked();
                    keep_focus_inside(&field, &[&ok, &back]);
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
                if !plan.network.is_empty() {
                    // Issue 13, D1: a shared file's proxy or CA file decides where the key goes;
                    // they come in only when the person says so.
                    let mut accept = plan.accept_network;
                    if ui
                        .checkbox(&mut accept, "Also import the proxies and CA files listed above")
                        .on_hover_text(
                            "A proxy sees where the API key or password goes; a CA file decides which \
                             certificates are trusted. Tick this only if you know and trust each one.",
                        )
                        .changed()
                    {
                        push(cmds, ProfilesCmd::AcceptNetworkSettings(accept));
                    }
                }
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
        push(cmds, ProfilesCmd::CloseDialog);
    }
}

/// A name field. Returns it, the name as typed this frame (an edit is pushed as a command), and
/// whether Enter was pressed in it.
fn name_field(
    ui: &mut Ui,
    label: &str,
    name: &str,
    error: Option<&str>,
    cmds: &mut Vec<Command>,
) -> (egui::Response, String, bool) {
    let mut typed = name.to_string();
    let l = ui.label(label);
    let r = ui
        .add(TextEdit::singleline(&mut typed).desired_width(320.0))
        .labelled_by(l.id);
    if r.changed() {
        push(cmds, ProfilesCmd::EditDialogName(typed.clone()));
    }
    if let Some(e) = error {
        ui.label(RichText::new(e).color(theme::error(ui)));
    }
    let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    (r, typed, entered)
}

/// The name field has the keyboard unless one of the dialog's own buttons has it (when the
/// dialog opens, the focus is still on the form behind it).
fn keep_focus_inside(field: &egui::Response, buttons: &[&egui::Response]) {
    if !field.has_focus() && !buttons.iter().any(|b| b.has_focus()) {
        field.request_focus();
    }
}
