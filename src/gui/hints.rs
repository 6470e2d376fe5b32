//! The hints panel: what went wrong and what to do, most likely cause first. Each hint points to
//! the step its evidence came from; clicking "Show step" selects that step in the panes.

use eframe::egui;

use super::command::Command;
use super::state::{Run, most_likely};
use super::theme::{self, Icon};
use crate::diagnose::{Hint, Severity};
use crate::transcript::{Outcome, StepStatus};
use egui::{Frame, RichText, Ui};

pub fn show(ui: &mut Ui, run: Option<&Run>, cmds: &mut Vec<Command>) {
    let Some(run) = run else {
        ui.weak("What went wrong and how to fix it will appear here after a test.");
        return;
    };
    if run.result().is_none() {
        if run.was_cancelled() {
            ui.label("The check was cancelled. Press Test connection to try again.");
        } else {
            ui.weak("Waiting for the check to finish…");
        }
        return;
    }
    let hints = run.hints();
    if hints.is_empty() {
        fallback(ui, run, cmds);
        return;
    }
    let top = most_likely(hints);
    for (i, hint) in hints.iter().enumerate() {
        hint_card(ui, i, hint, top == Some(i), cmds);
        ui.add_space(6.0);
    }
}

fn severity_icon(ui: &Ui, s: Severity) -> (Icon, egui::Color32, &'static str) {
    match s {
        Severity::Error => (Icon::Error, theme::error(ui), "Problem"),
        Severity::Warning => (Icon::Warning, theme::warn(ui), "Warning"),
        Severity::Info => (Icon::Info, theme::info(ui), "Note"),
    }
}

pub(crate) fn hint_card(ui: &mut Ui, index: usize, hint: &Hint, top: bool, cmds: &mut Vec<Command>) {
    let (icon, color, word) = severity_icon(ui, hint.severity);
    let stroke = if top {
        egui::Stroke::new(2.0, color)
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    Frame::group(ui.style())
        .stroke(stroke)
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            if top {
                ui.label(RichText::new("Most likely cause").small().strong().color(color));
            }
            ui.horizontal_wrapped(|ui| {
                theme::icon(ui, icon, 18.0).on_hover_text(word);
                ui.label(RichText::new(&hint.title).strong().size(16.0));
            });
            if !hint.detail.is_empty() {
                ui.add(egui::Label::new(&hint.detail).wrap());
            }
            if !hint.fix.is_empty() {
                ui.add_space(2.0);
                ui.label(RichText::new("What to do").strong());
                ui.add(egui::Label::new(&hint.fix).wrap());
            }
            ui.horizontal_wrapped(|ui| {
                if let Some(ev) = &hint.evidence {
                    ui.label(RichText::new("Evidence:").weak());
                    ui.add(egui::Label::new(RichText::new(ev).monospace()).selectable(true).wrap());
                }
            });
            ui.horizontal_wrapped(|ui| {
                if let Some(step) = hint.step
                    && ui
                        .small_button(format!("Show the {} step", step.title()))
                        .on_hover_text(format!(
                            "Show the request and the answer of this step (hint {})",
                            index + 1
                        ))
                        .clicked()
                {
                    cmds.push(Command::SelectStep(step));
                }
                if let Some(link) = hint.link {
                    ui.hyperlink_to("Documentation", link);
                }
                ui.weak(RichText::new(hint.id.as_str()).monospace().small());
            });
        });
}

/// No hint came back: say plainly what the ladder found.
fn fallback(ui: &mut Ui, run: &Run, cmds: &mut Vec<Command>) {
    match run.outcome() {
        Some(Outcome::Ok) => {
            ui.horizontal(|ui| {
                theme::icon(ui, Icon::Ok, 18.0);
                ui.label(
                    RichText::new("Nothing to fix: these credentials work from this computer.")
                        .color(theme::ok(ui))
                        .strong(),
                );
            });
        }
        Some(Outcome::Cancelled) => {
            ui.label("The check was cancelled. Press Test connection to try again.");
        }
        _ => {
            if let Some(step) = run.steps.iter().find(|s| s.status == StepStatus::Failed) {
                let err = step
                    .record
                    .as_ref()
                    .and_then(|r| r.error.as_ref())
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                ui.horizontal(|ui| {
                    theme::icon(ui, Icon::Error, 18.0);
                    ui.label(
                        RichText::new(format!("The {} step failed", step.name.title()))
                            .color(theme::error(ui))
                            .strong(),
                    );
                });
                ui.add(egui::Label::new(err).wrap());
                if ui
                    .small_button(format!("Show the {} step", step.name.title()))
                    .clicked()
                {
                    cmds.push(Command::SelectStep(step.name));
                }
            }
        }
    }
}
