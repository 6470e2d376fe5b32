//! The Markdown report and `save_report`, from real checks against a local stand-in Control Room.

use crate::profiles_support;

use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::report::{self, Report};
use aa_conntest::report_markdown::{self, BODY_LIMIT};
use aa_conntest::secret::Secret;
use profiles_support::{MiniControlRoom, files_containing};

const SECRET: &str = "Rk7qTzW2pLx9VbN4mHc8JdS3aGf6YeU1oIq5XwZ0";

fn run(cr: &MiniControlRoom, secret: &str) -> Report {
    let options = CheckOptions {
        timeout_secs: 5.0,
        ..CheckOptions::default()
    };
    let url = format!("{}/#/login", cr.url);
    let plan = Plan::new(
        Target::new(url, AuthMode::ApiKey, cr.username.clone(), options),
        Secret::new(secret),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let result = rt.block_on(aa_conntest::worker::check(
        &plan,
        aa_conntest::engine::CancelToken::never(),
    ));
    report::build(&plan, &result.transcript, &result.hints)
}

#[test]
fn markdown_of_a_successful_check_reads_well_and_has_no_secret() {
    let cr = MiniControlRoom::start("svc_api", SECRET);
    let r = run(&cr, SECRET);
    assert_eq!(r.outcome, "ok", "{}", r.to_json());
    let md = report_markdown::render(&r);
    if std::env::var_os("SHOW_MD").is_some() {
        println!("{md}");
    }
    assert!(md.starts_with("# Control Room connection test: OK"), "{md}");
    for needed in [
        "| Control Room |",
        "| URL as typed |",
        "an API key for user `svc_api`",
        "## Steps",
        "| Authenticate | ✔ ok |",
        "| Validate | ✔ ok |",
        "## Requests and responses",
        "**Request:** `POST ",
        "/v2/authentication`",
        "```json",
        "## Account",
        "svc@example.com",
        "## Token",
        "aa-conntest 0.1.0",
    ] {
        assert!(md.contains(needed), "missing {needed:?} in\n{md}");
    }
    assert!(!md.contains(SECRET), "{md}");
    assert!(!md.contains(&cr.token), "the token must be redacted:\n{md}");
    assert!(md.contains("<redacted"), "{md}");
}

#[test]
fn markdown_of_a_rejected_login_shows_the_answer() {
    let cr = MiniControlRoom::start("svc_api", SECRET);
    let wrong = "Wq1wrongwrongwrongwrongwrongwrongwrong40";
    let r = run(&cr, wrong);
    assert_eq!(r.outcome, "rejected");
    let md = report_markdown::render(&r);
    if std::env::var_os("SHOW_MD").is_some() {
        println!("{md}");
    }
    assert!(md.contains("# Control Room connection test: Refused"), "{md}");
    assert!(
        md.contains("| Authenticate | ✖ failed |") && md.contains("| 401 |"),
        "{md}"
    );
    assert!(md.contains("UM1110"), "{md}");
    assert!(md.contains("| Validate | – skipped |"), "{md}");
    assert!(!md.contains(wrong));
    assert_eq!(cr.login_count(), 1, "one login attempt, never retried");
}

#[test]
fn long_bodies_are_cut_and_backticks_cannot_break_the_fences() {
    let cr = MiniControlRoom::start("svc_api", SECRET);
    let mut r = run(&cr, "nope-nope-nope");
    let step = r.steps.iter_mut().find(|s| s.response.is_some()).unwrap();
    let resp = step.response.as_mut().unwrap();
    resp.body = format!("```\n{}", "<p>blocked</p>".repeat(2000));
    resp.truncated = true;
    let md = report_markdown::render(&r);
    assert!(md.contains("more characters cut"), "{md}");
    assert!(md.contains("longer than the read limit"));
    assert!(
        md.contains("````text\n```\n<p>"),
        "fence longer than the body's backticks"
    );
    assert!(md.len() < 3 * BODY_LIMIT + 6000, "{} bytes", md.len());
}

#[test]
fn save_report_writes_json_and_markdown_atomically_in_a_dir_or_at_a_path() {
    let cr = MiniControlRoom::start("svc_api", SECRET);
    let r = run(&cr, SECRET);
    let dir = tempfile::tempdir().unwrap();

    let (json, md) = report_markdown::save_report(dir.path(), &r).unwrap();
    assert_eq!(json.parent().unwrap(), dir.path());
    let stem = json.file_stem().unwrap().to_str().unwrap();
    assert!(stem.starts_with("aa-conntest-127.0.0.1-"), "{stem}");
    assert_eq!(md, json.with_extension("md"));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["schema"], "aa-conntest.report/1");
    assert!(std::fs::read_to_string(&md).unwrap().contains("## Steps"));

    let (j2, m2) = report_markdown::save_report(&dir.path().join("ticket-123.md"), &r).unwrap();
    assert_eq!(j2, dir.path().join("ticket-123.json"));
    assert_eq!(m2, dir.path().join("ticket-123.md"));
    let (j3, _) = report_markdown::save_report(&dir.path().join("sub/dir/report"), &r).unwrap();
    assert!(j3.ends_with("sub/dir/report.json"));

    assert!(files_containing(dir.path(), SECRET).is_empty());
    assert!(files_containing(dir.path(), &cr.token).is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");

    let err = report_markdown::save_report(std::path::Path::new("/proc/not-writable/x.json"), &r).unwrap_err();
    assert!(err.to_string().contains("cannot write the report"), "{err}");
}
