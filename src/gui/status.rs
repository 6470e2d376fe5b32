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
        };
        ui.label(RichText::new(&status.text).color(color));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.weak(concat!("aa-conntest ", env!("CARGO_PKG_VERSION")));
            ui.weak("Enter: test · Esc: cancel");
        });
    });
}
