//! "Test all": the table of every saved profile's outcome, filling in as each check finishes. A
//! profile without a secret on this computer is "not tested" (never "failed": nothing was sent),
//! and one whose secret was refused before is "not sent" until its secret changes or the person
//! presses "Test them anyway".

use eframe::egui;

use super::command::Command;
use super::profiles_panel::ProfilesCmd;
use super::state::fmt_ms;
use super::theme;
use crate::profiles::{Profile, Refusals};
use crate::transcript::Outcome;
use crate::worker::CheckResult;
use egui::{RichText, Ui};

/// The outcome of one profile in the table (no secret: the name, the outcome and our hint).
#[derive(Debug, Clone, PartialEq)]
pub struct RowSummary {
    pub outcome: Outcome,
    /// The most likely cause.
    pub main_hint: String,
    pub duration_ms: f64,
    pub logins_sent: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TestAllRowState {
    Waiting,
    Running,
    Done(RowSummary),
    /// Stopped before its turn.
    Skipped(String),
    /// No secret on this computer: nothing was sent. `headline`: "Key not stored on this computer".
    NotTested {
        headline: String,
        why: String,
        technical: Option<String>,
    },
    /// Its secret was refused before and has not changed: not sent again.
    Guarded(Refusals),
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

    pub fn summary(result: &CheckResult) -> RowSummary {
        let t = &result.transcript;
        let main_hint = result.hints.first().map(|h| h.title.clone()).unwrap_or_default();
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
            .filter(|r| !matches!(r.state, TestAllRowState::Waiting | TestAllRowState::Running))
            .count()
    }

    /// Profiles with no secret on this computer.
    pub fn not_tested_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.state, TestAllRowState::NotTested { .. }))
            .count()
    }

    /// The rows not sent because their secret was refused before.
    pub fn guarded(&self) -> impl Iterator<Item = (usize, &TestAllRow)> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.state, TestAllRowState::Guarded(_)))
    }

    /// Start again for some rows only ("Test them anyway"): they wait, the others keep their result.
    pub fn restart(&mut self, rows: &[usize], cancel: crate::engine::CancelHandle) {
        for &i in rows {
            if let Some(r) = self.rows.get_mut(i) {
                r.state = TestAllRowState::Waiting;
            }
        }
        self.running = Some(cancel);
        self.open = true;
    }

    /// The line above the table.
    pub fn summary_line(&self) -> String {
        let mut line = format!("{} of {} profiles work.", self.ok_count(), self.rows.len());
        let untested = self.not_tested_count();
        if untested > 0 {
            line.push_str(&format!(" {untested} not tested (no secret on this computer)."));
        }
        let guarded = self.guarded().count();
        if guarded > 0 {
            line.push_str(&format!(" {guarded} not sent (refused before)."));
        }
        line
    }
}

/// The "Test all profiles" window.
pub fn show(ctx: &egui::Context, state: &TestAllState, cmds: &mut Vec<Command>) {
    if !state.open {
        return;
    }
    let mut open = true;
    // At the right, below the top: the form and its Test button stay visible beside it.
    let area = ctx.content_rect();
    egui::Window::new("Test all profiles")
        .id(egui::Id::unique("test_all_window"))
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(area.right_top() + egui::vec2(-16.0, 180.0))
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
            ui.label(state.summary_line());
        }
    });
    ui.weak(
        "One sign-in attempt per profile. Nothing is sent for a profile without a secret on this computer, \
         nor for one whose secret the Control Room refused before.",
    );
    let guarded = state.guarded().count();
    if guarded > 0 && !state.is_running() {
        ui.horizontal_wrapped(|ui| {
            let text = if guarded == 1 {
                "Test it anyway".to_string()
            } else {
                format!("Test them anyway ({guarded})")
            };
            if ui
                .button(RichText::new(text).color(theme::warn(ui)))
                .on_hover_text(
                    "Send one more login with each secret that was refused before. By default a Control Room \
                     disables an account after 3 failed logins in a row, and every bot that uses it stops until \
                     an administrator enables it again.",
                )
                .clicked()
            {
                cmds.push(Command::Profiles(ProfilesCmd::TestGuardedAnyway));
            }
        });
    }
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
                    ui.label(crate::sanitize::for_display(&row.name));
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
                        TestAllRowState::NotTested {
                            headline,
                            why,
                            technical,
                        } => {
                            ui.weak("not tested");
                            let mut hover = why.clone();
                            if let Some(t) = technical {
                                hover.push_str(&format!("\n\nTechnical details: {t}"));
                            }
                            ui.label(format!("{headline}: paste it to test")).on_hover_text(hover);
                            ui.label("");
                        }
                        TestAllRowState::Guarded(r) => {
                            ui.label(RichText::new("not sent").color(theme::warn(ui)));
                            ui.label(format!("Refused before ({}): not sent again", r.times()))
                                .on_hover_text(r.risk());
                            ui.label("");
                        }
                        TestAllRowState::Done(s) => {
                            let color = if s.outcome == Outcome::Ok {
                                theme::ok(ui)
                            } else {
                                theme::error(ui)
                            };
                            ui.label(RichText::new(outcome_words(s.outcome)).color(color));
                            ui.label(crate::sanitize::for_display(&s.main_hint));
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
