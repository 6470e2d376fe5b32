//! Issue 13, D1 in the window (egui_kittest, headless): a shared export carrying `insecure`, a
//! proxy and a CA file cannot change where a key goes without a visible, explicit confirmation.
//! The import dialog shows the proxy and the CA file, leaves them out unless its check box is
//! ticked, and a profile with a proxy shows it beside the Test button.

use crate::ui_support::{all_text, runtime, step_until};
use aa_conntest::gui::profiles_panel::ProfilesCmd;
use aa_conntest::gui::{App, Command, Launch, ProfilesSource};
use aa_conntest::profiles::{KeyringStore, ProfileStore, SecretStore};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn harness(rt: &tokio::runtime::Runtime, config: &Path) -> Harness<'static, App> {
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::with_store(
        keyring_core::mock::Store::new().expect("mock keyring"),
        "aa-conntest-hostile-ui-test",
    ));
    let source = ProfilesSource::Given {
        store: ProfileStore::open(config).expect("open store").0,
        secrets,
        history: None,
    };
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        .with_max_steps(24)
        .build_eframe(move |cc| App::with_profiles(cc, handle, Launch::default(), source));
    assert!(
        step_until(&mut h, Duration::from_secs(10), |h| h.state().profiles().is_ready()),
        "the profiles did not open"
    );
    h.run();
    h
}

fn apply(h: &mut Harness<'_, App>, cmd: ProfilesCmd) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::Profiles(cmd));
    h.run();
}

fn settle(h: &mut Harness<'_, App>) {
    assert!(
        step_until(h, Duration::from_secs(10), |h| h.state().profiles().is_ready()),
        "a profiles operation did not finish; status: {}",
        h.state().status_text()
    );
    h.run();
}

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

fn write_export(path: &Path, name: &str) {
    let export = serde_json::json!({
        "schema": "aa-conntest.profiles/1",
        "profiles": [{
            "id": "00000000000000aa",
            "name": name,
            "url": "https://cr.example.com",
            "auth": "api_key",
            "username": "svc_api",
            "options": {
                "insecure": true,
                "proxy": "http://senders-proxy.example:8080",
                "ca_file": "/tmp/senders-own-root-ca.pem"
            }
        }]
    });
    std::fs::write(path, export.to_string()).unwrap();
}

fn import_dialog(h: &mut Harness<'_, App>, file: &Path) -> String {
    apply(h, ProfilesCmd::ImportFrom(file.to_path_buf()));
    assert!(
        step_until(h, Duration::from_secs(5), |h| h.state().profiles().dialog_open()),
        "the import preview is shown before anything changes"
    );
    h.run();
    all_text(h)
}

#[test]
fn d1_a_hostile_export_needs_a_visible_explicit_confirmation_in_the_window() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let mut h = harness(&rt, &config);

    // Without the check box: imported without proxy, CA file or insecure.
    let file = dir.path().join("shared.json");
    write_export(&file, "Team CR");
    let shown = import_dialog(&mut h, &file);
    for words in [
        "proxy http://senders-proxy.example:8080",
        "CA file /tmp/senders-own-root-ca.pem",
        "LEFT OUT unless you accept them",
        "\"accept invalid certificates\" was set",
        "Also import the proxies and CA files listed above",
    ] {
        assert!(shown.contains(words), "{words:?} not shown:\n{shown}");
    }
    click(&mut h, "Import them");
    settle(&mut h);
    let p = h.state().profiles().list()[0].clone();
    assert_eq!(p.name, "Team CR");
    let o = &p.target.options;
    assert!(o.proxy.is_none() && o.ca_file.is_none() && !o.insecure, "{o:?}");
    let saved = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert!(!saved.contains("senders") && !saved.contains("insecure"), "{saved}");

    // With the check box ticked: the proxy and the CA file come in, insecure never does.
    let file2 = dir.path().join("shared2.json");
    write_export(&file2, "Team CR via proxy");
    import_dialog(&mut h, &file2);
    click(&mut h, "Also import the proxies and CA files listed above");
    assert!(
        all_text(&h).contains("imported (accepted)"),
        "the preview follows the check box"
    );
    click(&mut h, "Import them");
    settle(&mut h);
    let p = h
        .state()
        .profiles()
        .list()
        .iter()
        .find(|p| p.name == "Team CR via proxy")
        .cloned()
        .expect("imported");
    assert_eq!(
        p.target.options.proxy.as_deref(),
        Some("http://senders-proxy.example:8080")
    );
    assert!(!p.target.options.insecure);

    // Selected, the profile says where the key will go, beside the Test button.
    apply(&mut h, ProfilesCmd::Select(p.id.clone()));
    settle(&mut h);
    let text = all_text(&h);
    assert!(
        text.contains("Through the proxy http://senders-proxy.example:8080"),
        "the proxy is not shown before the test:\n{text}"
    );
    assert!(text.contains("Also trusts /tmp/senders-own-root-ca.pem"), "{text}");
    assert!(!text.contains("Certificate checks are off"), "{text}");
}
