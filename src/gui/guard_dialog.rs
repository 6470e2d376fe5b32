//! The questions before a login is sent (see `profiles_panel::guard`): "This API key was refused
//! before" (Go back / Send the login anyway) and "Key not stored on this computer: paste it to
//! test". A view: it reads the state and pushes commands.

use eframe::egui;

use super::command::Command;
use super::profiles_panel::ProfilesCmd;
use super::profiles_panel::guard::GuardDialog;
use super::theme;
use egui::RichText;

pub fn show(ctx: &egui::Context, dialog: Option<&GuardDialog>, cmds: &mut Vec<Command>) {
    let Some(d) = dialog else { return };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("guard_dialog")).show(ctx, |ui| {
        ui.set_max_width(480.0);
        match d {
            GuardDialog::RefusedBefore {
                refusals,
                auth,
                username,
            } => {
                ui.heading(format!("This {} was refused before", auth.secret_label()));
                ui.add_space(4.0);
                ui.label(refusals.seen(*auth, username));
                ui.label(RichText::new(refusals.risk()).color(theme::warn(ui)));
                ui.add_space(4.0);
                ui.label(format!(
                    "Sending the same {} again tells nothing new. Change what the hints point to first (the {}, \
                     the username or the Control Room address).",
                    auth.secret_label(),
                    auth.secret_label()
                ));
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    let back = ui.button("Go back");
                    close |= back.clicked();
                    let anyway = ui.button("Send the login anyway");
                    if anyway.clicked() {
                        cmds.push(Command::RunCheckAnyway);
                    }
                    // Keyboard: the safe choice has the focus.
                    if !back.has_focus() && !anyway.has_focus() {
                        back.request_focus();
                    }
                });
            }
            GuardDialog::SecretMissing {
                profile,
                auth,
                headline,
                why,
                technical,
            } => {
                ui.heading(format!("{headline}: paste it to test"));
                ui.add_space(4.0);
                ui.label(format!(
                    "The {label} of \"{profile}\" is not available here. {why}",
                    profile = crate::sanitize::for_display(profile),
                    label = auth.secret_label()
                ));
                ui.label(format!(
                    "Paste the {label} you already have into the {label} field, then press Test connection. No \
                     login was sent.",
                    label = auth.secret_label()
                ));
                let details = technical.as_ref().map(|t| {
                    egui::CollapsingHeader::new("Technical details")
                        .id_salt("guard_technical")
                        .show(ui, |ui| {
                            ui.label(RichText::new(t).monospace().small());
                        })
                        .header_response
                });
                ui.add_space(6.0);
                let ok = ui.button("OK");
                close |= ok.clicked();
                if !ok.has_focus() && !details.is_some_and(|d| d.has_focus()) {
                    ok.request_focus();
                }
            }
        }
    });
    if close || modal.should_close() {
        cmds.push(Command::Profiles(ProfilesCmd::CloseGuardDialog));
    }
}
