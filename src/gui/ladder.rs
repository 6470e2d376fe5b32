//! The step ladder: Preflight, Connect, Authenticate, Validate, Logout, each pending / running /
//! ok / failed / skipped with its duration. Clicking a step selects it. It stays on one line: when
//! the full form does not fit, the durations go (they stay in the hover text), then the names
//! shorten.

use eframe::egui;

use super::command::Command;
use super::state::{Run, fmt_duration};
use super::theme::{self, Icon};
use crate::transcript::{StepName, StepStatus};
use egui::{RichText, Ui};

/// How much of each rung is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Full,
    NoDurations,
    Short,
}

struct Rung {
    name: StepName,
    icon: Option<Icon>,
    word: &'static str,
    color: egui::Color32,
    detail: Option<String>,
}

fn short_title(name: StepName) -> &'static str {
    match name {
        StepName::Preflight => "Pre",
        StepName::Connect => "Conn",
        StepName::Authenticate => "Auth",
        StepName::Validate => "Valid",
        StepName::Logout => "Out",
    }
}

fn rungs(ui: &Ui, run: Option<&Run>) -> Vec<Rung> {
    StepName::ALL
        .iter()
        .map(|name| {
            let view = run.and_then(|r| r.step(*name));
            let status = view.map(|v| v.status).unwrap_or(StepStatus::Pending);
            let cancelled = view.is_some_and(|v| v.was_cancelled())
                || (status == StepStatus::Running && run.is_some_and(Run::was_cancelled));
            let (icon, word, color) = if cancelled {
                (Some(Icon::Cancelled), "cancelled", theme::warn(ui))
            } else {
                match status {
                    StepStatus::Pending => (Some(Icon::Pending), "pending", ui.visuals().weak_text_color()),
                    StepStatus::Running => (None, "running", ui.visuals().strong_text_color()),
                    StepStatus::Ok => (Some(Icon::Ok), "ok", ui.visuals().text_color()),
                    StepStatus::Failed => (Some(Icon::Error), "failed", theme::error(ui)),
                    StepStatus::Skipped => (Some(Icon::Skipped), "skipped", ui.visuals().weak_text_color()),
                }
            };
            let detail = if cancelled || status == StepStatus::Skipped {
                Some(word.to_string())
            } else {
                view.and_then(|v| v.duration()).map(fmt_duration)
            };
            Rung {
                name: *name,
                icon,
                word,
                color,
                detail,
            }
        })
        .collect()
}

fn text(r: &Rung, form: Form) -> String {
    match (form, &r.detail) {
        (Form::Full, Some(d)) => format!("{} · {d}", r.name.title()),
        (Form::Full | Form::NoDurations, _) => r.name.title().to_string(),
        (Form::Short, _) => short_title(r.name).to_string(),
    }
}

const SIZE: f32 = 15.0;

/// The width the ladder needs in this form.
fn width(ui: &Ui, rungs: &[Rung], form: Form) -> f32 {
    let spacing = ui.spacing().item_spacing.x;
    let pad = ui.spacing().button_padding.x * 2.0;
    let sep = egui::WidgetText::from(RichText::new("›"))
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        )
        .size()
        .x;
    rungs
        .iter()
        .map(|r| {
            let g = egui::WidgetText::from(RichText::new(text(r, form)).size(SIZE)).into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Button,
            );
            16.0 + spacing + g.size().x + pad + spacing
        })
        .sum::<f32>()
        + (rungs.len() as f32 - 1.0) * (sep + spacing)
}

pub fn show(ui: &mut Ui, run: Option<&Run>, selected: Option<StepName>, cmds: &mut Vec<Command>) {
    let rungs = rungs(ui, run);
    let avail = ui.available_width();
    let form = [Form::Full, Form::NoDurations]
        .into_iter()
        .find(|f| width(ui, &rungs, *f) <= avail)
        .unwrap_or(Form::Short);
    ui.horizontal(|ui| {
        for (i, r) in rungs.iter().enumerate() {
            if i > 0 {
                ui.weak("›");
            }
            match r.icon {
                Some(i) => {
                    theme::icon(ui, i, 16.0);
                }
                // The spinner asks for repaints only while it is on screen, i.e. while a check runs.
                None => {
                    ui.add(egui::Spinner::new().size(16.0));
                }
            }
            let mut spoken = format!("{}: {}", r.name.title(), r.word);
            if let Some(d) = &r.detail
                && d != r.word
            {
                spoken.push_str(", ");
                spoken.push_str(d);
            }
            let is_selected = selected == Some(r.name);
            let label = text(r, form);
            let resp = ui
                .selectable_label(
                    is_selected,
                    // Selected: the selection's own text colour, for contrast on its background.
                    if is_selected {
                        RichText::new(label).size(SIZE).strong()
                    } else {
                        RichText::new(label).color(r.color).size(SIZE)
                    },
                )
                .on_hover_text(format!("{spoken}. {}", step_help(r.name)));
            // Screen readers (and tests) get the status in words, whatever the form shown.
            resp.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, is_selected, spoken.clone()));
            if resp.clicked() {
                cmds.push(Command::SelectStep(r.name));
            }
        }
    });
}

fn step_help(name: StepName) -> &'static str {
    match name {
        StepName::Preflight => "Checks the form locally: the address, the username and the key or password.",
        StepName::Connect => "Looks up the host name, opens a connection and checks the certificate.",
        StepName::Authenticate => "Signs in once: POST /v2/authentication. A failed sign-in is never retried.",
        StepName::Validate => "Asks the Control Room whether the token it issued is valid.",
        StepName::Logout => "Ends the session the test opened.",
    }
}
