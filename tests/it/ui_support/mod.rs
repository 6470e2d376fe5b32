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

/// Press Test connection and wait (at most 20 s) until the result is drawn.
pub fn test_and_wait(h: &mut Harness<'_, App>) {
    h.get_by_label("Test connection").click();
    assert!(
        step_until(h, Duration::from_secs(20), |h| h.state().result().is_some()),
        "no result within 20 s"
    );
    h.run();
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

/// The labels of the accessibility tree, in the order they are drawn.
pub fn labels_in_order(h: &Harness<'_, App>) -> Vec<String> {
    h.root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.accesskit_node().value()))
        .collect()
}

/// The title shown under "Most likely cause" (the top hint), as on screen.
pub fn top_hint_on_screen(h: &Harness<'_, App>) -> Option<String> {
    let labels = labels_in_order(h);
    let at = labels.iter().position(|l| l == "Most likely cause")?;
    // The severity icon's word comes first when it has one; the title is the next label with words.
    labels[at + 1..]
        .iter()
        .find(|l| {
            !matches!(
                l.as_str(),
                "Most likely cause" | "error" | "warning" | "info" | "Error" | "Warning" | "Info" | ""
            )
        })
        .cloned()
}

/// The hints of the last result are non-empty, all on screen, and the first is the one under
/// "Most likely cause"; the headline above them is `headline`.
pub fn assert_hints_on_screen(h: &Harness<'_, App>, hints: &[aa_conntest::diagnose::Hint], headline: &str) {
    assert!(!hints.is_empty(), "the check produced no hint");
    let text = all_text(h);
    assert!(text.contains(headline), "headline {headline:?} not shown:\n{text}");
    for hint in hints {
        let title = shown(&hint.title);
        assert!(text.contains(&title), "hint {title:?} not shown:\n{text}");
    }
    assert_eq!(
        top_hint_on_screen(h),
        Some(shown(&hints[0].title)),
        "the most likely cause on screen is not the first hint:\n{text}"
    );
}

/// A hint text as the screen shows it: its Markdown rendered (no backticks or stars), its UTC
/// times local.
pub fn shown(text: &str) -> String {
    aa_conntest::gui::rich_text::plain(&aa_conntest::local_time::Clock::System.localise_utc_stamps(text))
}
