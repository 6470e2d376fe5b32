//! JSON pretty-printed and foldable with egui's own widgets: one collapsing header per object or
//! array, monospace leaves with simple colours. Big containers start folded so large bodies stay smooth.

use eframe::egui;

use super::theme;
use egui::{CollapsingHeader, Id, RichText, Ui};
use serde_json::Value;

/// Containers bigger than this start folded.
const OPEN_LIMIT: usize = 40;
/// Children shown per container before a "… more" line (the body is capped at 1 MiB anyway).
const SHOW_LIMIT: usize = 500;

pub fn show(ui: &mut Ui, id: Id, value: &Value) {
    ui.spacing_mut().item_spacing.y = 1.0;
    node(ui, id, None, value, 0);
}

fn node(ui: &mut Ui, id: Id, key: Option<&str>, value: &Value, depth: usize) {
    match value {
        Value::Object(map) => {
            let head = header_text(key, &format!("{{…}} {} key{}", map.len(), plural(map.len())));
            CollapsingHeader::new(RichText::new(head).monospace().color(theme::json_key(ui)))
                .id_salt(id)
                .default_open(depth < 4 && map.len() <= OPEN_LIMIT)
                .show(ui, |ui| {
                    for (i, (k, v)) in map.iter().enumerate() {
                        if i == SHOW_LIMIT {
                            ui.weak(format!("… {} more", map.len() - SHOW_LIMIT));
                            break;
                        }
                        node(ui, id.with(k), Some(k), v, depth + 1);
                    }
                });
        }
        Value::Array(items) => {
            let head = header_text(key, &format!("[…] {} item{}", items.len(), plural(items.len())));
            CollapsingHeader::new(RichText::new(head).monospace().color(theme::json_key(ui)))
                .id_salt(id)
                .default_open(depth < 4 && items.len() <= OPEN_LIMIT)
                .show(ui, |ui| {
                    for (i, v) in items.iter().enumerate() {
                        if i == SHOW_LIMIT {
                            ui.weak(format!("… {} more", items.len() - SHOW_LIMIT));
                            break;
                        }
                        let k = i.to_string();
                        node(ui, id.with(i), Some(&k), v, depth + 1);
                    }
                });
        }
        leaf => {
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                if let Some(k) = key {
                    ui.label(
                        RichText::new(format!("{}: ", crate::sanitize::for_display(k)))
                            .monospace()
                            .color(theme::json_key(ui)),
                    );
                }
                // JSON escapes control characters but not C1, bidi or invisible format ones.
                let (text, color) = match leaf {
                    Value::String(s) => (
                        crate::sanitize::for_display(&serde_json::to_string(s).unwrap_or_default()).into_owned(),
                        theme::json_string(ui),
                    ),
                    other => (other.to_string(), theme::json_other(ui)),
                };
                ui.add(egui::Label::new(RichText::new(text).monospace().color(color)).selectable(true));
            });
        }
    }
}

fn header_text(key: Option<&str>, summary: &str) -> String {
    match key {
        Some(k) => format!("{}: {summary}", crate::sanitize::for_display(k)),
        None => summary.to_string(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
