//! Against a real Secret Service (gnome-keyring in its own D-Bus session, as `scripts/test.sh`
//! and `.ci/run` provide). Ignored by a plain `cargo test` (reported as ignored, so a developer's
//! keyring is never touched); `scripts/test.sh` runs them with `--include-ignored`. Each test
//! uses its own throwaway service name.

use crate::profiles_support;

use crate::support::leaky::LeakyControlRoom;
use crate::support::secret_forms::{HOSTILE_API_KEY, HOSTILE_PASSWORD, LeakScanner};
use aa_conntest::profiles::{KeyringStore, ProfileStore, SecretStore};
use aa_conntest::secret::Secret;
use profiles_support::{Sandbox, count_files, files_containing, require_real_keyring, text};
use std::cell::RefCell;

/// With `\`, `"`, `%`, `&`, `<` and spaces: they must survive the keyring and be found in no file.
const API_KEY: &str = HOSTILE_API_KEY;
const PASSWORD: &str = HOSTILE_PASSWORD;

#[test]
#[ignore = "needs a Secret Service: scripts/test.sh runs it with --include-ignored"]
fn secret_service_saves_loads_and_deletes() {
    require_real_keyring("secret_service_saves_loads_and_deletes");
    let service = profiles_support::throwaway_service("sld");
    let k = KeyringStore::system_with_service(&service).expect("the Secret Service of scripts/test.sh");
    assert!(k.status().is_persistent());
    assert!(k.get("p-1").unwrap().is_none());
    k.set("p-1", &Secret::new(API_KEY)).unwrap();
    // A second handle (a fresh lookup, like the next run of the app) reads it back.
    let k2 = KeyringStore::system_with_service(&service).unwrap();
    assert_eq!(k2.get("p-1").unwrap().unwrap().expose(), API_KEY);
    k2.set("p-1", &Secret::new(PASSWORD)).unwrap();
    assert_eq!(
        k.get("p-1").unwrap().unwrap().expose(),
        PASSWORD,
        "replaced, not duplicated"
    );
    assert!(k.get("p-2").unwrap().is_none());
    k.delete("p-1").unwrap();
    assert!(k2.get("p-1").unwrap().is_none());
    k.delete("p-1").expect("deleting again is fine");
}

/// A whole scripted session: add two profiles (secrets via stdin), list, check one (secret from
/// the keyring, against a local Control Room), check all, save reports, export, remove. Then
/// every file under the sandbox (config, data, cache, reports, export) is searched for the
/// secrets and the token: 0 hits.
#[test]
#[ignore = "needs a Secret Service: scripts/test.sh runs it with --include-ignored"]
fn scripted_cli_session_leaves_no_secret_in_any_file() {
    require_real_keyring("scripted_cli_session_leaves_no_secret_in_any_file");
    let mut sb = Sandbox::new("session");
    sb.use_overrides = false; // the real OS directories, inside the sandbox's HOME
    // A Control Room that echoes every form of what it receives and of its tokens.
    let cr = LeakyControlRoom::start("svc_api", API_KEY);
    let printed = RefCell::new(String::new());
    let run = |args: &[&str], stdin: &str| {
        let out = sb.run(args, stdin);
        printed
            .borrow_mut()
            .push_str(&format!("$ {}\n{}", args.join(" "), text(&out)));
        out
    };

    let out = run(
        &[
            "profiles",
            "add",
            "Prod svc",
            "--url",
            &cr.url,
            "--username",
            "svc_api",
            "--api-key-stdin",
            "--timeout",
            "5",
        ],
        &format!("{API_KEY}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("in the system keyring"),
        "{}",
        text(&out)
    );
    let out = run(
        &[
            "profiles",
            "add",
            "Dev admin",
            "--url",
            &cr.url,
            "--username",
            "admin",
            "--password-stdin",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out));

    // The profiles file is where `directories` says, and the secret is in the keyring.
    let config = sb.home().join(".config/aa-conntest");
    let (store, warnings) = ProfileStore::open(&config).unwrap();
    assert!(warnings.is_empty());
    let prod = store
        .get_by_name("Prod svc")
        .expect("saved in the OS config dir")
        .clone();
    let dev = store.get_by_name("Dev admin").unwrap().clone();
    let k = KeyringStore::system_with_service(&sb.service).unwrap();
    assert_eq!(k.get(&prod.id).unwrap().unwrap().expose(), API_KEY);
    assert_eq!(k.get(&dev.id).unwrap().unwrap().expose(), PASSWORD);

    // check --profile: secret from the keyring, result recorded, report saved.
    let reports = sb.dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let out = run(
        &[
            "check",
            "--profile",
            "prod svc",
            "--save-report",
            reports.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        cr.received.lock().unwrap().as_slice(),
        [API_KEY],
        "the keyring secret was sent"
    );
    let out = run(&["check", "--profile", "Prod svc", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    assert_eq!(v["outcome"], "ok");

    // check --all-profiles: one login each; Dev admin is refused (exit 1 = worst outcome).
    let before = cr.received.lock().unwrap().len();
    let out = run(
        &["check", "--all-profiles", "--save-report", reports.to_str().unwrap()],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        cr.received.lock().unwrap().len(),
        before + 2,
        "exactly one login attempt per profile"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("PROFILE") && table.contains("rejected") && table.contains("1 of 2 profiles OK"),
        "{table}"
    );
    let out = run(&["check", "--all-profiles", "--json"], "");
    let arr: serde_json::Value = serde_json::from_slice(&out.stdout).expect("an array of reports");
    assert_eq!(arr.as_array().map(Vec::len), Some(2));

    // History: list shows the last result.
    let out = run(&["profiles", "list"], "");
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("Prod svc") && listing.contains("ok 20"), "{listing}");
    assert!(listing.contains("rejected 20"), "{listing}");

    let export = sb.dir.path().join("export.json");
    let out = run(&["profiles", "export", export.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));

    // The scan: config, data and cache dirs (all under HOME), reports and the export.
    assert!(config.join("profiles.json").exists());
    assert!(sb.home().join(".local/share/aa-conntest/history.json").exists());
    assert!(count_files(&reports) >= 6, "2 + 2×2 report files");
    // Every form of the key, the password and each token the server issued, in every file and
    // in everything printed (check, check --all-profiles, --json, list, export).
    let out = run(&["profiles", "list", "--json"], "");
    assert!(out.status.success(), "{}", text(&out));
    let mut scanner = LeakScanner::new([("the API key", API_KEY), ("the password", PASSWORD)]);
    let tokens = cr.tokens();
    assert!(tokens.len() >= 3, "{} tokens issued", tokens.len());
    for t in &tokens {
        scanner.add("a token", t);
    }
    let (files, mut hits) = scanner.scan_dir(sb.dir.path());
    assert!(files >= 9, "the session wrote {files} files");
    hits.extend(scanner.scan_str("what the CLI printed", &printed.borrow()));
    assert!(hits.is_empty(), "{} leaks:\n{}", hits.len(), hits.join("\n"));
    eprintln!(
        "leak scan: {} secrets x {} forms (+ 12-byte windows) in {files} files and the output of {} commands",
        scanner.secrets(),
        crate::support::secret_forms::FORM_NAMES.len(),
        printed.borrow().matches("\n$ ").count() + 1
    );
    // Removing a profile removes its keyring entry.
    let out = run(&["profiles", "remove", "Prod svc"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        k.get(&prod.id).unwrap().is_none(),
        "keyring entry deleted with the profile"
    );
    assert_eq!(k.get(&dev.id).unwrap().unwrap().expose(), PASSWORD);
    let out = run(&["profiles", "remove", "Dev admin"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(k.get(&dev.id).unwrap().is_none());
    let out = run(&["check", "--profile", "Prod svc"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

/// `check --profile` against the demo Control Room over TLS (its throwaway CA saved with the
/// profile as `--ca-file`): the key comes from the keyring, and after the session no file holds it.
#[test]
#[ignore = "needs a Secret Service: scripts/test.sh runs it with --include-ignored"]
fn check_profile_against_the_demo_control_room_over_tls() {
    require_real_keyring("check_profile_against_the_demo_control_room_over_tls");
    use aa_conntest::demo::{self, DemoOptions, DemoServer};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoOptions {
            tls: true,
            ..DemoOptions::default()
        }))
        .expect("demo server");
    let ca = server.ca_file().expect("TLS demo has a CA file").to_path_buf();
    let sb = Sandbox::new("demo");
    let out = sb.run(
        &[
            "profiles",
            "add",
            "Demo",
            "--url",
            &server.url(),
            "--username",
            demo::API_KEY_USER,
            "--api-key-stdin",
            "--ca-file",
            ca.to_str().unwrap(),
        ],
        demo::API_KEY,
    );
    assert!(out.status.success(), "{}", text(&out));
    let reports = sb.dir.path().join("ticket.md");
    let out = sb.run(
        &["check", "--profile", "Demo", "--save-report", reports.to_str().unwrap()],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(server.login_attempts(), 1);
    let md = std::fs::read_to_string(sb.dir.path().join("ticket.md")).unwrap();
    assert!(md.contains("# Control Room connection test: OK"), "{md}");
    assert!(sb.dir.path().join("ticket.json").exists());
    let hits = files_containing(sb.dir.path(), demo::API_KEY);
    assert!(hits.is_empty(), "the API key is in {hits:?}");
    let out = sb.run(&["profiles", "remove", "Demo"], "");
    assert!(out.status.success(), "{}", text(&out));
    drop(server);
}
