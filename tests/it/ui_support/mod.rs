//! Helpers shared by the window tests (egui_kittest, headless).
#![allow(dead_code)]

use aa_conntest::gui::App;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::{Duration, Instant};

/// The runtime the window's worker runs on, as in the app (two workers).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Focus the field with this label and type into it.
pub fn fill(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Step frames (no `run()`: the spinner repaints while a check runs) until `done` or the timeout.
pub fn step_until(
    h: &mut Harness<'_, App>,
    timeout: Duration,
    mut done: impl FnMut(&Harness<'_, App>) -> bool,
) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        h.step();
        if done(h) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// Every label, value and description in the accessibility tree.
pub fn all_text(h: &Harness<'_, App>) -> String {
    let mut out = String::new();
    for node in h.root().children_recursive() {
        let n = node.accesskit_node();
        for s in [n.label(), n.value(), n.description()].into_iter().flatten() {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}
