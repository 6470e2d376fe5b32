//! What changes the window's state: [`Command`]s from the views (and the keyboard) and [`Msg`]s
//! from background work. Both are applied by [`super::update`], and nowhere else.

use super::profiles_panel::{ProfilesCmd, ProfilesMsg};
use super::state::{FormState, RunId};
use crate::demo::DemoServer;
use crate::plan::Plan;
use crate::transcript::StepName;
use crate::worker::CheckEvent;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// What a view asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Test connection: asks first when the secret was refused before or is not here
    /// (`profiles_panel::guard`).
    RunCheck,
    /// "Send the login anyway": the person answered the guard's question.
    RunCheckAnyway,
    Cancel,
    /// The form's widgets changed it (typing, a radio button, an option).
    EditForm(Box<FormState>),
    SelectStep(StepName),
    /// Show bodies as raw text (`true`) or as foldable JSON.
    ShowRawBodies(bool),
    /// Open the file dialog for the CA file (off the UI thread).
    BrowseCaFile,
    /// Put a text on the clipboard; the second field says what it is, for the status line.
    Copy(String, &'static str),
    /// Save the report of the last check (file dialog off the UI thread).
    SaveReport,
    /// Save the report of the last check to this path (the path field).
    SaveReportTo(PathBuf),
    /// `--demo`: run one of the demo's common mistakes.
    RunDemoCase(usize),
    /// `--demo`: back to the healthy server and the working login.
    DemoReset,
    /// The profiles sidebar, its dialogs and the Test all table.
    Profiles(ProfilesCmd),
    /// The About window.
    About(super::about::AboutCmd),
    /// The paste box ("Paste a request or an error").
    Paste(super::paste::PasteCmd),
    /// The keyboard focus went back to Test connection after a check.
    FocusReturned,
}

/// What background work sends back. One channel for all of it, drained in `App::logic`; every
/// message wakes the UI.
pub enum Msg {
    /// Progress or the end of the window's check `RunId`.
    Check(RunId, CheckEvent),
    CaFilePicked(Option<PathBuf>),
    ReportSaved(Result<Option<PathBuf>, String>),
    DemoStarted(Result<Arc<DemoServer>, String>),
    /// A demo case's server is ready; `result` is the plan of the mistake.
    DemoCaseReady {
        index: usize,
        result: Result<Plan, String>,
        new_tls_server: Option<Arc<DemoServer>>,
    },
    Profiles(ProfilesMsg),
    /// "Open data folder" of the About window finished.
    DataFolderOpened(Result<PathBuf, String>),
    /// A file dropped on the paste box was read.
    Paste(super::paste::PasteMsg),
}

impl From<ProfilesMsg> for Msg {
    fn from(m: ProfilesMsg) -> Self {
        Msg::Profiles(m)
    }
}

/// Called after each message, from a background thread (the UI passes `ctx.request_repaint`).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Sends messages to the UI thread and wakes it.
#[derive(Clone)]
pub struct Outbox {
    tx: Sender<Msg>,
    wake: Wake,
}

impl Outbox {
    pub fn new(tx: Sender<Msg>, wake: Wake) -> Self {
        Self { tx, wake }
    }

    /// Send (a closed window drops it) and wake the UI.
    pub fn send(&self, msg: impl Into<Msg>) {
        let _ = self.tx.send(msg.into());
        (self.wake)();
    }
}

/// What the update code needs to start background work: the runtime and the way back.
#[derive(Clone)]
pub struct Background {
    pub rt: tokio::runtime::Handle,
    pub out: Outbox,
    /// Where "Save report…" writes without asking (see [`super::Launch::save_reports_to`]).
    pub save_reports_to: Option<std::path::PathBuf>,
    /// Try the native file dialogs (rfd) before the path field; `false`: the path field at once.
    pub native_file_dialogs: bool,
}
