//! The window's reducer: every [`Command`] from the views and every [`Msg`] from background work
//! is applied here, and the window's [`State`] changes nowhere else (rerun's
//! `command_handling.rs` is the model). Background work (the check, file dialogs, the demo
//! servers, saving a report) is started from here and comes back as a [`Msg`]. The sidebar's
//! commands and messages go on to [`super::profiles_panel::update`].

use eframe::egui;

use super::command::{Background, Command, Msg};
use super::demo_picker;
use super::path_dialog::PathPurpose;
use super::profiles_panel;
use super::state::{FormState, Run, RunId, State, Status, fmt_duration, fmt_ms};
use crate::transcript::StepStatus;
use crate::worker::{self, CheckEvent};
use std::time::Instant;

/// Apply a command, as if a view had sent it.
pub fn apply(state: &mut State, bg: &Background, ctx: &egui::Context, cmd: Command) {
    match cmd {
        Command::RunCheck => {
            if profiles_panel::guard::allows_check(state) {
                start_check(state, bg)
            }
        }
        Command::RunCheckAnyway => {
            profiles_panel::guard::close(state);
            start_check(state, bg)
        }
        Command::Cancel => cancel(state),
        Command::EditForm(form) => state.form = *form,
        Command::SelectStep(s) => state.selected_step = Some(s),
        Command::ShowRawBodies(raw) => state.raw_bodies = raw,
        Command::BrowseCaFile => browse_ca_file(state, bg),
        Command::Copy(text, what) => {
            ctx.copy_text(text.clone());
            state.last_copy = Some(text);
            state.status = Status::normal(format!("Copied the {what} to the clipboard."));
        }
        Command::SaveReport => save_report(state, bg, None),
        Command::SaveReportTo(path) => save_report(state, bg, Some(path)),
        Command::RunDemoCase(i) => run_demo_case(state, bg, i),
        Command::DemoReset => {
            if let Some(d) = &mut state.demo {
                demo_picker::reset_scenarios(d);
                d.chosen = None;
                if let Some(s) = &d.plain {
                    state.form = FormState::from_plan(&demo_picker::working_plan(s));
                }
                state.status = Status::normal("Demo: back to a healthy Control Room and a working API key.");
            }
        }
        Command::Profiles(c) => profiles_panel::update::apply(state, bg, c),
        Command::About(c) => state.about.apply(bg, c),
        Command::Paste(c) => {
            let (then, status) = super::paste::apply(&mut state.paste, &state.form, bg, c);
            state.status = status.unwrap_or_else(|| state.status.clone());
            then.into_iter().for_each(|c| apply(state, bg, ctx, c));
        }
        Command::FocusReturned => state.focus_test = false,
    }
}

/// Apply a message of background work.
pub fn on_msg(state: &mut State, bg: &Background, msg: Msg) {
    match msg {
        Msg::Check(id, event) => on_check_event(state, bg, id, event),
        Msg::DataFolderOpened(r) => state.about.on_opened(r),
        Msg::Paste(m) => {
            state.status = super::paste::on_msg(&mut state.paste, m).unwrap_or_else(|| state.status.clone())
        }
        Msg::CaFilePicked(p) => {
            state.file_dialog_open = false;
            match p {
                Some(p) => {
                    state.form.target.options.ca_file = Some(p);
                    state.status = Status::normal("CA file chosen.");
                }
                None => {
                    state.status = Status::normal("No file chosen.");
                    profiles_panel::update::offer_path(state, PathPurpose::CaFile, true);
                }
            }
        }
        Msg::ReportSaved(r) => {
            state.file_dialog_open = false;
            state.status = match r {
                Ok(Some(p)) => Status::good(format!(
                    "Report saved to {} and {} (secrets masked).",
                    p.display(),
                    p.with_extension("md").display()
                )),
                Ok(None) => {
                    profiles_panel::update::offer_path(state, PathPurpose::SaveReport, true);
                    Status::normal("Report not saved yet: no file chosen.")
                }
                Err(e) => Status::bad(format!("The report could not be saved: {e}")),
            };
        }
        Msg::DemoStarted(r) => {
            let Some(d) = &mut state.demo else { return };
            d.starting = false;
            match r {
                Ok(server) => {
                    // Fill the form only if the user has not started typing meanwhile.
                    if state.form.target.url.is_empty() && state.form.secret.is_empty() {
                        state.form = FormState::from_plan(&demo_picker::working_plan(&server));
                    }
                    state.status = Status::normal(format!(
                        "Demo Control Room ready at {}. Press Test connection, or try a common mistake.",
                        server.url()
                    ));
                    d.plain = Some(server);
                }
                Err(e) => {
                    state.status = Status::bad(e.clone());
                    d.error = Some(e);
                }
            }
        }
        Msg::DemoCaseReady {
            index,
            result,
            new_tls_server,
        } => {
            let Some(d) = &mut state.demo else { return };
            if let Some(s) = new_tls_server {
                d.tls = Some(s);
            }
            if d.preparing != Some(index) {
                return;
            }
            d.preparing = None;
            match result {
                Ok(plan) => {
                    state.form = FormState::from_plan(&plan);
                    start_check(state, bg);
                    state.status =
                        Status::normal(format!("Demo: \"{}\"…", demo_picker::case_title(index).unwrap_or("?")));
                }
                Err(e) => state.status = Status::bad(format!("Demo: {e}")),
            }
        }
        Msg::Profiles(m) => profiles_panel::update::on_msg(state, bg, m),
    }
}

fn start_check(state: &mut State, bg: &Background) {
    if state.is_running() {
        return;
    }
    let plan = state.form.to_plan();
    let id: RunId = state.run.as_ref().map_or(1, |r| r.id + 1);
    let out = bg.out.clone();
    let cancel = worker::spawn_check(&bg.rt, plan.clone(), move |e| out.send(Msg::Check(id, e)));
    state.run = Some(Run::new(id, plan, cancel));
    state.selected_step = None;
    state.status = Status::normal("Testing…");
}

fn cancel(state: &mut State) {
    let Some(run) = &mut state.run else { return };
    if !run.is_running() {
        return;
    }
    run.cancel();
    let step = run.running_step().map(|s| s.title()).unwrap_or("the check");
    state.status = Status::bad(format!(
        "Cancelled during {step} after {}. Nothing more is sent.",
        fmt_duration(run.elapsed())
    ));
}

/// Progress or the end of the check `id` (a check replaced by a newer one is ignored).
fn on_check_event(state: &mut State, bg: &Background, id: RunId, event: CheckEvent) {
    let Some(run) = &mut state.run else { return };
    if run.id != id || run.result().is_some() || run.is_lost() {
        return;
    }
    match event {
        CheckEvent::Progress(crate::engine::Event::StepStarted(name)) => {
            if let Some(v) = run.step_mut(name) {
                v.status = StepStatus::Running;
                v.started = Some(Instant::now());
            }
        }
        CheckEvent::Progress(crate::engine::Event::StepFinished(rec)) => {
            if let Some(v) = run.step_mut(rec.name) {
                v.set_record(*rec);
            }
        }
        CheckEvent::Finished(result) => {
            // How long the steps took (the transcript's, the same figure as the report's).
            let took = fmt_ms(result.transcript.duration_ms());
            run.finish(result);
            if !run.was_cancelled()
                && let Some(v) = run.verdict()
            {
                // The verdict's words, as on the card and in the CLI.
                let words = state.clock.localise_utc_stamps(&v.one_line());
                state.status = Status::for_tone(v.kind.tone(), format!("{words} ({took})"));
            }
            state.focus_test = true;
            profiles_panel::update::on_check_finished(state, bg);
        }
        CheckEvent::Lost => {
            run.lose();
            state.focus_test = true;
            state.status = Status::bad("The check stopped unexpectedly.");
        }
    }
}

fn browse_ca_file(state: &mut State, bg: &Background) {
    if state.file_dialog_open {
        return;
    }
    if !bg.native_file_dialogs {
        return profiles_panel::update::offer_path(state, PathPurpose::CaFile, false);
    }
    state.file_dialog_open = true;
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Choose the CA certificate (PEM)")
            .add_filter("PEM certificate", &["pem", "crt", "cer"])
            .add_filter("All files", &["*"])
            .pick_file()
            .await
            .map(|f| f.path().to_path_buf());
        out.send(Msg::CaFilePicked(picked));
    });
}

/// Save the report of the last check: to `to` (the path field), else where the launch said, else
/// where the native file dialog says (nothing chosen: the path field is offered).
fn save_report(state: &mut State, bg: &Background, to: Option<std::path::PathBuf>) {
    let Some(run) = &state.run else { return };
    let Some(result) = run.result() else { return };
    if state.file_dialog_open {
        return;
    }
    let given = to.or_else(|| bg.save_reports_to.clone());
    if given.is_none() && !bg.native_file_dialogs {
        return profiles_panel::update::offer_path(state, PathPurpose::SaveReport, false);
    }
    state.file_dialog_open = true;
    let report = crate::report::build(&run.plan, &result.transcript, &result.hints);
    let file_name = format!("{}.json", crate::report_markdown::default_file_stem(&report));
    let out = bg.out.clone();
    bg.rt.spawn(async move {
        let picked = match given {
            Some(p) => Some(p),
            None => rfd::AsyncFileDialog::new()
                .set_title("Save the report (JSON and Markdown)")
                .set_file_name(file_name)
                .add_filter("JSON report", &["json"])
                .save_file()
                .await
                .map(|f| f.path().to_path_buf()),
        };
        let result = match picked {
            None => Ok(None),
            Some(path) => {
                // Writes x.json and x.md next to each other, atomically.
                match tokio::task::spawn_blocking(move || crate::report_markdown::save_report(&path, &report)).await {
                    Ok(Ok((json, _md))) => Ok(Some(json)),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        out.send(Msg::ReportSaved(result));
    });
}

fn run_demo_case(state: &mut State, bg: &Background, index: usize) {
    if state.is_running() {
        return;
    }
    let Some(d) = &mut state.demo else { return };
    d.chosen = Some(index);
    d.preparing = Some(index);
    demo_picker::prepare_case(bg, d, index);
    state.status = Status::normal(format!(
        "Demo: preparing \"{}\"…",
        demo_picker::case_title(index).unwrap_or("?")
    ));
}
