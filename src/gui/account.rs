//! Who the account is, for admins verifying a service account: from the login answer and the
//! token's claims (no secret in it).

use eframe::egui;

use super::theme;
use crate::transcript::{AccountSummary, TokenInfo};
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, account: &AccountSummary, token: Option<&TokenInfo>) {
    egui::Grid::new("account_grid")
        .num_columns(2)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            let row = |ui: &mut Ui, k: &str, v: String| {
                ui.label(RichText::new(k).strong());
                ui.add(egui::Label::new(v).selectable(true).wrap());
                ui.end_row();
            };
            let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
            row(ui, "Username", opt(&account.username));
            let name = [account.first_name.as_deref(), account.last_name.as_deref()]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            if !name.is_empty() {
                row(ui, "Name", name);
            }
            row(ui, "User id", opt(&account.id));
            row(ui, "Email", opt(&account.email));
            row(ui, "Domain", opt(&account.domain));
            row(ui, "Roles", list(&account.roles));
            row(ui, "Licence features", list(&account.license_features));
            ui.label(RichText::new("Disabled").strong());
            match account.disabled {
                Some(true) => ui.colored_label(theme::error(ui), "yes: this account is disabled"),
                Some(false) => ui.label("no"),
                None => ui.label("—"),
            };
            ui.end_row();
            row(ui, "Tenant", opt(&account.tenant));
            row(
                ui,
                "Multiple login",
                match account.multiple_login {
                    Some(true) => "yes (other sessions stay open)".into(),
                    Some(false) => "no (may end other sessions of this user)".into(),
                    None => "—".into(),
                },
            );
            row(ui, "Token expires", opt(&account.token_expires_at));
            if let Some(t) = token {
                row(
                    ui,
                    "Token",
                    format!(
                        "{}{} characters",
                        if t.is_jwt { "JWT, " } else { "not a JWT, " },
                        t.length
                    ),
                );
            }
        });
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items.join(", ")
    }
}
