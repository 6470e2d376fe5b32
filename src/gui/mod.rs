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
pub mod plain_words;
pub mod profiles_panel;
pub mod profiles_worker;
pub mod rich_text;
pub mod splitter;
pub mod state;
pub mod status;
pub mod test_all;
pub mod theme;
pub mod trust_dialog;
pub mod update;
pub mod verdict_card;

pub use command::{Command, Msg, Wake};
pub use profiles_worker::ProfilesSource;
pub use state::{FormState, SavedForm, State};

use command::{Background, Outbox};
use demo_picker::DemoState;
use egui::RichText;
use state::Status;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// When the process (or at least the window code) started, for `AA_CONNTEST_FRAME_TIMING=1`.
static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Note the start time; call first thing in `main` for the most honest first-frame number.
pub fn mark_process_start() {
    PROCESS_START.get_or_init(Instant::now);
    crate::local_time::capture();
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
    /// The form's text fields and Test button, from the last frame (keyboard handling).
    ids: form::FormIds,
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
                clock: Default::default(),
                focus_test: false,
                trust: None,
            },
            bg,
            rx,
            ids: form::FormIds::default(),
            first_frame_done: false,
        }
    }

    /// The keyboard: Enter runs the check (from a form field or with nothing focused), Esc cancels.
    /// Not while a dialog of the sidebar is open (its own keys apply).
    fn keyboard(&self, ctx: &egui::Context) -> Vec<Command> {
        let mut cmds = Vec::new();
        if self.state.profiles.dialog_open() || self.state.trust.is_some() {
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
            Some(id) => self.ids.text.contains(&id),
        };
        if enter && !running && from_field {
            cmds.push(Command::RunCheck);
        }
        cmds
    }

    /// Tab with nothing focused starts at the Control Room URL (the sidebar comes first in the
    /// drawing order, so egui would start there), then goes on through the form in reading order.
    fn first_tab_to_the_url(&self, ctx: &egui::Context) {
        if self.state.profiles.dialog_open() || self.state.trust.is_some() {
            return;
        }
        let Some(url) = self.ids.text.first().copied() else {
            return;
        };
        let tab = ctx.input(|i| i.key_pressed(egui::Key::Tab) && i.modifiers.is_none());
        if tab && ctx.memory(|m| m.focused()).is_none() {
            ctx.memory_mut(|m| {
                m.request_focus(url);
                m.move_focus(egui::FocusDirection::None);
            });
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

    /// Which check is on screen (each new check gets the next number).
    pub fn run_id(&self) -> Option<u64> {
        self.state.run.as_ref().map(|r| r.id)
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

    /// Show times with this clock (tests and image snapshots: what they show must not depend on
    /// when they run).
    pub fn set_clock(&mut self, clock: crate::local_time::Clock) {
        self.state.clock = clock;
    }

    /// Show a finished check as if it had just run with `plan` (image snapshots: a real check's
    /// result, with its addresses and times made fixed, so that the pictures cannot drift).
    pub fn show_result(&mut self, plan: crate::plan::Plan, result: crate::worker::CheckResult) {
        let id = self.state.run.as_ref().map_or(1, |r| r.id + 1);
        let (cancel, _token) = crate::engine::cancel_pair();
        self.state.form = FormState::from_plan(&plan);
        self.state.run = Some(state::Run::new(id, plan, cancel));
        self.state.selected_step = None;
        // The way a check's end arrives from the worker.
        update::on_msg(
            &mut self.state,
            &self.bg,
            Msg::Check(id, crate::worker::CheckEvent::Finished(Box::new(result))),
        );
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
        self.first_tab_to_the_url(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_timing();
        let mut cmds = Vec::new();
        self.ids = view(ui, &self.state, &mut cmds);
        let ctx = ui.ctx().clone();
        if self.state.focus_test
            && !self.state.is_running()
            && let Some(test) = self.ids.test
        {
            ctx.memory_mut(|m| m.request_focus(test));
            cmds.push(Command::FocusReturned);
        }
        for cmd in cmds {
            update::apply(&mut self.state, &self.bg, &ctx, cmd);
        }
        focus_ring(&ctx);
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

/// The smallest height of the hints panel.
const HINTS_MIN: f32 = 60.0;

/// The whole window. Reads the state, pushes commands; returns the form's ids.
///
/// From the top: the form (with the demo picker), the verdict card with the account card beside
/// it, the step ladder, the request and response panes, and the hints ("More causes and what to
/// do"); the status line at the bottom. The panes keep [`exchange::MIN_HEIGHT`]: the form scrolls
/// when its options would take more, and the hints panel gives way first.
fn view(ui: &mut egui::Ui, state: &State, cmds: &mut Vec<Command>) -> form::FormIds {
    let running = state.is_running();
    let run = state.run.as_ref();
    let selected = state.shown_step();
    let window_h = ui.available_height();

    profiles_panel::view::show(ui, state, cmds);
    let mut ids = form::FormIds::default();
    egui::Panel::top("form_panel").show(ui, |ui| {
        ui.add_space(6.0);
        if let Some(d) = &state.demo {
            demo_picker::show(ui, d, running, cmds);
            ui.add_space(4.0);
        }
        let cx = form::FormContext {
            running,
            has_result: run.is_some_and(|r| r.result().is_some()),
            // The options scroll beyond this, so the results keep their room.
            options_max_height: (window_h * 0.19).clamp(90.0, 400.0),
        };
        ids = form::show(ui, &state.form, &cx, cmds);
        paste::show(ui, &state.paste, running, &state.clock, cmds);
        ui.add_space(4.0);
    });
    egui::Panel::bottom("status_panel").show(ui, |ui| {
        ui.horizontal(|ui| {
            // No taller than the status text: every pixel here is taken from the panes.
            ui.spacing_mut().button_padding.y = 0.0;
            about::button(ui, cmds);
            status::show(ui, &state.status);
        });
    });
    about::show(ui.ctx(), &state.about, cmds);
    trust_dialog::show(ui.ctx(), state.trust.as_ref(), &state.clock, cmds);
    egui::CentralPanel::default().show(ui, |ui| {
        // The verdict row scrolls beyond 40 % of the results (only in small windows), so
        // the steps and the panes stay in view. A panel offers its content last frame's height:
        // the scroll area asks for what the row took last time.
        // It also gives way before the panes do: a tall account card (an admin's permissions and
        // probes) scrolls rather than squeeze the request and response below their minimum.
        let avail = ui.available_height();
        let cap = (avail * 0.4)
            .min(avail - 40.0 - exchange::MIN_HEIGHT - HINTS_MIN - 10.0)
            .max(80.0);
        let memo = egui::Id::unique("verdict_row_height");
        let last = ui.ctx().data(|d| d.get_temp::<f32>(memo)).unwrap_or(0.0);
        egui::Panel::top("verdict_panel")
            .frame(egui::Frame::new().inner_margin(egui::Margin {
                left: 0,
                right: 0,
                top: 2,
                bottom: 6,
            }))
            .show(ui, |ui| {
                let out = egui::ScrollArea::vertical()
                    .id_salt("verdict_scroll")
                    .max_height(cap)
                    .min_scrolled_height(last.min(cap))
                    .auto_shrink([false, true])
                    .show(ui, |ui| verdict_row(ui, state, cmds));
                let h = out.content_size.y;
                if (h - last).abs() > 0.5 {
                    ui.ctx().data_mut(|d| d.insert_temp(memo, h));
                    ui.ctx().request_repaint();
                }
            });
        let rest = ui.available_height();
        let ladder_h = 40.0;
        let hints_max = (rest - ladder_h - exchange::MIN_HEIGHT).max(HINTS_MIN);
        let hints = egui::Panel::bottom("hints_panel")
            .resizable(true)
            .default_size((rest * 0.32).clamp(HINTS_MIN, hints_max))
            .size_range(HINTS_MIN..=hints_max)
            .show(ui, |ui| {
                ui.add_space(2.0);
                ui.label(RichText::new("More causes and what to do").strong());
                // Its content must fit the panel even at the minimum: a bottom panel whose
                // content is taller grows upwards over what is above it.
                egui::ScrollArea::vertical()
                    .id_salt("hints_scroll")
                    .min_scrolled_height(16.0)
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        hints::show(ui, run, &state.clock, cmds);
                    });
            });
        splitter::horizontal_grip(ui, hints.response.rect.top(), hints.response.rect.x_range());
        egui::CentralPanel::default().show(ui, |ui| {
            // Nothing of the panes may spill over the hints below.
            let clip = ui.max_rect().intersect(ui.clip_rect());
            ui.set_clip_rect(clip);
            ladder::show(ui, run, run.map(|_| selected), cmds);
            ui.separator();
            exchange::show(ui, run, selected, state.raw_bodies, &state.clock, cmds);
        });
    });
    ids
}

/// The verdict card, and beside it the account card when the login answered with one.
fn verdict_row(ui: &mut egui::Ui, state: &State, cmds: &mut Vec<Command>) {
    let result = state.run.as_ref().and_then(state::Run::result);
    let account = result.and_then(|r| r.transcript.account.as_ref());
    let stale = state.result_is_stale();
    let Some(account) = account else {
        verdict_card::show(ui, state, cmds);
        return;
    };
    let token = result.and_then(|r| r.transcript.token.as_ref());
    let run = state.run.as_ref();
    let target = run.map(|r| &r.plan.target);
    let probes = result.map(|r| r.transcript.probes.as_slice()).unwrap_or(&[]);
    let capabilities = crate::capabilities::Capabilities::from_account(
        account,
        probes,
        target.map(|t| t.require.as_slice()).unwrap_or(&[]),
    );
    let extras = account::CardExtras {
        token,
        capabilities: &capabilities,
        key_expiry: target.and_then(|t| crate::capabilities::key_expiry_words(t, time::OffsetDateTime::now_utc())),
    };
    let width = ui.available_width();
    if width < 520.0 {
        verdict_card::show(ui, state, cmds);
        ui.add_space(4.0);
        account::show(ui, account, &extras, &state.clock, stale);
        return;
    }
    let gap = 8.0;
    let left = (width * 0.32).floor();
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = gap;
        ui.vertical(|ui| {
            ui.set_width(left);
            verdict_card::show(ui, state, cmds);
        });
        ui.vertical(|ui| {
            ui.set_width(width - left - gap);
            account::show(ui, account, &extras, &state.clock, stale);
        });
    });
}

/// A visible focus ring on whatever has the keyboard focus (egui marks a focused button only by
/// a hover colour, which is easy to miss).
fn focus_ring(ctx: &egui::Context) {
    let Some(id) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(r) = ctx.read_response(id) else {
        return;
    };
    let visible = r.interact_rect;
    if !visible.is_positive() {
        return;
    }
    let color = ctx.global_style().visuals.selection.stroke.color;
    ctx.layer_painter(r.layer_id)
        .with_clip_rect(visible.expand(3.0))
        .rect_stroke(
            r.rect.expand(2.0),
            3.0,
            egui::Stroke::new(2.0, color),
            egui::StrokeKind::Outside,
        );
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
