//! The check against the demo Control Room over real HTTP: the foundation's acceptance tests
//! (issue 2): success with a key and with a password, a rejected key with exactly one login
//! attempt, `valid: false`, the exact login the server received, no secret in the report.

use aa_conntest::demo::{self, DemoOptions, DemoServer, Scenario};
use aa_conntest::engine::CancelToken;
use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::report;
use aa_conntest::secret::Secret;
use aa_conntest::transcript::{Outcome, StepName, StepStatus};
use aa_conntest::worker;

async fn server(scenario: Scenario) -> DemoServer {
    DemoServer::start(DemoOptions {
        scenario,
        ..Default::default()
    })
    .await
    .expect("demo server starts")
}

fn plan(url: &str, user: &str, auth: AuthMode, secret: &str) -> Plan {
    let options = CheckOptions {
        timeout_secs: 5.0,
        ..Default::default()
    };
    Plan::new(Target::new(url, auth, user, options), Secret::new(secret))
}

#[tokio::test]
async fn api_key_login_succeeds_end_to_end() {
    let s = server(Scenario::Normal).await;
    let p = plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, demo::API_KEY);
    let r = worker::check(&p, CancelToken::never()).await;
    let t = &r.transcript;
    assert_eq!(t.outcome, Outcome::Ok, "{:#?}", t.steps);
    for step in StepName::ALL {
        assert_eq!(t.step(step).unwrap().status, StepStatus::Ok, "{step}");
    }
    assert_eq!(t.token_valid, Some(true));
    let token = t.token.as_ref().unwrap();
    assert!(token.is_jwt);
    assert_eq!(token.alg.as_deref(), Some("RS512"));
    assert_eq!(token.exp.unwrap() - token.iat.unwrap(), 1200);
    let account = t.account.as_ref().unwrap();
    assert_eq!(account.username.as_deref(), Some(demo::API_KEY_USER));
    // A healthy check has no error or warning hint.
    assert!(
        r.hints
            .iter()
            .all(|h| h.severity == aa_conntest::diagnose::Severity::Info),
        "{:#?}",
        r.hints
    );
}

#[tokio::test]
async fn password_login_succeeds_end_to_end() {
    let s = server(Scenario::Normal).await;
    let p = plan(&s.url(), demo::PASSWORD_USER, AuthMode::Password, demo::PASSWORD);
    let r = worker::check(&p, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok, "{:#?}", r.transcript.steps);
}

// The forum thread: UM1110 "Either your username or your password is incorrect" for a key login.
#[tokio::test]
async fn wrong_api_key_is_rejected_with_exactly_one_login_attempt() {
    let s = server(Scenario::Normal).await;
    let p = plan(
        &s.url(),
        demo::API_KEY_USER,
        AuthMode::ApiKey,
        "0123456789012345678901234567890123456789",
    );
    let r = worker::check(&p, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Rejected);
    assert_eq!(aa_conntest::cli::exit::for_outcome(r.transcript.outcome), 1);
    assert_eq!(s.login_attempts(), 1, "a failed login is never retried");
    let resp = r
        .transcript
        .step(StepName::Authenticate)
        .unwrap()
        .response
        .clone()
        .unwrap();
    assert_eq!(resp.control_room_error().unwrap().code.as_deref(), Some("UM1110"));
    let ids: Vec<_> = r.hints.iter().map(|h| h.id.as_str()).collect();
    assert!(ids.contains(&"auth.bad-credentials"), "{ids:?}");
    assert!(ids.contains(&"auth.retry-warning"), "{ids:?}");
    assert_eq!(
        r.hints[0].id, "auth.bad-credentials",
        "most likely cause first: {ids:?}"
    );
}

#[tokio::test]
async fn token_the_server_calls_invalid_is_a_refusal() {
    let s = server(Scenario::ValidFalse).await;
    let p = plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, demo::API_KEY);
    let r = worker::check(&p, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Rejected);
    assert_eq!(r.transcript.token_valid, Some(false));
    assert!(r.hints.iter().any(|h| h.id == "token.invalid"), "{:#?}", r.hints);
}

// The request shape is the contract with the real Control Room (docs/control-room-api.md §1.2, §1.3, §2).
#[tokio::test]
async fn server_receives_exactly_the_documented_requests() {
    let s = server(Scenario::Normal).await;
    let mut p = plan(
        &format!("{}/#/login", s.url()),
        &format!("  {}  ", demo::API_KEY_USER),
        AuthMode::ApiKey,
        demo::API_KEY,
    );
    p.target.options.multiple_login = false;
    let r = worker::check(&p, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Ok);
    let got = s.received();
    let login = got
        .iter()
        .find(|q| q.path == "/v2/authentication")
        .expect("login received");
    assert_eq!(login.method, "POST");
    let body: serde_json::Value = serde_json::from_str(&login.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"username": demo::API_KEY_USER, "apiKey": demo::API_KEY})
    );
    let header = |name: &str| {
        login
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert!(header("x-authorization").is_none());

    let validate = got
        .iter()
        .find(|q| q.path == "/v1/authentication/token")
        .expect("validate received");
    assert_eq!(validate.method, "GET");
    let token = validate
        .query
        .as_deref()
        .unwrap()
        .strip_prefix("token=")
        .unwrap()
        .to_string();
    let xauth = validate
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-authorization"))
        .unwrap();
    assert_eq!(xauth.1, token, "the bare token, no Bearer prefix");

    let logout = got
        .iter()
        .find(|q| q.path == "/v1/authentication/logout")
        .expect("logout received");
    assert_eq!(logout.method, "POST");
    assert_eq!(got.iter().filter(|q| q.path == "/v2/authentication").count(), 1);
}

#[tokio::test]
async fn multiple_login_is_sent_only_when_asked() {
    let s = server(Scenario::Normal).await;
    let mut p = plan(&s.url(), demo::PASSWORD_USER, AuthMode::Password, demo::PASSWORD);
    p.target.options.multiple_login = true;
    let _ = worker::check(&p, CancelToken::never()).await;
    let login = s
        .received()
        .into_iter()
        .find(|q| q.path == "/v2/authentication")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&login.body).unwrap();
    assert_eq!(body["multipleLogin"], serde_json::json!(true));
    assert_eq!(body["password"], serde_json::json!(demo::PASSWORD));
    assert!(body.get("apiKey").is_none(), "exactly one of apiKey/password");
}

#[tokio::test]
async fn report_holds_no_secret_and_no_full_token() {
    let s = server(Scenario::Normal).await;
    let p = plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, demo::API_KEY);
    let r = worker::check(&p, CancelToken::never()).await;
    let json = report::build(&p, &r.transcript, &r.hints).to_json();
    // The token the server issued: find it in the server's log and make sure the report lacks it.
    let got = s.received();
    let validate = got.iter().find(|q| q.path == "/v1/authentication/token").unwrap();
    let token = validate.query.as_deref().unwrap().strip_prefix("token=").unwrap();
    assert!(token.len() > 100);
    let signature = token.rsplit('.').next().unwrap();
    assert!(!json.contains(token));
    assert!(!json.contains(signature));
    // Every form of the key and the token, whole or any 12-byte part of it.
    use crate::support::secret_forms::{LeakScanner, without_markers};
    let scanner = LeakScanner::new([("the API key", demo::API_KEY), ("the token", token)]);
    let hits = scanner.scan_str("the report", &without_markers(&json));
    assert!(hits.is_empty(), "{hits:?}");
    assert!(json.contains("<redacted token eyJh"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], "aa-conntest.report/1");
    assert_eq!(v["outcome"], "ok");
    assert_eq!(v["steps"].as_array().unwrap().len(), 5);
}

// The slow scenario never answers the login (30 s). Cancelling ends the check at once: the worker's
// own record shows the login step ended long before any answer could have come, and the wall
// clock agrees within a generous limit (the 200 ms target is measured by scripts/bench.sh).
#[tokio::test]
async fn cancel_during_a_slow_login_ends_the_check_promptly() {
    use aa_conntest::transcript::StepError;
    use std::time::{Duration, Instant};
    let s = server(Scenario::Slow).await;
    let p = plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, demo::API_KEY);
    let (handle, token) = aa_conntest::engine::cancel_pair();
    let task = tokio::spawn(async move { worker::check(&p, token).await });
    // Cancel once the login is at the server, not after a guessed delay.
    let waited = Instant::now();
    while s.login_attempts() == 0 {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "the login never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let start = Instant::now();
    handle.cancel();
    let r = task.await.unwrap();
    let took = start.elapsed();
    assert_eq!(r.transcript.outcome, Outcome::Cancelled);
    let login = r.transcript.step(StepName::Authenticate).unwrap();
    assert_eq!(login.error, Some(StepError::Cancelled), "{login:?}");
    assert_eq!(
        r.transcript.step(StepName::Validate).unwrap().status,
        StepStatus::Skipped
    );
    // From the worker's own timestamps: the login step lasted until the cancel, not 30 s.
    let waited_ms = waited.elapsed().as_secs_f64() * 1000.0;
    assert!(
        login.duration_ms <= waited_ms + 50.0,
        "login step {} ms, check {waited_ms} ms",
        login.duration_ms
    );
    let limit = crate::support::time_limit(Duration::from_secs(1));
    assert!(took < limit, "cancelled after {took:?} (limit {limit:?})");
}
