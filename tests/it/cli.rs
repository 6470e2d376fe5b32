//! The command line as scripts and the independent fake-server suite use it (docs/cli.md):
//! `demo-server --json` then `check --json`, exit codes 0/1/2/3, no secret in any output.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_aa-conntest");

struct Demo {
    child: Child,
    url: String,
    user: String,
    key: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn demo_server() -> Demo {
    let mut child = Command::new(BIN)
        .args(["demo-server", "--port", "0", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo-server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).expect("first line is JSON");
    Demo {
        url: v["url"].as_str().unwrap().to_string(),
        user: v["api_key_user"]["username"].as_str().unwrap().to_string(),
        key: v["api_key_user"]["api_key"].as_str().unwrap().to_string(),
        child,
    }
}

fn check(args: &[&str], key: &str) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("check")
        .args(args)
        .env("AA_TEST_KEY", key)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn demo_server_json_then_check_json_succeeds_with_exit_0() {
    let d = demo_server();
    let (code, out, err) = check(
        &[
            "--url",
            &d.url,
            "--username",
            &d.user,
            "--api-key-env",
            "AA_TEST_KEY",
            "--json",
        ],
        &d.key,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("stdout is the JSON report");
    assert_eq!(v["schema"], "aa-conntest.report/1");
    assert_eq!(v["outcome"], "ok");
    assert_eq!(v["target"]["base_url"], d.url.as_str());
    assert!(!out.contains(&d.key) && !err.contains(&d.key));
}

#[test]
fn wrong_key_exits_1_with_bad_credentials() {
    let d = demo_server();
    let wrong = "Xie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";
    let (code, out, err) = check(
        &[
            "--url",
            &d.url,
            "--username",
            &d.user,
            "--api-key-env",
            "AA_TEST_KEY",
            "--json",
        ],
        wrong,
    );
    assert_eq!(code, 1, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "rejected");
    assert!(
        v["hints"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == "auth.bad-credentials"),
        "{out}"
    );
    assert!(!out.contains(wrong) && !err.contains(wrong));
}

#[test]
fn text_output_shows_steps_and_the_most_likely_cause() {
    let d = demo_server();
    let (code, out, _) = check(
        &["--url", &d.url, "--username", &d.user, "--api-key-env", "AA_TEST_KEY"],
        "0123456789012345678901234567890123456789",
    );
    assert_eq!(code, 1);
    for step in ["Preflight", "Connect", "Authenticate", "Validate", "Logout"] {
        assert!(out.contains(step), "{out}");
    }
    assert!(out.contains("Most likely cause"), "{out}");
    assert!(!out.contains("0123456789012345678901234567890123456789"));
}

#[test]
fn refused_connection_exits_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, out, _) = check(
        &[
            "--url",
            &format!("http://127.0.0.1:{port}"),
            "--username",
            "u",
            "--api-key-env",
            "AA_TEST_KEY",
            "--json",
        ],
        "k",
    );
    assert_eq!(code, 2, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "unreachable");
    assert!(
        v["hints"].as_array().unwrap().iter().any(|h| h["id"] == "net.refused"),
        "{out}"
    );
}

#[test]
fn unusable_input_exits_3() {
    let (code, out, _) = check(
        &[
            "--url",
            "   ",
            "--username",
            "u",
            "--api-key-env",
            "AA_TEST_KEY",
            "--json",
        ],
        "k",
    );
    assert_eq!(code, 3, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "invalid_input");
    assert!(
        v["hints"].as_array().unwrap().iter().any(|h| h["id"] == "url.missing"),
        "{out}"
    );
    // Usage errors are unusable input too.
    let (code, _, err) = check(&["--url", "https://x"], "k");
    assert_eq!(code, 3, "{err}");
}

#[test]
fn secret_is_never_accepted_as_a_plain_argument() {
    let out = Command::new(BIN)
        .args(["check", "--url", "https://x", "--username", "u", "--api-key", "abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn api_key_from_stdin() {
    use std::io::Write;
    let d = demo_server();
    let mut child = Command::new(BIN)
        .args(["check", "--url", &d.url, "--username", &d.user, "--api-key-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", d.key).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

// A script that forgot to export the variable gets the same report as an empty key, not a bare error.
#[test]
fn unset_secret_variable_is_a_missing_secret_in_the_report() {
    let out = Command::new(BIN)
        .args([
            "check",
            "--url",
            "https://cr.example.test",
            "--username",
            "u",
            "--api-key-env",
            "AA_TEST_SURELY_UNSET",
            "--json",
        ])
        .env_remove("AA_TEST_SURELY_UNSET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hints"][0]["id"], "input.secret-missing");
    assert!(String::from_utf8_lossy(&out.stderr).contains("AA_TEST_SURELY_UNSET is not set"));
}
