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
    /// The open options scroll beyond this height.
    pub options_max_height: f32,
}

/// The ids the keyboard handling needs.
#[derive(Debug, Default, Clone)]
pub struct FormIds {
    /// The single-line text fields (Enter in one of them runs the check); the URL field first.
    pub text: Vec<Id>,
    /// Test connection: the keyboard focus returns there after a check.
    pub test: Option<Id>,
}

/// Draw the form. Returns the ids of its text fields and of the Test button.
pub fn show(ui: &mut Ui, form: &FormState, cx: &FormContext, cmds: &mut Vec<Command>) -> FormIds {
    let mut draft = form.clone();
    let ids = fields(ui, &mut draft, cx, cmds);
    if draft != *form {
        cmds.push(Command::EditForm(Box::new(draft)));
    }
    ids
}

fn fields(ui: &mut Ui, form: &mut FormState, cx: &FormContext, cmds: &mut Vec<Command>) -> FormIds {
    let mut text_ids = Vec::new();
    let mut test_id = None;
    let field_width = (ui.available_width() - 190.0).clamp(220.0, 640.0);
    // Username and key on one row where there is room (as in docs/window.md), else two.
    let one_row = ui.available_width() >= 720.0;

    egui::Grid::new("form_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            // Where there is room the sign-in choice sits on the URL's row (reading order stays:
            // URL, sign-in, username, key), so the results keep their height at 1024×700.
            let label = ui.label("Control Room URL");
            ui.horizontal(|ui| {
                let r = ui
                    .add(
                        TextEdit::singleline(&mut form.target.url)
                            .hint_text("https://yourcompany.my.automationanywhere.digital")
                            .desired_width(if one_row { field_width - 300.0 } else { field_width }),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(
                        "The address you open the Control Room with in a browser. Anything after the host name \
                         (/#/login, /swagger/ …) is ignored.",
                    );
                text_ids.push(r.id);
                if one_row {
                    ui.add_space(8.0);
                    auth_choice(ui, form);
                }
            });
            ui.end_row();

            if !one_row {
                ui.label("Sign in with");
                ui.horizontal(|ui| auth_choice(ui, form));
                ui.end_row();
            }

            let label = ui.label("Username");
            let user_width = if one_row {
                (field_width * 0.4).clamp(160.0, 260.0)
            } else {
                field_width
            };
            ui.horizontal(|ui| {
                let r = ui
                    .add(
                        TextEdit::singleline(&mut form.target.username)
                            .hint_text("e.g. svc_api or DOMAIN\\user")
                            .desired_width(user_width),
                    )
                    .labelled_by(label.id);
                text_ids.push(r.id);
                if one_row {
                    ui.add_space(8.0);
                    secret_field(ui, form, &mut text_ids, None, one_row, field_width);
                }
            });
            ui.end_row();
            if !one_row {
                let secret_label = match form.target.auth {
                    AuthMode::ApiKey => "API key",
                    AuthMode::Password => "Password",
                };
                let label = ui.label(secret_label);
                ui.horizontal(|ui| secret_field(ui, form, &mut text_ids, Some(label), one_row, field_width));
                ui.end_row();
            }
        });

    ui.add_space(6.0);
    let mut options_state =
        egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), Id::unique("form_options"), false);
    // Wraps at narrow widths rather than cutting the last button off.
    ui.horizontal_wrapped(|ui| {
        let test = ui
            .add_enabled(
                !cx.running,
                egui::Button::new(RichText::new("Test connection").strong()).min_size(egui::vec2(140.0, 26.0)),
            )
            .on_hover_text("Sign in once, check the token, and log out again (Enter)");
        test_id = Some(test.id);
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
        // The options open below the buttons; their switch sits in the same row to save height.
        ui.add_space(12.0);
        let mut open = options_state.is_open();
        if ui
            .add(egui::Button::new("Options (timeout, certificates, proxy)").selected(open))
            .on_hover_text(
                "Timeout, multiple login, log out, a CA file, a proxy, certificate checks and trusted certificates",
            )
            .clicked()
        {
            open = !open;
            options_state.set_open(open);
        }
        super::paste::toggle(ui);
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
        let pins = form.target.options.pin_sha256.len();
        if pins > 0 {
            ui.label(if pins == 1 {
                "Trusts only the pinned certificate".to_string()
            } else {
                format!("Trusts only the {pins} pinned certificates")
            })
            .on_hover_text(
                "Only a certificate with a pinned SHA-256 fingerprint is accepted, whoever signed it (Options › \
                 Trusted certificates).",
            );
        }
        if let Some(ca) = &form.target.options.ca_file {
            ui.label(format!(
                "Also trusts {}",
                crate::sanitize::for_display(&ca.display().to_string())
            ))
            .on_hover_text("The certificates in this CA file are trusted too (set in Options).");
        }
    });
    options_state.store(ui.ctx());
    if options_state.is_open() {
        ui.add_space(4.0);
        // A panel offers its content last frame's height and a scroll area keeps within what it
        // is offered: ask for the height the options took last time (up to the cap).
        let memo = Id::unique("options_content_height");
        let last = ui.ctx().data(|d| d.get_temp::<f32>(memo)).unwrap_or(0.0);
        egui::Frame::group(ui.style())
            .inner_margin(egui::Margin::symmetric(8, 6))
            .show(ui, |ui| {
                let out = egui::ScrollArea::vertical()
                    .id_salt("options_scroll")
                    .max_height(cx.options_max_height)
                    .min_scrolled_height(last.min(cx.options_max_height))
                    .auto_shrink([true, true])
                    .show(ui, |ui| options(ui, form, cmds, &mut text_ids));
                let h = out.content_size.y;
                if (h - last).abs() > 0.5 {
                    ui.ctx().data_mut(|d| d.insert_temp(memo, h));
                    ui.ctx().request_repaint();
                }
            });
    }
    FormIds {
        text: text_ids,
        test: test_id,
    }
}

/// Sign in with an API key or a password.
fn auth_choice(ui: &mut Ui, form: &mut FormState) {
    ui.radio_value(&mut form.target.auth, AuthMode::ApiKey, "Sign in with API key")
        .on_hover_text("A 40-character key from My settings > Generate API-Key (service accounts).");
    ui.radio_value(&mut form.target.auth, AuthMode::Password, "Sign in with password")
        .on_hover_text("The password you sign in to the Control Room with.");
}

/// The key or password field, its label (unless given), Show and the character count.
fn secret_field(
    ui: &mut Ui,
    form: &mut FormState,
    text_ids: &mut Vec<Id>,
    label: Option<egui::Response>,
    one_row: bool,
    field_width: f32,
) {
    let secret_label = match form.target.auth {
        AuthMode::ApiKey => "API key",
        AuthMode::Password => "Password",
    };
    let label = label.unwrap_or_else(|| ui.label(secret_label));
    let hint = match form.target.auth {
        AuthMode::ApiKey => "40 characters",
        AuthMode::Password => "",
    };
    let width = if one_row {
        (field_width - 250.0 - 170.0).clamp(160.0, 300.0)
    } else {
        field_width - 150.0
    };
    let r = ui
        .add(
            TextEdit::singleline(&mut form.secret)
                .password(!form.show_secret)
                .hint_text(hint)
                .desired_width(width),
        )
        .labelled_by(label.id);
    text_ids.push(r.id);
    ui.checkbox(&mut form.show_secret, "Show")
        .on_hover_text("Reveal what you typed in this field. Reports and logs always stay masked.");
    let n = form.secret.chars().count();
    if n > 0 {
        ui.weak(format!("{n} characters"));
    }
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
            // Timeout and session on one row: the options must leave room for the results at 1024×700.
            let label = ui.label("Timeout (seconds)");
            ui.horizontal(|ui| {
                ui.add(
                    egui::DragValue::new(&mut o.timeout_secs)
                        .range(crate::plan::MIN_TIMEOUT_SECS..=crate::plan::MAX_TIMEOUT_SECS)
                        .speed(0.5)
                        .max_decimals(1),
                )
                .labelled_by(label.id)
                .on_hover_text("How long each network step may take before it is reported as a timeout.");
                ui.add_space(16.0);
                ui.label("Session");
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

            // Only when there are some: the options must leave room for the results at 1024×700.
            if !o.pin_sha256.is_empty() {
                ui.label("Trusted certificates");
                ui.vertical(|ui| pinned(ui, &mut o.pin_sha256));
                ui.end_row();
            }

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
    admin_options(ui, form, text_ids);
}

/// What an admin keeps with a profile (docs/capabilities.md): ask the Control Room what the account
/// may do, what it must be able to do, and when its API key expires.
fn admin_options(ui: &mut Ui, form: &mut FormState, text_ids: &mut Vec<Id>) {
    use crate::capabilities::Capability;
    let t = &mut form.target;
    egui::Grid::new("admin_options_grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Account");
            ui.checkbox(&mut t.options.probes, "Ask the Control Room what this account may do")
                .on_hover_text(
                    "After the sign-in, a few read-only calls with the token just issued: licence details, \
                     devices, the public workspace, schedules. Each says allowed, not allowed (403) or not on \
                     this Control Room (404).",
                );
            ui.end_row();

            ui.label("Must be able to");
            ui.horizontal_wrapped(|ui| {
                for c in Capability::ALL {
                    let mut on = t.require.contains(&c);
                    let r = ui.checkbox(&mut on, c.words()).on_hover_text(format!(
                        "The check fails when the Control Room shows the account cannot. Granted by {} in \
                         Administration > Roles.",
                        c.role_permission().replace("**", "")
                    ));
                    if r.changed() {
                        if on {
                            t.require.push(c);
                        } else {
                            t.require.retain(|x| *x != c);
                        }
                    }
                }
            });
            ui.end_row();

            if t.auth == AuthMode::ApiKey {
                let label = ui.label("API key expires");
                ui.horizontal(|ui| {
                    let r = optional_text(
                        ui,
                        &mut t.key_expires,
                        "2026-03-01, or generated on + days: 2025-12-01 + 90",
                    )
                    .labelled_by(label.id)
                    .on_hover_text(
                        "From the user's My settings (API expiration) or the Users page. A check warns \
                             before the key stops working.",
                    );
                    text_ids.push(r.id);
                    let mut warn = t.key_warn_days.unwrap_or(crate::key_expiry::DEFAULT_WARN_DAYS);
                    ui.label("warn");
                    if ui
                        .add(
                            egui::DragValue::new(&mut warn)
                                .range(0..=crate::key_expiry::MAX_DAYS)
                                .suffix(" days"),
                        )
                        .on_hover_text("How many days before the expiry the check warns")
                        .changed()
                    {
                        t.key_warn_days = (warn != crate::key_expiry::DEFAULT_WARN_DAYS).then_some(warn);
                    }
                    ui.label("before");
                });
                ui.end_row();
                if let Some(text) = t.key_expires.as_deref().filter(|s| !s.trim().is_empty()) {
                    ui.label("");
                    match crate::key_expiry::describe(text, time::OffsetDateTime::now_utc()) {
                        Ok((at, left)) => {
                            let words = format!("The key {} ({})", left.words(), crate::key_expiry::date_words(at));
                            let colour = if left.within(t.key_warn_days()) {
                                super::theme::warn(ui)
                            } else {
                                ui.visuals().weak_text_color()
                            };
                            ui.label(RichText::new(words).color(colour));
                        }
                        Err(why) => {
                            ui.label(RichText::new(why).color(ui.visuals().error_fg_color));
                        }
                    }
                    ui.end_row();
                }
            }
        });
}

/// The certificates trusted by their SHA-256 fingerprint ("Trust this certificate", or
/// `--pin-sha256` of a saved profile), each with a Remove button. A fingerprint may come from a
/// shared profile file: it is shown escaped.
fn pinned(ui: &mut Ui, pins: &mut Vec<String>) {
    ui.weak("Only these certificates are accepted, recognised by their SHA-256 fingerprint:");
    let mut remove = None;
    for (i, pin) in pins.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.add(
                egui::Label::new(RichText::new(crate::sanitize::for_display(pin)).monospace().small())
                    .selectable(true)
                    .wrap(),
            );
            if ui
                .small_button("Remove")
                .on_hover_text("Stop trusting this certificate (then Save to keep the change in the profile)")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        pins.remove(i);
    }
}
