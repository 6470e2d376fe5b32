//! Colours that read well in both the dark and the light theme.

use eframe::egui;

use egui::{Color32, Ui};

pub fn ok(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(110, 200, 120)
    } else {
        Color32::from_rgb(20, 130, 40)
    }
}

pub fn error(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

pub fn warn(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        ui.visuals().warn_fg_color
    } else {
        Color32::from_rgb(170, 95, 0)
    }
}

pub fn info(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(120, 170, 240)
    } else {
        Color32::from_rgb(30, 90, 180)
    }
}

/// JSON syntax colours.
pub fn json_key(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(150, 190, 240)
    } else {
        Color32::from_rgb(20, 70, 150)
    }
}

pub fn json_string(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(200, 170, 120)
    } else {
        Color32::from_rgb(140, 70, 0)
    }
}

pub fn json_other(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(170, 200, 150)
    } else {
        Color32::from_rgb(30, 110, 60)
    }
}

/// Status icons, painted (the lean font set has no symbol glyphs, and words read better to
/// screen readers anyway: every icon sits next to text that says the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Ok,
    Error,
    Warning,
    Info,
    Pending,
    Skipped,
    Cancelled,
}

pub fn icon(ui: &mut Ui, kind: Icon, size: f32) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    if !ui.is_rect_visible(rect) {
        return resp;
    }
    let p = ui.painter();
    let c = rect.center();
    let r = size * 0.45;
    let fg = if ui.visuals().dark_mode {
        Color32::from_gray(20)
    } else {
        Color32::WHITE
    };
    let w = (size * 0.13).max(1.5);
    let pt = |x: f32, y: f32| c + egui::vec2(x * r, y * r);
    match kind {
        Icon::Ok => {
            p.circle_filled(c, r, ok(ui));
            p.line(
                vec![pt(-0.5, 0.0), pt(-0.12, 0.4), pt(0.5, -0.35)],
                egui::Stroke::new(w, fg),
            );
        }
        Icon::Error => {
            p.circle_filled(c, r, error(ui));
            let s = egui::Stroke::new(w, fg);
            p.line_segment([pt(-0.4, -0.4), pt(0.4, 0.4)], s);
            p.line_segment([pt(0.4, -0.4), pt(-0.4, 0.4)], s);
        }
        Icon::Warning => {
            let col = warn(ui);
            p.add(egui::Shape::convex_polygon(
                vec![pt(0.0, -1.0), pt(1.0, 0.8), pt(-1.0, 0.8)],
                col,
                egui::Stroke::NONE,
            ));
            p.line_segment([pt(0.0, -0.45), pt(0.0, 0.25)], egui::Stroke::new(w, fg));
            p.circle_filled(pt(0.0, 0.55), w * 0.6, fg);
        }
        Icon::Info => {
            p.circle_filled(c, r, info(ui));
            p.line_segment([pt(0.0, -0.1), pt(0.0, 0.55)], egui::Stroke::new(w, fg));
            p.circle_filled(pt(0.0, -0.45), w * 0.6, fg);
        }
        Icon::Pending => {
            p.circle_stroke(c, r * 0.8, egui::Stroke::new(1.5, ui.visuals().weak_text_color()));
        }
        Icon::Skipped => {
            let s = egui::Stroke::new(1.5, ui.visuals().weak_text_color());
            p.circle_stroke(c, r * 0.8, s);
            p.line_segment([pt(-0.45, 0.0), pt(0.45, 0.0)], s);
        }
        Icon::Cancelled => {
            p.circle_filled(c, r, warn(ui));
            p.rect_filled(egui::Rect::from_center_size(c, egui::vec2(r * 0.8, r * 0.8)), 1.0, fg);
        }
    }
    resp
}
