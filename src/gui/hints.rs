//! "More causes and what to do": the hint cards, most likely cause first (it is also the verdict's
//! headline). Hint texts render their inline Markdown ([`super::rich_text`]); the evidence, quoted
//! exactly from what came back, and the hint's id are under "Technical details". Each hint points
//! to the step its evidence came from; "Show the … step" selects that step in the panes.

use eframe::egui;

use super::command::Command;
use super::plain_words;
use super::rich_text::{self, Look};
use super::state::{Run, most_likely};
use super::theme::{self, Icon};
use crate::diagnose::{Hint, Severity};
use crate::local_time::Clock;
use crate::transcript::{Outcome, StepStatus};
use egui::{Frame, RichText, Ui};

pub fn show(ui: &mut Ui, run: Option<&Run>, clock: &Clock, cmds: &mut Vec<Command>) {
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
        hint_card(ui, i, hint, top == Some(i), clock, cmds);
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

pub(crate) fn hint_card(ui: &mut Ui, index: usize, hint: &Hint, top: bool, clock: &Clock, cmds: &mut Vec<Command>) {
    // Times in the hint's words (UTC, as in the reports) read local and relative here.
    let local = |s: &str| clock.localise_utc_stamps(s);
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
                let look = Look {
                    size: 16.0,
                    color: ui.visuals().strong_text_color(),
                    strong: true,
                };
                ui.add(egui::Label::new(rich_text::job(ui, &local(&hint.title), look)).wrap());
            });
            if !hint.detail.is_empty() {
                rich_text::show(ui, &local(&hint.detail), Look::body(ui));
            }
            if !hint.fix.is_empty() {
                ui.add_space(2.0);
                ui.label(RichText::new("What to do").strong());
                rich_text::show(ui, &local(&hint.fix), Look::body(ui));
            }
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
            });
            plain_words::technical_details(ui, ("hint", index), |ui| {
                if let Some(ev) = &hint.evidence {
                    ui.label(RichText::new("Evidence (as it came back)").small().strong());
                    plain_words::raw_text(ui, ev);
                }
                ui.label(
                    RichText::new(format!("Hint {} · {}", hint.id.as_str(), hint.severity.as_str()))
                        .monospace()
                        .small()
                        .weak(),
                );
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
                let words = step
                    .record
                    .as_ref()
                    .and_then(|r| crate::verdict::step_problem(r))
                    .unwrap_or_default();
                ui.horizontal(|ui| {
                    theme::icon(ui, Icon::Error, 18.0);
                    ui.label(
                        RichText::new(format!("The {} step failed", step.name.title()))
                            .color(theme::error(ui))
                            .strong(),
                    );
                });
                ui.add(egui::Label::new(words).wrap());
                if let Some(err) = step.record.as_ref().and_then(|r| r.error.as_ref()) {
                    plain_words::technical_details(ui, "fallback", |ui| plain_words::raw_text(ui, &err.to_string()));
                }
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
