//! The verdict card at the top of the results: the outcome word and colour, the most likely cause
//! as the headline, and the first thing to do; while a check runs, what it is doing. The words
//! come from [`crate::verdict`], like the status line, the response pane, `check`'s text output
//! and the Markdown report.

use eframe::egui;

use super::rich_text::{self, Look};
use super::state::{Run, State, fmt_duration};
use super::theme::{self, Icon};
use crate::verdict::{Tone, Verdict, VerdictKind};
use egui::{Frame, RichText, Ui};

/// The colour of a verdict.
pub fn tone_color(ui: &Ui, tone: Tone) -> egui::Color32 {
    match tone {
        Tone::Good => theme::ok(ui),
        Tone::Bad => theme::error(ui),
        Tone::Caution => theme::warn(ui),
    }
}

fn icon_for(kind: VerdictKind) -> Icon {
    match kind {
        VerdictKind::Works => Icon::Ok,
        VerdictKind::Cancelled => Icon::Cancelled,
        VerdictKind::Incomplete | VerdictKind::CannotTest => Icon::Warning,
        _ => Icon::Error,
    }
}

pub fn show(ui: &mut Ui, state: &State) {
    let Some(run) = state.run.as_ref() else {
        card(ui, ui.visuals().widgets.noninteractive.bg_stroke.color, |ui| {
            ui.label(
                RichText::new(
                    "Fill in the Control Room URL, the username and the key or password, then press Test connection.",
                )
                .weak(),
            );
            ui.label(
                RichText::new("The verdict, the account and what to do will appear here.")
                    .weak()
                    .small(),
            );
        });
        return;
    };
    let stale = state.result_is_stale();
    match run.verdict() {
        Some(v) => verdict(ui, run, &localised(v, &state.clock), stale),
        None if run.is_lost() => card(ui, theme::error(ui), |ui| {
            ui.horizontal(|ui| {
                theme::icon(ui, Icon::Error, 20.0);
                ui.label(
                    RichText::new("The check stopped unexpectedly.")
                        .color(theme::error(ui))
                        .size(17.0)
                        .strong(),
                );
            });
            ui.label("Press Test connection to try again. If it happens again, save a report for support.");
        }),
        None => running(ui, run),
    }
}

/// The verdict with the times in its words local and relative (the diagnosis writes UTC).
pub fn localised(mut v: Verdict, clock: &crate::local_time::Clock) -> Verdict {
    v.headline = clock.localise_utc_stamps(&v.headline);
    v.caveat = v.caveat.map(|c| clock.localise_utc_stamps(&c));
    v.first_step = v.first_step.map(|c| clock.localise_utc_stamps(&c));
    v
}

/// A framed card with a coloured edge.
fn card(ui: &mut Ui, edge: egui::Color32, add: impl FnOnce(&mut Ui)) {
    Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, edge))
        .inner_margin(egui::Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

fn running(ui: &mut Ui, run: &Run) {
    card(ui, ui.visuals().widgets.noninteractive.bg_stroke.color, |ui| {
        let step = run.running_step().map(|s| s.title()).unwrap_or("Starting");
        ui.horizontal(|ui| {
            // The spinner asks for repaints only while it is on screen, i.e. while a check runs.
            ui.add(egui::Spinner::new().size(18.0));
            ui.label(
                RichText::new(format!("Testing… {step} ({})", fmt_duration(run.elapsed())))
                    .size(17.0)
                    .strong(),
            );
        });
        ui.label(
            RichText::new("The login is sent once; nothing is judged until the answer comes back. Esc cancels.").weak(),
        );
    });
}

fn verdict(ui: &mut Ui, run: &Run, v: &Verdict, stale: bool) {
    let color = tone_color(ui, v.kind.tone());
    let edge = if stale { ui.visuals().weak_text_color() } else { color };
    card(ui, edge, |ui| {
        if stale {
            ui.horizontal_wrapped(|ui| {
                theme::icon(ui, Icon::Info, 14.0);
                ui.label(
                    RichText::new(
                        "Previous check: the settings have changed since. Press Test connection to check these.",
                    )
                    .color(theme::warn(ui))
                    .strong(),
                );
            });
        }
        let dim = |c: egui::Color32| if stale { c.gamma_multiply(0.6) } else { c };
        ui.horizontal(|ui| {
            theme::icon(ui, icon_for(v.kind), 20.0);
            let mut word = v.kind.word().to_string();
            if v.kind == VerdictKind::Cancelled {
                word = format!("{word} after {}", fmt_duration(run.elapsed()));
            }
            ui.label(RichText::new(word).color(dim(color)).size(15.0).strong());
        });
        let look = Look {
            size: 16.0,
            color: dim(ui.visuals().strong_text_color()),
            strong: true,
        };
        ui.add(
            egui::Label::new(rich_text::job(ui, &v.headline, look))
                .wrap()
                .selectable(true),
        );
        if let Some(c) = &v.caveat {
            let look = Look {
                size: 14.0,
                color: dim(theme::warn(ui)),
                strong: false,
            };
            ui.add(egui::Label::new(rich_text::job(ui, &format!("But: {c}"), look)).wrap());
        }
        if let Some(s) = v.credentials_note() {
            ui.label(RichText::new(s).color(dim(ui.visuals().text_color())));
        }
        if let Some(step) = &v.first_step {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new("First:")
                        .strong()
                        .color(dim(ui.visuals().strong_text_color())),
                );
                let look = Look {
                    color: dim(ui.visuals().text_color()),
                    ..Look::body(ui)
                };
                rich_text::show(ui, step, look);
            });
        }
    });
}
