//! The path field: where no native file dialog is available (rfd finds neither the desktop
//! portal nor zenity, as on a Linux desktop without the portal, and returns nothing), Save report,
//! Import, Export and CA file ask for a path in a small dialog instead of doing nothing. rfd says
//! nothing that tells "cancelled" from "no dialog available", so after a native dialog that
//! returned nothing the field is offered with a short note; the person may also just close it.
//!
//! The default is the Documents folder (`directories::UserDirs`), else the home folder, read once
//! off the UI thread. This file is a view: it reads the state and pushes commands.

use eframe::egui;

use super::command::Command;
use super::profiles_panel::ProfilesCmd;
use super::state::FormState;
use egui::{RichText, TextEdit};
use std::path::{Path, PathBuf};

/// The file name Export suggests.
pub const EXPORT_FILE_NAME: &str = "aa-conntest-profiles.json";

/// What the path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    SaveReport,
    Import,
    Export,
    CaFile,
}

impl PathPurpose {
    pub fn title(self) -> &'static str {
        match self {
            PathPurpose::SaveReport => "Save the report",
            PathPurpose::Import => "Import profiles",
            PathPurpose::Export => "Export profiles",
            PathPurpose::CaFile => "Choose the CA file",
        }
    }

    /// The button that uses the path.
    pub fn action(self) -> &'static str {
        match self {
            PathPurpose::SaveReport => "Save report here",
            PathPurpose::Import => "Import this file",
            PathPurpose::Export => "Export here",
            PathPurpose::CaFile => "Use this CA file",
        }
    }

    /// A line under the title: what the file is.
    pub fn explain(self) -> &'static str {
        match self {
            PathPurpose::SaveReport => {
                "The report is written as JSON and as Markdown beside it (x.json and x.md), with every secret masked."
            }
            PathPurpose::Import => "An aa-conntest profiles file (an export). Nothing changes before you confirm.",
            PathPurpose::Export => "The profiles are written without any secret.",
            PathPurpose::CaFile => "A PEM file with the certificate of your company's certificate authority.",
        }
    }
}

/// The open path dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct PathDialog {
    pub purpose: PathPurpose,
    /// As typed.
    pub path: String,
    /// A native dialog was tried and nothing came back: say why the field is here.
    pub after_native: bool,
}

/// The home and Documents folders, read off the UI thread at start-up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Folders {
    pub home: Option<PathBuf>,
    pub documents: Option<PathBuf>,
}

impl Folders {
    /// Blocking (reads `user-dirs.dirs` on Linux): call off the UI thread.
    pub fn read() -> Self {
        let user = directories::UserDirs::new();
        Self {
            home: user.as_ref().map(|u| u.home_dir().to_path_buf()),
            documents: user.as_ref().and_then(|u| u.document_dir().map(Path::to_path_buf)),
        }
    }

    /// Where the path field starts: Documents, else home, else the current folder.
    pub fn default_dir(&self) -> PathBuf {
        self.documents
            .clone()
            .or_else(|| self.home.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The typed path as a file: `~` is the home folder; a relative path is under the default folder.
    pub fn resolve(&self, typed: &str) -> Option<PathBuf> {
        let t = typed.trim();
        if t.is_empty() {
            return None;
        }
        let p = if t == "~" {
            self.home.clone()?
        } else if let Some(rest) = t.strip_prefix("~/").or_else(|| t.strip_prefix("~\\")) {
            self.home.clone()?.join(rest)
        } else {
            PathBuf::from(t)
        };
        Some(if p.is_absolute() { p } else { self.default_dir().join(p) })
    }
}

/// The text the field starts with: a file name in the default folder for what is written, the
/// folder itself (with a separator, ready for a name) for what is read.
pub fn initial_text(purpose: PathPurpose, folders: &Folders, file_name: Option<&str>) -> String {
    let dir = folders.default_dir();
    match (purpose, file_name) {
        (PathPurpose::SaveReport | PathPurpose::Export, Some(name)) => dir.join(name).display().to_string(),
        _ => {
            let mut s = dir.display().to_string();
            if !s.ends_with(std::path::MAIN_SEPARATOR) {
                s.push(std::path::MAIN_SEPARATOR);
            }
            s
        }
    }
}

/// The dialog, as a modal. Enter uses the path; Esc or "Go back" closes.
pub fn show(ctx: &egui::Context, dialog: &PathDialog, folders: &Folders, form: &FormState, cmds: &mut Vec<Command>) {
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("path_dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading(dialog.purpose.title());
        if dialog.after_native {
            ui.label(
                RichText::new(
                    "No file was chosen. If no file dialog appeared (some desktops have none), type the path here.",
                )
                .color(super::theme::warn(ui)),
            );
        }
        ui.label(dialog.purpose.explain());
        ui.add_space(4.0);
        let label = ui.label("File path");
        let mut typed = dialog.path.clone();
        let field = ui
            .add(TextEdit::singleline(&mut typed).desired_width(480.0))
            .labelled_by(label.id);
        if field.changed() {
            cmds.push(Command::Profiles(ProfilesCmd::EditPath(typed.clone())));
        }
        let resolved = folders.resolve(&typed);
        if let Some(p) = &resolved
            && p.display().to_string() != typed.trim()
        {
            ui.weak(format!("= {}", p.display()));
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(4.0);
        let mut go = entered;
        ui.horizontal(|ui| {
            let use_it = ui.add_enabled(resolved.is_some(), egui::Button::new(dialog.purpose.action()));
            go |= use_it.clicked();
            let cancel = ui.button("Go back");
            close |= cancel.clicked();
            if !field.has_focus() && !use_it.has_focus() && !cancel.has_focus() {
                field.request_focus();
            }
        });
        if go && let Some(path) = resolved {
            cmds.push(Command::Profiles(ProfilesCmd::ClosePathDialog));
            cmds.push(match dialog.purpose {
                PathPurpose::SaveReport => Command::SaveReportTo(path),
                PathPurpose::Import => Command::Profiles(ProfilesCmd::ImportFrom(path)),
                PathPurpose::Export => Command::Profiles(ProfilesCmd::ExportTo(path)),
                PathPurpose::CaFile => {
                    let mut f = form.clone();
                    f.target.options.ca_file = Some(path);
                    Command::EditForm(Box::new(f))
                }
            });
        }
    });
    if close || modal.should_close() {
        cmds.push(Command::Profiles(ProfilesCmd::ClosePathDialog));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_field_starts_in_documents_else_home_and_reads_tilde_and_relative_paths() {
        let f = Folders {
            home: Some(PathBuf::from("/home/ann")),
            documents: Some(PathBuf::from("/home/ann/Documents")),
        };
        assert_eq!(
            initial_text(PathPurpose::Export, &f, Some(EXPORT_FILE_NAME)),
            "/home/ann/Documents/aa-conntest-profiles.json"
        );
        assert_eq!(initial_text(PathPurpose::Import, &f, None), "/home/ann/Documents/");
        assert_eq!(f.resolve("~/x.json"), Some(PathBuf::from("/home/ann/x.json")));
        assert_eq!(f.resolve("x.json"), Some(PathBuf::from("/home/ann/Documents/x.json")));
        assert_eq!(f.resolve(" /tmp/y.json "), Some(PathBuf::from("/tmp/y.json")));
        assert_eq!(f.resolve("  "), None);
        let no_docs = Folders { documents: None, ..f };
        assert_eq!(initial_text(PathPurpose::CaFile, &no_docs, None), "/home/ann/");
    }
}
