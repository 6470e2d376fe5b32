//! The front of every request: record it, then let the current scenario answer in place of the
//! Control Room when the scenario is about something in front of it (a proxy, a filter, a redirect,
//! a broken network). Scenarios about the Control Room's own answers live in [`super::routes`].

use super::ReceivedRequest;
use super::conn::{ConnInfo, Sabotage};
use super::pages;
use super::scenario::Scenario;
use super::state::Shared;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

/// Largest request body read (a login body is under 200 bytes).
const BODY_LIMIT: usize = 1 << 20;

/// How long the `slow` scenario keeps the login waiting: longer than any sensible client timeout
/// (the app's default is 15 s).
pub(crate) const SLOW_DELAY: Duration = Duration::from_secs(30);

/// Where `redirect-sso` sends the client: an Entra ID SAML login, as an SSO gateway in front of the
/// Control Room would.
const SSO_LOGIN: &str = "https://login.microsoftonline.com/8f3c2a71-5d4e-4b6a-9c0d-1e2f3a4b5c6d/saml2?SAMLRequest=fZJdT8IwFIb%2FStN7trEhYgMkKCGSoBJAL7wxXXcGTba29nSo%2F96OAQRj5P7Z%2BZ73yN5BOi5%2Btbqd4KnBUWzjzQJvDfCzdgT3rkQfMm";

/// Where `redirect-elsewhere` sends the client.
pub(crate) const ELSEWHERE: &str = "https://cr-new.example.com";

pub(crate) fn is_login_post(method: &Method, path: &str) -> bool {
    method == Method::POST && path == "/v2/authentication"
}

fn html(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut r = html(status, pages::redirect_page(&status.to_string()));
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub(crate) async fn front(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response();
    };
    let path = parts.uri.path().to_string();
    shared.record(ReceivedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    let login = is_login_post(&parts.method, &path);
    if login {
        shared.count_login_attempt();
    }
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();

    match shared.scenario() {
        Scenario::Reset | Scenario::Garbage => {
            let s = if shared.scenario() == Scenario::Reset {
                Sabotage::Reset
            } else {
                Sabotage::Garbage
            };
            conn.ctl.sabotage(s);
            // Never reaches the client: the connection layer replaces the write.
            return StatusCode::NO_CONTENT.into_response();
        }
        Scenario::BlockPage => return html(StatusCode::FORBIDDEN, pages::BLOCK_PAGE),
        Scenario::SpaHtml => return html(StatusCode::OK, pages::WEB_UI),
        Scenario::RedirectHttps => {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost")
                .to_string();
            return redirect(
                StatusCode::MOVED_PERMANENTLY,
                &format!("https://{host}{path_and_query}"),
            );
        }
        Scenario::RedirectSso => {
            let relay: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
            return redirect(StatusCode::FOUND, &format!("{SSO_LOGIN}&RelayState={relay}"));
        }
        Scenario::RedirectElsewhere => {
            return redirect(StatusCode::FOUND, &format!("{ELSEWHERE}{path_and_query}"));
        }
        Scenario::RateLimited => {
            let mut r = html(StatusCode::TOO_MANY_REQUESTS, pages::too_many_requests());
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            return r;
        }
        Scenario::BadGateway => return html(StatusCode::BAD_GATEWAY, pages::bad_gateway()),
        Scenario::Maintenance => {
            let mut r = html(StatusCode::SERVICE_UNAVAILABLE, pages::MAINTENANCE);
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1800"));
            return r;
        }
        Scenario::GatewayTimeout => return html(StatusCode::GATEWAY_TIMEOUT, pages::gateway_timeout()),
        Scenario::NotFound => {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                pages::PLAIN_NOT_FOUND,
            )
                .into_response();
        }
        Scenario::Slow if login => {
            // Wait in this connection's task only; other connections are served meanwhile.
            let mut stop = shared.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(SLOW_DELAY) => {}
                _ = stop.wait_for(|v| *v) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
            }
        }
        _ => {}
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
