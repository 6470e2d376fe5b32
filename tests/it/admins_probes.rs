//! Issue 14 items 1-3 through the engine against the demo Control Room over real HTTP: what two
//! demo users with different roles may do (the login answer's permissions in words, and each
//! capability probe's answer), a required capability the user lacks failing the check with
//! `account.missing-permission`, probes that are off by default, read-only, never a second login,
//! and the 404 answer of a Control Room without the list calls.

use aa_conntest::capabilities::{Capabilities, Capability, Met};
use aa_conntest::demo::{self, DemoOptions, DemoServer, Scenario};
use aa_conntest::diagnose::{HintId, Severity};
use aa_conntest::engine::CancelToken;
use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::{Outcome, ProbeAnswer, ProbePurpose};
use aa_conntest::worker::{self, CheckResult};

async fn server(scenario: Scenario) -> DemoServer {
    DemoServer::start(DemoOptions {
        scenario,
        ..Default::default()
    })
    .await
    .expect("demo server starts")
}

fn service_plan(url: &str) -> Plan {
    let options = CheckOptions {
        timeout_secs: 5.0,
        probes: true,
        ..Default::default()
    };
    Plan::new(
        Target::new(url, AuthMode::ApiKey, demo::API_KEY_USER, options),
        Secret::new(demo::API_KEY),
    )
}

fn basic_plan(url: &str) -> Plan {
    let options = CheckOptions {
        timeout_secs: 5.0,
        probes: true,
        ..Default::default()
    };
    Plan::new(
        Target::new(url, AuthMode::Password, demo::PASSWORD_USER, options),
        Secret::new(demo::PASSWORD),
    )
}

fn answers(r: &CheckResult) -> Vec<(ProbePurpose, ProbeAnswer)> {
    r.transcript.probes.iter().map(|p| (p.purpose, p.answer())).collect()
}

fn caps(r: &CheckResult, plan: &Plan) -> Capabilities {
    Capabilities::from_account(
        r.transcript.account.as_ref().expect("an account"),
        &r.transcript.probes,
        &plan.target.require,
    )
}

#[tokio::test]
async fn two_users_with_different_roles_get_different_answers() {
    let s = server(Scenario::Normal).await;

    let plan = service_plan(&s.url());
    let r = worker::check(&plan, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.transcript.steps);
    assert_eq!(
        answers(&r),
        vec![
            (ProbePurpose::LicenseDetails, ProbeAnswer::Allowed),
            (ProbePurpose::ListDevices, ProbeAnswer::Allowed),
            (ProbePurpose::ListPublicFiles, ProbeAnswer::Allowed),
            (ProbePurpose::ListSchedules, ProbeAnswer::Allowed),
        ]
    );
    let c = caps(&r, &plan);
    let words: Vec<String> = c.lines().iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let all = words.join("\n");
    assert!(all.contains("API: can generate an API key"), "{all}");
    assert!(all.contains("Bots: can view its bots and run its bots"), "{all}");
    assert!(all.contains("Licences: can view the licence details"), "{all}");
    assert!(
        all.contains("Licence: Unattended Bot Runner (RUNTIME): runs bots deployed from the Control Room"),
        "{all}"
    );
    assert!(
        all.contains("Probe: POST /v2/devices/list: allowed — list devices"),
        "{all}"
    );
    assert!(
        all.contains("Sessions: may keep several sessions at once (multi-login)"),
        "{all}"
    );
    // A healthy check with probes stays healthy.
    assert!(r.hints.iter().all(|h| h.severity == Severity::Info), "{:#?}", r.hints);

    let plan = basic_plan(&s.url());
    let r = worker::check(&plan, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.transcript.steps);
    assert_eq!(
        answers(&r),
        vec![
            (ProbePurpose::LicenseDetails, ProbeAnswer::NotAllowed),
            (ProbePurpose::ListDevices, ProbeAnswer::Allowed),
            (ProbePurpose::ListPublicFiles, ProbeAnswer::NotAllowed),
            (ProbePurpose::ListSchedules, ProbeAnswer::NotAllowed),
        ]
    );
    let c = caps(&r, &plan);
    let all = c
        .lines()
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        all.contains(
            "Probe: GET /v2/license/details: not allowed (403) — view the licence details (needs View licenses"
        ),
        "{all}"
    );
    assert!(all.contains("Licence: Bot Creator (DEVELOPMENT)"), "{all}");
    assert!(!all.contains("generate an API key"), "{all}");
    // Probes are not requirements: nothing required, nothing fails.
    assert!(c.required.is_empty());
    assert!(!r.hints.iter().any(|h| h.id == HintId::AccountMissingPermission));
}

#[tokio::test]
async fn probes_are_off_by_default_read_only_and_never_log_in_twice() {
    let s = server(Scenario::Normal).await;
    let mut plan = service_plan(&s.url());
    plan.target.options.probes = false;
    let r = worker::check(&plan, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok);
    assert!(r.transcript.probes.is_empty(), "no probe unless asked");
    s.reset_state();

    let plan = service_plan(&s.url());
    let r = worker::check(&plan, CancelToken::never()).await;
    assert_eq!(s.login_attempts(), 1, "one login for the check and its probes");
    let probe_paths = [
        "/v2/license/details",
        "/v2/devices/list",
        "/v2/repository/workspaces/public/files/list",
        "/v1/schedule/automations/list",
    ];
    let received = s.received();
    let probes: Vec<_> = received
        .iter()
        .filter(|q| probe_paths.contains(&q.path.as_str()))
        .collect();
    assert_eq!(probes.len(), 4);
    for q in &probes {
        match q.method.as_str() {
            "GET" => assert!(q.body.is_empty()),
            "POST" => {
                assert!(q.path.ends_with("/list"), "{}", q.path);
                let body: serde_json::Value = serde_json::from_str(&q.body).expect("json body");
                assert_eq!(body, serde_json::json!({"page": {"offset": 0, "length": 1}}));
            }
            other => panic!("{other} {}", q.path),
        }
        // With the token just issued, in the header, after validate and before logout.
        assert!(q.header("x-authorization").is_some_and(|t| t.starts_with("eyJ")));
    }
    let order: Vec<&str> = received.iter().map(|q| q.path.as_str()).collect();
    let validate = order.iter().position(|p| *p == "/v1/authentication/token").unwrap();
    let logout = order.iter().position(|p| *p == "/v1/authentication/logout").unwrap();
    let first_probe = order.iter().position(|p| probe_paths.contains(p)).unwrap();
    assert!(validate < first_probe && first_probe < logout, "{order:?}");
    // Recorded like every call: the token redacted in the request, the answer capped and kept.
    for p in &r.transcript.probes {
        let auth = p
            .request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-authorization"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert!(!auth.starts_with("eyJ"), "token not redacted: {auth}");
        assert!(p.response.as_ref().is_some_and(|r| !r.truncated && r.status == 200));
    }
    let built = aa_conntest::report::build(&plan, &r.transcript, &r.hints);
    let report = built.to_json();
    assert!(!report.contains(demo::API_KEY), "{report}");
    assert!(report.contains("\"answer\": \"allowed\""), "{report}");
    assert!(report.contains("\"capabilities\""), "{report}");
    // The Markdown report says it in the same words.
    let md = aa_conntest::report_markdown::render(&built);
    assert!(md.contains("### What the account can do"), "{md}");
    assert!(md.contains("- **API**: can generate an API key"), "{md}");
    assert!(md.contains("- **Probe**: GET /v2/license/details: allowed"), "{md}");
    assert!(!md.contains(demo::API_KEY), "{md}");
}

#[tokio::test]
async fn a_required_permission_the_user_lacks_fails_the_check() {
    let s = server(Scenario::Normal).await;
    let mut plan = basic_plan(&s.url());
    plan.target.options.probes = false;
    plan.target.require = vec![Capability::ReadRepository, Capability::ListDevices];
    let r = worker::check(&plan, CancelToken::never()).await;
    let t = &r.transcript;
    assert_eq!(t.outcome, Outcome::Rejected, "{:#?}", r.hints);
    assert_eq!(aa_conntest::cli::exit::for_outcome(t.outcome), 1);
    // Requiring a capability asks its probe, and only that one.
    assert_eq!(
        answers(&r),
        vec![
            (ProbePurpose::ListDevices, ProbeAnswer::Allowed),
            (ProbePurpose::ListPublicFiles, ProbeAnswer::NotAllowed)
        ]
    );
    let h = &r.hints[0];
    assert_eq!(h.id, HintId::AccountMissingPermission, "{:#?}", r.hints);
    assert_eq!(h.severity, Severity::Error);
    assert!(h.title.contains("cannot read the repository"), "{}", h.title);
    assert!(
        h.fix.contains("Administration > Roles") && h.fix.contains("View my bots"),
        "{}",
        h.fix
    );
    assert!(
        h.evidence.as_deref().unwrap_or("").contains("answered HTTP 403"),
        "{:?}",
        h.evidence
    );
    // The credentials work: no lock-out warning, and the logout ran.
    assert!(!r.hints.iter().any(|h| h.id == HintId::AuthRetryWarning));
    assert!(
        aa_conntest::profiles::guard::login_answer(&r) == Some(aa_conntest::profiles::guard::LoginAnswer::Accepted)
    );
    let c = caps(&r, &plan);
    let met: Vec<(Capability, Met)> = c.required.iter().map(|x| (x.capability, x.met)).collect();
    assert_eq!(
        met,
        vec![
            (Capability::ReadRepository, Met::Missing),
            (Capability::ListDevices, Met::Met)
        ]
    );

    // From the login answer alone (no probe for it): the service account may deploy bots, the
    // basic user may not.
    plan.target.require = vec![Capability::DeployBots];
    let r = worker::check(&plan, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Rejected);
    assert!(r.transcript.probes.is_empty());
    assert_eq!(r.hints[0].id, HintId::AccountMissingPermission);
    assert!(r.hints[0].fix.contains("Run my bots"), "{}", r.hints[0].fix);
    let mut ok = service_plan(&s.url());
    ok.target.options.probes = false;
    ok.target.require = vec![Capability::DeployBots, Capability::GenerateApiKey];
    let r = worker::check(&ok, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.hints);
}

#[tokio::test]
async fn a_control_room_without_the_list_calls_answers_404() {
    let s = server(Scenario::ListApisMissing).await;
    let mut plan = service_plan(&s.url());
    plan.target.require = vec![Capability::ReadRepository];
    let r = worker::check(&plan, CancelToken::never()).await;
    assert_eq!(
        answers(&r),
        vec![
            (ProbePurpose::LicenseDetails, ProbeAnswer::Allowed),
            (ProbePurpose::ListDevices, ProbeAnswer::NotHere),
            (ProbePurpose::ListPublicFiles, ProbeAnswer::NotHere),
            (ProbePurpose::ListSchedules, ProbeAnswer::NotHere),
        ]
    );
    // A 404 says nothing of the permission: the login answer lists it, so the check passes.
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.hints);
    let c = caps(&r, &plan);
    assert_eq!(c.required[0].met, Met::Met);
    assert!(
        c.required[0].evidence.contains("not on this Control Room"),
        "{}",
        c.required[0].evidence
    );
    assert!(c.probes.iter().any(|p| p.words == "not on this Control Room (404)"));
}
