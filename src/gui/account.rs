//! The account card beside the verdict, what an admin verifying a service account came for: who
//! the account is, its roles, licence and permissions, its sessions and when the token expires
//! (local time, and how long from now). From the login answer and the token's claims, redacted
//! by the engine (no secret in it).

use eframe::egui;

use super::theme;
use crate::local_time::Clock;
use crate::transcript::{AccountSummary, TokenInfo};
use egui::{Frame, RichText, Ui};

/// The card. Compact: it must fit beside the verdict at 1024×700.
pub fn show(ui: &mut Ui, account: &AccountSummary, token: Option<&TokenInfo>, clock: &Clock, stale: bool) {
    Frame::group(ui.style())
        .inner_margin(egui::Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new("Account").strong().size(15.0));
                ui.weak(if stale {
                    "· from the previous check"
                } else {
                    "· from the login answer"
                });
            });
            // Tight rows, in two columns where there is room: the card must fit beside the verdict
            // at 1024×700 and leave the panes their height.
            ui.spacing_mut().interact_size.y = 16.0;
            let grid = |id: &str| egui::Grid::new(id.to_string()).num_columns(2).spacing([10.0, 1.0]);
            let width = ui.available_width();
            if width >= 440.0 {
                ui.horizontal_top(|ui| {
                    // Who the account is takes the longer texts.
                    ui.vertical(|ui| {
                        ui.set_width((width * 0.57).floor());
                        grid("account_who").show(ui, |ui| who(ui, account));
                    });
                    ui.vertical(|ui| {
                        ui.set_width(ui.available_width());
                        grid("account_what").show(ui, |ui| what(ui, account, token, clock));
                    });
                });
            } else {
                grid("account_grid").show(ui, |ui| {
                    who(ui, account);
                    what(ui, account, token, clock);
                });
            }
        });
}

/// One row of the card.
fn row(ui: &mut Ui, k: &str, v: impl Into<String>) {
    ui.label(RichText::new(k).weak());
    ui.add(egui::Label::new(RichText::new(v.into())).selectable(true).wrap());
    ui.end_row();
}

/// Who the account is: user, email, roles, licence.
fn who(ui: &mut Ui, a: &AccountSummary) {
    let name = [a.first_name.as_deref(), a.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut user = a.username.clone().unwrap_or_else(|| "—".into());
    if !name.is_empty() {
        user.push_str(&format!(" · {name}"));
    }
    ui.label(RichText::new("User").weak());
    let r = ui.add(egui::Label::new(RichText::new(user).strong()).selectable(true).wrap());
    if let Some(id) = &a.id {
        r.on_hover_text(format!("User id {id}"));
    }
    ui.end_row();
    if a.email.is_some() || a.domain.is_some() {
        let mut email = a.email.clone().unwrap_or_else(|| "—".into());
        if let Some(d) = &a.domain {
            email.push_str(&format!(" · domain {d}"));
        }
        row(ui, "Email", email);
    }
    if a.disabled == Some(true) {
        ui.label(RichText::new("Status").weak());
        ui.label(RichText::new("This account is disabled").color(theme::error(ui)));
        ui.end_row();
    }
    row(ui, "Roles", list(&a.roles));
    row(
        ui,
        "Licence",
        if a.license_features.is_empty() {
            "—".to_string()
        } else {
            a.license_features
                .iter()
                .map(|l| licence_words(l))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
}

/// What it may do and for how long: permissions, the token, the tenant.
fn what(ui: &mut Ui, a: &AccountSummary, token: Option<&TokenInfo>, clock: &Clock) {
    if !a.permissions.is_empty() {
        row(ui, "May", permissions_words(a));
    }
    let expiry = a
        .token_expires_at
        .as_deref()
        .and_then(crate::local_time::parse)
        .or_else(|| {
            token
                .and_then(|t| t.exp)
                .and_then(|e| time::OffsetDateTime::from_unix_timestamp(e).ok())
        });
    let token_text = match (expiry, token) {
        (Some(t), _) => clock.local_and_relative(t),
        (None, Some(t)) if !t.is_jwt => "not known (not a JWT)".into(),
        _ => "—".into(),
    };
    ui.label(RichText::new("Expires").weak())
        .on_hover_text("When the token from this login stops working");
    ui.add(egui::Label::new(token_text).selectable(true).wrap());
    ui.end_row();
    let sessions = match a.multiple_login {
        Some(true) => Some(("multiple login", "Other sessions of this user stay open.")),
        Some(false) => Some(("single login", "A new login may end this user's other sessions.")),
        None => None,
    };
    if let Some((words, help)) = sessions {
        ui.label(RichText::new("Sessions").weak());
        ui.add(egui::Label::new(words).selectable(true).wrap())
            .on_hover_text(help);
        ui.end_row();
    }
    if let Some(t) = &a.tenant {
        ui.label(RichText::new("Tenant").weak());
        // One line (an id nobody reads whole); all of it on hover and in the reports.
        ui.add(
            egui::Label::new(RichText::new(t).monospace().small())
                .selectable(true)
                .truncate(),
        )
        .on_hover_text(t);
        ui.end_row();
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items.join(", ")
    }
}

/// A licence feature with what it is, where known (reference §1.4: `RUNTIME`, `DEVELOPMENT`).
fn licence_words(l: &str) -> String {
    match l {
        "RUNTIME" => "RUNTIME (unattended Bot Runner)".into(),
        "DEVELOPMENT" => "DEVELOPMENT (Bot Creator)".into(),
        other => other.to_string(),
    }
}

/// "API keys: generate; bots: run".
pub fn permissions_words(a: &AccountSummary) -> String {
    a.permissions
        .iter()
        .map(|(resource, actions)| {
            let actions: Vec<String> = actions.iter().map(|x| action_words(x)).collect();
            format!("{}: {}", resource_words(resource), actions.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn resource_words(r: &str) -> String {
    match r {
        "api" => "API keys".into(),
        "license" => "licences".into(),
        "other" => "other".into(),
        r => r.replace(['_', '-'], " "),
    }
}

fn action_words(a: &str) -> String {
    match a {
        "generateapikey" => "generate".into(),
        "viewlicense" => "view".into(),
        a => a.replace(['_', '-'], " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_in_words() {
        let mut a = AccountSummary::default();
        a.permissions.insert("api".into(), vec!["generateapikey".into()]);
        a.permissions
            .insert("bots".into(), vec!["run".into(), "view_content".into()]);
        assert_eq!(permissions_words(&a), "API keys: generate; bots: run, view content");
    }
}
