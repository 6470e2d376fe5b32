//! Safe scheduled checks, through the real binary: a secret the Control Room refused is not sent
//! again by later runs until it changes (`--force` sends it, saying what it risks); a profile
//! without a secret here is "not tested", never a failure; `check --all-profiles --junit FILE`
//! writes JUnit XML that real parsers read (quick-xml, and xmllint against
//! tests/fixtures/junit.xsd), with no secret in it, and `--json` an array of reports.

use crate::profiles_support::{MiniControlRoom, Sandbox, require_real_keyring, text};
use crate::support::secret_forms::LeakScanner;
use aa_conntest::plan::{AuthMode, CheckOptions};
use aa_conntest::profiles::{Profile, ProfileStore};
use quick_xml::events::Event;
use std::process::Output;

const KEY: &str = "0123456789abcdefghij0123456789ABCDEFGHIJ";
const WRONG: &str = "9999999999abcdefghij0123456789ABCDEFGHIJ";

/// One `<testcase>` as a CI server reads it.
#[derive(Debug, Default, Clone)]
struct Case {
    name: String,
    classname: String,
    time: f64,
    /// (message, type, text)
    failure: Option<(String, String, String)>,
    skipped: Option<String>,
}

/// The `<testsuite>` counts and its cases.
#[derive(Debug, Default)]
struct Suite {
    tests: usize,
    failures: usize,
    skipped: usize,
    errors: usize,
    cases: Vec<Case>,
}

/// Read a JUnit file with quick-xml, strictly: unbalanced or misnamed end tags, bad escapes and
/// unknown entities are errors, as they are for a CI server's parser.
fn read_junit(xml: &str) -> Suite {
    let mut r = quick_xml::Reader::from_str(xml);
    r.config_mut().check_end_names = true;
    let mut suite = Suite::default();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let attrs = |e: &quick_xml::events::BytesStart<'_>| -> Vec<(String, String)> {
        e.attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 name"),
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .expect("a valid attribute value")
                        .to_string(),
                )
            })
            .collect()
    };
    let get = |a: &[(String, String)], k: &str| a.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    loop {
        let ev = r
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"));
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
            let a = attrs(&e);
            match name.as_str() {
                "testsuite" => {
                    let n = |k| get(&a, k).expect(k).parse::<usize>().expect("a count");
                    suite.tests = n("tests");
                    suite.failures = n("failures");
                    suite.skipped = n("skipped");
                    suite.errors = n("errors");
                    assert!(get(&a, "timestamp").is_some());
                }
                "testcase" => suite.cases.push(Case {
                    name: get(&a, "name").expect("name"),
                    classname: get(&a, "classname").expect("classname"),
                    time: get(&a, "time").expect("time").parse().expect("seconds"),
                    ..Default::default()
                }),
                "failure" => {
                    suite.cases.last_mut().expect("in a testcase").failure = Some((
                        get(&a, "message").expect("message"),
                        get(&a, "type").expect("type"),
                        String::new(),
                    ));
                }
                "skipped" => {
                    suite.cases.last_mut().expect("in a testcase").skipped =
                        Some(get(&a, "message").unwrap_or_default());
                }
                _ => {}
            }
            if !empty {
                stack.push(name);
                text.clear();
            }
            continue;
        }
        match ev {
            Event::Text(t) => text.push_str(&t.xml10_content().expect("text")),
            Event::GeneralRef(g) => match g.resolve_char_ref().expect("a valid character reference") {
                Some(c) => text.push(c),
                None => {
                    let name = g.decode().expect("entity name");
                    text.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("unknown entity &{name};")),
                    );
                }
            },
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
                if name == "failure"
                    && let Some((_, _, t)) = suite.cases.last_mut().and_then(|c| c.failure.as_mut())
                {
                    *t = std::mem::take(&mut text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    suite
}

/// Validate a JUnit file with xmllint (libxml2's strict parser) against tests/fixtures/junit.xsd.
/// scripts/deps.sh installs it, and under scripts/test.sh it is required; a plain `cargo test`
/// without it still reads the file with quick-xml above.
fn xmllint_validates(path: &std::path::Path) {
    let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/junit.xsd");
    match std::process::Command::new("xmllint")
        .args(["--noout", "--schema", xsd])
        .arg(path)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "xmllint: the JUnit file does not validate:\n{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(path).unwrap_or_default()
        ),
        Err(e) => {
            assert!(
                std::env::var_os("AA_CONNTEST_TEST_HOME").is_none(),
                "xmllint is needed (scripts/deps.sh installs libxml2-utils): {e}"
            );
            eprintln!("xmllint not found ({e}): the JUnit file was read with quick-xml only");
        }
    }
}

fn save_profiles(sb: &Sandbox, profiles: &[Profile]) {
    let (mut store, _) = ProfileStore::open(&sb.config_dir()).expect("store");
    for p in profiles {
        store.upsert(p.clone()).expect("upsert");
    }
    store.save().expect("save");
}

fn profile(name: &str, cr: &MiniControlRoom) -> Profile {
    Profile::new(name, &cr.url, AuthMode::ApiKey, &cr.username, CheckOptions::default())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Logins received with this secret.
fn logins_with(cr: &MiniControlRoom, secret: &str) -> usize {
    cr.logins.lock().unwrap().iter().filter(|b| b.contains(secret)).count()
}

#[test]
fn check_profile_does_not_send_a_refused_key_again_until_it_changes_or_force() {
    let sb = Sandbox::new("guard-profile");
    let cr = MiniControlRoom::start("svc_api", KEY);
    save_profiles(&sb, &[profile("Prod", &cr)]);
    let check = |extra: &[&str], secret: &str| {
        let mut args = vec!["check", "--profile", "Prod", "--api-key-stdin"];
        args.extend_from_slice(extra);
        sb.run(&args, secret)
    };

    let out = check(&[], WRONG);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(logins_with(&cr, WRONG), 1);

    // The next run with the same key: not sent; exit 1 (it is still refused); the words say why.
    let out = check(&[], WRONG);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(logins_with(&cr, WRONG), 1, "not sent again:\n{}", text(&out));
    let err = stderr(&out);
    assert!(
        err.contains("not sent for \"Prod\": The Control Room refused svc_api with this API key once")
            && err.contains("2 more failed logins in a row may disable the account")
            && err.contains("after 3 failed logins in a row")
            && err.contains("--force"),
        "{}",
        text(&out)
    );
    // --json says so too, report-shaped.
    let out = check(&["--json"], WRONG);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["outcome"], "not_tested");
    assert_eq!(v["not_tested"]["reason"], "refused_before");
    assert_eq!(v["not_tested"]["refusals"], 1);
    assert_eq!(v["profile"], "Prod");
    assert_eq!(logins_with(&cr, WRONG), 1);

    // --force sends it, and first says what it risks.
    let out = check(&["--force"], WRONG);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(logins_with(&cr, WRONG), 2);
    assert!(
        stderr(&out).contains(
            "warning: --force: sending the login for \"Prod\" although the Control Room refused svc_api with this API key once"
        ),
        "{}",
        text(&out)
    );

    // Another key is not held back, and works.
    let out = check(&[], KEY);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(logins_with(&cr, KEY), 1);

    // The refused key stays refused: twice now, one more may disable the account.
    let out = check(&[], WRONG);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(logins_with(&cr, WRONG), 2);
    assert!(
        stderr(&out).contains("with this API key twice") && stderr(&out).contains("One more failed login may disable"),
        "{}",
        text(&out)
    );

    // The history holds tags, not the key; the tag key is private to the user.
    let history = std::fs::read_to_string(sb.data_dir().join("history.json")).unwrap();
    assert!(history.contains("\"answer\": \"refused\"") && history.contains("\"answer\": \"accepted\""));
    let scanner = LeakScanner::new([("key", KEY), ("wrong key", WRONG)]);
    let (files, leaks) = scanner.scan_dir(sb.dir.path());
    assert!(files >= 3, "scanned {files} files");
    assert!(leaks.is_empty(), "{leaks:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = sb.data_dir().join(aa_conntest::profiles::guard::KEY_FILE);
        let mode = std::fs::metadata(&key).expect("the tag key").permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    // --force and --junit only where they mean something.
    let out = sb.run(
        &[
            "check",
            "--url",
            &cr.url,
            "--username",
            "svc_api",
            "--api-key-stdin",
            "--force",
        ],
        KEY,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let out = sb.run(
        &["check", "--profile", "Prod", "--api-key-stdin", "--junit", "x.xml"],
        KEY,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

/// Without a keyring no profile has its secret here: every profile is "not tested", nothing is
/// sent, the exit code is 3 (nothing could be tested), and the JSON and JUnit files say so.
#[cfg(target_os = "linux")]
#[test]
fn all_profiles_without_a_keyring_are_not_tested_and_nothing_is_sent() {
    let mut sb = Sandbox::new("all-no-keyring");
    sb.extra_env
        .push(("DBUS_SESSION_BUS_ADDRESS".into(), "unix:path=/nonexistent/bus".into()));
    let cr = MiniControlRoom::start("svc_api", KEY);
    save_profiles(&sb, &[profile("A", &cr), profile("B <&> \"quoted\"", &cr)]);
    let junit = sb.dir.path().join("out.xml");
    let out = sb.run(
        &["check", "--all-profiles", "--json", "--junit", junit.to_str().unwrap()],
        "",
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(cr.login_count(), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
    let all = v.as_array().expect("array");
    assert_eq!(all.len(), 2);
    for r in all {
        assert_eq!(r["outcome"], "not_tested", "{r}");
        assert_eq!(r["not_tested"]["reason"], "no_secret");
        assert_eq!(r["not_tested"]["message"], "Key not stored on this computer");
        assert!(
            r["not_tested"]["why"]
                .as_str()
                .unwrap()
                .starts_with("No keyring service is running on this computer"),
            "{r}"
        );
        assert_eq!(r["schema"], "aa-conntest.report/1");
    }
    let err = stderr(&out);
    assert!(err.contains("no profile could be tested"), "{err}");
    assert!(!err.to_lowercase().contains("generate"), "{err}");
    xmllint_validates(&junit);
    let suite = read_junit(&std::fs::read_to_string(&junit).expect("junit"));
    assert_eq!((suite.tests, suite.failures, suite.skipped), (2, 0, 2));
    assert_eq!(suite.cases[1].name, "B <&> \"quoted\"", "names survive escaping");
    for c in &suite.cases {
        assert_eq!(c.skipped.as_deref(), Some("Key not stored on this computer"), "{c:?}");
        assert!(c.failure.is_none());
    }
}

/// The scheduled run of the README, against a real Secret Service: the secrets are in the OS
/// keyring. Run 1 sends each profile once; run 2 leaves out the refused one (still exit 1);
/// `--force` sends it; once its key changed (`profiles set-secret`) it is sent again. The JUnit
/// file is read by a strict XML parser, and no file holds a secret in any form.
#[test]
#[ignore = "needs a Secret Service: scripts/test.sh runs it with --include-ignored"]
fn scheduled_all_profiles_with_junit_skips_a_refused_profile_until_its_key_changes() {
    require_real_keyring("scheduled_all_profiles_with_junit_skips_a_refused_profile_until_its_key_changes");
    let sb = Sandbox::new("scheduled");
    let cr = MiniControlRoom::start("svc_api", KEY);
    let add = |name: &str, secret: &str| {
        let out = sb.run(
            &[
                "profiles",
                "add",
                name,
                "--url",
                &cr.url,
                "--username",
                "svc_api",
                "--api-key-stdin",
            ],
            secret,
        );
        assert!(out.status.success(), "{}", text(&out));
    };
    add("Good", KEY);
    add("Refused", WRONG);
    save_profiles(&sb, &[profile("No secret", &cr)]);
    let junit = sb.dir.path().join("reports").join("aa-conntest.xml");
    std::fs::create_dir_all(junit.parent().unwrap()).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--all-profiles", "--junit", junit.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = sb.run(&args, "");
        let xml = std::fs::read_to_string(&junit).expect("the JUnit file");
        xmllint_validates(&junit);
        (out, read_junit(&xml))
    };
    let by_name = |s: &Suite, n: &str| s.cases.iter().find(|c| c.name == n).cloned().expect(n);

    // Run 1: Good passes, Refused fails with the title of its most likely cause, No secret is
    // skipped.
    let (out, suite) = run(&["--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!((logins_with(&cr, KEY), logins_with(&cr, WRONG)), (1, 1));
    assert_eq!((suite.tests, suite.failures, suite.skipped, suite.errors), (3, 1, 1, 0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
    let reports = v.as_array().expect("array");
    assert_eq!(reports.len(), 3);
    let refused_report = reports.iter().find(|r| r["profile"] == "Refused").expect("Refused");
    assert_eq!(refused_report["outcome"], "rejected");
    let good = by_name(&suite, "Good");
    assert!(good.failure.is_none() && good.skipped.is_none(), "{good:?}");
    assert!(good.time > 0.0);
    assert_eq!(good.classname, cr.url);
    let (message, kind, body) = by_name(&suite, "Refused").failure.expect("a failure");
    assert_eq!(message, refused_report["hints"][0]["title"].as_str().unwrap());
    assert_eq!(kind, "rejected");
    assert!(
        body.contains("REFUSED") && body.contains("auth.bad-credentials"),
        "{body}"
    );
    assert_eq!(
        by_name(&suite, "No secret").skipped.as_deref(),
        Some("Key not stored on this computer")
    );

    // Run 2: the refused key is not sent again; the file says so; still exit 1.
    let (out, suite) = run(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        (logins_with(&cr, KEY), logins_with(&cr, WRONG)),
        (2, 1),
        "{}",
        text(&out)
    );
    assert_eq!((suite.tests, suite.failures, suite.skipped), (3, 0, 2));
    assert_eq!(
        by_name(&suite, "Refused").skipped.as_deref(),
        Some("Not sent: this API key was refused once and has not changed since")
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 of 3 profiles OK; 1 not tested (no secret on this computer); 1 not sent (refused before; --force sends it)."),
        "{}",
        text(&out)
    );

    // Run 3, --force: sent, and said what it risked.
    let (out, suite) = run(&["--force"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(logins_with(&cr, WRONG), 2);
    assert!(
        stderr(&out).contains("warning: --force: sending the login for \"Refused\""),
        "{}",
        text(&out)
    );
    assert!(by_name(&suite, "Refused").failure.is_some());

    // The key changed: sent again, works; "No secret" does not count: exit 0.
    let out = sb.run(&["profiles", "set-secret", "Refused", "--api-key-stdin"], KEY);
    assert!(out.status.success(), "{}", text(&out));
    let (out, suite) = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!((suite.tests, suite.failures, suite.skipped), (3, 0, 1));

    let scanner = LeakScanner::new([("key", KEY), ("wrong key", WRONG)]);
    let (_, leaks) = scanner.scan_dir(sb.dir.path());
    assert!(leaks.is_empty(), "{leaks:?}");
}
