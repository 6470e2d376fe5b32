//! `aa-conntest explain` as scripts use it (docs/cli.md): text and `--json`, exit codes as `check`
//! (0 nothing wrong found, 1 and 2 as the diagnosed cause, 3 unreadable), standard input, a Postman
//! collection and its environment given as two files, and `--run` against the demo Control Room,
//! with no secret of the paste in any output or report.

use crate::paste_corpus::corpus_dir;
use crate::support::secret_forms::{LeakScanner, without_markers};
use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_aa-conntest");
const KEY: &str = "f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi";

fn explain(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .arg("explain")
        .args(args)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.unwrap_or("").as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn file(name: &str) -> String {
    corpus_dir().join(name).display().to_string()
}

#[test]
fn exit_codes_are_those_of_check() {
    let cases = [
        ("curl-good-login.sh", 0),
        ("forum-1-postman-v1-access-denied.http", 1),
        ("forum-4-um1110.json", 1),
        ("answer-zscaler-block-page.html", 2),
        ("curl-web-ui-url.sh", 2),
    ];
    for (name, code) in cases {
        let (got, out, err) = explain(&[&file(name)], None);
        assert_eq!(got, code, "{name}:\n{out}\n{err}");
        assert!(!out.contains(KEY), "{name}: the key is in the output");
    }
    // Unreadable: not a request or an answer, a missing file, an empty paste.
    assert_eq!(explain(&["-"], Some("what is wrong with my bot")).0, 3);
    assert_eq!(explain(&["/nonexistent/paste.txt"], None).0, 3);
    let (code, _, err) = explain(&[], Some("  \n"));
    assert_eq!(code, 3);
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn text_names_the_first_hint_and_shows_the_corrected_request() {
    let text = std::fs::read_to_string(file("curl-v1-login.sh")).unwrap();
    let (code, out, _) = explain(&["-"], Some(&text));
    assert_eq!(code, 1);
    assert!(
        out.starts_with("Read as: a curl command (1 request, 0 answers)"),
        "{out}"
    );
    assert!(
        out.contains("Most likely cause: [error] The request logs in at the old v1 endpoint"),
        "{out}"
    );
    assert!(
        out.contains("--data-raw \"{\\\"apiKey\\\":\\\"${AA_API_KEY}\\\",\\\"username\\\":\\\"svc_api\\\"}\""),
        "{out}"
    );
    assert!(out.contains("(request.v1-login)"), "{out}");
    assert!(!out.contains(KEY));
}

#[test]
fn json_output_and_a_collection_with_its_environment_as_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let both = std::fs::read_to_string(file("postman-collection-with-environment.json")).unwrap();
    // Split the two documents into two files, as Postman exports them.
    let split = both.find("\n{").expect("two documents") + 1;
    let (coll, env) = (
        dir.path().join("AA.postman_collection.json"),
        dir.path().join("prod.postman_environment.json"),
    );
    std::fs::write(&coll, &both[..split]).unwrap();
    std::fs::write(&env, &both[split..]).unwrap();
    let (code, out, err) = explain(&["--json", coll.to_str().unwrap(), env.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["kind"], "postman");
    assert_eq!(v["verdict"], "nothing_wrong_found");
    assert_eq!(
        v["requests"][0]["url"],
        "https://acme.my.automationanywhere.digital/v2/authentication"
    );
    assert_eq!(v["fill"]["username"], "svc_api");
    assert_eq!(v["fill"]["secret"], "<redacted: 40 chars>");
    assert!(!out.contains(KEY));
    // The collection alone: its variables are named, and it cannot be tested.
    let (_, out, _) = explain(&["--json", coll.to_str().unwrap()], None);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["hints"][0]["id"], "request.unresolved");
    assert!(v["cannot_test"].as_str().unwrap().contains("{{baseUrl}}"), "{v}");
}

#[test]
fn run_tests_a_pasted_v1_curl_line_the_right_way_and_leaks_nothing() {
    let d = crate::cli::demo_server();
    // The forum's first mistake, against the demo: the v1 login, then the key is tested on v2.
    let paste = format!(
        "curl -X POST '{}/v1/authentication' -H 'Content-Type: application/json' -d '{}'",
        d.url,
        serde_json::json!({"username": d.user, "apiKey": d.key})
    );
    let reports = tempfile::tempdir().unwrap();
    let report = reports.path().join("explained");
    let (code, out, err) = explain(&["--run", "--save-report", report.to_str().unwrap(), "-"], Some(&paste));
    assert_eq!(code, 0, "the check with the pasted key works:\n{out}\n{err}");
    assert!(
        out.contains("(request.v1-login)"),
        "the paste is explained first:\n{out}"
    );
    assert!(
        out.contains(&format!("Testing it the right way: {} as {}", d.url, d.user)),
        "{out}"
    );
    assert!(out.contains("\nOK: "), "{out}");
    let (code, json, _) = explain(&["--run", "--json", "-"], Some(&paste));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["report"]["outcome"], "ok", "{v}");
    assert_eq!(v["explanation"]["hints"][0]["id"], "request.v1-login");
    let scanner = LeakScanner::new([("demo key", d.key.as_str())]);
    let mut hits = scanner.scan_str("stdout", &without_markers(&out));
    hits.extend(scanner.scan_str("stderr", &without_markers(&err)));
    hits.extend(scanner.scan_str("json", &without_markers(&json)));
    let (files, in_files) = scanner.scan_dir(reports.path());
    assert_eq!(files, 2, "the JSON and Markdown reports");
    hits.extend(in_files);
    assert!(hits.is_empty(), "{hits:#?}");
    // A wrong key pasted: the check itself refuses it, exit 1.
    let wrong = paste.replace(&d.key, KEY);
    assert_eq!(explain(&["--run", "-"], Some(&wrong)).0, 1);
    // An answer alone cannot be tested: exit 3, and it says why.
    let (code, _, err) = explain(&["--run", &file("forum-4-um1110.json")], None);
    assert_eq!(code, 3);
    assert!(err.contains("cannot test"), "{err}");
}
