//! Issue 13: shared profile files, CA files and report paths are hostile input. D1 (insecure,
//! proxy and CA file of an import), D4 (credentials in addresses), D7 (CA files that are not
//! files), D8 (linear import), D9 (names repaired, not dropped) and the bad inputs of item 8,
//! each through the real binary or the real store against real files and local servers.

use crate::profiles_support::{MiniControlRoom, Sandbox, files_containing, text};
use crate::support::scripted::{self, Scripted};
use crate::support::time_limit;
use aa_conntest::plan::{AuthMode, CheckOptions};
use aa_conntest::profiles::{Profile, ProfileStore, ProfilesFile, transfer};
use std::time::{Duration, Instant};

const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A proxy of the sender's choosing: it answers like a Control Room (as a TLS-terminating proxy
/// that forwards would) and keeps every request it sees, the login's body with the key included.
fn senders_proxy() -> Scripted {
    Scripted::start(scripted::control_room_through_proxy)
}

/// A shared export that sets everything a sender could use to take the key.
fn hostile_export(sandbox: &Sandbox, cr_url: &str, proxy_url: &str) -> std::path::PathBuf {
    let file = sandbox.dir.path().join("shared-profiles.json");
    let export = serde_json::json!({
        "schema": "aa-conntest.profiles/1",
        "profiles": [{
            "id": "00000000000000aa",
            "name": "Team CR",
            "url": cr_url,
            "auth": "api_key",
            "username": "svc_api",
            "options": {
                "timeout_secs": 5.0,
                "insecure": true,
                "proxy": proxy_url,
                "ca_file": "/tmp/senders-own-root-ca.pem"
            }
        }]
    });
    std::fs::write(&file, export.to_string()).unwrap();
    file
}

fn saved_options(sandbox: &Sandbox) -> serde_json::Value {
    let text = std::fs::read_to_string(sandbox.config_dir().join("profiles.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["profiles"][0]["options"].clone()
}

#[test]
fn d1_imported_insecure_is_dropped_and_proxy_and_ca_file_need_confirmation() {
    let cr = MiniControlRoom::start("svc_api", KEY);
    let proxy = senders_proxy();
    let sandbox = Sandbox::new("d1");
    let file = hostile_export(&sandbox, &cr.url, &proxy.url());
    let file = file.to_str().unwrap();

    // The preview shows the proxy and the CA file, says they are left out, and that insecure is ignored.
    let out = sandbox.run(&["profiles", "import", file, "--dry-run"], "");
    let preview = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(preview.contains(&format!("proxy {}", proxy.url())), "{preview}");
    assert!(preview.contains("CA file /tmp/senders-own-root-ca.pem"), "{preview}");
    assert!(preview.contains("LEFT OUT unless you accept them"), "{preview}");
    assert!(preview.contains("--accept-network-settings"), "{preview}");
    assert!(preview.contains("\"accept invalid certificates\" was set"), "{preview}");
    assert!(
        !sandbox.config_dir().join("profiles.json").exists(),
        "a dry run writes nothing"
    );

    // Imported without the confirmation: no insecure, no proxy, no CA file.
    let out = sandbox.run(&["profiles", "import", file], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("Network settings (proxy, CA file) of 1 profile were not imported"));
    let options = saved_options(&sandbox);
    assert!(options.get("insecure").is_none(), "{options}");
    assert!(options["proxy"].is_null() && options["ca_file"].is_null(), "{options}");
    let list = stdout(&sandbox.run(&["profiles", "list"], ""));
    assert!(list.contains("PROXY") && list.contains("CA FILE"), "{list}");
    assert!(!list.contains(&proxy.url()), "{list}");

    // The check goes straight to the Control Room: the sender's proxy never sees the key.
    let out = sandbox.run(&["check", "--profile", "Team CR", "--api-key-stdin"], KEY);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(cr.login_count(), 1);
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("through the proxy"));

    // With the confirmation, the proxy and CA file are imported; insecure never is.
    let out = sandbox.run(
        &["profiles", "import", file, "--replace", "--accept-network-settings"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let options = saved_options(&sandbox);
    assert!(options.get("insecure").is_none(), "{options}");
    assert_eq!(options["proxy"], proxy.url().as_str());
    let list = stdout(&sandbox.run(&["profiles", "list"], ""));
    assert!(
        list.contains(&proxy.url()) && list.contains("/tmp/senders-own-root-ca.pem"),
        "{list}"
    );
}

/// The proxy of a profile is said before the key is sent, every time.
#[test]
fn d1_a_profiles_proxy_is_shown_before_the_key_is_sent() {
    let proxy = senders_proxy();
    let sandbox = Sandbox::new("d1-announce");
    let file = hostile_export(&sandbox, "http://cr.example.test", &proxy.url());
    let out = sandbox.run(
        &[
            "profiles",
            "import",
            file.to_str().unwrap(),
            "--accept-network-settings",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The imported CA file does not exist: drop it so the check runs up to the login.
    let cfg = sandbox.config_dir().join("profiles.json");
    let mut saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    saved["profiles"][0]["options"]["ca_file"] = serde_json::Value::Null;
    std::fs::write(&cfg, saved.to_string()).unwrap();

    for run in 0..2 {
        let mut child = sandbox
            .command(&["check", "--profile", "Team CR", "--api-key-env", "AA_KEY"])
            .env("AA_KEY", KEY)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let announced = std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("sends the check through the proxy") {
                    return Some((Instant::now(), line));
                }
            }
            None
        });
        let status = child.wait().unwrap();
        let (at, line) = announced.join().unwrap().expect("the proxy is announced");
        assert!(line.contains(&proxy.url()), "{line}");
        assert_eq!(status.code(), Some(0), "run {run}");
        let logins: Vec<_> = proxy
            .requests()
            .into_iter()
            .filter(|r| r.path.contains("/v2/authentication"))
            .collect();
        assert_eq!(logins.len(), run + 1, "the login went through the proxy");
        assert!(
            at <= logins[run].at,
            "run {run}: the proxy was named only after the key was sent"
        );
    }
}

#[test]
fn d1_an_old_profiles_file_with_insecure_is_repaired_with_a_warning() {
    let sandbox = Sandbox::new("d1-old");
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    let cfg = sandbox.config_dir().join("profiles.json");
    std::fs::write(&cfg, include_str!("../fixtures/v0.1/profiles.json")).unwrap();
    let out = sandbox.run(&["profiles", "list"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("profile \"Dev admin (proxy, own CA)\": \"accept invalid certificates\" was set"),
        "{stderr}"
    );
    let now = std::fs::read_to_string(&cfg).unwrap();
    assert!(!now.contains("insecure"), "{now}");
    assert!(
        now.contains("Prod svc") && now.contains("Dev admin"),
        "nothing dropped: {now}"
    );
    // Read again: nothing left to repair, no warning.
    let out = sandbox.run(&["profiles", "list"], "");
    assert!(out.stderr.is_empty(), "{}", text(&out));
}

#[test]
fn d4_no_address_with_credentials_is_kept_in_a_profile_an_export_or_a_backup() {
    let sandbox = Sandbox::new("d4");
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    let cfg = sandbox.config_dir().join("profiles.json");
    // An older file that kept them, and an import that brings them.
    let old = ProfilesFile::new(vec![Profile::new(
        "Old",
        "https://olduser:oldpass-1@cr.example.com",
        AuthMode::ApiKey,
        "svc",
        CheckOptions {
            proxy: Some("http://proxyuser:proxypass-1@proxy.example.com:3128".into()),
            ..CheckOptions::default()
        },
    )]);
    std::fs::write(&cfg, old.to_json()).unwrap();
    let import = sandbox.dir.path().join("in.json");
    let incoming = ProfilesFile::new(vec![Profile::new(
        "New",
        "https://newuser:newpass-2@cr2.example.com",
        AuthMode::ApiKey,
        "svc",
        CheckOptions {
            proxy: Some("http://pu2:proxypass-2@proxy.example.com:3128".into()),
            ..CheckOptions::default()
        },
    )]);
    std::fs::write(&import, incoming.to_json()).unwrap();

    let out = sandbox.run(&["profiles", "list"], "");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.contains("the Control Room address held a user name or password"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the proxy address held a user name or password"),
        "{stderr}"
    );
    let out = sandbox.run(
        &[
            "profiles",
            "import",
            import.to_str().unwrap(),
            "--accept-network-settings",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout(&out).contains("credentials are never imported"),
        "{}",
        text(&out)
    );
    let export = sandbox.dir.path().join("out.json");
    let out = sandbox.run(&["profiles", "export", export.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let list = stdout(&sandbox.run(&["profiles", "list"], ""));
    assert!(list.contains("http://proxy.example.com:3128"), "{list}");
    for secret in [
        "oldpass-1",
        "proxypass-1",
        "newpass-2",
        "proxypass-2",
        "olduser",
        "pu2:",
    ] {
        let hits = files_containing(sandbox.dir.path(), secret);
        let hits: Vec<_> = hits.into_iter().filter(|p| *p != import).collect();
        assert!(hits.is_empty(), "{secret:?} is kept in {hits:?}");
        assert!(!list.contains(secret), "{list}");
    }
}

/// The proxy password goes to the keyring like any secret, and comes back for the check.
#[test]
#[ignore = "needs a Secret Service (run by scripts/test.sh)"]
fn d4_a_proxy_password_goes_to_the_keyring() {
    crate::profiles_support::require_real_keyring("d4_a_proxy_password_goes_to_the_keyring");
    let proxy = senders_proxy();
    let sandbox = Sandbox::new("d4-keyring");
    let with_credentials = format!("http://proxy%40user:s3cr%3At-pw@127.0.0.1:{}", proxy.port);
    let out = sandbox.run(
        &[
            "profiles",
            "add",
            "Via proxy",
            "--url",
            "http://cr.example.test",
            "--username",
            "svc_api",
            "--api-key-stdin",
            "--proxy",
            &with_credentials,
        ],
        KEY,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout(&out).contains("proxy's user name and password are in the system keyring"),
        "{}",
        text(&out)
    );
    for needle in ["s3cr", "proxy%40user", "proxy@user"] {
        assert!(files_containing(sandbox.dir.path(), needle).is_empty(), "{needle}");
    }
    let out = sandbox.run(&["check", "--profile", "Via proxy"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let login = proxy
        .requests()
        .into_iter()
        .find(|r| r.path.contains("/v2/authentication"))
        .expect("the login went through the proxy");
    use base64::Engine;
    let want = base64::engine::general_purpose::STANDARD.encode("proxy@user:s3cr:t-pw");
    assert_eq!(
        login.header("proxy-authorization"),
        Some(format!("Basic {want}").as_str())
    );
    let out = sandbox.run(&["profiles", "remove", "Via proxy"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn d7_a_ca_file_that_is_a_fifo_a_device_or_too_large_is_refused_at_once() {
    let cr = MiniControlRoom::start("svc_api", KEY);
    let sandbox = Sandbox::new("d7");
    let fifo = sandbox.dir.path().join("ca.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let big = sandbox.dir.path().join("big.pem");
    std::fs::File::create(&big).unwrap().set_len(50 * 1024 * 1024).unwrap();
    let https = cr.url.replace("http://", "https://");
    for (ca, words) in [
        (fifo.to_str().unwrap(), "named pipe (FIFO), not a regular file"),
        ("/dev/zero", "a device (such as /dev/zero), not a regular file"),
        (big.to_str().unwrap(), "50.0 MiB large, more than the 1.0 MiB"),
    ] {
        let start = Instant::now();
        let out = sandbox
            .command(&[
                "check",
                "--url",
                &https,
                "--username",
                "svc_api",
                "--api-key-env",
                "AA_KEY",
                "--ca-file",
                ca,
                "--timeout",
                "30",
            ])
            .env("AA_KEY", KEY)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let took = start.elapsed();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "{ca}: {all}");
        assert!(took < time_limit(Duration::from_secs(1)), "{ca}: took {took:?}");
        assert!(all.contains(words), "{ca}: {all}");
        assert!(
            all.contains("input.ca-file") && !all.contains("network failure"),
            "{ca}: {all}"
        );
    }
    assert_eq!(cr.login_count(), 0, "nothing was sent");
}

fn many_profiles(n: usize) -> Vec<Profile> {
    (0..n)
        .map(|i| {
            Profile::new(
                format!("Profile {i}"),
                format!("https://cr{i}.example.com"),
                AuthMode::ApiKey,
                format!("svc_{i}"),
                CheckOptions::default(),
            )
        })
        .collect()
}

/// 10 000 profiles imported and saved well within a second in a release build (scripts/bench.sh
/// measures the whole `profiles import` process); the quadratic import took 8 s for 16 000. The limit here is generous for a
/// debug build on a loaded machine, and still far below what quadratic work would take.
#[test]
fn d8_import_of_10k_profiles_is_linear() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big-export.json");
    std::fs::write(&file, ProfilesFile::new(many_profiles(10_000)).to_json()).unwrap();
    let (mut store, _) = ProfileStore::open(&dir.path().join("config")).unwrap();
    let start = Instant::now();
    let incoming = transfer::read_import_file(&file).unwrap();
    let plan = transfer::plan_import(&store, &incoming);
    let summary = transfer::apply_import(&mut store, &plan, transfer::ConflictPolicy::Refuse).unwrap();
    store.save().unwrap();
    let took = start.elapsed();
    eprintln!("import of 10 000 profiles: {took:?}");
    assert_eq!(summary.added.len(), 10_000);
    assert!(took < time_limit(Duration::from_secs(5)), "took {took:?}");
    // A second import of the same file: all unchanged, as fast.
    let start = Instant::now();
    let plan = transfer::plan_import(&store, &incoming);
    assert_eq!(plan.unchanged.len(), 10_000);
    assert!(start.elapsed() < time_limit(Duration::from_secs(5)));
}

#[test]
fn d9_names_that_fail_validation_are_repaired_not_dropped() {
    let sandbox = Sandbox::new("d9");
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    let cfg = sandbox.config_dir().join("profiles.json");
    let long = "L".repeat(300);
    let file = ProfilesFile::new(vec![
        Profile::new(
            &long,
            "https://a.example.com",
            AuthMode::ApiKey,
            "a",
            CheckOptions::default(),
        ),
        Profile::new(
            "Tab\there",
            "https://b.example.com",
            AuthMode::ApiKey,
            "b",
            CheckOptions::default(),
        ),
        Profile::new(
            "",
            "https://c.example.com",
            AuthMode::ApiKey,
            "c",
            CheckOptions::default(),
        ),
        Profile::new(
            "Ok",
            "https://d.example.com",
            AuthMode::ApiKey,
            "d",
            CheckOptions::default(),
        ),
    ]);
    std::fs::write(&cfg, file.to_json()).unwrap();
    let out = sandbox.run(&["profiles", "list", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["L".repeat(200).as_str(), "Tab\\there", "https://c.example.com", "Ok"]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("it was repaired").count(), 3, "{stderr}");
    // Kept on disk too: the next save does not lose them.
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    assert_eq!(saved["profiles"].as_array().unwrap().len(), 4);
    // The same names in an import: repaired and added, with a line each in the preview.
    let import = sandbox.dir.path().join("in.json");
    let incoming = ProfilesFile::new(vec![
        Profile::new(
            "New\u{1b}[31m",
            "https://e.example.com",
            AuthMode::ApiKey,
            "e",
            CheckOptions::default(),
        ),
        Profile::new(
            "N".repeat(250),
            "https://f.example.com",
            AuthMode::ApiKey,
            "f",
            CheckOptions::default(),
        ),
    ]);
    std::fs::write(&import, incoming.to_json()).unwrap();
    let out = sandbox.run(&["profiles", "import", import.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = stdout(&out);
    assert_eq!(shown.matches("  repaired  ").count(), 2, "{shown}");
    assert!(shown.contains("Imported: 2 added"), "{shown}");
}

fn check_args<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "check",
        "--url",
        url,
        "--username",
        "svc_api",
        "--api-key-env",
        "AA_KEY",
    ];
    v.extend_from_slice(extra);
    v
}

fn run_check(sandbox: &Sandbox, url: &str, extra: &[&str]) -> std::process::Output {
    sandbox
        .command(&check_args(url, extra))
        .env("AA_KEY", KEY)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn bad_timeouts_exit_3_with_a_sentence() {
    let cr = MiniControlRoom::start("svc_api", KEY);
    let sandbox = Sandbox::new("timeouts");
    for t in ["0", "-5", "NaN", "inf", "301", "0.5", "ten"] {
        let out = run_check(&sandbox, &cr.url, &["--timeout", t]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "--timeout {t}: {all}");
        assert!(all.contains("the timeout"), "--timeout {t}: {all}");
    }
    let out = sandbox.run(
        &[
            "profiles",
            "add",
            "P",
            "--url",
            &cr.url,
            "--username",
            "u",
            "--api-key-stdin",
            "--timeout",
            "0",
        ],
        KEY,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    for t in ["1", "300", "2.5"] {
        let out = run_check(&sandbox, &cr.url, &["--timeout", t]);
        assert_eq!(out.status.code(), Some(0), "--timeout {t}: {}", text(&out));
    }
    assert_eq!(cr.login_count(), 3, "only the valid timeouts sent a login");
}

#[test]
fn non_http_proxies_exit_3_with_a_sentence() {
    let cr = MiniControlRoom::start("svc_api", KEY);
    let sandbox = Sandbox::new("proxies");
    for p in [
        "ftp://proxy.example.com:21",
        "socks5://127.0.0.1:1080",
        "socks5h://u:p@proxy:1080",
    ] {
        let out = run_check(&sandbox, &cr.url, &["--proxy", p]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "{p}: {all}");
        assert!(
            all.contains("only http:// and https:// proxies are supported"),
            "{p}: {all}"
        );
        assert!(!all.contains("u:p"), "{all}");
        let out = sandbox.run(
            &[
                "profiles",
                "add",
                "P",
                "--url",
                &cr.url,
                "--username",
                "u",
                "--api-key-stdin",
                "--proxy",
                p,
            ],
            KEY,
        );
        assert_eq!(out.status.code(), Some(3), "{p}: {}", text(&out));
    }
    assert_eq!(cr.login_count(), 0);
}

#[cfg(unix)]
#[test]
fn save_report_failures_exit_non_zero_and_write_only_regular_files() {
    let cr = MiniControlRoom::start("svc_api", KEY);
    let sandbox = Sandbox::new("save-report");
    // A device: refused before any login, and no /dev/full.json appears.
    let _ = std::fs::remove_file("/dev/full.json");
    let out = run_check(&sandbox, &cr.url, &["--save-report", "/dev/full"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("/dev/full is a device"), "{}", text(&out));
    assert!(!std::path::Path::new("/dev/full.json").exists());
    assert!(!std::path::Path::new("/dev/full.md").exists());
    // A FIFO named x.json.
    let fifo = sandbox.dir.path().join("r.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = run_check(
        &sandbox,
        &cr.url,
        &["--save-report", sandbox.dir.path().join("r").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("named pipe"), "{}", text(&out));
    assert_eq!(cr.login_count(), 0, "refused before the login");
    // A write that fails after the check (a file where a directory should be): exit 3, the
    // result still printed.
    let blocker = sandbox.dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let out = run_check(
        &sandbox,
        &cr.url,
        &["--save-report", blocker.join("report").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(stdout(&out).contains("OK: "), "{}", text(&out));
    assert!(text(&out).contains("the report was not saved"), "{}", text(&out));
    // And a good path: exit 0, two regular files.
    let good = sandbox.dir.path().join("good");
    let out = run_check(&sandbox, &cr.url, &["--save-report", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(good.with_extension("json").is_file() && good.with_extension("md").is_file());
}

/// A plain-text or cut-off 401 to the login: the hint says the username was not accepted, and
/// the verdict agrees (refused, exit 1), not "unreachable".
#[test]
fn a_plain_text_or_truncated_401_is_a_refusal() {
    let sandbox = Sandbox::new("401");
    let plain =
        Scripted::start(|_| scripted::response(401, "Unauthorized", &[("Content-Type", "text/plain")], "Unauthorized"));
    let cut = Scripted::start(|_| {
        // The Control Room's JSON error, cut off (the connection dropped mid-body).
        let body = r#"{"code":"UM1110","details":"","message":"Either the username or passw"#;
        scripted::response(401, "Unauthorized", &[("Content-Type", "application/json")], body)
    });
    for (what, server) in [("plain text", plain), ("truncated JSON", cut)] {
        let out = run_check(&sandbox, &server.url(), &[]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {all}");
        assert!(
            all.contains("REFUSED") && all.contains("auth.bad-credentials"),
            "{what}: {all}"
        );
    }
    // A proxy's or filter's sign-in demand stays "something else answered".
    let demand = Scripted::start(|_| {
        scripted::response(
            401,
            "Unauthorized",
            &[
                ("Content-Type", "text/plain"),
                ("WWW-Authenticate", "Basic realm=\"corp\""),
            ],
            "Unauthorized",
        )
    });
    let out = run_check(&sandbox, &demand.url(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// A token too long for a URL is about the token, not "the server did not answer in HTTP".
#[test]
fn a_token_over_64_kb_is_not_reported_as_a_protocol_problem() {
    let sandbox = Sandbox::new("big-token");
    let token = "t".repeat(70 * 1024);
    let server = Scripted::start(move |r| {
        if r.path.starts_with("/v2/authentication") {
            scripted::json(
                200,
                &serde_json::json!({"token": token, "user": {"username": "svc_api"}}),
            )
        } else if r.path.starts_with("/v1/authentication/token") {
            scripted::json(200, &serde_json::json!({"valid": true}))
        } else {
            scripted::response(204, "No Content", &[], "")
        }
    });
    let out = run_check(&sandbox, &server.url(), &[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        !all.contains("http.not-api") && !all.contains("did not answer in HTTP"),
        "{all}"
    );
    assert!(all.contains("a token of 71680 characters"), "{all}");
    assert!(all.contains("token.not-jwt"), "{all}");
    // Its own words, not the fallback: the verdict says what it is.
    assert!(all.contains("token.too-long"), "{all}");
    assert!(!all.contains("check.unexplained"), "{all}");
    assert!(all.contains("The token that came back is too long to be used"), "{all}");
}

/// An import file is read bounded too: a device or a directory is refused at once, a file over
/// 64 MiB as too large; a pipe (`profiles import <(…)`) is read.
#[cfg(unix)]
#[test]
fn d7_import_files_are_read_bounded() {
    let sandbox = Sandbox::new("d7-import");
    let big = sandbox.dir.path().join("big.json");
    std::fs::File::create(&big).unwrap().set_len(65 * 1024 * 1024).unwrap();
    for (file, words) in [
        ("/dev/zero", "a device (such as /dev/zero), not a regular file"),
        ("/tmp", "a directory, not a regular file"),
        (big.to_str().unwrap(), "65.0 MiB large, more than the 64.0 MiB"),
    ] {
        let start = Instant::now();
        let out = sandbox.run(&["profiles", "import", file, "--dry-run"], "");
        assert_eq!(out.status.code(), Some(3), "{file}: {}", text(&out));
        assert!(text(&out).contains(words), "{file}: {}", text(&out));
        assert!(start.elapsed() < time_limit(Duration::from_secs(1)), "{file}");
    }
    let fifo = sandbox.dir.path().join("piped.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let one = ProfilesFile::new(many_profiles(1)).to_json();
            std::fs::write(&fifo, one).unwrap();
        })
    };
    let out = sandbox.run(&["profiles", "import", fifo.to_str().unwrap()], "");
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("Imported: 1 added"), "{}", text(&out));
}

/// A user name and password typed into the Control Room address never reach a saved report.
#[test]
fn d4_a_report_never_keeps_credentials_typed_into_the_address() {
    let cr = MiniControlRoom::start("svc_api", KEY);
    let sandbox = Sandbox::new("d4-report");
    let with_credentials = cr.url.replace("http://", "http://someone:pw-in-the-url@");
    let report = sandbox.dir.path().join("report");
    let out = run_check(
        &sandbox,
        &with_credentials,
        &["--save-report", report.to_str().unwrap()],
    );
    assert!(report.with_extension("json").is_file(), "{}", text(&out));
    for f in [report.with_extension("json"), report.with_extension("md")] {
        let saved = std::fs::read_to_string(&f).unwrap();
        assert!(!saved.contains("pw-in-the-url"), "{}: {saved}", f.display());
    }
}
