//! "Paste a request or an error": a box (also a drop target for files) whose text is explained in
//! place with the same hint cards as a check's results, and a "Test it the right way" button that
//! fills the form from the paste and runs the normal check.
//!
//! The paste is hostile and may hold secrets: once read, every secret found lives only in the
//! explanation's [`Secret`](crate::secret::Secret)s and the box shows the masked text (read-only);
//! "Test it the right way" moves the secret into the form's masked field and clears the box. Files
//! are read off the UI thread, capped at the paste limit.

use eframe::egui;

use super::command::{Background, Command, Msg};
use super::state::{FormState, Status};
use crate::paste::{Explanation, MAX_PASTE_BYTES};
use crate::plan::Target;
use egui::{RichText, TextEdit, Ui};
use std::path::PathBuf;

/// The box's label (also what tests and screen readers find it by).
pub const LABEL: &str = "Paste a request or an error";
/// The switch beside Test connection (short: the row must not wrap at 1024 px).
pub const TOGGLE: &str = "Paste…";

/// The paste box: its text and what it says about it.
#[derive(Default)]
pub struct PasteState {
    /// What the box shows: as typed until a secret is found, then the masked paste.
    text: String,
    /// The text was replaced by its masked form: the box is read-only until cleared.
    masked: bool,
    explained: Option<Explanation>,
    /// Why the text could not be read (shown under the box).
    unreadable: Option<String>,
    /// A dropped file is being read.
    reading: bool,
}

impl PasteState {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn explanation(&self) -> Option<&Explanation> {
        self.explained.as_ref()
    }

    pub fn is_masked(&self) -> bool {
        self.masked
    }
}

/// What the box's widgets ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum PasteCmd {
    /// The text changed (typing or pasting).
    Edit(String),
    /// Files were dropped on the window: read them (off the UI thread) as one paste.
    Dropped(Vec<DroppedFile>),
    /// Fill the form from the paste and run the check.
    TestIt,
    Clear,
}

/// A dropped file: egui's handle (read off the UI thread), or a path (tests, scripts).
#[derive(Clone)]
pub struct DroppedFile {
    pub name: String,
    pub handle: Option<egui::DroppedFileHandle>,
    pub path: Option<PathBuf>,
}

impl PartialEq for DroppedFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.path == other.path
    }
}

impl std::fmt::Debug for DroppedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DroppedFile({})", self.name)
    }
}

/// What background work sends back.
pub enum PasteMsg {
    FileRead(Result<String, String>),
}

/// Apply a command; returns the window's commands that follow (fill the form, run the check).
pub fn apply(
    state: &mut PasteState,
    form: &FormState,
    bg: &Background,
    cmd: PasteCmd,
) -> (Vec<Command>, Option<Status>) {
    match cmd {
        PasteCmd::Edit(text) => {
            if !state.masked {
                read(state, text);
            }
            (Vec::new(), None)
        }
        PasteCmd::Clear => {
            *state = PasteState::default();
            (Vec::new(), None)
        }
        PasteCmd::Dropped(files) => {
            state.reading = true;
            let out = bg.out.clone();
            bg.rt
                .spawn_blocking(move || out.send(Msg::Paste(PasteMsg::FileRead(read_files(&files)))));
            (Vec::new(), Some(Status::normal("Reading the dropped file…")))
        }
        PasteCmd::TestIt => test_it(state, form),
    }
}

pub fn on_msg(state: &mut PasteState, msg: PasteMsg) -> Option<Status> {
    match msg {
        PasteMsg::FileRead(r) => {
            state.reading = false;
            match r {
                Ok(text) => {
                    *state = PasteState::default();
                    read(state, text);
                    Some(Status::normal("Dropped file read and explained below the box."))
                }
                Err(e) => Some(Status::bad(format!("The dropped file could not be read: {e}"))),
            }
        }
    }
}

/// Explain the text; when it holds a secret, keep only the masked text in the box.
fn read(state: &mut PasteState, text: String) {
    state.unreadable = None;
    state.explained = None;
    if text.trim().is_empty() {
        state.text = text;
        return;
    }
    match crate::paste::explain(&text) {
        Ok(e) => {
            if e.paste.secrets.iter().any(|s| !s.facts.reference) {
                state.text = e.paste.masked_text.clone();
                state.masked = true;
            } else {
                state.text = text;
            }
            state.explained = Some(e);
        }
        Err(err) => {
            state.text = text;
            state.unreadable = Some(err.to_string());
        }
    }
}

/// The form from the paste (URL without path, username, sign-in mode, the secret), then the
/// check; the box is cleared, and the secret lives on only in the form's masked field.
fn test_it(state: &mut PasteState, form: &FormState) -> (Vec<Command>, Option<Status>) {
    let Some(e) = &state.explained else {
        return (Vec::new(), None);
    };
    let fill = match &e.fill {
        Ok(f) => f.clone(),
        Err(why) => {
            return (
                Vec::new(),
                Some(Status::bad(format!("Cannot test from the paste alone: {why}."))),
            );
        }
    };
    let new_form = FormState {
        target: Target::new(
            fill.url.clone(),
            fill.auth,
            fill.username.clone(),
            form.target.options.clone(),
        ),
        secret: fill.secret.as_ref().map(|s| s.expose().to_string()).unwrap_or_default(),
        show_secret: false,
    };
    *state = PasteState::default();
    (
        vec![Command::EditForm(Box::new(new_form)), Command::RunCheck],
        Some(Status::normal("Testing the pasted credentials the right way…")),
    )
}

/// All files as one text, each at most the paste limit (a collection and its environment).
fn read_files(files: &[DroppedFile]) -> Result<String, String> {
    use std::io::Read;
    let mut out = String::new();
    for f in files.iter().take(8) {
        // The path first (read capped); the handle when there is no readable path (the web).
        let path = f.path.as_ref().filter(|p| p.is_file());
        let bytes: Vec<u8> = match (&f.handle, path) {
            (Some(h), None) => {
                let b = h.bytes().map_err(|e| format!("{}: {e}", f.name))?;
                if b.len() > MAX_PASTE_BYTES {
                    return Err(format!(
                        "{} is larger than {} MiB",
                        f.name,
                        MAX_PASTE_BYTES / (1024 * 1024)
                    ));
                }
                b
            }
            (_, Some(p)) => {
                let file = std::fs::File::open(p).map_err(|e| format!("{}: {e}", f.name))?;
                let mut buf = Vec::new();
                file.take(MAX_PASTE_BYTES as u64 + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("{}: {e}", f.name))?;
                buf
            }
            (None, None) => continue,
        };
        if bytes.len() + out.len() > MAX_PASTE_BYTES {
            return Err(format!(
                "{} is larger than {} MiB",
                f.name,
                MAX_PASTE_BYTES / (1024 * 1024)
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| format!("{} is not a text file", f.name))?;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    }
    Ok(out)
}

/// The box, its explanation and its buttons.
pub fn show(ui: &mut Ui, state: &PasteState, running: bool, clock: &crate::local_time::Clock, cmds: &mut Vec<Command>) {
    // Files dropped anywhere on the window land here.
    let dropped: Vec<DroppedFile> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| DroppedFile {
                name: f
                    .path()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "the file".into()),
                handle: Some(f.clone()),
                path: Some(f.path().to_path_buf()),
            })
            .collect()
    });
    let any_dropped = !dropped.is_empty();
    if any_dropped {
        cmds.push(Command::Paste(PasteCmd::Dropped(dropped)));
    }
    let hovering = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    // Opened from its switch beside Test connection (see `toggle`), or by a file dragged over
    // the window: closed, it takes no room from the results.
    let mut open = open_state(ui.ctx());
    if any_dropped && !open.is_open() {
        open.set_open(true);
        open.store(ui.ctx());
    }
    if open.is_open() || hovering {
        ui.add_space(4.0);
        egui::Frame::group(ui.style()).show(ui, |ui| body(ui, state, running, hovering, clock, cmds));
    }
}

/// Whether the paste box is open: view state kept by egui, like a collapsing header's.
fn open_state(ctx: &egui::Context) -> egui::collapsing_header::CollapsingState {
    egui::collapsing_header::CollapsingState::load_with_default_open(ctx, egui::Id::unique("paste_box_open"), false)
}

/// The switch that opens and closes the box, in the row of the form's buttons.
pub fn toggle(ui: &mut Ui) {
    let mut state = open_state(ui.ctx());
    let open = state.is_open();
    if ui
        .add(egui::Button::new(TOGGLE).selected(open))
        .on_hover_text(
            "Paste a request or an error: a curl line, a PowerShell call, a Postman request or an error answer (or drop a file \
             on the window): it is explained before anything is sent",
        )
        .clicked()
    {
        state.set_open(!open);
        state.store(ui.ctx());
    }
}

fn body(
    ui: &mut Ui,
    state: &PasteState,
    running: bool,
    hovering: bool,
    clock: &crate::local_time::Clock,
    cmds: &mut Vec<Command>,
) {
    ui.weak(
        "A curl command (bash or Windows), PowerShell, an HTTP request, a Postman, Bruno or Insomnia export, a HAR \
         file, or the error you got — or drop the file here. Nothing is sent until you press Test.",
    );
    let mut draft = state.text.clone();
    let width = ui.available_width().min(900.0);
    let mut edit = TextEdit::multiline(&mut draft)
        .hint_text(if hovering {
            "Drop the file to explain it"
        } else {
            "Paste here"
        })
        .desired_rows(4)
        .desired_width(width)
        .code_editor()
        .interactive(!state.masked);
    if hovering {
        edit = edit.background_color(ui.visuals().selection.bg_fill.gamma_multiply(0.3));
    }
    let label = ui.label(RichText::new(LABEL).small());
    let r = egui::ScrollArea::vertical()
        .id_salt("paste_scroll")
        .max_height(140.0)
        .show(ui, |ui| ui.add(edit).labelled_by(label.id))
        .inner;
    if r.changed() && draft != state.text {
        cmds.push(Command::Paste(PasteCmd::Edit(draft)));
    }
    if state.reading {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading the file…");
        });
    }
    if let Some(why) = &state.unreadable {
        ui.colored_label(super::theme::warn(ui), format!("Not recognised: {why}."));
    }
    let Some(e) = &state.explained else { return };
    let p = &e.paste;
    let secrets = p.secrets.iter().filter(|s| !s.facts.reference).count();
    ui.label(format!(
        "Read as {} ({} request{}, {} answer{}){}.",
        p.kind.describe(),
        p.requests.len(),
        if p.requests.len() == 1 { "" } else { "s" },
        p.answers.len(),
        if p.answers.len() == 1 { "" } else { "s" },
        if secrets > 0 {
            format!(
                "; {secrets} secret{} found and masked",
                if secrets == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    ));
    ui.horizontal(|ui| {
        let can = e.fill.is_ok() && !running;
        let test = ui
            .add_enabled(can, egui::Button::new(RichText::new("Test it the right way").strong()))
            .on_hover_text("Fill the form from the paste (address, username, key) and run the normal check once");
        let test = match &e.fill {
            Err(why) => test.on_disabled_hover_text(format!("Cannot test from the paste alone: {why}.")),
            Ok(_) => test,
        };
        if test.clicked() {
            cmds.push(Command::Paste(PasteCmd::TestIt));
        }
        if ui
            .button("Clear")
            .on_hover_text("Empty the box and forget the paste")
            .clicked()
        {
            cmds.push(Command::Paste(PasteCmd::Clear));
        }
        if let Err(why) = &e.fill {
            ui.weak(format!("To test: {why}."));
        }
    });
    if e.hints.is_empty() {
        ui.label("Nothing wrong found in the paste.");
        return;
    }
    let top = super::state::most_likely(&e.hints);
    for (i, hint) in e.hints.iter().enumerate() {
        // A paste has no steps to show: the card's "Show the step" button stays out.
        let mut h = hint.clone();
        h.step = None;
        super::hints::hint_card(ui, i, &h, top == Some(i), clock, cmds);
        ui.add_space(4.0);
    }
}
