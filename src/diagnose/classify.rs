//! Sorting one HTTP answer: the Control Room's API, or a redirect, a block page, a web page, a
//! gateway error… ([`classify`]). The `http`, `auth` and `token` hints start from this.

use super::text::{html_text, shorten, squash};
use crate::transcript::RecordedResponse;

/// What kind of answer a response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// 3xx.
    Redirect,
    /// A firewall, proxy or web filter page, or a 403 / sign-in demand that is not the Control Room's.
    BlockPage,
    /// Some other web page (HTML): the web interface or another site.
    WebPage,
    /// 404 (not the Control Room's JSON).
    NotFound,
    /// 405.
    Method,
    /// 429.
    RateLimited,
    /// 5xx whose body is not the Control Room's own error.
    GatewayError,
    /// 503 (or another 5xx) with a maintenance page: the Control Room is in its maintenance window.
    Maintenance,
    /// 407: a proxy wants its own sign-in (a plain-http request through a company proxy).
    ProxyAuth,
    /// The Control Room's JSON error shape (`code`/`message`), or Spring's default error body.
    ControlRoomError,
    /// Other JSON.
    Json,
    /// Anything else: plain text, empty body, binary.
    Other,
}

/// Words of block pages. Vendor names are strong evidence; phrases need an HTML or text page.
const BLOCK_VENDORS: &[&str] = &[
    "zscaler",
    "blue coat",
    "bluecoat",
    "forcepoint",
    "websense",
    "fortiguard",
    "fortigate",
    "fortinet",
    "palo alto",
    "pan-os",
    "netskope",
    "symantec",
    "mcafee web gateway",
    "skyhigh",
    "cisco umbrella",
    "opendns",
    "sophos",
    "barracuda",
    "check point",
    "squid",
    "websense",
    "contentkeeper",
    "iboss",
    "smoothwall",
    "untangle",
    "sonicwall",
    "watchguard",
    "imperva",
    "incapsula",
    "cloudflare",
    "akamai",
];
const BLOCK_PHRASES: &[&str] = &[
    "access denied",
    "access to this site",
    "site blocked",
    "website blocked",
    "web page blocked",
    "page blocked",
    "has been blocked",
    "is blocked",
    "was blocked",
    "blocked by",
    "web filter",
    "url filter",
    "content filter",
    "security policy",
    "acceptable use",
    "firewall",
    "request rejected",
    "the requested url was rejected",
    "not allowed by your administrator",
    "proxy",
];
/// Headers set by proxies and web filters.
const BLOCK_HEADERS: &[&str] = &[
    "x-zscaler",
    "x-bluecoat",
    "x-squid-error",
    "x-fortinet",
    "x-forcepoint",
    "x-iinfo",
];

/// Markers of the Control Room's own web interface.
pub(crate) const UI_MARKERS: &[&str] = &[
    "automation anywhere",
    "automation 360",
    "control room",
    "app-root",
    "#/login",
];

pub(crate) fn is_control_room_shape(r: &RecordedResponse) -> bool {
    let Some(v) = r.json() else { return false };
    let Some(o) = v.as_object() else { return false };
    let cr = o.get("code").is_some_and(|c| c.is_string()) && (o.contains_key("message") || o.contains_key("details"));
    let spring =
        o.contains_key("status") && o.contains_key("error") && (o.contains_key("path") || o.contains_key("timestamp"));
    cr || spring
}

/// Evidence that the page is a block page, e.g. `"Zscaler"` or header `X-Zscaler-…`.
pub(crate) fn block_marker(r: &RecordedResponse) -> Option<String> {
    for (k, _) in &r.headers {
        let k = k.to_ascii_lowercase();
        if BLOCK_HEADERS.iter().any(|h| k.starts_with(h)) {
            return Some(format!("header {k}"));
        }
    }
    if let Some(server) = r.header("server") {
        let s = server.to_ascii_lowercase();
        if let Some(v) = BLOCK_VENDORS.iter().find(|v| s.contains(*v)) {
            // Cloudflare and Akamai front many real sites; only a page saying "blocked" counts for them.
            if !matches!(*v, "cloudflare" | "akamai") {
                return Some(format!("Server: {}", shorten(server, 60)));
            }
        }
    }
    if r.json().is_some() {
        return None;
    }
    let text = if r.looks_like_html() {
        html_text(&r.body)
    } else {
        squash(&r.body)
    };
    let lower = text.to_ascii_lowercase();
    let vendor = BLOCK_VENDORS
        .iter()
        .find(|v| lower.contains(*v) && !matches!(**v, "cloudflare" | "akamai"));
    let phrase = BLOCK_PHRASES.iter().find(|p| lower.contains(*p));
    match (vendor, phrase) {
        (Some(v), _) => Some(format!("the page names \"{v}\"")),
        // "proxy" alone is weak (the web interface may mention proxies): require a second phrase or a 403.
        (None, Some(&"proxy")) if r.status == 403 => Some("the page mentions a proxy".into()),
        (None, Some(&"proxy")) => None,
        (None, Some(p)) => {
            // The Control Room's own web interface never says "blocked"; but guard the phrase "access denied"
            // inside an Automation Anywhere page (v1's answer) by requiring no UI marker for it.
            let ui = UI_MARKERS.iter().any(|m| lower.contains(m));
            if *p == "access denied" && ui {
                None
            } else {
                Some(format!("the page says \"{p}\""))
            }
        }
        (None, None) => None,
    }
}

/// Words of maintenance pages.
const MAINTENANCE_WORDS: &[&str] = &[
    "maintenance",
    "scheduled downtime",
    "being upgraded",
    "upgrade in progress",
    "we'll be back",
    "we will be back",
];

/// A maintenance page: a 5xx whose text says so.
pub(crate) fn is_maintenance(r: &RecordedResponse) -> bool {
    if r.status < 500 || is_control_room_shape(r) {
        return false;
    }
    let text = if r.looks_like_html() {
        html_text(&r.body)
    } else {
        squash(&r.body)
    };
    let lower = text.to_ascii_lowercase();
    MAINTENANCE_WORDS.iter().any(|w| lower.contains(w))
}

pub(crate) fn classify(r: &RecordedResponse) -> Kind {
    let s = r.status;
    if (300..400).contains(&s) {
        return Kind::Redirect;
    }
    if s == 407 {
        return Kind::ProxyAuth;
    }
    if is_maintenance(r) {
        return Kind::Maintenance;
    }
    let cr = is_control_room_shape(r);
    if !cr && block_marker(r).is_some() {
        return Kind::BlockPage;
    }
    if cr && r.control_room_error().and_then(|e| e.code).as_deref() == Some("generic.server.exception") {
        return Kind::ControlRoomError;
    }
    match s {
        // A Spring "Not Found" body (no Control Room error code) is the server saying it has no such
        // endpoint: an older Control Room without the v2 login, or not a Control Room at all.
        404 if r.control_room_error().and_then(|e| e.code).is_none() => return Kind::NotFound,
        405 => return Kind::Method,
        429 => return Kind::RateLimited,
        403 if !cr => return Kind::BlockPage,
        401 if !cr && !r.looks_like_html() && r.header("www-authenticate").is_some_and(|w| !w.trim().is_empty()) => {
            return Kind::BlockPage;
        }
        _ => {}
    }
    if s >= 500 && !cr {
        return Kind::GatewayError;
    }
    if r.looks_like_html() {
        return Kind::WebPage;
    }
    if cr {
        return Kind::ControlRoomError;
    }
    if r.json().is_some() {
        return Kind::Json;
    }
    Kind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, ct: &str, body: &str) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: vec![("content-type".into(), ct.into())],
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(classify(&resp(302, "", "")), Kind::Redirect);
        assert_eq!(
            classify(&resp(
                403,
                "text/html",
                "<html><title>Access Denied</title>Zscaler</html>"
            )),
            Kind::BlockPage
        );
        assert_eq!(
            classify(&resp(403, "application/json", r#"{"code":"X","message":"no"}"#)),
            Kind::ControlRoomError
        );
        assert_eq!(classify(&resp(403, "text/plain", "Forbidden")), Kind::BlockPage);
        assert_eq!(
            classify(&resp(
                200,
                "text/html",
                "<html><title>Automation 360</title><app-root></app-root></html>"
            )),
            Kind::WebPage
        );
        assert_eq!(
            classify(&resp(502, "text/html", "<html><title>502 Bad Gateway</title></html>")),
            Kind::GatewayError
        );
        assert_eq!(classify(&resp(502, "text/plain", "bad gateway")), Kind::GatewayError);
        assert_eq!(
            classify(&resp(
                500,
                "application/json",
                r#"{"code":"generic.server.exception","details":null,"message":"x"}"#
            )),
            Kind::ControlRoomError
        );
        assert_eq!(classify(&resp(404, "", "")), Kind::NotFound);
        assert_eq!(classify(&resp(429, "", "")), Kind::RateLimited);
        assert_eq!(classify(&resp(200, "application/json", "{}")), Kind::Json);
        assert_eq!(
            classify(&resp(
                503,
                "text/html",
                "<html><title>Automation 360</title><h1>Scheduled maintenance</h1></html>"
            )),
            Kind::Maintenance
        );
        assert_eq!(
            classify(&resp(503, "text/html", "<html>Service Unavailable</html>")),
            Kind::GatewayError
        );
        assert_eq!(classify(&resp(407, "text/html", "<html>auth</html>")), Kind::ProxyAuth);
    }
}
