//! Every hint id provoked through the real stack: the engine over real sockets against the demo
//! Control Room (its scenarios and "common mistake" cases), a name under `.invalid` for DNS, a closed
//! local port, a listener that never answers, fake proxies, and the demo's TLS mode.
//!
//! Ids that cannot be provoked for real are listed in [`UNIT_ONLY`] with the reason; the unit cases in
//! `src/diagnose/tests.rs` cover them.

use aa_conntest::demo::{self, DemoOptions, DemoServer, Scenario};
use aa_conntest::diagnose::{ALL_IDS, Hint, Severity};
use aa_conntest::engine::{self, CancelToken};
use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::secret::Secret;
use aa_conntest::transcript::Transcript;
use aa_conntest::worker;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Ids no test here provokes, and why.
const UNIT_ONLY: &[(&str, &str)] = &[
    (
        "net.unreachable",
        "needs a network without a route to the address; on a test machine with a default route an \
         unroutable address times out instead (net.timeout)",
    ),
    (
        "check.unexplained",
        "the fallback for answers no rule knows; every situation the demo reproduces has its own hint",
    ),
];

struct Run {
    t: Transcript,
    hints: Vec<Hint>,
}

impl Run {
    fn ids(&self) -> Vec<&'static str> {
        self.hints.iter().map(|h| h.id).collect()
    }

    fn has(&self, id: &str) -> &Hint {
        self.hints
            .iter()
            .find(|h| h.id == id)
            .unwrap_or_else(|| panic!("{id} not produced; hints {:?}\nsteps {:#?}", self.ids(), self.t.steps))
    }

    fn first(&self, id: &str) -> &Hint {
        assert_eq!(
            self.hints.first().map(|h| h.id),
            Some(id),
            "expected {id} first; hints {:?}\nsteps {:#?}",
            self.ids(),
            self.t.steps
        );
        &self.hints[0]
    }

    /// No secret of the plan and no token in any hint.
    fn clean(&self, plan: &Plan) -> &Self {
        let secret = plan.secret.expose().trim();
        for h in &self.hints {
            let all = format!("{} {} {} {:?}", h.title, h.detail, h.fix, h.evidence);
            if secret.len() >= 3 {
                assert!(!all.contains(secret), "{} leaks the secret", h.id);
            }
            assert!(
                !all.contains(demo::API_KEY) && !all.contains(demo::PASSWORD),
                "{} leaks a demo secret",
                h.id
            );
        }
        self
    }
}

async fn check(plan: &Plan) -> Run {
    let r = worker::check(plan, CancelToken::never()).await;
    let run = Run {
        t: r.transcript,
        hints: r.hints,
    };
    run.clean(plan);
    run
}

async fn server(scenario: Scenario, tls: bool) -> DemoServer {
    DemoServer::start(DemoOptions {
        scenario,
        tls,
        ..Default::default()
    })
    .await
    .expect("demo server starts")
}

/// A demo "common mistake" case on its own server.
async fn case(id: &str) -> (Run, Plan, DemoServer) {
    let c = demo::cases::find_case(id).unwrap_or_else(|| panic!("no demo case {id}"));
    let s = server(c.scenario, c.tls).await;
    let mut plan = c.plan_for(&s);
    plan.target.options.timeout_secs = plan.target.options.timeout_secs.min(5.0);
    let run = check(&plan).await;
    (run, plan, s)
}

fn plan(url: &str, user: &str, auth: AuthMode, secret: &str) -> Plan {
    let options = CheckOptions {
        timeout_secs: 5.0,
        ..Default::default()
    };
    Plan::new(Target::new(url, auth, user, options), Secret::new(secret))
}

fn key_plan(url: &str) -> Plan {
    plan(url, demo::API_KEY_USER, AuthMode::ApiKey, demo::API_KEY)
}

/// A local port nothing listens on.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// A listener that accepts connections and never answers; dropped with the returned task.
async fn silent_listener() -> (u16, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    (port, task)
}

/// A fake proxy that answers every request with `answer`.
async fn fake_proxy(answer: &'static str) -> (u16, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer.as_bytes()).await;
                let _ = s.shutdown().await;
            });
        }
    });
    (port, task)
}

// ---------------------------------------------------------------------------------------------
// Coverage: every id of the catalogue is asserted by a test below (`.has("…")` / `.first("…")`),
// read from this file's own source so that deleting a test makes this one fail.

fn asserted_ids() -> std::collections::BTreeSet<String> {
    let src = include_str!("hints_real.rs");
    let mut ids = std::collections::BTreeSet::new();
    for call in [".has(\"", ".first(\""] {
        for piece in src.split(call).skip(1) {
            if let Some(id) = piece.split('"').next().filter(|id| id.contains('.')) {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

#[test]
fn every_id_is_provoked_for_real_or_explained() {
    let asserted = asserted_ids();
    for id in ALL_IDS {
        let provoked = asserted.contains(*id);
        let unit_only = UNIT_ONLY.iter().any(|(u, _)| u == id);
        assert!(
            provoked ^ unit_only,
            "{id}: asserted by a real test {provoked}, unit-only {unit_only}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Healthy

#[tokio::test]
async fn working_api_key_gives_only_the_expiry() {
    let (r, _, _s) = case("working-api-key").await;
    assert!(r.hints.iter().all(|h| h.severity == Severity::Info), "{:?}", r.ids());
    r.has("token.expiry");
}

#[tokio::test]
async fn working_password_mentions_other_sessions() {
    let (r, _, _s) = case("working-password").await;
    assert!(r.hints.iter().all(|h| h.severity == Severity::Info), "{:?}", r.ids());
    r.has("auth.session-replaced");
}

// ---------------------------------------------------------------------------------------------
// URL and input

#[tokio::test]
async fn empty_url() {
    let p = key_plan("");
    let r = check(&p).await;
    r.first("url.missing");
    assert_eq!(r.t.login_attempts, 0);
}

#[tokio::test]
async fn url_with_a_space_inside() {
    let r = check(&key_plan("https://cr example.com")).await;
    r.first("url.invalid");
}

#[tokio::test]
async fn url_without_scheme_against_a_plain_http_server() {
    // https is assumed; the demo speaks plain http, so the handshake fails, and the port answers a
    // plain-http request: the missing scheme is the root cause, with the address to use.
    let s = server(Scenario::Normal, false).await;
    let r = check(&key_plan(&format!("127.0.0.1:{}", s.port()))).await;
    r.first("url.no-scheme");
    assert_eq!(r.has("url.no-scheme").severity, Severity::Error);
    assert!(
        r.has("url.no-scheme")
            .detail
            .contains(&format!("http://127.0.0.1:{}", s.port()))
    );
    r.has("tls.handshake");
}

#[tokio::test]
async fn plain_http_url_works_and_says_so() {
    // To this computer (the demo listens on 127.0.0.1) plain http is only info; elsewhere a warning.
    let s = server(Scenario::Normal, false).await;
    let r = check(&key_plan(&s.url())).await;
    assert_eq!(r.has("url.http").severity, Severity::Info);
    assert!(!r.hints.iter().any(|h| h.severity == Severity::Error), "{:?}", r.ids());
}

#[tokio::test]
async fn url_copied_from_the_browser() {
    let (r, _, _s) = case("url-from-browser").await;
    assert!(
        r.has("url.path-dropped")
            .evidence
            .as_deref()
            .unwrap()
            .contains("#/login")
    );
}

#[tokio::test]
async fn url_with_v1_authentication() {
    let (r, _, _s) = case("url-v1-endpoint").await;
    r.has("url.v1-endpoint");
}

#[tokio::test]
async fn username_missing() {
    let s = server(Scenario::Normal, false).await;
    let r = check(&plan(&s.url(), " ", AuthMode::ApiKey, demo::API_KEY)).await;
    r.first("input.username-missing");
    assert_eq!(s.login_attempts(), 0);
}

#[tokio::test]
async fn api_key_missing() {
    let s = server(Scenario::Normal, false).await;
    let r = check(&plan(&s.url(), demo::API_KEY_USER, AuthMode::ApiKey, "")).await;
    r.first("input.secret-missing");
}

#[tokio::test]
async fn key_with_trailing_newline_is_trimmed_and_works() {
    let (r, _, _s) = case("key-trailing-newline").await;
    assert_eq!(r.t.outcome, aa_conntest::transcript::Outcome::Ok);
    assert!(r.has("input.whitespace").detail.contains("removed"));
}

#[tokio::test]
async fn username_with_curly_quotes() {
    let s = server(Scenario::Normal, false).await;
    let p = plan(&s.url(), "“svc_demo_api”", AuthMode::ApiKey, demo::API_KEY);
    let r = check(&p).await;
    r.first("input.smart-quotes");
    r.has("auth.bad-credentials");
}

#[tokio::test]
async fn token_pasted_as_the_key_is_not_sent() {
    let (r, _, s) = case("token-as-key").await;
    r.first("input.key-is-token");
    assert_eq!(s.login_attempts(), 0, "no login may be burnt on a token");
}

#[tokio::test]
async fn key_of_39_characters() {
    let (r, _, _s) = case("key-39-chars").await;
    let l = r.first("input.key-length");
    assert_eq!(l.severity, Severity::Error);
    r.has("auth.bad-credentials");
    r.has("auth.retry-warning");
}

#[tokio::test]
async fn domain_user_is_sent_escaped() {
    let s = server(Scenario::Normal, false).await;
    let p = plan(&s.url(), "DEMO\\svc_demo_api", AuthMode::ApiKey, demo::API_KEY);
    let r = check(&p).await;
    assert_eq!(r.has("input.domain-user").severity, Severity::Info);
    let received = s.received();
    let login = received
        .iter()
        .find(|q| q.path == "/v2/authentication")
        .expect("login sent");
    assert!(login.body.contains(r#""DEMO\\svc_demo_api""#), "{}", login.body);
}

#[tokio::test]
async fn insecure_switch_against_an_untrusted_certificate() {
    let s = server(Scenario::Normal, true).await;
    let mut p = key_plan(&s.url());
    p.target.options.insecure = true;
    let r = check(&p).await;
    let i = r.has("input.insecure");
    assert!(i.detail.contains("would NOT have been accepted"), "{}", i.detail);
}

#[tokio::test]
async fn ca_file_that_does_not_exist() {
    let s = server(Scenario::Normal, true).await;
    let mut p = key_plan(&s.url());
    p.target.options.ca_file = Some("/nonexistent/aa-conntest-ca.pem".into());
    let r = check(&p).await;
    r.first("input.ca-file");
    assert_eq!(s.login_attempts(), 0);
}

// ---------------------------------------------------------------------------------------------
// Network

#[tokio::test]
async fn host_name_that_does_not_exist() {
    let r = check(&key_plan("https://no-such-control-room.invalid")).await;
    r.first("net.dns");
}

#[tokio::test]
async fn closed_port_refuses() {
    let port = closed_port().await;
    let r = check(&key_plan(&format!("http://127.0.0.1:{port}"))).await;
    r.first("net.refused");
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let (port, task) = silent_listener().await;
    let mut p = key_plan(&format!("https://127.0.0.1:{port}"));
    p.target.options.timeout_secs = 1.0;
    let r = check(&p).await;
    let t = r.first("net.timeout");
    assert!(t.evidence.as_deref().unwrap().contains("tls"), "{:?}", t.evidence);
    task.abort();
}

#[tokio::test]
async fn slow_login_times_out() {
    let (r, _, _s) = case("slow").await;
    let t = r.first("net.timeout");
    assert!(t.detail.contains("counts as one attempt"), "{}", t.detail);
}

#[tokio::test]
async fn connection_cut_after_the_request() {
    let (r, _, _s) = case("reset").await;
    r.first("net.reset");
}

#[tokio::test]
async fn proxy_requires_authentication() {
    let s = server(Scenario::Normal, true).await;
    let (port, task) = fake_proxy("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n").await;
    let mut p = key_plan(&s.url());
    p.target.options.proxy = Some(format!("http://127.0.0.1:{port}"));
    let r = check(&p).await;
    let h = r.first("net.proxy");
    assert!(h.detail.contains("407"), "{}", h.detail);
    task.abort();
}

#[tokio::test]
async fn proxy_that_is_not_running() {
    let s = server(Scenario::Normal, true).await;
    let port = closed_port().await;
    let mut p = key_plan(&s.url());
    p.target.options.proxy = Some(format!("http://127.0.0.1:{port}"));
    let r = check(&p).await;
    r.first("net.proxy");
}

// ---------------------------------------------------------------------------------------------
// TLS

#[tokio::test]
async fn untrusted_demo_certificate() {
    let (r, _, _s) = case("tls-untrusted").await;
    let h = r.first("tls.untrusted");
    assert!(h.fix.contains("CA file"));
}

#[tokio::test]
async fn trusted_with_the_ca_file() {
    let (r, _, _s) = case("tls-trusted").await;
    assert!(r.hints.iter().all(|h| h.severity == Severity::Info), "{:?}", r.ids());
}

#[tokio::test]
async fn expired_certificate() {
    let (r, _, _s) = case("tls-expired").await;
    let h = r.first("tls.expired");
    assert!(
        h.title.contains("expired") || h.title.contains("not valid"),
        "{}",
        h.title
    );
}

#[tokio::test]
async fn certificate_for_another_name() {
    let (r, _, _s) = case("tls-wrong-name").await;
    r.first("tls.name-mismatch");
}

#[tokio::test]
async fn https_to_a_plain_http_server() {
    let s = server(Scenario::Normal, false).await;
    let r = check(&key_plan(&s.url().replace("http://", "https://"))).await;
    r.first("tls.handshake");
}

// ---------------------------------------------------------------------------------------------
// Answers that are not the API

#[tokio::test]
async fn firewall_block_page() {
    let (r, _, _s) = case("block-page").await;
    let h = r.first("http.blocked");
    assert!(h.fix.contains("allow HTTPS to `127.0.0.1`"), "{}", h.fix);
    assert!(!r.ids().contains(&"auth.retry-warning"));
}

#[tokio::test]
async fn web_ui_answers_instead_of_the_api() {
    let (r, _, _s) = case("spa-html").await;
    r.first("http.not-api");
}

#[tokio::test]
async fn something_that_is_not_a_web_server() {
    let (r, _, _s) = case("garbage").await;
    r.first("http.not-api");
}

#[tokio::test]
async fn redirect_to_https() {
    let (r, _, _s) = case("redirect-https").await;
    let h = r.first("http.redirect");
    assert!(h.title.contains("https"), "{}", h.title);
}

#[tokio::test]
async fn redirect_to_single_sign_on() {
    let (r, _, _s) = case("redirect-sso").await;
    assert!(r.first("http.redirect").title.contains("single sign-on"));
}

#[tokio::test]
async fn redirect_to_another_host() {
    let (r, _, _s) = case("redirect-elsewhere").await;
    assert!(r.first("http.redirect").title.contains("elsewhere"));
}

#[tokio::test]
async fn nothing_at_the_api_path() {
    let (r, _, _s) = case("not-found").await;
    r.first("http.not-found");
}

#[tokio::test]
async fn old_server_without_v2() {
    let c = demo::cases()
        .iter()
        .find(|c| c.scenario == Scenario::V1Only)
        .expect("v1-only case");
    let (r, _, _s) = case(c.id).await;
    r.first("http.not-found");
}

#[tokio::test]
async fn login_method_not_allowed() {
    let (r, _, _s) = case("method-not-allowed").await;
    r.first("http.method");
}

#[tokio::test]
async fn too_many_requests() {
    let (r, _, _s) = case("rate-limited").await;
    r.first("http.rate-limited");
}

#[tokio::test]
async fn bad_gateway_and_gateway_timeout() {
    for id in ["bad-gateway", "gateway-timeout"] {
        let (r, _, _s) = case(id).await;
        r.first("http.server-error");
    }
}

// ---------------------------------------------------------------------------------------------
// The Control Room's verdict

#[tokio::test]
async fn wrong_api_key() {
    let (r, _, s) = case("wrong-api-key").await;
    let b = r.first("auth.bad-credentials");
    assert!(b.evidence.as_deref().unwrap().contains("UM1110"));
    r.has("auth.retry-warning");
    assert_eq!(s.login_attempts(), 1, "exactly one login, never a retry");
}

#[tokio::test]
async fn key_of_another_user() {
    let (r, _, _s) = case("key-of-another-user").await;
    assert!(
        r.first("auth.bad-credentials")
            .detail
            .contains("generated by another user")
    );
}

#[tokio::test]
async fn generic_server_exception() {
    let (r, _, _s) = case("server-exception").await;
    let h = r.first("auth.server-exception");
    assert!(
        h.evidence.as_deref().unwrap().contains("<redacted: 40 chars>"),
        "{:?}",
        h.evidence
    );
}

#[tokio::test]
async fn forbidden_by_the_control_room() {
    let (r, _, _s) = case("forbidden").await;
    r.first("auth.forbidden");
}

#[tokio::test]
async fn disabled_account() {
    let (r, _, _s) = case("disabled").await;
    r.first("auth.disabled");
    assert!(r.has("auth.retry-warning").detail.contains("already disabled"));
}

#[tokio::test]
async fn three_failed_checks_disable_the_account() {
    // ref §7.14: three failed logins disable the account; the fourth check, with the right key, says so.
    let s = server(Scenario::Normal, false).await;
    let mut wrong = key_plan(&s.url());
    wrong.secret = Secret::new("Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1#Ys5Xo");
    for _ in 0..3 {
        check(&wrong).await.first("auth.bad-credentials");
    }
    let r = check(&key_plan(&s.url())).await;
    r.first("auth.disabled");
}

#[tokio::test]
async fn success_without_a_token() {
    let (r, _, _s) = case("no-token").await;
    r.first("auth.no-token");
}

#[tokio::test]
async fn community_edition_host_through_a_proxy() {
    // The demo answers absolute-form requests, so it can stand in for a proxy that reaches a
    // Community Edition host name (which never resolves here).
    let s = server(Scenario::Normal, false).await;
    let mut p = key_plan("http://community.cloud.automationanywhere.digital");
    p.target.options.proxy = Some(s.url());
    let r = check(&p).await;
    r.has("auth.community-edition");
}

// ---------------------------------------------------------------------------------------------
// Token, validate, logout

#[tokio::test]
async fn token_not_a_jwt() {
    let (r, _, _s) = case("not-jwt").await;
    r.has("token.not-jwt");
}

#[tokio::test]
async fn server_clock_two_hours_behind() {
    let (r, _, _s) = case("clock-skew").await;
    let h = r.has("token.clock-skew");
    assert!(
        h.title.contains("2 hours") || h.title.contains("120 minutes"),
        "{}",
        h.title
    );
}

#[tokio::test]
async fn fresh_token_reported_invalid() {
    let (r, _, _s) = case("valid-false").await;
    r.first("token.invalid");
}

#[tokio::test]
async fn proxy_strips_the_x_authorization_header() {
    let (r, _, _s) = case("header-stripped").await;
    let h = r.first("token.header-missing");
    assert!(h.evidence.as_deref().unwrap().contains("X-Authorization was sent"));
    r.has("logout.failed");
}

#[tokio::test]
async fn logout_fails() {
    let (r, _, _s) = case("logout-fails").await;
    r.has("logout.failed");
    assert!(!r.hints.iter().any(|h| h.severity == Severity::Error), "{:?}", r.ids());
}

#[tokio::test]
async fn cancelled_during_a_slow_login() {
    let s = server(Scenario::Slow, false).await;
    let p = key_plan(&s.url());
    let (handle, token) = engine::cancel_pair();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        handle.cancel();
    });
    let r = worker::check(&p, token).await;
    canceller.await.unwrap();
    let run = Run {
        t: r.transcript,
        hints: r.hints,
    };
    run.has("check.cancelled");
    assert!(
        run.hints.iter().all(|h| h.severity == Severity::Info),
        "{:?}",
        run.ids()
    );
}
