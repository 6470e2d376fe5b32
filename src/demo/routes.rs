//! The Control Room's authentication API (reference §1, §2, §5) and the scenarios that change its
//! own answers.

use super::errors::{self, CrError};
use super::front;
use super::pages;
use super::probes;
use super::scenario::Scenario;
use super::state::{MAX_FAILED_LOGINS, Shared};
use super::tokens::{self, TokenStyle};
use super::users::{self, DemoUser, UserBody};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, middleware};
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

type St = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/authentication", post(login_v2))
        .route("/v1/authentication", post(login_v1))
        .route("/v1/authentication/token", get(validate).post(refresh_v1))
        .route("/v2/authentication/token", post(refresh_v2))
        .route("/v1/authentication/logout", post(logout))
        .route("/v2/license/details", get(probes::license_details))
        .route("/v2/devices/list", post(probes::list_devices))
        .route(
            "/v2/repository/workspaces/public/files/list",
            post(probes::list_public_files),
        )
        .route("/v1/schedule/automations/list", post(probes::list_schedules))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(shared.clone(), front::front))
        .with_state(shared)
}

/// A successful login: `token` then `user`, as in reference §8.
#[derive(Serialize)]
struct LoginOk {
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    user: UserBody,
}

/// What the login body said, once parsed.
enum Secret<'a> {
    ApiKey(&'a str),
    Password(&'a str),
}

/// Parse a login body. Not JSON, no string `username`, or no string secret: the
/// `generic.server.exception` the forum saw for a bad API-key body ([F1], reference §4.3, §7.5).
/// Both secrets: the opaque 400 of [C2]'s comment (reference §1.2). Field names are case-sensitive
/// (INFERRED, reference §1.2), so `apikey` or `Username` count as missing.
fn parse_login(v: &Value) -> Result<(&str, Secret<'_>, bool), CrError> {
    let obj = v.as_object().ok_or(errors::SERVER_EXCEPTION)?;
    let username = obj
        .get("username")
        .and_then(Value::as_str)
        .ok_or(errors::SERVER_EXCEPTION)?;
    let key = obj.get("apiKey").filter(|v| !v.is_null());
    let password = obj.get("password").filter(|v| !v.is_null());
    let secret = match (key, password) {
        (Some(_), Some(_)) => return Err(errors::BOTH_SECRETS),
        (Some(k), None) => Secret::ApiKey(k.as_str().ok_or(errors::SERVER_EXCEPTION)?),
        (None, Some(p)) => Secret::Password(p.as_str().ok_or(errors::SERVER_EXCEPTION)?),
        (None, None) => return Err(errors::SERVER_EXCEPTION),
    };
    // A misspelt or non-boolean `multipleLogin` is ignored silently (INFERRED, reference §1.2).
    let multiple = obj.get("multipleLogin").and_then(Value::as_bool).unwrap_or(false);
    Ok((username, secret, multiple))
}

fn credentials_match(user: &DemoUser, secret: &Secret<'_>) -> bool {
    // Exact comparison: no trimming, so a pasted trailing space or newline fails (reference §7.11).
    match secret {
        Secret::ApiKey(k) => user.api_key == Some(*k),
        Secret::Password(p) => user.password == Some(*p),
    }
}

fn login(shared: &Shared, body: &[u8]) -> Response {
    let scenario = shared.scenario();
    if scenario == Scenario::ServerException {
        return errors::SERVER_EXCEPTION.into_response();
    }
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return errors::SERVER_EXCEPTION.into_response();
    };
    let (username, secret, multiple) = match parse_login(&v) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    // The server does not say whether the user or the secret was wrong ([D18], reference §4.3).
    let Some(user) = users::find(username) else {
        return errors::BAD_CREDENTIALS.into_response();
    };
    if scenario == Scenario::Disabled {
        return errors::ACCOUNT_DISABLED.into_response();
    }
    {
        let mut acc = shared.accounts();
        if acc.disabled.contains(&user.id) {
            return errors::ACCOUNT_DISABLED.into_response();
        }
        // INFERRED: the allow-list is checked before the credentials and does not count as a failure;
        // the answer is the wrong-credentials one, so a right key looks wrong.
        if scenario == Scenario::IpAllowList {
            return errors::BAD_CREDENTIALS.into_response();
        }
        if !credentials_match(user, &secret) {
            let n = acc.failures.entry(user.id).or_insert(0);
            *n += 1;
            if *n >= MAX_FAILED_LOGINS {
                acc.disabled.insert(user.id);
            }
            return errors::BAD_CREDENTIALS.into_response();
        }
        acc.failures.remove(&user.id);
    }
    if scenario == Scenario::FirstLogin {
        return errors::FIRST_LOGIN.into_response();
    }
    if scenario == Scenario::Forbidden {
        return errors::FORBIDDEN.into_response();
    }
    let user_body = user.body();
    if scenario == Scenario::NoToken {
        return Json(LoginOk {
            token: None,
            user: user_body,
        })
        .into_response();
    }
    // An API key always gives a multi-session token ([D1] 2022 revision, [D6], reference §3.3).
    let multi = multiple || matches!(secret, Secret::ApiKey(_));
    let style = match scenario {
        Scenario::ClockSkew => TokenStyle::SkewedJwt,
        Scenario::NotJwt => TokenStyle::Opaque,
        _ => TokenStyle::Jwt,
    };
    let Ok(token) = tokens::mint(user, multi, style) else {
        return errors::SERVER_EXCEPTION.into_response();
    };
    shared.accounts().tokens.issue(&token, user, multi);
    Json(LoginOk {
        token: Some(token),
        user: user_body,
    })
    .into_response()
}

/// `POST /v2/authentication` (reference §1).
async fn login_v2(State(shared): St, body: Bytes) -> Response {
    match shared.scenario() {
        Scenario::V1Only => errors::api_not_found("/v2/authentication"),
        Scenario::MethodNotAllowed => {
            // A POST that lands on a static web root (nginx's answer).
            let mut r = (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::CONTENT_TYPE, "text/html")],
                pages::not_allowed(),
            )
                .into_response();
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            r
        }
        _ => login(&shared, &body),
    }
}

/// `POST /v1/authentication`: discontinued since A360 v.33 ([D7], reference §5); "will always
/// return a failure message" ([F1]). Only the `v1-only` (11.x) server still logs in here.
async fn login_v1(State(shared): St, body: Bytes) -> Response {
    if shared.scenario() == Scenario::V1Only {
        login(&shared, &body)
    } else {
        errors::V1_ACCESS_DENIED.into_response()
    }
}

/// The bare token of the `X-Authorization` header ([D2][D4], reference §2.4). `None` when the
/// header is absent or empty, or when the `header-stripped` proxy removed it.
pub(super) fn header_token(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    if shared.scenario() == Scenario::HeaderStripped {
        return None;
    }
    let v = headers.get("x-authorization")?.to_str().ok()?.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// `GET /v1/authentication/token?token=…` ([D2], reference §2.1): `{"valid": …}` with 200 either way.
/// The token in the query is enough: the 11.3 documentation [D10] and published clients call it
/// without `X-Authorization`, and real servers answer (the header-stripping proxy shows on logout).
async fn validate(State(shared): St, uri: Uri) -> Response {
    if shared.scenario() == Scenario::LicenseFailSafe {
        return errors::SERVER_EXCEPTION.into_response();
    }
    let token = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
    });
    let Some(token) = token else {
        return errors::TOKEN_PARAM_MISSING.into_response();
    };
    let valid = shared.scenario() != Scenario::ValidFalse && shared.accounts().tokens.is_valid(&token);
    Json(json!({"valid": valid})).into_response()
}

/// Swap a valid token for a new one; the old one stops working (INFERRED [C2], reference §2.2).
fn refresh(shared: &Shared, old: &str) -> Response {
    let mut acc = shared.accounts();
    let Some((user_id, multi)) = acc.tokens.owner(old) else {
        return errors::TOKEN_INVALID.into_response();
    };
    let Some(user) = users::USERS.iter().find(|u| u.id == user_id) else {
        return errors::TOKEN_INVALID.into_response();
    };
    let style = match shared.scenario() {
        Scenario::ClockSkew => TokenStyle::SkewedJwt,
        Scenario::NotJwt => TokenStyle::Opaque,
        _ => TokenStyle::Jwt,
    };
    let Ok(token) = tokens::mint(user, multi, style) else {
        return errors::SERVER_EXCEPTION.into_response();
    };
    acc.tokens.revoke(old);
    // Issue as multi-session so the refresh does not end the user's other sessions.
    acc.tokens.issue(&token, user, true);
    Json(json!({"token": token})).into_response()
}

/// `POST /v2/authentication/token`: header only, no body ([C2], reference §2.2).
async fn refresh_v2(State(shared): St, headers: HeaderMap) -> Response {
    if shared.scenario() == Scenario::V1Only {
        return errors::api_not_found("/v2/authentication/token");
    }
    match header_token(&shared, &headers) {
        Some(t) => refresh(&shared, &t),
        None => errors::HEADER_MISSING.into_response(),
    }
}

/// `POST /v1/authentication/token`: discontinued since v.33 ([D7]); on the 11.x server it takes
/// `{"token": …}` in the body, with or without the header ([D3], [C3]).
async fn refresh_v1(State(shared): St, body: Bytes) -> Response {
    if shared.scenario() != Scenario::V1Only {
        return errors::V1_ACCESS_DENIED.into_response();
    }
    let token = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("token").and_then(Value::as_str).map(str::to_string));
    match token {
        Some(t) => refresh(&shared, &t),
        None => errors::SERVER_EXCEPTION.into_response(),
    }
}

/// `POST /v1/authentication/logout` ([D4], reference §2.3): 204 and the token stops working.
async fn logout(State(shared): St, headers: HeaderMap) -> Response {
    let Some(token) = header_token(&shared, &headers) else {
        return errors::HEADER_MISSING.into_response();
    };
    if matches!(shared.scenario(), Scenario::LogoutFails | Scenario::LicenseFailSafe) {
        return errors::SERVER_EXCEPTION.into_response();
    }
    let mut acc = shared.accounts();
    // INFERRED: a token that is already invalid is refused like on any other authenticated call.
    if !acc.tokens.is_valid(&token) {
        return errors::TOKEN_INVALID.into_response();
    }
    acc.tokens.revoke(&token);
    StatusCode::NO_CONTENT.into_response()
}

fn is_api_path(path: &str) -> bool {
    ["/v1/", "/v2/", "/v3/", "/v4/"].iter().any(|p| path.starts_with(p))
}

/// A known API path with another method: Spring's JSON 405 (INFERRED, like [`errors::api_not_found`]).
async fn method_not_allowed(uri: Uri) -> Response {
    let body = json!({
        "timestamp": super::clock::now_rfc3339(),
        "status": 405,
        "error": "Method Not Allowed",
        "path": uri.path(),
    });
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

/// Everything else. Unknown API paths: JSON 404. Other GETs: the web UI, which serves every route
/// of its single-page app. Other methods outside the API: 405 from the web server (INFERRED; the
/// reference §6.3 expects "the web UI (HTML) or 404/405" for a POST that lands on `/`).
async fn fallback(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if is_api_path(path) {
        return errors::api_not_found(path);
    }
    if method == Method::GET || method == Method::HEAD {
        return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], pages::WEB_UI).into_response();
    }
    let mut r = (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::CONTENT_TYPE, "text/html")],
        pages::not_allowed(),
    )
        .into_response();
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    r
}
