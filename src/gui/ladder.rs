//! The step ladder: Preflight, Connect, Authenticate, Validate, Logout, each pending / running /
//! ok / failed / skipped with its duration, plus a one-line verdict. Clicking a step selects it.

use eframe::egui;

use super::command::Command;
use super::state::{Run, fmt_duration};
use super::theme::{self, Icon};
use crate::transcript::{Outcome, StepName, StepStatus};
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, run: Option<&Run>, selected: Option<StepName>, cmds: &mut Vec<Command>) {
    verdict(ui, run);
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        for (i, name) in StepName::ALL.iter().enumerate() {
            if i > 0 {
                ui.weak("›");
            }
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
            match icon {
                Some(i) => {
                    theme::icon(ui, i, 16.0);
                }
                // The spinner asks for repaints only while it is on screen, i.e. while a check runs.
                None => {
                    ui.add(egui::Spinner::new().size(16.0));
                }
            }
            let mut text = name.title().to_string();
            let mut spoken = format!("{}: {word}", name.title());
            if !cancelled
                && status != StepStatus::Skipped
                && let Some(d) = view.and_then(|v| v.duration())
            {
                text.push_str(" · ");
                text.push_str(&fmt_duration(d));
                spoken.push_str(", ");
                spoken.push_str(&fmt_duration(d));
            } else if cancelled || status == StepStatus::Skipped {
                text.push_str(" · ");
                text.push_str(word);
            }
            let is_selected = selected == Some(*name);
            let r = ui
                .selectable_label(
                    is_selected,
                    // Selected: the selection's own text colour, for contrast on its background.
                    if is_selected {
                        RichText::new(text).size(15.0).strong()
                    } else {
                        RichText::new(text).color(color).size(15.0)
                    },
                )
                .on_hover_text(step_help(*name));
            // Screen readers (and tests) get the status in words.
            r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, is_selected, spoken.clone()));
            if r.clicked() {
                cmds.push(Command::SelectStep(*name));
            }
        }
    });
}

fn verdict(ui: &mut Ui, run: Option<&Run>) {
    let Some(run) = run else {
        ui.label(
            RichText::new(
                "Fill in the Control Room URL, the username and the key or password, then press Test connection.",
            )
            .weak(),
        );
        return;
    };
    let (icon, text, color) = match run.outcome() {
        Some(Outcome::Cancelled) => (
            Some(Icon::Cancelled),
            format!("Cancelled after {}. Nothing more is sent.", fmt_duration(run.elapsed())),
            theme::warn(ui),
        ),
        Some(Outcome::Ok) => (
            Some(Icon::Ok),
            "It works: the Control Room accepted these credentials and confirmed the token.".to_string(),
            theme::ok(ui),
        ),
        Some(Outcome::Rejected) => (
            Some(Icon::Error),
            "The Control Room answered, but refused these credentials.".to_string(),
            theme::error(ui),
        ),
        Some(Outcome::Unreachable) => (
            Some(Icon::Error),
            "The Control Room could not be reached, or something else answered.".to_string(),
            theme::error(ui),
        ),
        Some(Outcome::InvalidInput) => (
            Some(Icon::Warning),
            "Something in the form needs a change before a test can run.".to_string(),
            theme::warn(ui),
        ),
        None if run.is_lost() => (
            Some(Icon::Error),
            "The check stopped unexpectedly.".to_string(),
            theme::error(ui),
        ),
        None => {
            let step = run.running_step().map(|s| s.title()).unwrap_or("Starting");
            (
                None,
                format!("Testing… {step} ({})", fmt_duration(run.elapsed())),
                ui.visuals().text_color(),
            )
        }
    };
    ui.horizontal(|ui| {
        if let Some(i) = icon {
            theme::icon(ui, i, 20.0);
        }
        ui.label(RichText::new(text).color(color).size(17.0).strong());
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
