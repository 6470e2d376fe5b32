//! The account card beside the verdict, what an admin verifying a service account came for: who
//! the account is, its roles and licence in words, what it may do (the login answer's permissions
//! as sentences, the capability probes' answers, the profile's required capabilities), its
//! sessions, when the token expires (local time, and how long from now) and when the API key
//! expires (the profile's date). The words are `crate::capabilities`' (the text output and the
//! reports use the same); the data come from the login answer and the token's claims, redacted by
//! the engine (no secret in it).

use eframe::egui;

use super::theme;
use crate::capabilities::{Capabilities, Met};
use crate::local_time::Clock;
use crate::transcript::{AccountSummary, ProbeAnswer, TokenInfo};
use egui::{Frame, RichText, Ui};

/// What the card shows besides the login answer.
pub struct CardExtras<'a> {
    pub token: Option<&'a TokenInfo>,
    /// Roles, licences, permissions, probes and requirements in words.
    pub capabilities: &'a Capabilities,
    /// The API key's expiry kept with the profile, in words ("expires in 9 days (2026-03-01)").
    pub key_expiry: Option<String>,
}

/// The card. Compact: it must fit beside the verdict at 1024×700.
pub fn show(ui: &mut Ui, account: &AccountSummary, extras: &CardExtras<'_>, clock: &Clock, stale: bool) {
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
                        grid("account_who").show(ui, |ui| who(ui, account, extras.capabilities));
                    });
                    ui.vertical(|ui| {
                        ui.set_width(ui.available_width());
                        grid("account_what").show(ui, |ui| what(ui, account, extras, clock));
                    });
                });
            } else {
                grid("account_grid").show(ui, |ui| {
                    who(ui, account, extras.capabilities);
                    what(ui, account, extras, clock);
                });
            }
            may(ui, extras.capabilities);
        });
}

/// One row of the card.
fn row(ui: &mut Ui, k: &str, v: impl Into<String>) {
    ui.label(RichText::new(k).weak());
    // The account's fields come from the server: shown escaped.
    let v = v.into();
    ui.add(
        egui::Label::new(RichText::new(crate::sanitize::for_display(&v)))
            .selectable(true)
            .wrap(),
    );
    ui.end_row();
}

/// Who the account is: user, email, roles, licence.
fn who(ui: &mut Ui, a: &AccountSummary, caps: &Capabilities) {
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
    let r = ui.add(
        egui::Label::new(RichText::new(crate::sanitize::for_display(&user)).strong())
            .selectable(true)
            .wrap(),
    );
    if let Some(id) = &a.id {
        r.on_hover_text(format!("User id {}", crate::sanitize::for_display(&id.to_string())));
    }
    ui.end_row();
    if a.email.is_some() || a.domain.is_some() {
        let mut email = a.email.clone().unwrap_or_else(|| "—".into());
        if let Some(d) = &a.domain {
            email.push_str(&format!(" · domain {d}"));
        }
        row(ui, "Email", email);
    }
    if caps.disabled {
        ui.label(RichText::new("Status").weak());
        ui.label(RichText::new("This account is disabled").color(theme::error(ui)));
        ui.end_row();
    }
    ui.label(RichText::new("Roles").weak());
    let roles = ui.add(egui::Label::new(list(&a.roles)).selectable(true).wrap());
    let described: Vec<String> = caps
        .roles
        .iter()
        .filter_map(|r| r.words.as_ref().map(|w| format!("{}: {w}", r.name)))
        .collect();
    if !described.is_empty() {
        roles.on_hover_text(described.join("\n"));
    }
    ui.end_row();
    ui.label(RichText::new("Licence").weak());
    let licence = if caps.licences.is_empty() {
        "—".to_string()
    } else {
        caps.licences
            .iter()
            .map(|l| match &l.name {
                Some(n) => format!("{n} ({})", l.feature),
                None => l.feature.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let r = ui.add(egui::Label::new(licence).selectable(true).wrap());
    if !caps.licences.is_empty() {
        r.on_hover_text(
            caps.licences
                .iter()
                .map(|l| format!("{}: {}", l.name.as_deref().unwrap_or(&l.feature), l.words))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    ui.end_row();
}

/// For how long: the token, the key, the sessions, the tenant.
fn what(ui: &mut Ui, a: &AccountSummary, extras: &CardExtras<'_>, clock: &Clock) {
    let token = extras.token;
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
    if let Some(k) = &extras.key_expiry {
        ui.label(RichText::new("API key").weak())
            .on_hover_text("When the API key expires, by the date kept with this profile");
        ui.add(egui::Label::new(k).selectable(true).wrap());
        ui.end_row();
    }
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
            egui::Label::new(RichText::new(crate::sanitize::for_display(t)).monospace().small())
                .selectable(true)
                .truncate(),
        )
        .on_hover_text(crate::sanitize::for_display(t));
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

/// What the account may do, full width under the two columns: the profile's requirements and the
/// probes' answers first (what an admin acts on), then the permissions as sentences.
fn may(ui: &mut Ui, caps: &Capabilities) {
    let rows = !caps.permissions.is_empty() || !caps.probes.is_empty() || !caps.required.is_empty();
    if !rows {
        ui.add(
            egui::Label::new(
                RichText::new("The login answer lists no permissions; the capability probes can ask the Control Room.")
                    .weak(),
            )
            .wrap(),
        );
        return;
    }
    ui.add_space(2.0);
    egui::Grid::new("account_may")
        .num_columns(2)
        .spacing([10.0, 1.0])
        .show(ui, |ui| {
            // Coloured words in one wrapped label (a LayoutJob): a wrapped row of widgets inside a grid
            // would be sized from the previous frame and overlap the next row.
            let plain = ui.visuals().text_color();
            let font = egui::TextStyle::Body.resolve(ui.style());
            let job_part = |job: &mut egui::text::LayoutJob, text: &str, colour: egui::Color32| {
                job.append(text, 0.0, egui::TextFormat::simple(font.clone(), colour));
            };
            for r in &caps.required {
                let (word, colour) = match r.met {
                    Met::Met => ("yes", theme::ok(ui)),
                    Met::Missing => ("missing", theme::error(ui)),
                    Met::Unknown => ("not known", theme::warn(ui)),
                };
                let mut job = egui::text::LayoutJob::default();
                job_part(&mut job, &format!("{}: ", r.words), plain);
                job_part(&mut job, word, colour);
                ui.label(RichText::new("Must").weak())
                    .on_hover_text("What this profile requires of the account");
                ui.add(egui::Label::new(job).wrap()).on_hover_text(format!(
                    "{}. Granted by {}.",
                    r.evidence,
                    r.grant.replace('*', "")
                ));
                ui.end_row();
            }
            if !caps.probes.is_empty() {
                let mut job = egui::text::LayoutJob::default();
                for (i, p) in caps.probes.iter().enumerate() {
                    if i > 0 {
                        job_part(&mut job, " · ", ui.visuals().weak_text_color());
                    }
                    let colour = match p.answer {
                        ProbeAnswer::Allowed => theme::ok(ui),
                        ProbeAnswer::NotAllowed => theme::error(ui),
                        ProbeAnswer::NotHere | ProbeAnswer::Unknown => theme::warn(ui),
                    };
                    job_part(&mut job, &format!("{}: ", p.question), plain);
                    job_part(&mut job, &p.words, colour);
                }
                let calls = caps
                    .probes
                    .iter()
                    .map(|p| format!("{}: {} — needs {}", p.call, p.words, p.needs))
                    .collect::<Vec<_>>()
                    .join("\n");
                ui.label(RichText::new("Asked").weak())
                    .on_hover_text("Read-only calls made with the token just issued (capability probes)");
                ui.add(egui::Label::new(job).wrap()).on_hover_text(calls);
                ui.end_row();
            }
            for g in &caps.permissions {
                ui.label(RichText::new(&g.title).weak()).on_hover_text(format!(
                    "Permissions of type {}: {}",
                    g.resource,
                    g.actions.join(", ")
                ));
                ui.add(egui::Label::new(&g.sentence).selectable(true).wrap());
                ui.end_row();
            }
        });
}
