//! Which call of the Control Room's API a pasted request is: every rule depends on it (a login
//! body is checked only on a login, a token's place only after one), and the corrected requests
//! reuse the address it was sent to.

use crate::paste::PastedRequest;
use crate::paste::mask::query_pairs;

/// Which call of the Control Room's API a request is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Login {
        v1: bool,
    },
    Validate,
    Refresh {
        v1: bool,
    },
    Logout,
    /// A page of the web interface or Swagger: the words say which.
    WebUi(&'static str),
    /// Another API call (`/v1/…`, `/v2/…`, `/v3/…`).
    OtherApi,
    /// A login body pasted alone: no address, no method.
    Body,
}

/// The path of a URL as written (also `{{baseUrl}}/v2/…`), and its fragment.
fn path_of(url: &str) -> (String, String) {
    let u = url.trim();
    let after_authority = if let Some((_, rest)) = u.split_once("://") {
        rest.find('/').map(|i| &rest[i..]).unwrap_or("")
    } else if u.starts_with("{{") {
        u.find("}}").map(|i| &u[i + 2..]).unwrap_or("")
    } else if u.starts_with('/') {
        u
    } else {
        u.find('/').map(|i| &u[i..]).unwrap_or("")
    };
    let (before_frag, frag) = after_authority.split_once('#').unwrap_or((after_authority, ""));
    let path = before_frag.split('?').next().unwrap_or("");
    (path.to_ascii_lowercase(), frag.to_string())
}

pub(crate) fn endpoint(r: &PastedRequest) -> Endpoint {
    if r.url.trim().is_empty() {
        return Endpoint::Body;
    }
    let (path, frag) = path_of(&r.url);
    if frag.starts_with('/') {
        return Endpoint::WebUi("a page of the web interface (the part after `#/` never reaches the server)");
    }
    if path.contains("/swagger") {
        return Endpoint::WebUi("the Swagger page, which documents the API but is not the API");
    }
    let path = path.trim_end_matches('/');
    let has_token_query = query_pairs(&r.url).iter().any(|(k, _)| k == "token");
    if path.ends_with("/v1/authentication") || path.ends_with("/v2/authentication") {
        return Endpoint::Login {
            v1: path.ends_with("/v1/authentication"),
        };
    }
    if path.ends_with("/authentication/token") {
        let v1 = path.ends_with("/v1/authentication/token");
        if has_token_query || r.effective_method() == "GET" {
            return Endpoint::Validate;
        }
        return Endpoint::Refresh { v1 };
    }
    if path.ends_with("/authentication/logout") {
        return Endpoint::Logout;
    }
    let api = path
        .split('/')
        .any(|seg| seg.len() >= 2 && seg.starts_with('v') && seg[1..].chars().all(|c| c.is_ascii_digit()));
    if api {
        Endpoint::OtherApi
    } else {
        Endpoint::WebUi("the web interface, not the API (API paths start with `/v1/`, `/v2/` …)")
    }
}

/// `https://cr.example.com` or `{{baseUrl}}`: the part before the path, for corrected requests.
pub(super) fn base_of(url: &str) -> String {
    let u = url.trim();
    if let Ok(p) = url::Url::parse(u)
        && let Some(host) = p.host_str()
    {
        let port = p.port().map(|p| format!(":{p}")).unwrap_or_default();
        let scheme = if is_loopback(host) { p.scheme() } else { "https" };
        return format!("{scheme}://{host}{port}");
    }
    if u.starts_with("{{")
        && let Some(i) = u.find("}}")
    {
        return u[..i + 2].to_string();
    }
    "https://your-control-room".to_string()
}

pub(super) fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1")
}
