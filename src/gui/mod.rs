//! The window (eframe/egui). A thin layer of views over [`App`]'s state.
//!
//! Data flows one way: form -> [`Plan`] -> worker -> transcript -> hints -> views. Views only
//! draw and push [`Command`]s; `App` applies them. Background work (the check, file dialogs, the
//! demo servers, saving a report) runs on the tokio runtime and comes back as messages drained in
//! [`eframe::App::logic`]; each message wakes the UI with a repaint. Nothing repaints while idle.

use eframe::egui;

pub mod about;
pub mod account;
pub mod demo_picker;
pub mod exchange;
pub mod form;
pub mod hints;
pub mod json_view;
pub mod ladder;
pub mod profiles_panel;
pub mod profiles_worker;
pub mod state;
pub mod status;
pub mod test_all;
pub mod theme;

pub use profiles_worker::ProfilesSource;
pub use state::{Command, FormState, SavedForm};

use crate::plan::Plan;
use crate::transcript::{Outcome, StepName};
use crate::worker::{self, CheckEvent};
use demo_picker::{DemoMsg, DemoState};
use state::{Run, Status, fmt_duration};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub use crate::worker::Wake;

/// When the process (or at least the window code) started, for `AA_CONNTEST_FRAME_TIMING=1`.
static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Note the start time; call first thing in `main` for the most honest first-frame number.
pub fn mark_process_start() {
    PROCESS_START.get_or_init(Instant::now);
}

/// How the window starts.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Start the demo Control Room and fill the form for it.
    pub demo: bool,
    /// Fill the form with this (e.g. a profile); otherwise the last non-secret fields are restored.
    pub form: Option<FormState>,
}

/// Messages from background tasks to the UI thread.
pub enum AppMsg {
    CaFilePicked(Option<PathBuf>),
    ReportSaved(Result<Option<PathBuf>, String>),
    Demo(DemoMsg),
}

const STORAGE_KEY_FORM: &str = "aa-conntest.form";

/// The application: state plus the handles to the background.
pub struct App {
    rt: tokio::runtime::Handle,
    form: FormState,
    run: Option<Run>,
    /// The step the user picked; `None` follows the run (failed or running step).
    selected: Option<StepName>,
    raw_bodies: bool,
    status: Status,
    demo: Option<DemoState>,
    tx: Sender<AppMsg>,
    rx: Receiver<AppMsg>,
    wake: Wake,
    /// Single-line text fields: Enter in one of them runs the check.
    text_ids: Vec<egui::Id>,
    first_frame_done: bool,
    dialog_open: bool,
    last_copy: Option<String>,
    profiles: profiles_panel::ProfilesState,
    about: about::AboutState,
}

impl App {
    /// The window without the profiles sidebar (it never touches the config directory or keyring).
    pub fn new(cc: &eframe::CreationContext<'_>, rt: tokio::runtime::Handle, launch: Launch) -> Self {
        Self::with_profiles(cc, rt, launch, ProfilesSource::Off)
    }

    /// The window with the profiles sidebar on the given stores.
    pub fn with_profiles(
        cc: &eframe::CreationContext<'_>,
        rt: tokio::runtime::Handle,
        launch: Launch,
        profiles: ProfilesSource,
    ) -> Self {
        let ctx = cc.egui_ctx.clone();
        let wake: Wake = Arc::new(move || ctx.request_repaint());
        let (tx, rx) = mpsc::channel();
        let form = match (&launch.form, launch.demo) {
            (Some(f), _) => f.clone(),
            (None, true) => FormState::default(),
            (None, false) => cc
                .storage
                .and_then(|s| eframe::get_value::<SavedForm>(s, STORAGE_KEY_FORM))
                .map(|s| FormState::from_saved(&s))
                .unwrap_or_default(),
        };
        let demo = launch.demo.then(|| {
            demo_picker::start(&rt, tx.clone(), wake.clone());
            DemoState {
                starting: true,
                ..Default::default()
            }
        });
        let status = if launch.demo {
            Status::normal("Starting the demo Control Room…")
        } else {
            Status::normal("Ready")
        };
        let profiles = profiles_panel::ProfilesState::start(&rt, profiles, wake.clone());
        Self {
            rt,
            form,
            run: None,
            selected: None,
            raw_bodies: false,
            status,
            demo,
            tx,
            rx,
            wake,
            text_ids: Vec::new(),
            first_frame_done: false,
            dialog_open: false,
            last_copy: None,
            profiles,
            about: Default::default(),
        }
    }

    // ---- read access (tests, a future profiles sidebar) ----

    pub fn form(&self) -> &FormState {
        &self.form
    }

    /// The form, to fill it from outside (a profile).
    pub fn form_mut(&mut self) -> &mut FormState {
        &mut self.form
    }

    pub fn is_running(&self) -> bool {
        self.run.as_ref().is_some_and(Run::is_running)
    }

    /// The outcome of the last check (`Cancelled` as soon as Cancel is pressed).
    pub fn outcome(&self) -> Option<Outcome> {
        self.run.as_ref().and_then(Run::outcome)
    }

    pub fn result(&self) -> Option<&worker::CheckResult> {
        self.run.as_ref().and_then(|r| r.result.as_ref())
    }

    pub fn status_text(&self) -> &str {
        &self.status.text
    }

    /// The URL of the demo Control Room once it runs.
    pub fn demo_url(&self) -> Option<String> {
        self.demo.as_ref().and_then(|d| d.plain.as_ref()).map(|s| s.url())
    }

    /// The last text put on the clipboard by a copy button (never a secret: snippets and redacted text only).
    pub fn last_copied(&self) -> Option<&str> {
        self.last_copy.as_deref()
    }

    /// The About window (tests point it at scratch folders and a stand-in file manager).
    pub fn about_mut(&mut self) -> &mut about::AboutState {
        &mut self.about
    }

    /// Apply a command, as if a view had sent it.
    pub fn apply(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::RunCheck => self.start_check(),
            Command::Cancel => self.cancel(),
            Command::SelectStep(s) => self.selected = Some(s),
            Command::BrowseCaFile => self.browse_ca_file(),
            Command::Copy(text, what) => {
                ctx.copy_text(text.clone());
                self.last_copy = Some(text);
                self.status = Status::normal(format!("Copied the {what} to the clipboard."));
            }
            Command::SaveReport => self.save_report(),
            Command::RunDemoCase(i) => self.run_demo_case(i),
            Command::Profiles(c) => self.profiles_apply(c),
            Command::DemoReset => {
                if let Some(d) = &mut self.demo {
                    demo_picker::reset_scenarios(d);
                    d.chosen = None;
                    if let Some(s) = &d.plain {
                        self.form = FormState::from_plan(&demo_picker::working_plan(s));
                    }
                    self.status = Status::normal("Demo: back to a healthy Control Room and a working API key.");
                }
            }
        }
    }

    fn start_check(&mut self) {
        if self.is_running() {
            return;
        }
        let plan: Plan = self.form.to_plan();
        let check = worker::spawn_check(&self.rt, plan.clone(), self.wake.clone());
        self.run = Some(Run::new(plan, check));
        self.selected = None;
        self.status = Status::normal("Testing…");
    }

    fn cancel(&mut self) {
        let Some(run) = &mut self.run else { return };
        if !run.is_running() {
            return;
        }
        if let Some(c) = &run.check {
            c.cancel();
        }
        run.cancelled_at = Some(Instant::now());
        let step = run.running_step().map(|s| s.title()).unwrap_or("the check");
        self.status = Status::bad(format!(
            "Cancelled during {step} after {}. Nothing more is sent.",
            fmt_duration(run.elapsed())
        ));
    }

    fn browse_ca_file(&mut self) {
        if self.dialog_open {
            return;
        }
        self.dialog_open = true;
        let tx = self.tx.clone();
        let wake = self.wake.clone();
        self.rt.spawn(async move {
            let picked = rfd::AsyncFileDialog::new()
                .set_title("Choose the CA certificate (PEM)")
                .add_filter("PEM certificate", &["pem", "crt", "cer"])
                .add_filter("All files", &["*"])
                .pick_file()
                .await
                .map(|f| f.path().to_path_buf());
            let _ = tx.send(AppMsg::CaFilePicked(picked));
            wake();
        });
    }

    fn save_report(&mut self) {
        let Some(run) = &self.run else { return };
        let Some(result) = &run.result else { return };
        if self.dialog_open {
            return;
        }
        self.dialog_open = true;
        let report = crate::report::build(&run.plan, &result.transcript, &result.hints);
        let file_name = format!("{}.json", crate::report_markdown::default_file_stem(&report));
        let tx = self.tx.clone();
        let wake = self.wake.clone();
        self.rt.spawn(async move {
            let picked = rfd::AsyncFileDialog::new()
                .set_title("Save the report (JSON and Markdown)")
                .set_file_name(file_name)
                .add_filter("JSON report", &["json"])
                .save_file()
                .await;
            let result = match picked {
                None => Ok(None),
                Some(f) => {
                    let path = f.path().to_path_buf();
                    // Writes x.json and x.md next to each other, atomically.
                    match tokio::task::spawn_blocking(move || crate::report_markdown::save_report(&path, &report)).await
                    {
                        Ok(Ok((json, _md))) => Ok(Some(json)),
                        Ok(Err(e)) => Err(e.to_string()),
                        Err(e) => Err(e.to_string()),
                    }
                }
            };
            let _ = tx.send(AppMsg::ReportSaved(result));
            wake();
        });
    }

    fn run_demo_case(&mut self, index: usize) {
        if self.is_running() {
            return;
        }
        let Some(d) = &mut self.demo else { return };
        d.chosen = Some(index);
        d.preparing = Some(index);
        demo_picker::prepare_case(&self.rt, d, index, self.tx.clone(), self.wake.clone());
        self.status = Status::normal(format!(
            "Demo: preparing \"{}\"…",
            demo_picker::case_title(index).unwrap_or("?")
        ));
    }

    /// Drain the worker's events and the background messages. Never blocks.
    fn drain(&mut self) {
        while let Ok(msg) = self.rx.try_recv() {
            self.on_message(msg);
        }
        let Some(run) = &mut self.run else { return };
        let Some(check) = &run.check else { return };
        let mut finished = None;
        let mut lost = false;
        let mut events = Vec::new();
        loop {
            match check.events.try_recv() {
                Ok(CheckEvent::Progress(e)) => events.push(e),
                Ok(CheckEvent::Finished(r)) => {
                    finished = Some(r);
                    break;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    lost = true;
                    break;
                }
            }
        }
        for e in events {
            match e {
                crate::engine::Event::StepStarted(name) => {
                    if let Some(v) = run.step_mut(name) {
                        v.status = crate::transcript::StepStatus::Running;
                        v.started = Some(Instant::now());
                    }
                }
                crate::engine::Event::StepFinished(rec) => {
                    if let Some(v) = run.step_mut(rec.name) {
                        v.set_record(*rec);
                    }
                }
            }
        }
        if let Some(result) = finished {
            for rec in &result.transcript.steps {
                if let Some(v) = run.step_mut(rec.name) {
                    v.set_record(rec.clone());
                }
            }
            run.check = None;
            run.finished_at = Some(Instant::now());
            let outcome = result.transcript.outcome;
            let took = fmt_duration(run.elapsed());
            run.result = Some(*result);
            if run.cancelled_at.is_none() {
                self.status = match outcome {
                    Outcome::Ok => Status::good(format!("It works. Finished in {took}.")),
                    Outcome::Rejected => Status::bad(format!("The Control Room refused the sign-in ({took}).")),
                    Outcome::Unreachable => Status::bad(format!("Could not reach the Control Room API ({took}).")),
                    Outcome::InvalidInput => Status::bad("The form needs a change; see below."),
                    Outcome::Cancelled => Status::bad(format!("Cancelled after {took}.")),
                };
            }
        } else if lost {
            run.check = None;
            run.lost = true;
            self.status = Status::bad("The check stopped unexpectedly.");
        }
    }

    fn on_message(&mut self, msg: AppMsg) {
        match msg {
            AppMsg::CaFilePicked(p) => {
                self.dialog_open = false;
                match p {
                    Some(p) => {
                        self.form.ca_file = p.display().to_string();
                        self.status = Status::normal("CA file chosen.");
                    }
                    None => {
                        self.status = Status::normal(
                            "No file chosen (if no dialog appeared, type the path of the CA file instead).",
                        )
                    }
                }
            }
            AppMsg::ReportSaved(r) => {
                self.dialog_open = false;
                self.status = match r {
                    Ok(Some(p)) => Status::good(format!(
                        "Report saved to {} and {} (secrets masked).",
                        p.display(),
                        p.with_extension("md").display()
                    )),
                    Ok(None) => Status::normal("Report not saved (no file chosen, or no file dialog available)."),
                    Err(e) => Status::bad(format!("The report could not be saved: {e}")),
                };
            }
            AppMsg::Demo(DemoMsg::Started(r)) => {
                let Some(d) = &mut self.demo else { return };
                d.starting = false;
                match r {
                    Ok(server) => {
                        // Fill the form only if the user has not started typing meanwhile.
                        if self.form.url.is_empty() && self.form.secret.is_empty() {
                            self.form = FormState::from_plan(&demo_picker::working_plan(&server));
                        }
                        self.status = Status::normal(format!(
                            "Demo Control Room ready at {}. Press Test connection, or try a common mistake.",
                            server.url()
                        ));
                        d.plain = Some(server);
                    }
                    Err(e) => {
                        self.status = Status::bad(e.clone());
                        d.error = Some(e);
                    }
                }
            }
            AppMsg::Demo(DemoMsg::CaseReady {
                index,
                result,
                new_tls_server,
            }) => {
                let Some(d) = &mut self.demo else { return };
                if let Some(s) = new_tls_server {
                    d.tls = Some(s);
                }
                if d.preparing != Some(index) {
                    return;
                }
                d.preparing = None;
                match result {
                    Ok(plan) => {
                        self.form = FormState::from_plan(&plan);
                        self.start_check();
                        self.status =
                            Status::normal(format!("Demo: \"{}\"…", demo_picker::case_title(index).unwrap_or("?")));
                    }
                    Err(e) => self.status = Status::bad(format!("Demo: {e}")),
                }
            }
        }
    }

    /// Keyboard: Enter runs the check (from a form field or with nothing focused), Esc cancels.
    fn keyboard(&mut self, ctx: &egui::Context) {
        if self.profiles.dialog_open() {
            return;
        }
        let (enter, esc) = ctx.input(|i| (i.key_pressed(egui::Key::Enter), i.key_pressed(egui::Key::Escape)));
        if esc && self.is_running() {
            self.cancel();
        }
        if enter && !self.is_running() {
            let focused = ctx.memory(|m| m.focused());
            let from_field = match focused {
                None => true,
                Some(id) => self.text_ids.contains(&id),
            };
            if from_field {
                self.start_check();
            }
        }
    }

    fn frame_timing(&mut self) {
        if self.first_frame_done {
            return;
        }
        self.first_frame_done = true;
        if std::env::var_os("AA_CONNTEST_FRAME_TIMING").is_some_and(|v| v == "1")
            && let Some(start) = PROCESS_START.get()
        {
            eprintln!(
                "first frame: {:.1} ms after start",
                start.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain();
        self.profiles_logic();
        self.about.logic();
        self.keyboard(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_timing();
        let mut cmds = Vec::new();
        let running = self.is_running();
        let selected = self
            .selected
            .or_else(|| self.run.as_ref().map(Run::default_selection))
            .unwrap_or(StepName::Authenticate);

        self.profiles_ui(ui, &mut cmds);
        egui::Panel::top("form_panel").show(ui, |ui| {
            ui.add_space(6.0);
            if let Some(d) = &self.demo {
                demo_picker::show(ui, d, running, &mut cmds);
                ui.add_space(4.0);
            }
            let cx = form::FormContext {
                running,
                has_result: self.run.as_ref().is_some_and(|r| r.result.is_some()),
            };
            self.text_ids = form::show(ui, &mut self.form, &cx, &mut cmds);
            ui.add_space(4.0);
        });
        egui::Panel::bottom("status_panel").show(ui, |ui| {
            ui.horizontal(|ui| {
                about::button(ui, &mut self.about);
                status::show(ui, &self.status);
            });
        });
        about::show(ui.ctx(), &mut self.about);
        let h = ui.available_height();
        egui::Panel::bottom("hints_panel")
            .resizable(true)
            .default_size((h * 0.4).clamp(140.0, 420.0))
            .size_range(80.0..=(h - 120.0).max(100.0))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("hints_scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        hints::show(ui, self.run.as_ref(), &mut cmds);
                        if let Some(result) = self.run.as_ref().and_then(|r| r.result.as_ref())
                            && let Some(acc) = &result.transcript.account
                        {
                            ui.add_space(6.0);
                            egui::CollapsingHeader::new("Account (from the login answer and the token)")
                                .id_salt("account")
                                .default_open(true)
                                .show(ui, |ui| account::show(ui, acc, result.transcript.token.as_ref()));
                        }
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            ladder::show(ui, self.run.as_ref(), self.run.as_ref().map(|_| selected), &mut cmds);
            ui.separator();
            exchange::show(ui, self.run.as_ref(), selected, &mut self.raw_bodies, &mut cmds);
        });

        let ctx = ui.ctx().clone();
        for cmd in cmds {
            self.apply(&ctx, cmd);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Only the non-secret fields, and never the demo's throwaway address.
        if self.demo.is_none() {
            eframe::set_value(storage, STORAGE_KEY_FORM, &self.form.saved());
        }
    }

    fn auto_save_interval(&self) -> Duration {
        Duration::from_secs(60)
    }
}

/// Open the window. Returns the process exit code.
pub fn run(demo: bool) -> i32 {
    mark_process_start();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("aa-conntest-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("aa-conntest: could not start the background runtime: {e}");
            return 2;
        }
    };
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(crate::build_info::window_title())
        .with_app_id("aa-conntest")
        .with_inner_size([1100.0, 760.0])
        .with_min_inner_size([720.0, 520.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        persist_window: true,
        ..Default::default()
    };
    let handle = rt.handle().clone();
    let result = eframe::run_native(
        "aa-conntest",
        options,
        Box::new(move |cc| {
            Ok(Box::new(App::with_profiles(
                cc,
                handle,
                Launch {
                    demo,
                    ..Default::default()
                },
                ProfilesSource::System,
            )))
        }),
    );
    rt.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("aa-conntest: the window could not open: {e}");
            2
        }
    }
}
