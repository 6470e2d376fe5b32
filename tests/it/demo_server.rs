//! The demo Control Room, tested over real HTTP with reqwest.

use aa_conntest::demo::{API_KEY, API_KEY_USER, DemoOptions, DemoServer, PASSWORD, PASSWORD_USER, Scenario, cases};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const UM1110: &str = r#"{"code": "UM1110", "details": "This may be due to a misspelling or because your Caps Lock is on. To continue, please retype your username and password.", "message": "Either your username or your password is incorrect"}"#;

fn client() -> Client {
    Client::builder()
        .no_proxy()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn start(scenario: Scenario) -> DemoServer {
    DemoServer::start(DemoOptions {
        scenario,
        ..Default::default()
    })
    .await
    .expect("server starts")
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

async fn send(rb: reqwest::RequestBuilder) -> Answer {
    let r = rb.send().await.expect("an HTTP answer");
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap_or_default();
    Answer { status, headers, text }
}

async fn post_login(c: &Client, base: &str, body: &Value) -> Answer {
    send(
        c.post(format!("{base}/v2/authentication"))
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

fn key_body() -> Value {
    json!({"username": API_KEY_USER, "apiKey": API_KEY})
}

fn password_body() -> Value {
    json!({"username": PASSWORD_USER, "password": PASSWORD})
}

async fn login_token(c: &Client, base: &str, body: &Value) -> String {
    let a = post_login(c, base, body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.json()["token"].as_str().expect("token").to_string()
}

async fn validate(c: &Client, base: &str, token: &str) -> Answer {
    let q: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    send(
        c.get(format!("{base}/v1/authentication/token?token={q}"))
            .header("X-Authorization", token),
    )
    .await
}

async fn is_valid(c: &Client, base: &str, token: &str) -> bool {
    let a = validate(c, base, token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.json()["valid"].as_bool().expect("valid is a boolean")
}

async fn logout(c: &Client, base: &str, token: &str) -> Answer {
    send(
        c.post(format!("{base}/v1/authentication/logout"))
            .header("X-Authorization", token),
    )
    .await
}

#[tokio::test]
async fn api_key_login_gives_a_decodable_multi_session_token_and_the_full_user() {
    let s = start(Scenario::Normal).await;
    let c = client();
    let a = post_login(&c, &s.url(), &key_body()).await;
    assert_eq!(a.status, 200);
    let v = a.json();
    let token = v["token"].as_str().expect("token");
    let d = aa_conntest::jwt::decode(token).expect("a JWT");
    assert_eq!(d.alg().as_deref(), Some("RS512"));
    let (iat, exp) = (d.number("iat").unwrap_or(0), d.number("exp").unwrap_or(0));
    assert_eq!(exp - iat, 1200);
    assert!((iat - now_unix()).abs() < 5);
    assert_eq!(d.claims["iss"], "AutomationAnywhere");
    assert_eq!(d.claims["clientType"], "WEB");
    assert_eq!(d.claims["multipleLogin"], true);
    assert!(d.claims["tenantUuid"].is_string() && d.claims["nanoTime"].is_u64());
    let user = &v["user"];
    assert_eq!(user["username"], API_KEY_USER);
    assert_eq!(d.string("sub"), user["id"].as_u64().map(|i| i.to_string()));
    for key in [
        "id",
        "email",
        "username",
        "domain",
        "firstName",
        "lastName",
        "version",
        "principalId",
        "deleted",
        "roles",
        "sysAssignedRoles",
        "groupNames",
        "permissions",
        "licenseFeatures",
        "emailVerified",
        "passwordSet",
        "questionsSet",
        "enableAutoLogin",
        "disabled",
        "clientRegistered",
        "description",
        "createdBy",
        "createdOn",
        "updatedBy",
        "updatedOn",
        "publicKey",
        "appType",
        "routingName",
        "appUrl",
    ] {
        assert!(user.get(key).is_some(), "user lacks {key}");
    }
    assert!(
        user["roles"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["name"] == "API_Key_Generation"))
    );
    // The body starts with the token, as in the reference's sample.
    assert!(a.text.starts_with(r#"{"token":"eyJhbGciOiJSUzUxMiJ9."#), "{}", a.text);
    assert!(is_valid(&c, &s.url(), token).await);
    assert_eq!(s.login_attempts(), 1);
    s.shutdown().await;
}

#[tokio::test]
async fn password_login_is_single_session_unless_multiple_login() {
    let s = start(Scenario::Normal).await;
    let (c, base) = (client(), s.url());
    let first = login_token(&c, &base, &password_body()).await;
    let d = aa_conntest::jwt::decode(&first).expect("a JWT");
    assert!(d.claims.get("multipleLogin").is_none());
    assert_eq!(d.number("exp").unwrap_or(0) - d.number("iat").unwrap_or(0), 1200);
    assert!(is_valid(&c, &base, &first).await);
    let multi = login_token(
        &c,
        &base,
        &json!({"username": PASSWORD_USER, "password": PASSWORD, "multipleLogin": true}),
    )
    .await;
    assert!(is_valid(&c, &base, &first).await, "a multi-session login ends nothing");
    let second = login_token(&c, &base, &password_body()).await;
    assert!(
        !is_valid(&c, &base, &first).await,
        "a new single-session login ends the first"
    );
    assert!(is_valid(&c, &base, &second).await);
    assert!(is_valid(&c, &base, &multi).await);
    s.shutdown().await;
}

#[tokio::test]
async fn wrong_secrets_get_um1110_verbatim_and_three_disable_the_account() {
    let s = start(Scenario::Normal).await;
    let (c, base) = (client(), s.url());
    let a = post_login(&c, &base, &json!({"username": API_KEY_USER, "apiKey": "x".repeat(40)})).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json(), serde_json::from_str::<Value>(UM1110).unwrap_or_default());
    // The key with another user, and an unknown user: the same answer.
    let a = post_login(&c, &base, &json!({"username": PASSWORD_USER, "apiKey": API_KEY})).await;
    assert_eq!(
        (a.status, a.json()["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("UM1110"))
    );
    let a = post_login(&c, &base, &json!({"username": "nobody", "password": "x"})).await;
    assert_eq!(a.json()["code"], "UM1110");
    // Two more failures for demo_user make three: disabled, even for the right password.
    for _ in 0..2 {
        let a = post_login(&c, &base, &json!({"username": PASSWORD_USER, "password": "wrong"})).await;
        assert_eq!(a.json()["code"], "UM1110");
    }
    let a = post_login(&c, &base, &password_body()).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["code"], "UM1105", "{}", a.text);
    assert_eq!(s.login_attempts(), 6);
    // The other user is not affected; reset_state re-enables.
    login_token(&c, &base, &key_body()).await;
    s.reset_state();
    assert_eq!(s.login_attempts(), 0);
    login_token(&c, &base, &password_body()).await;
    s.shutdown().await;
}

#[tokio::test]
async fn malformed_bodies_and_both_secrets() {
    let s = start(Scenario::Normal).await;
    let (c, base) = (client(), s.url());
    let generic =
        json!({"code": "generic.server.exception", "details": null, "message": "An unexpected problem occurred"});
    // Smart quotes pasted from a document: not JSON.
    let not_json = send(c.post(format!("{base}/v2/authentication")).body("{“username”:”x”}")).await;
    assert_eq!(
        (not_json.status, not_json.json()),
        (StatusCode::INTERNAL_SERVER_ERROR, generic.clone())
    );
    for body in [
        json!({"apiKey": API_KEY}),
        json!({"username": API_KEY_USER}),
        json!({"username": API_KEY_USER, "apikey": API_KEY}),
    ] {
        let a = post_login(&c, &base, &body).await;
        assert_eq!(
            (a.status, a.json()),
            (StatusCode::INTERNAL_SERVER_ERROR, generic.clone()),
            "{body}"
        );
    }
    let both = post_login(
        &c,
        &base,
        &json!({"username": API_KEY_USER, "apiKey": API_KEY, "password": "p"}),
    )
    .await;
    assert_eq!(both.status, 400);
    assert!(both.json()["code"].is_string());
    s.shutdown().await;
}

#[tokio::test]
async fn validate_logout_refresh_and_the_header() {
    let s = start(Scenario::Normal).await;
    let (c, base) = (client(), s.url());
    let token = login_token(&c, &base, &key_body()).await;
    let um1117 =
        json!({"code": "UM1117", "details": null, "message": "Access token expected in the 'X-Authorization' header"});
    // Validate takes the token in its query alone, as the 11.3 documentation and real clients call it
    // (issue 12); here with a Bearer Authorization header instead of X-Authorization.
    let a = send(
        c.get(format!("{base}/v1/authentication/token?token={token}"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!((a.status, a.json()), (StatusCode::OK, json!({"valid": true})));
    // Logout without the header: UM1117.
    let a = send(c.post(format!("{base}/v1/authentication/logout"))).await;
    assert_eq!((a.status, a.json()), (StatusCode::UNAUTHORIZED, um1117));
    // The API key is not a token.
    assert!(!is_valid(&c, &base, API_KEY).await);
    // Refresh: a new token, the old one ends.
    let a = send(
        c.post(format!("{base}/v2/authentication/token"))
            .header("X-Authorization", &token),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let fresh = a.json()["token"].as_str().expect("token").to_string();
    assert!(!is_valid(&c, &base, &token).await);
    assert!(is_valid(&c, &base, &fresh).await);
    // Logout: 204 without a body, then valid:false.
    let a = logout(&c, &base, &fresh).await;
    assert_eq!(a.status, 204);
    assert!(a.text.is_empty());
    assert!(!is_valid(&c, &base, &fresh).await);
    s.shutdown().await;
}

#[tokio::test]
async fn deprecated_v1_login_other_paths_and_the_request_log() {
    let s = start(Scenario::Normal).await;
    let (c, base) = (client(), s.url());
    let a = send(c.post(format!("{base}/v1/authentication")).body(key_body().to_string())).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["message"], "Access Denied");
    let a = send(c.get(format!("{base}/"))).await;
    assert_eq!(a.status, 200);
    assert!(a.text.contains("<title>Automation 360</title>"));
    let a = send(c.get(format!("{base}/v2/nothing"))).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["status"], 404);
    let a = send(c.get(format!("{base}/v2/authentication"))).await;
    assert_eq!(a.status, 405);
    // The log keeps the exact body, the headers and the query.
    let body = r#"{"username":"svc_demo_api","apiKey":"Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1#Ys5Ue"}"#;
    send(
        c.post(format!("{base}/v2/authentication?x=1"))
            .header("content-type", "application/json")
            .body(body),
    )
    .await;
    let log = s.received();
    assert_eq!(log.len(), 5);
    let last = log.last().expect("logged");
    assert_eq!(
        (last.method.as_str(), last.path.as_str(), last.query.as_deref()),
        ("POST", "/v2/authentication", Some("x=1"))
    );
    assert_eq!(last.body, body);
    assert_eq!(last.header("Content-Type"), Some("application/json"));
    assert_eq!(s.login_attempts(), 1);
    s.reset_state();
    assert!(s.received().is_empty());
    s.shutdown().await;
}

/// Every HTTP-level scenario's distinguishing answer to the login (and to what follows when login works).
#[tokio::test]
async fn scenarios_answer_as_described() {
    let s = start(Scenario::Normal).await;
    let (c, base) = (client(), s.url());
    let key = key_body();
    let login = |sc: Scenario| {
        s.set_scenario(sc);
        post_login(&c, &base, &key)
    };

    let a = login(Scenario::BlockPage).await;
    assert_eq!(a.status, 403);
    assert!(a.text.contains("Zscaler") && a.text.contains("web security policy"));
    let a = login(Scenario::SpaHtml).await;
    assert_eq!(a.status, 200);
    assert!(a.text.contains("<title>Automation 360</title>"));
    let a = login(Scenario::RedirectHttps).await;
    assert_eq!(a.status, 301);
    assert_eq!(
        a.location(),
        format!("https://127.0.0.1:{}/v2/authentication", s.port())
    );
    let a = login(Scenario::RedirectSso).await;
    assert_eq!(a.status, 302);
    assert!(
        a.location().starts_with("https://login.microsoftonline.com/"),
        "{}",
        a.location()
    );
    let a = login(Scenario::RedirectElsewhere).await;
    assert_eq!(a.status, 302);
    assert_eq!(a.location(), "https://cr-new.example.com/v2/authentication");
    let a = login(Scenario::RateLimited).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("30"));
    let a = login(Scenario::BadGateway).await;
    assert_eq!(a.status, 502);
    assert!(a.text.contains("nginx"));
    let a = login(Scenario::GatewayTimeout).await;
    assert_eq!(a.status, 504);
    let a = login(Scenario::Disabled).await;
    assert_eq!(
        (a.status, a.json()["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("UM1105"))
    );
    let a = login(Scenario::Forbidden).await;
    assert_eq!(
        (a.status, a.json()["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("UM1403"))
    );
    let a = login(Scenario::ServerException).await;
    assert_eq!(
        (a.status, a.json()["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("generic.server.exception"))
    );
    let a = login(Scenario::NoToken).await;
    assert_eq!(a.status, 200);
    assert!(a.json().get("token").is_none() && a.json()["user"]["username"] == API_KEY_USER);
    let a = login(Scenario::NotFound).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.text, "404 page not found\n");
    let a = login(Scenario::MethodNotAllowed).await;
    assert_eq!(a.status, 405);
    assert!(a.text.contains("405 Not Allowed"));
    let a = login(Scenario::NotJwt).await;
    let t = a.json()["token"].as_str().unwrap_or("").to_string();
    assert!(t.len() == 32 && t.chars().all(|c| c.is_ascii_hexdigit()), "{t}");
    assert!(is_valid(&c, &base, &t).await);

    // Clock skew: the token is expired by the client's clock, yet the server honours it.
    let a = login(Scenario::ClockSkew).await;
    let t = a.json()["token"].as_str().unwrap_or("").to_string();
    let d = aa_conntest::jwt::decode(&t).expect("a JWT");
    assert!(d.number("exp").unwrap_or(i64::MAX) < now_unix() - 3600);
    assert!(is_valid(&c, &base, &t).await);

    // Header stripped: login works; validate takes the token in its query (issue 12), and the logout
    // answers UM1117 though the header was sent.
    s.set_scenario(Scenario::HeaderStripped);
    let t = login_token(&c, &base, &key_body()).await;
    assert!(is_valid(&c, &base, &t).await);
    assert_eq!(logout(&c, &base, &t).await.json()["code"], "UM1117");
    // valid-false
    s.set_scenario(Scenario::ValidFalse);
    let t = login_token(&c, &base, &key_body()).await;
    assert!(!is_valid(&c, &base, &t).await);
    // logout-fails
    s.set_scenario(Scenario::LogoutFails);
    let t = login_token(&c, &base, &key_body()).await;
    assert_eq!(logout(&c, &base, &t).await.status, 500);
    // v1-only: v2 is 404, v1 logs in.
    let a = login(Scenario::V1Only).await;
    assert_eq!(a.status, 404);
    let a = send(
        c.post(format!("{base}/v1/authentication"))
            .body(password_body().to_string()),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.json()["token"].is_string());
    // TLS-only scenarios act as normal on plain HTTP.
    s.set_scenario(Scenario::TlsExpired);
    login_token(&c, &base, &key_body()).await;
    s.shutdown().await;
}

#[tokio::test]
async fn reset_garbage_and_slow_break_the_transport() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = start(Scenario::Reset).await;
    let base = s.url();
    let e = client()
        .post(format!("{base}/v2/authentication"))
        .body(key_body().to_string())
        .send()
        .await;
    assert!(e.is_err(), "reset gives no HTTP answer");
    assert_eq!(s.login_attempts(), 1, "the request arrived before the reset");
    // Raw: the connection ends with a reset, not with an answer.
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", s.port()))
        .await
        .expect("connect");
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut got = Vec::new();
    let r = tokio::time::timeout(Duration::from_secs(3), tcp.read_to_end(&mut got)).await;
    assert!(got.is_empty());
    assert_eq!(
        r.ok().and_then(|r| r.err()).map(|e| e.kind()),
        Some(std::io::ErrorKind::ConnectionReset)
    );

    // Garbage: no HTTP answer; raw bytes show what came back.
    s.set_scenario(Scenario::Garbage);
    let e = client()
        .post(format!("{base}/v2/authentication"))
        .body(key_body().to_string())
        .send()
        .await;
    assert!(e.is_err(), "garbage is not HTTP");
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", s.port()))
        .await
        .expect("connect");
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), tcp.read_to_end(&mut got)).await;
    assert!(got.starts_with(b"SSH-2.0-"), "{:?}", String::from_utf8_lossy(&got));

    // Slow: the client's timeout fires, and meanwhile other requests are served.
    s.set_scenario(Scenario::Slow);
    let slow_timeout = crate::support::time_limit(Duration::from_secs(2));
    let slow_client = Client::builder()
        .no_proxy()
        .timeout(slow_timeout)
        .build()
        .expect("client");
    let started = Instant::now();
    let slow = async {
        let r = slow_client
            .post(format!("{base}/v2/authentication"))
            .body(key_body().to_string())
            .send()
            .await;
        (r, started.elapsed())
    };
    let other = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let a = send(client().get(format!("{base}/"))).await;
        (a.status, started.elapsed())
    };
    let ((slow, slow_at), (other_status, other_at)) = tokio::join!(slow, other);
    assert!(slow.err().is_some_and(|e| e.is_timeout()));
    assert!(slow_at >= slow_timeout, "the login was held until the client gave up");
    assert_eq!(other_status, 200);
    // Served while the login waits: answered before the slow login ended, not after it.
    assert!(
        other_at < slow_at,
        "other answered at {other_at:?}, the slow login ended at {slow_at:?}"
    );
    let t = Instant::now();
    s.shutdown().await;
    let limit = crate::support::time_limit(Duration::from_secs(3));
    assert!(t.elapsed() < limit, "shutdown does not wait for the slow login");
}

#[tokio::test]
async fn tls_with_the_ca_trusted_works_and_untrusted_fails() {
    let s = DemoServer::start(DemoOptions {
        tls: true,
        ..Default::default()
    })
    .await
    .expect("server");
    let base = s.url();
    assert!(base.starts_with("https://localhost:"));
    let pem = s.ca_pem().expect("CA");
    assert_eq!(
        std::fs::read_to_string(s.ca_file().expect("CA file")).unwrap_or_default(),
        pem
    );
    let ca = reqwest::Certificate::from_pem(pem.as_bytes()).expect("PEM");
    let trusting = || {
        Client::builder()
            .no_proxy()
            .tls_certs_only([ca.clone()])
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client")
    };
    let a = post_login(&trusting(), &base, &key_body()).await;
    assert_eq!(a.status, 200);
    // Also by IP address.
    let a = post_login(&trusting(), &format!("https://127.0.0.1:{}", s.port()), &key_body()).await;
    assert_eq!(a.status, 200);

    let e = client()
        .post(format!("{base}/v2/authentication"))
        .body(key_body().to_string())
        .send()
        .await;
    let msg = format!("{:?}", e.expect_err("untrusted fails"));
    assert!(msg.contains("UnknownIssuer"), "{msg}");

    // Plain HTTP to the TLS port: no HTTP answer.
    let e = client()
        .post(format!("http://localhost:{}/v2/authentication", s.port()))
        .body("{}")
        .send()
        .await;
    assert!(e.is_err());

    // Fresh clients, so no pooled connection skips the new handshake.
    s.set_scenario(Scenario::TlsExpired);
    let e = trusting().get(format!("{base}/")).send().await;
    let msg = format!("{:?}", e.expect_err("expired fails"));
    assert!(msg.contains("Expired"), "{msg}");
    s.set_scenario(Scenario::TlsWrongName);
    let e = trusting().get(format!("{base}/")).send().await;
    let msg = format!("{:?}", e.expect_err("wrong name fails"));
    assert!(msg.contains("NotValidForName"), "{msg}");
    s.shutdown().await;
}

/// The catalogue's plans carry the mistake to a server that judges it as described.
#[tokio::test]
async fn cases_send_what_the_mistake_sends() {
    let s = start(Scenario::Normal).await;
    let c = client();
    for case in cases()
        .iter()
        .filter(|c| c.fits(false) && c.scenario == Scenario::Normal)
    {
        let plan = case.plan_for(&s);
        assert!(plan.target.url.starts_with(&s.url()), "{}", case.id);
        // Post the form's values as the engine would (it normalises the URL to the base).
        let body = json!({"username": plan.target.username, plan.target.auth.body_field(): plan.secret.expose()});
        let a = post_login(&c, &s.url(), &body).await;
        let works = case.id.starts_with("working") || case.id.starts_with("url-");
        assert_eq!(a.status == 200, works, "{}: {}", case.id, a.text);
        s.reset_state();
    }
    s.shutdown().await;
}
