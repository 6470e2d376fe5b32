//! The form: Control Room URL, sign-in mode, username, secret, the buttons and the options.
//! Every input is tied to its visible label (`labelled_by`) so screen readers and tests find it.
//! The widgets edit a copy of the form; a change goes back as [`Command::EditForm`].

use eframe::egui;

use super::command::Command;
use super::state::FormState;
use crate::plan::AuthMode;
use egui::{Id, RichText, TextEdit, Ui};
use std::path::PathBuf;

/// What the form needs to know about the rest of the window.
pub struct FormContext {
    pub running: bool,
    pub has_result: bool,
}

/// Draw the form. Returns the ids of its single-line text fields (Enter in one of them runs the check).
pub fn show(ui: &mut Ui, form: &FormState, cx: &FormContext, cmds: &mut Vec<Command>) -> Vec<Id> {
    let mut draft = form.clone();
    let text_ids = fields(ui, &mut draft, cx, cmds);
    if draft != *form {
        cmds.push(Command::EditForm(Box::new(draft)));
    }
    text_ids
}

fn fields(ui: &mut Ui, form: &mut FormState, cx: &FormContext, cmds: &mut Vec<Command>) -> Vec<Id> {
    let mut text_ids = Vec::new();
    let field_width = (ui.available_width() - 190.0).clamp(220.0, 640.0);

    egui::Grid::new("form_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label("Control Room URL");
            let r = ui
                .add(
                    TextEdit::singleline(&mut form.target.url)
                        .hint_text("https://yourcompany.my.automationanywhere.digital")
                        .desired_width(field_width),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "The address you open the Control Room with in a browser. Anything after the host name \
                     (/#/login, /swagger/ …) is ignored.",
                );
            text_ids.push(r.id);
            ui.end_row();

            ui.label("Sign in with");
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.target.auth, AuthMode::ApiKey, "Sign in with API key")
                    .on_hover_text("A 40-character key from My settings > Generate API-Key (service accounts).");
                ui.radio_value(&mut form.target.auth, AuthMode::Password, "Sign in with password")
                    .on_hover_text("The password you sign in to the Control Room with.");
            });
            ui.end_row();

            let label = ui.label("Username");
            let r = ui
                .add(
                    TextEdit::singleline(&mut form.target.username)
                        .hint_text("e.g. svc_api or DOMAIN\\user")
                        .desired_width(field_width),
                )
                .labelled_by(label.id);
            text_ids.push(r.id);
            ui.end_row();

            let secret_label = match form.target.auth {
                AuthMode::ApiKey => "API key",
                AuthMode::Password => "Password",
            };
            let label = ui.label(secret_label);
            ui.horizontal(|ui| {
                let hint = match form.target.auth {
                    AuthMode::ApiKey => "40 characters",
                    AuthMode::Password => "",
                };
                let r = ui
                    .add(
                        TextEdit::singleline(&mut form.secret)
                            .password(!form.show_secret)
                            .hint_text(hint)
                            .desired_width(field_width - 150.0),
                    )
                    .labelled_by(label.id);
                text_ids.push(r.id);
                ui.checkbox(&mut form.show_secret, "Show")
                    .on_hover_text("Reveal what you typed in this field. Reports and logs always stay masked.");
                let n = form.secret.chars().count();
                if n > 0 {
                    ui.weak(format!("{n} characters"));
                }
            });
            ui.end_row();
        });

    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let test = ui
            .add_enabled(
                !cx.running,
                egui::Button::new(RichText::new("Test connection").strong()).min_size(egui::vec2(140.0, 26.0)),
            )
            .on_hover_text("Sign in once, check the token, and log out again (Enter)");
        if test.clicked() {
            cmds.push(Command::RunCheck);
        }
        let cancel = ui
            .add_enabled(cx.running, egui::Button::new("Cancel").min_size(egui::vec2(70.0, 26.0)))
            .on_hover_text("Stop the running check (Esc)");
        if cancel.clicked() {
            cmds.push(Command::Cancel);
        }
        if ui
            .add_enabled(cx.has_result && !cx.running, egui::Button::new("Save report…"))
            .on_hover_text("Save what happened, with every secret masked, e.g. for a support ticket")
            .clicked()
        {
            cmds.push(Command::SaveReport);
        }
        if form.target.options.insecure {
            super::theme::icon(ui, super::theme::Icon::Warning, 16.0);
            ui.colored_label(super::theme::warn(ui), "Certificate checks are off");
        }
        // Issue 13, D1: where the key goes is shown before it is sent, every time.
        if let Some(proxy) = form.target.options.proxy.as_deref().filter(|p| !p.trim().is_empty()) {
            let (bare, _) = crate::profiles::model::split_userinfo(proxy.trim());
            ui.label(format!("Through the proxy {}", crate::sanitize::for_display(&bare)))
                .on_hover_text("The API key or password goes through this proxy (set in Options).");
        }
        if let Some(ca) = &form.target.options.ca_file {
            ui.label(format!(
                "Also trusts {}",
                crate::sanitize::for_display(&ca.display().to_string())
            ))
            .on_hover_text("The certificates in this CA file are trusted too (set in Options).");
        }
    });

    ui.add_space(2.0);
    egui::CollapsingHeader::new("Options (timeout, certificates, proxy)")
        .id_salt("options")
        .default_open(false)
        .show(ui, |ui| options(ui, form, cmds, &mut text_ids));
    text_ids
}

/// A text field for an optional value: empty is `None`. What is typed is kept as typed (the
/// check trims it).
fn optional_text(ui: &mut Ui, value: &mut Option<String>, hint: &str) -> egui::Response {
    let mut text = value.clone().unwrap_or_default();
    let r = ui.add(TextEdit::singleline(&mut text).hint_text(hint).desired_width(360.0));
    if r.changed() {
        *value = (!text.is_empty()).then_some(text);
    }
    r
}

fn options(ui: &mut Ui, form: &mut FormState, cmds: &mut Vec<Command>, text_ids: &mut Vec<Id>) {
    let o = &mut form.target.options;
    egui::Grid::new("options_grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Timeout (seconds)");
            ui.add(
                egui::DragValue::new(&mut o.timeout_secs)
                    .range(crate::plan::MIN_TIMEOUT_SECS..=crate::plan::MAX_TIMEOUT_SECS)
                    .speed(0.5)
                    .max_decimals(1),
            )
            .labelled_by(label.id)
            .on_hover_text("How long each network step may take before it is reported as a timeout.");
            ui.end_row();

            ui.label("Session");
            ui.horizontal(|ui| {
                ui.checkbox(&mut o.multiple_login, "Multiple login").on_hover_text(
                    "Ask for a token that does not end this user's other sessions (multipleLogin). \
                         Without it, a password login may sign the same user out elsewhere.",
                );
                ui.checkbox(&mut o.logout, "Log out after the test")
                    .on_hover_text("End the session the test opened, so it leaves nothing behind.");
            });
            ui.end_row();

            let label = ui.label("CA file (PEM)");
            ui.horizontal(|ui| {
                let mut ca = o.ca_file.as_ref().map(|p| p.display().to_string());
                let r = optional_text(ui, &mut ca, "only for a private or company certificate authority");
                if r.changed() {
                    o.ca_file = ca.map(PathBuf::from);
                }
                let r = r.labelled_by(label.id).on_hover_text(
                    "A PEM file with your company's root certificate, if the Control Room uses one \
                         that this computer does not trust yet.",
                );
                text_ids.push(r.id);
                if ui
                    .button("Browse…")
                    .on_hover_text("Choose the CA certificate file")
                    .clicked()
                {
                    cmds.push(Command::BrowseCaFile);
                }
            });
            ui.end_row();

            let label = ui.label("Proxy");
            let r = optional_text(ui, &mut o.proxy, "empty = system settings (HTTPS_PROXY)")
                .labelled_by(label.id)
                .on_hover_text("e.g. http://proxy.example.com:3128. Leave empty to use the system settings.");
            text_ids.push(r.id);
            ui.end_row();

            ui.label("Certificates");
            ui.vertical(|ui| {
                ui.checkbox(&mut o.insecure, "Accept invalid certificates")
                    .on_hover_text(
                        "Only to confirm a certificate diagnosis. Never leave this on: anyone on the \
                         network could read the key or password.",
                    );
                if o.insecure {
                    ui.label(
                        RichText::new(
                            "Certificate checks are OFF: the connection is not protected against \
                             interception. Use this only to confirm a diagnosis, then add the CA file instead.",
                        )
                        .color(ui.visuals().error_fg_color)
                        .strong(),
                    );
                }
            });
            ui.end_row();
        });
}
