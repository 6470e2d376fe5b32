//! The About window: the version (with the git commit of the build), the licence, where the
//! profiles, the history and the secrets are kept, and "Open data folder".
//!
//! Opening the folder starts the OS file manager on a thread of its own; the result comes back
//! as a [`Msg::DataFolderOpened`], so the UI thread never waits for it.

use eframe::egui;

use super::command::{Background, Command, Msg};
use super::theme;
use crate::build_info;
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What opens a folder: [`crate::platform::open_folder`], or a stand-in in tests.
pub type Opener = Arc<dyn Fn(&Path) -> std::io::Result<()> + Send + Sync>;

/// The folders the About window names. An `Err` says why there is none (no home directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AboutPaths {
    /// Where `profiles.json` lives.
    pub config: Result<PathBuf, String>,
    /// Where `history.json` lives: the folder "Open data folder" opens.
    pub data: Result<PathBuf, String>,
}

impl AboutPaths {
    /// The folders the profiles code uses ([`crate::profiles::config_dir`] and
    /// [`crate::profiles::data_dir`]): environment overrides, else the OS's own places.
    pub fn system() -> Self {
        Self {
            config: crate::profiles::config_dir().map_err(|e| e.to_string()),
            data: crate::profiles::data_dir().map_err(|e| e.to_string()),
        }
    }
}

/// The last "Open data folder".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    Idle,
    Busy,
    Done(Result<PathBuf, String>),
}

/// What the About window's controls ask for (applied by [`super::update`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AboutCmd {
    Show(bool),
    OpenDataFolder,
}

/// The About window's state: whether it shows, the folders, and the last "Open data folder".
pub struct AboutState {
    open: bool,
    paths: AboutPaths,
    opener: Opener,
    opening: Opening,
}

impl Default for AboutState {
    fn default() -> Self {
        Self {
            open: false,
            paths: AboutPaths::system(),
            opener: Arc::new(crate::platform::open_folder),
            opening: Opening::Idle,
        }
    }
}

impl AboutState {
    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn set_open(&mut self, open: bool) {
        self.open = open;
    }

    pub fn paths(&self) -> &AboutPaths {
        &self.paths
    }

    /// Show other folders (tests use scratch ones).
    pub fn set_paths(&mut self, paths: AboutPaths) {
        self.paths = paths;
    }

    /// Open folders with this instead of the OS file manager (tests).
    pub fn set_opener(&mut self, opener: Opener) {
        self.opener = opener;
    }

    /// True while a folder is being opened in the background.
    pub fn is_opening(&self) -> bool {
        self.opening == Opening::Busy
    }

    /// Apply a command of the About window.
    pub(crate) fn apply(&mut self, bg: &Background, cmd: AboutCmd) {
        match cmd {
            AboutCmd::Show(open) => self.open = open,
            AboutCmd::OpenDataFolder => self.open_data_folder(bg),
        }
    }

    /// The folder was opened (or not), in the background.
    pub(crate) fn on_opened(&mut self, result: Result<PathBuf, String>) {
        self.opening = Opening::Done(result);
    }

    fn open_data_folder(&mut self, bg: &Background) {
        let Ok(dir) = self.paths.data.clone() else { return };
        if self.is_opening() {
            return;
        }
        let opener = self.opener.clone();
        let out = bg.out.clone();
        // The folder may not exist before the first check is recorded: create it, then open it.
        // A thread of its own: a file manager can take its time, and must not hold the runtime.
        let spawned = std::thread::Builder::new()
            .name("aa-conntest-open-folder".into())
            .spawn(move || {
                let r = std::fs::create_dir_all(&dir)
                    .and_then(|()| opener(&dir))
                    .map(|()| dir)
                    .map_err(|e| e.to_string());
                out.send(Msg::DataFolderOpened(r));
            });
        self.opening = match spawned {
            Ok(_) => Opening::Busy,
            Err(e) => Opening::Done(Err(e.to_string())),
        };
    }
}

/// The button that opens the window (in the status bar).
pub fn button(ui: &mut Ui, cmds: &mut Vec<Command>) {
    if ui
        .small_button("About")
        .on_hover_text("Version, licence, and where your profiles and history are kept")
        .clicked()
    {
        cmds.push(Command::About(AboutCmd::Show(true)));
    }
}

/// The window, when open.
pub fn show(ctx: &egui::Context, state: &AboutState, cmds: &mut Vec<Command>) {
    if !state.open {
        return;
    }
    let mut open = true;
    let mut close = false;
    egui::Window::new("About aa-conntest")
        .id(egui::Id::unique("about_window"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(480.0)
        .show(ctx, |ui| {
            body(ui, state, cmds);
            ui.add_space(6.0);
            if ui.button("Close").clicked() {
                close = true;
            }
        });
    if !open || close {
        cmds.push(Command::About(AboutCmd::Show(false)));
    }
}

fn body(ui: &mut Ui, state: &AboutState, cmds: &mut Vec<Command>) {
    ui.label(RichText::new(format!("aa-conntest {}", build_info::LONG_VERSION)).strong());
    ui.label("Tests Automation Anywhere Control Room credentials and explains, in plain words, what is wrong.");
    ui.add_space(6.0);
    egui::Grid::new("about_grid")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Licence");
            ui.label(format!("{} (you may use either)", build_info::LICENSE));
            ui.end_row();
            ui.label("Profiles");
            folder(ui, &state.paths.config, "profiles.json");
            ui.end_row();
            ui.label("History");
            folder(ui, &state.paths.data, "history.json");
            ui.end_row();
            ui.label("Secrets");
            ui.label(format!("In {}, never in a file.", crate::platform::SECRET_STORE));
            ui.end_row();
        });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let can_open = state.paths.data.is_ok() && !state.is_opening();
        if ui
            .add_enabled(can_open, egui::Button::new("Open data folder"))
            .on_hover_text("Show the folder with the check history in your file manager")
            .clicked()
        {
            cmds.push(Command::About(AboutCmd::OpenDataFolder));
        }
        match &state.opening {
            Opening::Idle => {}
            Opening::Busy => {
                ui.weak("Opening…");
            }
            Opening::Done(Ok(p)) => {
                ui.label(RichText::new(format!("Opened {}", p.display())).color(theme::ok(ui)));
            }
            Opening::Done(Err(e)) => {
                ui.label(
                    RichText::new("Could not open the data folder; the path is shown above.").color(theme::error(ui)),
                )
                .on_hover_text(format!("Technical details: {e}"));
            }
        }
    });
}

fn folder(ui: &mut Ui, dir: &Result<PathBuf, String>, file: &str) {
    match dir {
        Ok(d) => {
            ui.add(egui::Label::new(RichText::new(d.join(file).display().to_string()).monospace()).selectable(true));
        }
        Err(e) => {
            ui.label(RichText::new(format!("No folder: {e}")).color(theme::warn(ui)));
        }
    }
}
