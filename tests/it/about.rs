//! Version and About: `aa-conntest --version` (with the git commit when built from a checkout),
//! and the About window driven headless with egui_kittest: version, licence, the folders, and
//! "Open data folder" run off the UI thread (with a stand-in for the file manager, so no test
//! ever opens a window on a developer's desktop).

use crate::ui_support::{all_text, runtime, step_until};
use aa_conntest::gui::about::{AboutPaths, Opener};
use aa_conntest::gui::{App, Launch};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_aa-conntest");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit `git` reports for this checkout, when the tests run from one (as build.rs sees it).
fn checkout_commit() -> Option<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(dir).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != Path::new(dir).canonicalize().ok()? {
        return None;
    }
    git(&["rev-parse", "--short", "HEAD"])
}

#[test]
fn version_flag_prints_the_version_and_the_commit_of_the_checkout() {
    let expected = match checkout_commit() {
        Some(c) => format!("aa-conntest {VERSION} (commit {c})\n"),
        None => format!("aa-conntest {VERSION}\n"),
    };
    for flag in ["--version", "-V"] {
        let out = Command::new(BIN).arg(flag).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{flag}");
        assert!(
            out.stderr.is_empty(),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        aa_conntest::build_info::LONG_VERSION,
        expected.trim_start_matches("aa-conntest ").trim_end()
    );
}

#[test]
fn window_title_names_the_version() {
    let title = aa_conntest::build_info::window_title();
    assert!(title.starts_with(&format!("aa-conntest {VERSION} ")), "{title}");
}

fn harness(rt: &tokio::runtime::Runtime) -> Harness<'static, App> {
    let handle = rt.handle().clone();
    Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .build_eframe(move |cc| App::new(cc, handle, Launch::default()))
}

fn open_about(h: &mut Harness<'_, App>) {
    h.get_by_label("About").click();
    h.run();
    assert!(h.state_mut().about_mut().is_open());
}

/// Records what it was asked to open and on which thread.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(PathBuf, std::thread::ThreadId, bool)>>,
}

fn recording_opener(rec: &Arc<Recorder>, result: fn() -> std::io::Result<()>) -> Opener {
    let rec = rec.clone();
    Arc::new(move |p: &Path| {
        rec.calls
            .lock()
            .unwrap()
            .push((p.to_path_buf(), std::thread::current().id(), p.is_dir()));
        result()
    })
}

#[test]
fn about_shows_version_licence_and_the_real_folders() {
    let rt = runtime();
    let mut h = harness(&rt);
    h.run();
    assert!(
        h.query_by_label("Open data folder").is_none(),
        "About shows before it is asked for"
    );
    open_about(&mut h);
    let text = all_text(&h);
    assert!(
        text.contains(&format!("aa-conntest {}", aa_conntest::build_info::LONG_VERSION)),
        "{text}"
    );
    assert!(text.contains("MIT OR Apache-2.0"), "{text}");
    // The same folders the profiles code uses, whatever this machine's are.
    let config = aa_conntest::profiles::config_dir().expect("a home directory");
    let data = aa_conntest::profiles::data_dir().expect("a home directory");
    assert!(
        text.contains(&config.join("profiles.json").display().to_string()),
        "{text}"
    );
    assert!(
        text.contains(&data.join("history.json").display().to_string()),
        "{text}"
    );
    assert!(text.contains(aa_conntest::platform::SECRET_STORE), "{text}");

    h.get_by_label("Close").click();
    h.run();
    assert!(!h.state_mut().about_mut().is_open());
    assert!(h.query_by_label("Open data folder").is_none());
}

#[test]
fn open_data_folder_creates_it_and_opens_it_off_the_ui_thread() {
    let rt = runtime();
    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("not-yet").join("data");
    let rec = Arc::new(Recorder::default());
    let mut h = harness(&rt);
    {
        let about = h.state_mut().about_mut();
        about.set_paths(AboutPaths {
            config: Ok(scratch.path().join("config")),
            data: Ok(data.clone()),
        });
        about.set_opener(recording_opener(&rec, || Ok(())));
    }
    h.run();
    open_about(&mut h);
    assert!(all_text(&h).contains(&data.join("history.json").display().to_string()));

    h.get_by_label("Open data folder").click();
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| h
            .query_by_label_contains("Opened ")
            .is_some()),
        "{}",
        all_text(&h)
    );
    let calls = rec.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1, "opened once");
    let (path, thread, existed) = &calls[0];
    assert_eq!(path, &data);
    assert_ne!(*thread, std::thread::current().id(), "opened on the UI thread");
    assert!(existed, "the folder is created before it is opened");
    assert!(all_text(&h).contains(&format!("Opened {}", data.display())));
}

#[test]
fn a_folder_that_cannot_be_opened_is_explained_not_fatal() {
    let rt = runtime();
    let scratch = tempfile::tempdir().unwrap();
    let rec = Arc::new(Recorder::default());
    let mut h = harness(&rt);
    {
        let about = h.state_mut().about_mut();
        about.set_paths(AboutPaths {
            config: Ok(scratch.path().join("config")),
            data: Ok(scratch.path().join("data")),
        });
        about.set_opener(recording_opener(&rec, || {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no file manager (test)",
            ))
        }));
    }
    h.run();
    open_about(&mut h);
    h.get_by_label("Open data folder").click();
    assert!(
        step_until(&mut h, Duration::from_secs(5), |h| h
            .query_by_label_contains("Could not open the data folder")
            .is_some()),
        "{}",
        all_text(&h)
    );
    assert_eq!(rec.calls.lock().unwrap().len(), 1);
    // The window stays usable: the button works again.
    h.run();
    assert!(h.state_mut().about_mut().is_open());
    h.get_by_label("Open data folder").click();
    assert!(step_until(&mut h, Duration::from_secs(5), |_| rec
        .calls
        .lock()
        .unwrap()
        .len()
        == 2));
}

#[test]
fn without_a_home_directory_the_about_window_says_so() {
    let rt = runtime();
    let mut h = harness(&rt);
    h.state_mut().about_mut().set_paths(AboutPaths {
        config: Err("no home directory".into()),
        data: Err("no home directory".into()),
    });
    h.run();
    open_about(&mut h);
    assert!(
        all_text(&h).contains("No folder: no home directory"),
        "{}",
        all_text(&h)
    );
    // Nothing to open: the button is disabled (kittest's click on a disabled button does nothing).
    h.get_by_label("Open data folder").click();
    h.run();
    assert!(!h.state_mut().about_mut().is_opening());
}
