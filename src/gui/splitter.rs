//! Visible handles on the resizable edges (egui shows a panel's edge only while hovered): a line
//! and a small grip in the middle, so a person sees that the panes can be resized.

use eframe::egui;

use egui::{Rangef, Ui, pos2, vec2};

fn colors(ui: &Ui) -> (egui::Color32, egui::Color32, egui::Color32) {
    let v = ui.visuals();
    (
        v.widgets.noninteractive.bg_stroke.color,
        v.widgets.inactive.weak_bg_fill,
        v.widgets.noninteractive.fg_stroke.color.gamma_multiply(0.7),
    )
}

/// A handle on a vertical edge at `x` (between side-by-side panes).
pub fn vertical_grip(ui: &Ui, x: f32, y: Rangef) {
    let p = ui.painter();
    let (line, fill, dots) = colors(ui);
    p.vline(x, y, egui::Stroke::new(1.0, line));
    let c = pos2(x, y.center());
    p.rect(
        egui::Rect::from_center_size(c, vec2(8.0, 30.0)),
        3.0,
        fill,
        egui::Stroke::new(1.0, line),
        egui::StrokeKind::Inside,
    );
    for dy in [-8.0, 0.0, 8.0] {
        p.circle_filled(c + vec2(0.0, dy), 1.6, dots);
    }
}

/// A handle on a horizontal edge at `y` (between stacked panels).
pub fn horizontal_grip(ui: &Ui, y: f32, x: Rangef) {
    let p = ui.painter();
    let (line, fill, dots) = colors(ui);
    p.hline(x, y, egui::Stroke::new(1.0, line));
    let c = pos2(x.center(), y);
    p.rect(
        egui::Rect::from_center_size(c, vec2(30.0, 8.0)),
        3.0,
        fill,
        egui::Stroke::new(1.0, line),
        egui::StrokeKind::Inside,
    );
    for dx in [-8.0, 0.0, 8.0] {
        p.circle_filled(c + vec2(dx, 0.0), 1.6, dots);
    }
}
