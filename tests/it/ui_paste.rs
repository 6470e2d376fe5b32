//! The window's paste box, driven headless with egui_kittest: a curl line pasted against the demo
//! Control Room is explained in place (the secret masked at once, in the box too), "Test it the
//! right way" fills the form and runs the normal check, the box is cleared, and the pasted key is
//! then in no view, report or saved state of the window (`LeakScanner`, every form of it).

use crate::leak_audit::MemoryStorage;
use crate::support::secret_forms::{LeakScanner, without_markers};
use crate::ui_support::{all_text, runtime, step_until};
use aa_conntest::gui::{App, Launch};
use aa_conntest::transcript::Outcome;
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

fn paste_into_box(h: &mut Harness<'_, App>, text: &str) {
    h.get_by_label("Paste…").click();
    h.run();
    let node = h
        .query_all_by_label("Paste a request or an error")
        .find(|n| matches!(n.accesskit_node().role(), Role::TextInput | Role::MultilineTextInput))
        .expect("the paste box");
    node.click();
    h.run();
    h.query_all_by_label("Paste a request or an error")
        .find(|n| matches!(n.accesskit_node().role(), Role::TextInput | Role::MultilineTextInput))
        .expect("the paste box")
        .type_text(text);
    h.run();
}

#[test]
fn a_pasted_curl_line_is_explained_then_tested_the_right_way_against_the_demo() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let handle = rt.handle().clone();
    let launch = Launch {
        demo: true,
        save_reports_to: Some(reports.clone()),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 1000.0))
        .build_eframe(move |cc| App::new(cc, handle, launch));
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h.state().demo_url().is_some()),
        "the demo did not start"
    );
    h.run();
    let url = h.state().demo_url().unwrap();
    let (user, key) = (aa_conntest::demo::API_KEY_USER, aa_conntest::demo::API_KEY);
    // The forum's first mistake: a curl line for the v1 login, copied from an old sample.
    let paste = format!(
        "curl -X POST '{url}/v1/authentication' -H 'Content-Type: application/json' -d '{}'",
        serde_json::json!({"username": user, "apiKey": key})
    );
    paste_into_box(&mut h, &paste);

    // Explained in place, with the hint cards of the results; the key is masked in the box too.
    let e = h.state().paste().explanation().expect("explained");
    assert_eq!(e.hints[0].id, "request.v1-login");
    assert!(h.state().paste().is_masked());
    assert!(
        h.state().paste().text().contains("<redacted: 40 chars>"),
        "{}",
        h.state().paste().text()
    );
    let text = all_text(&h);
    assert!(text.contains("Most likely cause"), "{text}");
    assert!(
        text.contains("The request logs in at the old v1 endpoint, which no longer works"),
        "{text}"
    );
    // The id itself is only under "Technical details" (folded), like the results' hints.
    assert!(!text.contains("request.v1-login"), "{text}");
    assert!(!text.contains(key), "the key is visible:\n{text}");
    let mut channels = vec![("the paste box and its explanation".to_string(), text)];

    // Test it the right way: the form is filled from the paste, the check runs, the box is cleared.
    h.get_by_label("Test it the right way").click();
    assert!(
        step_until(&mut h, Duration::from_secs(20), |h| h.state().result().is_some()
            && !h.state().is_running()),
        "the check did not finish: {}",
        h.state().status_text()
    );
    h.run();
    assert_eq!(h.state().outcome(), Some(Outcome::Ok), "{}", h.state().status_text());
    let form = h.state().form();
    assert_eq!(form.target.url, url, "the address without its path");
    assert_eq!(form.target.username, user);
    assert_eq!(form.target.auth, aa_conntest::plan::AuthMode::ApiKey);
    assert_eq!(form.secret, key, "the secret moved into the form's masked field");
    assert!(!form.show_secret);
    assert!(h.state().paste().text().is_empty() && h.state().paste().explanation().is_none());
    let login = &h.state().result().unwrap().transcript.steps[2];
    assert!(
        login.request.as_ref().unwrap().url.ends_with("/v2/authentication"),
        "tested on v2"
    );

    // Every view, report and saved state of the window afterwards.
    for step in ["Preflight: ", "Connect: ", "Authenticate: ", "Validate: ", "Logout: "] {
        h.get_by_label_contains(step).click();
        h.run();
        channels.push((format!("the window's {step}panes"), all_text(&h)));
    }
    h.get_by_label("Save report…").click();
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h
            .state()
            .status_text()
            .contains("Report saved")),
        "{}",
        h.state().status_text()
    );
    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    channels.push(("the window's saved state".into(), format!("{:?}", storage.0)));
    let scanner = LeakScanner::new([("the pasted key", key)]);
    let mut hits = Vec::new();
    for (name, text) in &channels {
        hits.extend(scanner.scan_str(name, &without_markers(text)));
    }
    let (files, in_files) = scanner.scan_dir(dir.path());
    assert_eq!(files, 2, "the saved report (JSON and Markdown)");
    hits.extend(in_files);
    assert!(hits.is_empty(), "{hits:#?}");
}

#[test]
fn an_answer_alone_is_explained_and_cannot_be_tested() {
    let rt = runtime();
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 1000.0))
        .build_eframe(move |cc| App::new(cc, handle, Launch::default()));
    h.run();
    paste_into_box(
        &mut h,
        r#"{"code": "UM1110", "details": "", "message": "Either your username or your password is incorrect"}"#,
    );
    let text = all_text(&h);
    let e = h.state().paste().explanation().expect("explained");
    assert_eq!(e.hints[0].id, "auth.bad-credentials");
    assert!(
        !text.contains("auth.bad-credentials"),
        "ids only under Technical details:\n{text}"
    );
    assert!(text.contains("What the answer alone cannot tell"), "{text}");
    assert!(!h.state().paste().is_masked(), "no secret: the box stays editable");
    assert!(
        h.query_by_label("Test it the right way")
            .expect("the button")
            .accesskit_node()
            .is_disabled(),
        "nothing to test from an answer alone"
    );
    h.get_by_label("Clear").click();
    h.run();
    assert!(h.state().paste().text().is_empty());
}
