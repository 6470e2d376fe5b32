//! "Test all": the table of every saved profile's outcome, filling in as each check finishes.

use eframe::egui;

use super::command::Command;
use super::profiles_panel::ProfilesCmd;
use super::state::fmt_ms;
use super::theme;
use crate::profiles::Profile;
use crate::transcript::Outcome;
use crate::worker::CheckResult;
use egui::{RichText, Ui};

/// The outcome of one profile in the table (no secret: the name, the outcome and our hint).
#[derive(Debug, Clone, PartialEq)]
pub struct RowSummary {
    pub outcome: Outcome,
    /// The most likely cause, or why no login was sent (no secret saved).
    pub main_hint: String,
    pub duration_ms: f64,
    pub logins_sent: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestAllRowState {
    Waiting,
    Running,
    Done(RowSummary),
    Skipped(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestAllRow {
    pub profile_id: String,
    pub name: String,
    pub state: TestAllRowState,
}

impl TestAllRow {
    pub fn new(p: &Profile, state: TestAllRowState) -> Self {
        Self {
            profile_id: p.id.clone(),
            name: p.name.clone(),
            state,
        }
    }

    pub fn summary(result: &CheckResult, note: Option<String>) -> RowSummary {
        let t = &result.transcript;
        let hint = result.hints.first().map(|h| h.title.clone());
        let main_hint = match (note, hint) {
            (Some(n), Some(h)) => format!("{n}: {h}"),
            (Some(n), None) => n,
            (None, Some(h)) => h,
            (None, None) => String::new(),
        };
        let logins_sent = t
            .steps
            .iter()
            .filter(|s| s.name == crate::transcript::StepName::Authenticate && s.request.is_some())
            .count();
        RowSummary {
            outcome: t.outcome,
            main_hint,
            duration_ms: t.duration_ms(),
            logins_sent,
        }
    }

    pub fn outcome(&self) -> Option<Outcome> {
        match &self.state {
            TestAllRowState::Done(s) => Some(s.outcome),
            _ => None,
        }
    }
}

/// The table, whether it is shown, and whether a run is going on.
#[derive(Default)]
pub struct TestAllState {
    pub rows: Vec<TestAllRow>,
    /// `Some` while the profiles are being tested: Stop cancels through it.
    pub running: Option<crate::engine::CancelHandle>,
    pub open: bool,
}

impl TestAllState {
    pub fn start(&mut self, profiles: &[Profile], cancel: crate::engine::CancelHandle) {
        self.rows = profiles
            .iter()
            .map(|p| TestAllRow::new(p, TestAllRowState::Waiting))
            .collect();
        self.running = Some(cancel);
        self.open = true;
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Cancel the check that runs; the rest are skipped.
    pub fn stop(&self) {
        if let Some(c) = &self.running {
            c.cancel();
        }
    }

    pub fn set_row(&mut self, i: usize, row: TestAllRow) {
        if let Some(r) = self.rows.get_mut(i) {
            *r = row;
        }
    }

    pub fn finish(&mut self) {
        self.running = None;
    }

    pub fn ok_count(&self) -> usize {
        self.rows.iter().filter(|r| r.outcome() == Some(Outcome::Ok)).count()
    }

    pub fn done_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.state, TestAllRowState::Done(_) | TestAllRowState::Skipped(_)))
            .count()
    }
}

/// The "Test all profiles" window.
pub fn show(ctx: &egui::Context, state: &TestAllState, cmds: &mut Vec<Command>) {
    if !state.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Test all profiles")
        .id(egui::Id::unique("test_all_window"))
        .open(&mut open)
        .resizable(true)
        .default_width(620.0)
        .show(ctx, |ui| table(ui, state, cmds));
    if !open {
        cmds.push(Command::Profiles(ProfilesCmd::CloseTestAll));
    }
}

fn table(ui: &mut Ui, state: &TestAllState, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if state.is_running() {
            ui.label(format!("Testing… {} of {} done", state.done_count(), state.rows.len()));
            if ui
                .button("Stop testing")
                .on_hover_text("Stop after the current profile's check is cancelled")
                .clicked()
            {
                cmds.push(Command::Profiles(ProfilesCmd::StopTestAll));
            }
        } else {
            ui.label(format!("{} of {} profiles work.", state.ok_count(), state.rows.len()));
        }
    });
    ui.weak("One sign-in attempt per profile. A profile without a saved secret stops before anything is sent.");
    ui.add_space(4.0);
    egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
        egui::Grid::new("test_all_grid")
            .num_columns(4)
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                ui.strong("Profile");
                ui.strong("Outcome");
                ui.strong("Main hint");
                ui.strong("Time");
                ui.end_row();
                for row in &state.rows {
                    ui.label(&row.name);
                    match &row.state {
                        TestAllRowState::Waiting => {
                            ui.weak("waiting");
                            ui.label("");
                            ui.label("");
                        }
                        TestAllRowState::Running => {
                            ui.label("testing…");
                            ui.label("");
                            ui.label("");
                        }
                        TestAllRowState::Skipped(why) => {
                            ui.weak("skipped");
                            ui.weak(why);
                            ui.label("");
                        }
                        TestAllRowState::Done(s) => {
                            let color = if s.outcome == Outcome::Ok {
                                theme::ok(ui)
                            } else {
                                theme::error(ui)
                            };
                            ui.label(RichText::new(outcome_words(s.outcome)).color(color));
                            ui.label(&s.main_hint);
                            ui.label(fmt_ms(s.duration_ms));
                        }
                    }
                    ui.end_row();
                }
            });
    });
}

/// Short words for an outcome.
pub fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Rejected => "refused",
        Outcome::Unreachable => "unreachable",
        Outcome::InvalidInput => "not sent (form incomplete)",
        Outcome::Cancelled => "cancelled",
    }
}
