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
