//! The window (eframe/egui). A thin layer of views over [`App`]'s state.
//!
//! Data flows one way: form -> [`Plan`](crate::plan::Plan) -> worker -> transcript -> hints ->
//! views. The views only read the [`State`] and push [`Command`]s; background work (the check,
//! file dialogs, the demo servers, the profiles) comes back as [`Msg`]s on one channel, drained in
//! [`eframe::App::logic`]. [`update`] applies both, and is the only code that changes the state.
//! Each message wakes the UI with a repaint; nothing repaints while idle.

use eframe::egui;

pub mod about;
pub mod account;
pub mod command;
pub mod demo_picker;
pub mod exchange;
pub mod form;
pub mod guard_dialog;
pub mod hints;
pub mod json_view;
pub mod ladder;
pub mod paste;
pub mod path_dialog;
pub mod profiles_panel;
pub mod profiles_worker;
pub mod state;
pub mod status;
pub mod test_all;
pub mod theme;
pub mod update;

pub use command::{Command, Msg, Wake};
pub use profiles_worker::ProfilesSource;
pub use state::{FormState, SavedForm, State};

use command::{Background, Outbox};
use demo_picker::DemoState;
use state::Status;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

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
    /// "Save report…" writes here (a directory or a file name) instead of asking with a file
    /// dialog: for scripted runs and the window tests, which have no file dialog.
    pub save_reports_to: Option<std::path::PathBuf>,
    /// Never open a native file dialog: Save report, Import, Export and CA file ask with the
    /// path field at once (tests, and desktops whose dialog is broken).
    pub no_file_dialogs: bool,
}

const STORAGE_KEY_FORM: &str = "aa-conntest.form";

/// The application: the state, and the way to background work and back.
pub struct App {
    state: State,
    bg: Background,
    rx: Receiver<Msg>,
    /// Single-line text fields of the form: Enter in one of them runs the check.
    text_ids: Vec<egui::Id>,
    first_frame_done: bool,
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
        let bg = Background {
            rt,
            out: Outbox::new(tx, wake),
            save_reports_to: launch.save_reports_to.clone(),
            native_file_dialogs: !launch.no_file_dialogs,
        };
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
            demo_picker::start(&bg);
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
        let profiles = profiles_panel::update::start(&bg, profiles);
        Self {
            state: State {
                form,
                run: None,
                selected_step: None,
                raw_bodies: false,
                status,
                demo,
                file_dialog_open: false,
                last_copy: None,
                profiles,
                about: Default::default(),
                paste: Default::default(),
            },
            bg,
            rx,
            text_ids: Vec::new(),
            first_frame_done: false,
        }
    }

    /// The keyboard: Enter runs the check (from a form field or with nothing focused), Esc cancels.
    /// Not while a dialog of the sidebar is open (its own keys apply).
    fn keyboard(&self, ctx: &egui::Context) -> Vec<Command> {
        let mut cmds = Vec::new();
        if self.state.profiles.dialog_open() {
            return cmds;
        }
        let (enter, esc) = ctx.input(|i| (i.key_pressed(egui::Key::Enter), i.key_pressed(egui::Key::Escape)));
        let mut running = self.state.is_running();
        if esc && running {
            cmds.push(Command::Cancel);
            running = false;
        }
        let from_field = match ctx.memory(|m| m.focused()) {
            None => true,
            Some(id) => self.text_ids.contains(&id),
        };
        if enter && !running && from_field {
            cmds.push(Command::RunCheck);
        }
        cmds
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

/// Read access and commands for the integration tests (the `testing` feature): what a test
/// asserts on, and what it applies without a file dialog.
#[cfg(feature = "testing")]
impl App {
    pub fn form(&self) -> &FormState {
        &self.state.form
    }

    pub fn is_running(&self) -> bool {
        self.state.is_running()
    }

    /// The outcome of the last check (`Cancelled` as soon as Cancel is pressed).
    pub fn outcome(&self) -> Option<crate::transcript::Outcome> {
        self.state.run.as_ref().and_then(state::Run::outcome)
    }

    pub fn result(&self) -> Option<&crate::worker::CheckResult> {
        self.state.run.as_ref().and_then(state::Run::result)
    }

    pub fn status_text(&self) -> &str {
        &self.state.status.text
    }

    /// The URL of the demo Control Room once it runs.
    pub fn demo_url(&self) -> Option<String> {
        self.state.demo.as_ref().and_then(|d| d.plain.as_ref()).map(|s| s.url())
    }

    /// The last text put on the clipboard by a copy button (never a secret: snippets and redacted text only).
    pub fn last_copied(&self) -> Option<&str> {
        self.state.last_copy.as_deref()
    }

    /// The About window (tests point it at scratch folders and a stand-in file manager).
    pub fn about_mut(&mut self) -> &mut about::AboutState {
        &mut self.state.about
    }

    /// The paste box.
    pub fn paste(&self) -> &paste::PasteState {
        &self.state.paste
    }

    /// The sidebar's state.
    pub fn profiles(&self) -> &profiles_panel::ProfilesState {
        &self.state.profiles
    }

    /// The form differs from the selected profile (or no profile is selected and the form is not empty).
    pub fn profile_form_changed(&self) -> bool {
        profiles_panel::form_changed(&self.state.profiles, &self.state.form)
    }

    /// Apply a command, as if a view had sent it.
    pub fn apply(&mut self, ctx: &egui::Context, cmd: Command) {
        update::apply(&mut self.state, &self.bg, ctx, cmd);
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Ok(msg) = self.rx.try_recv() {
            update::on_msg(&mut self.state, &self.bg, msg);
        }
        for cmd in self.keyboard(ctx) {
            update::apply(&mut self.state, &self.bg, ctx, cmd);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_timing();
        let mut cmds = Vec::new();
        self.text_ids = view(ui, &self.state, &mut cmds);
        let ctx = ui.ctx().clone();
        for cmd in cmds {
            update::apply(&mut self.state, &self.bg, &ctx, cmd);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Only the non-secret fields, and never the demo's throwaway address.
        if self.state.demo.is_none() {
            eframe::set_value(storage, STORAGE_KEY_FORM, &self.state.form.saved());
        }
    }

    fn auto_save_interval(&self) -> Duration {
        Duration::from_secs(60)
    }
}

/// The whole window. Reads the state, pushes commands; returns the form's text field ids.
fn view(ui: &mut egui::Ui, state: &State, cmds: &mut Vec<Command>) -> Vec<egui::Id> {
    let running = state.is_running();
    let run = state.run.as_ref();
    let selected = state.shown_step();

    profiles_panel::view::show(ui, state, cmds);
    let mut text_ids = Vec::new();
    egui::Panel::top("form_panel").show(ui, |ui| {
        ui.add_space(6.0);
        if let Some(d) = &state.demo {
            demo_picker::show(ui, d, running, cmds);
            ui.add_space(4.0);
        }
        let cx = form::FormContext {
            running,
            has_result: run.is_some_and(|r| r.result().is_some()),
        };
        text_ids = form::show(ui, &state.form, &cx, cmds);
        paste::show(ui, &state.paste, running, cmds);
        ui.add_space(4.0);
    });
    egui::Panel::bottom("status_panel").show(ui, |ui| {
        ui.horizontal(|ui| {
            about::button(ui, cmds);
            status::show(ui, &state.status);
        });
    });
    about::show(ui.ctx(), &state.about, cmds);
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
                    hints::show(ui, run, cmds);
                    if let Some(result) = run.and_then(state::Run::result)
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
        ladder::show(ui, run, run.map(|_| selected), cmds);
        ui.separator();
        exchange::show(ui, run, selected, state.raw_bodies, cmds);
    });
    text_ids
}

/// Open the window and run it until it is closed. The error says why it could not open.
pub fn run(demo: bool) -> Result<(), String> {
    mark_process_start();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("aa-conntest-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Err(format!("could not start the background runtime: {e}")),
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
    result.map_err(|e| format!("the window could not open: {e}"))
}
