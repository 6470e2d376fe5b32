//! The status line at the bottom of the window.

use eframe::egui;

use super::state::{Status, StatusKind};
use super::theme;
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, status: &Status) {
    ui.horizontal(|ui| {
        let color = match status.kind {
            StatusKind::Normal => ui.visuals().text_color(),
            StatusKind::Good => theme::ok(ui),
            StatusKind::Bad => theme::error(ui),
            StatusKind::Warn => theme::warn(ui),
        };
        // Plain words; raw error text (a keyring's, a file system's) behind "Technical details".
        let split = super::plain_words::split(&status.text);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.weak(concat!("aa-conntest ", env!("CARGO_PKG_VERSION")));
            ui.weak("Enter: test · Esc: cancel");
            if let Some(raw) = &split.technical {
                ui.menu_button(RichText::new("Technical details").small(), |ui| {
                    ui.set_max_width(520.0);
                    super::plain_words::raw_text(ui, raw);
                });
            }
            // The message takes the rest of the line; a long one is cut (the full text on hover).
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(egui::Label::new(RichText::new(&split.words).color(color)).truncate())
                    .on_hover_text(&split.words);
            });
        });
    });
}
