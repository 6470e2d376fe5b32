//! `http.*`: answers that did not come from the Control Room's API, or not in its usual shape.
//!
//! [`classify`] sorts one response (in [`super::classify`]); the login and validate answers of kinds
//! other than [`Kind::ControlRoomError`] and [`Kind::Json`] are explained here, one function per hint,
//! the Control Room's own verdicts in `auth` and `token`.

use super::classify::{Kind, UI_MARKERS, block_marker, classify};
use super::facts::Ctx;
use super::rank::{LIKELY, ROOT};
use super::text::{html_text, html_title, response_evidence, shorten, status_line};
use super::{Hint, HintId, Severity, links};
use crate::transcript::{ProbePurpose, RecordedResponse, StepName, StepStatus};

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    for step in [StepName::Authenticate, StepName::Validate] {
        let Some(rec) = cx.step(step) else { continue };
        if rec.status != StepStatus::Failed {
            continue;
        }
        let Some(r) = rec.response.as_ref() else { continue };
        // A failed validate is secondary when the login already worked; keep it below login causes.
        let w = if step == StepName::Authenticate { ROOT } else { LIKELY };
        match classify(r) {
            Kind::Redirect => redirect(cx, out, step, r, w),
            Kind::BlockPage => blocked(cx, out, step, r, w),
            Kind::WebPage => not_api(cx, out, step, r, w),
            Kind::NotFound if step == StepName::Authenticate && enterprise_11(cx).is_some() => {
                enterprise_11_hint(cx, out, r, w)
            }
            Kind::NotFound => not_found(cx, out, step, r, w),
            Kind::Maintenance => maintenance(cx, out, step, r, w),
            Kind::ProxyAuth => super::network::proxy_auth(cx, out, step, r),
            Kind::Method => method(cx, out, step, r, w),
            Kind::RateLimited => rate_limited(cx, out, step, r, w),
            Kind::GatewayError => server_error(cx, out, step, r, w),
            // A 2xx login answer without a token is `auth.no-token`.
            Kind::Other if r.status != 401 && !(step == StepName::Authenticate && (200..300).contains(&r.status)) => {
                not_api(cx, out, step, r, w)
            }
            Kind::Json if r.status >= 400 && r.status != 401 => not_api(cx, out, step, r, w),
            Kind::Json if step == StepName::Validate && cx.t.token_valid.is_none() => not_api(cx, out, step, r, w),
            _ => {}
        }
    }
}

fn what_call(step: StepName) -> &'static str {
    match step {
        StepName::Authenticate => "the login (`POST /v2/authentication`)",
        StepName::Validate => "the token check (`GET /v1/authentication/token`)",
        StepName::Logout => "the logout",
        _ => "the request",
    }
}

fn redirect(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let location = r.header("location").unwrap_or("").trim();
    let loc_short = shorten(location, 160);
    let loc_l = location.to_ascii_lowercase();
    let (target_scheme, target_host) = split_url(location);
    let same_host = target_host.is_empty() || target_host.eq_ignore_ascii_case(&cx.host);
    const SSO: &[&str] = &[
        "saml",
        "sso",
        "adfs",
        "okta",
        "login.microsoftonline",
        "oauth",
        "openid",
        "/idp",
        "auth0",
        "pingone",
        "onelogin",
        "pingfederate",
        "/cas/",
        "shibboleth",
        "duosecurity",
    ];
    let (title, why, fix) = if same_host && target_scheme == "https" && cx.plain_http() {
        (
            "The Control Room redirected the login to https".to_string(),
            format!(
                "The plain-http login was answered with {} to `{loc_short}`: the Control Room forces https. The \
                 redirect was not followed, because a redirected login is turned into a GET by most tools (and fails \
                 with 405), and because the {} already crossed the network unencrypted once.",
                status_line(r),
                cx.secret_label()
            ),
            format!(
                "1. Use `{}` as the Control Room URL, here and in your scripts.\n2. The {} was sent over plain http: \
                 if the network is not trusted, {}.",
                cx.https_base(),
                cx.secret_label(),
                if cx.api_key() {
                    "generate a new key in *My settings > Generate API-Key*"
                } else {
                    "change the password"
                }
            ),
        )
    } else if SSO.iter().any(|m| loc_l.contains(m)) {
        (
            "The login was redirected to a single sign-on page".to_string(),
            format!(
                "The answer was {} to `{loc_short}`, a single sign-on (SSO) address. Scripts cannot sign in \
                 through an SSO page; a Control Room that uses SSO accepts API logins with an API key instead, and \
                 its users have no Control Room password. If the address is not the Control Room itself, a gateway \
                 in front of it is asking for a browser sign-in.",
                status_line(r)
            ),
            "1. Sign in to the Control Room in the browser and generate an API key in *My settings > Generate \
             API-Key* (an administrator must first give you a role with that permission in *Administration > Roles*).\n\
             2. Choose \"API key\" here and paste it.\n3. Check that the URL is the Control Room itself, not a portal in front of it."
                .to_string(),
        )
    } else {
        let where_to = if location.is_empty() {
            "without saying where (no Location header)".to_string()
        } else if same_host {
            format!("to `{loc_short}` on the same host, which is a web page rather than the API")
        } else {
            format!("to another address, `{loc_short}`")
        };
        (
            "The login was redirected elsewhere".to_string(),
            format!(
                "The answer to {} was {} {where_to}. The redirect was not followed: a redirected login is turned into \
                 a GET (it then fails with 405) and could carry the {} to another server. The Control Room may have \
                 moved, or a gateway in front of it sends unknown requests to a portal.",
                what_call(step),
                status_line(r),
                cx.secret_label()
            ),
            if !same_host && !target_host.is_empty() {
                format!(
                    "1. If `{target_host}` is your Control Room's current address, use `https://{target_host}`.\n\
                     2. Otherwise ask the Control Room administrator for the address the API is served on."
                )
            } else {
                "1. Check the Control Room URL with its administrator (the API lives at the host's root, e.g. \
                 `https://cr.company.com/v2/authentication`).\n2. Remove any path from the URL."
                    .to_string()
            },
        )
    };
    out.push(
        Hint::new(HintId::HttpRedirect, Severity::Error, title)
            .detail(why)
            .fix(fix)
            .step(step)
            .evidence(format!(
                "{}, Location: {}",
                status_line(r),
                if location.is_empty() { "(none)" } else { &loc_short }
            ))
            .weight(w),
    );
}

/// `https://host:port/path` → (`https`, `host`). Relative locations give empty parts.
fn split_url(loc: &str) -> (String, String) {
    let Some(i) = loc.find("://") else {
        return (String::new(), String::new());
    };
    let scheme = loc[..i].to_ascii_lowercase();
    let rest = &loc[i + 3..];
    let auth = rest.split(['/', '?', '#']).next().unwrap_or("");
    let auth = auth.rsplit('@').next().unwrap_or(auth);
    let host = if auth.starts_with('[') {
        auth.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        auth.split(':').next().unwrap_or("").to_string()
    };
    (scheme, host.to_ascii_lowercase())
}

fn blocked(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let marker = block_marker(r);
    let sign_in = r.status == 401 && marker.is_none();
    let title = if sign_in {
        "A web server in front of the Control Room asked for its own sign-in".to_string()
    } else {
        "A firewall or proxy answered instead of the Control Room".to_string()
    };
    let what = match (&marker, html_title(&r.body)) {
        (Some(m), Some(t)) => format!("a page titled \"{}\" ({m})", shorten(&t, 80)),
        (Some(m), None) => format!("an answer where {m}"),
        (None, _) if sign_in => format!(
            "401 with `WWW-Authenticate: {}` and no Control Room error",
            shorten(r.header("www-authenticate").unwrap_or(""), 60)
        ),
        (None, _) => format!("{} without the Control Room's JSON error", status_line(r)),
    };
    let forum = if step == StepName::Authenticate {
        " This is what a company firewall or web filter does, and it can look like a credential problem from other \
         tools."
    } else {
        ""
    };
    out.push(
        Hint::new(HintId::HttpBlocked, Severity::Error, title)
            .detail(format!(
                "The answer to {} was {what}. The Control Room answers with JSON, so something between this computer \
                 and the Control Room stopped the call before it arrived.{forum} Your credentials were probably never \
                 checked.",
                what_call(step)
            ))
            .fix(format!(
                "1. Send this report to your network team and ask them to allow HTTPS to `{}` from this computer (or \
                 from the bot runners' network).\n2. Run the check once from another network to confirm.",
                cx.host
            ))
            .step(step)
            .evidence(response_evidence(r))
            .link(links::FIREWALL)
            .weight(w + 5),
    );
}

fn not_api(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let title_txt = html_title(&r.body);
    let lower = if r.looks_like_html() {
        html_text(&r.body).to_ascii_lowercase()
    } else {
        String::new()
    };
    let ui = UI_MARKERS
        .iter()
        .any(|m| lower.contains(m) || r.body.to_ascii_lowercase().contains(m));
    let path_note = match &cx.url {
        Ok(u)
            if u.notes
                .iter()
                .any(|n| matches!(n, crate::target_url::UrlNote::PathDropped { .. })) =>
        {
            " The address you pasted had a path, which was dropped: if the Control Room is served under a path on \
             this host, its administrator must tell you the API address."
        }
        _ => "",
    };
    let (title, why) = if r.looks_like_html() && ui {
        (
            "The address answered with the Control Room's web page, not its API".to_string(),
            format!(
                "The answer to {} was the web interface (page title \"{}\") instead of the API's JSON. The \
                 host serves the browser interface but the API path did not reach the API: a wrong host name (a portal \
                 or a different product on the same server) or a gateway sending unknown paths to the start page.{path_note}",
                what_call(step),
                shorten(title_txt.as_deref().unwrap_or("untitled"), 80)
            ),
        )
    } else if r.looks_like_html() {
        (
            "The address answered with a web page, not the Control Room's API".to_string(),
            format!(
                "The answer to {} was an HTML page{} where the Control Room answers JSON. This address is probably \
                 another web site or server (a company portal, a different product), not the Control Room.{path_note}",
                what_call(step),
                title_txt
                    .as_deref()
                    .map(|t| format!(" titled \"{}\"", shorten(t, 80)))
                    .unwrap_or_default()
            ),
        )
    } else {
        (
            "The server's answer is not the Control Room's API".to_string(),
            format!(
                "The answer to {} was {} in a form the Control Room API does not use ({}). The address may belong to \
                 another service, or a gateway in front of the Control Room answered.{path_note}",
                what_call(step),
                status_line(r),
                if r.body.trim().is_empty() {
                    "an empty body".to_string()
                } else if r.json().is_some() {
                    "JSON without the Control Room's fields".to_string()
                } else {
                    format!(
                        "{} text",
                        if r.content_type().is_empty() {
                            "untyped"
                        } else {
                            r.content_type()
                        }
                    )
                }
            ),
        )
    };
    out.push(
        Hint::new(HintId::HttpNotApi, Severity::Error, title)
            .detail(why)
            .fix(
                "1. Open the Control Room in a browser and copy the address up to the host name (e.g. \
                 `https://acme.my.automationanywhere.digital`).\n2. Check that `<that address>/swagger/` (with the \
                 trailing slash) shows the Control Room's API pages.\n3. If it does and this check still gets a web page, \
                 send this report to the Control Room administrator.",
            )
            .step(step)
            .evidence(response_evidence(r))
            .weight(w),
    );
}

fn not_found(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let path = match step {
        StepName::Validate => "/v1/authentication/token",
        _ => "/v2/authentication",
    };
    out.push(
        Hint::new(HintId::HttpNotFound, Severity::Error, format!("There is no Control Room API at {}", cx.host))
            .detail(format!(
                "The server answered 404 (not found) to `{path}`. Either the address is not the Control Room (another \
                 web server, or the Bot Agent's or a portal's address), the Control Room is served under a path that \
                 the address does not show, or it is a version without this API (the v2 login exists in Automation 360; \
                 Enterprise 11 only has v1)."
            ))
            .fix(
                "1. Open the Control Room in a browser and copy its address up to the host name.\n2. Open \
                 `<that address>/swagger/` (with the trailing slash): it should list the authentication API.\n3. Ask the \
                 administrator which Control Room version runs there.",
            )
            .step(step)
            .evidence(response_evidence(r))
            .link(links::CR_APIS)
            .weight(w),
    );
}

/// The v1 login probe's answer when it shows a Control Room: its own error shape (an Enterprise 11.x
/// Control Room answers its v1 login; anything else answers 404 or a web page there too).
fn enterprise_11<'a>(cx: &Ctx<'a>) -> Option<&'a RecordedResponse> {
    let r = cx.t.probe(ProbePurpose::V1Login)?.response.as_ref()?;
    (r.status != 404 && !r.looks_like_html() && (r.from_control_room() || super::classify::is_control_room_shape(r)))
        .then_some(r)
}

fn enterprise_11_hint(cx: &Ctx, out: &mut Vec<Hint>, r: &RecordedResponse, w: u32) {
    let v1 = enterprise_11(cx);
    out.push(
        Hint::new(
            HintId::HttpEnterprise11,
            Severity::Error,
            format!("{} is an Enterprise 11 Control Room, not Automation 360", cx.host),
        )
        .detail(format!(
            "The Automation 360 login (`POST /v2/authentication`) does not exist here (404), while the older login, \
             `POST /v1/authentication`, answers like a Control Room. That is an Automation Anywhere Enterprise 11.x \
             Control Room (version 11.3 or earlier): its API signs in with `/v1/authentication` and this tool tests \
             the Automation 360 API, so it cannot test {}'s {} here. No login was attempted on the account.",
            cx.user(),
            cx.secret_label()
        ))
        .fix(format!(
            "1. If you expected Automation 360, ask the administrator for the Automation 360 Control Room's address: \
             `{}` is the old server.\n2. To use this Enterprise 11 server from scripts, sign in with `POST \
             {}/v1/authentication` and a JSON body `{{\"username\": …, \"password\": …}}` (or `\"apiKey\"`), then send \
             the token in the `X-Authorization` header.\n3. Plan the move to Automation 360: Enterprise 11 is no \
             longer developed.",
            cx.host,
            cx.https_base()
        ))
        .step(StepName::Authenticate)
        .evidence(format!(
            "POST /v2/authentication: {}; POST /v1/authentication (empty body): {}",
            response_evidence(r),
            v1.map(response_evidence).unwrap_or_default()
        ))
        .link(links::CR_APIS)
        .weight(w),
    );
}

fn maintenance(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let title_txt = html_title(&r.body);
    let text = if r.looks_like_html() {
        html_text(&r.body)
    } else {
        r.body.clone()
    };
    let aa = UI_MARKERS.iter().any(|m| text.to_ascii_lowercase().contains(m));
    let retry = r.header("retry-after").map(|v| shorten(v.trim(), 40));
    let when = match retry.as_deref().and_then(|v| v.parse::<u64>().ok()) {
        Some(n) if n >= 120 => format!("The server says to try again in about {} minutes.", n / 60),
        Some(n) => format!("The server says to try again in {n} seconds."),
        None => String::new(),
    };
    out.push(
        Hint::new(
            HintId::HttpMaintenance,
            Severity::Error,
            format!("{} is in a maintenance window", cx.host),
        )
        .detail(format!(
            "The answer to {} was {} with {}{}: the Control Room is being updated or maintained, and its API \
             answers again when the window ends. This is not caused by your credentials or your network. {when}",
            what_call(step),
            status_line(r),
            if aa {
                "an Automation Anywhere maintenance page"
            } else {
                "a maintenance page"
            },
            title_txt
                .as_deref()
                .map(|t| format!(" (\"{}\")", shorten(t, 80)))
                .unwrap_or_default()
        ))
        .fix(
            "1. Wait until the maintenance window is over (cloud Control Rooms announce theirs in advance; for \
             an on-premises one, ask its administrator), then run the check once.\n2. If the page stays long after \
             the announced end, tell the Control Room administrator (or Automation Anywhere support, for a cloud \
             Control Room), with the time of this check.",
        )
        .step(step)
        .evidence(format!(
            "{}{}",
            response_evidence(r),
            retry.map(|v| format!(", Retry-After: {v}")).unwrap_or_default()
        ))
        .weight(w + 5),
    );
}

fn method(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let allow = r
        .header("allow")
        .map(|a| format!(", Allow: {}", shorten(a, 60)))
        .unwrap_or_default();
    out.push(
        Hint::new(
            HintId::HttpMethod,
            Severity::Error,
            "The server does not accept this kind of request at this address",
        )
        .detail(format!(
            "The answer to {} was 405 (method not allowed){allow}. The Control Room accepts the login as a POST, \
                 so this server is not the Control Room's API, or a proxy in between changed the request. In scripts, \
                 405 usually appears after a redirect turned the POST into a GET (e.g. from `http://` to `https://`).",
            what_call(step)
        ))
        .fix(format!(
            "1. Use `{}` (https, host only) as the address.\n2. In scripts, send `POST /v2/authentication` directly \
                 to that address, without relying on redirects.",
            cx.https_base()
        ))
        .step(step)
        .evidence(format!("{}{allow}", status_line(r)))
        .weight(w),
    );
}

fn rate_limited(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let retry = r.header("retry-after").map(|v| shorten(v.trim(), 40));
    let wait = match retry.as_deref().and_then(|v| v.parse::<u64>().ok()) {
        Some(n) => format!("wait {n} seconds (the server's Retry-After)"),
        None => "wait a few minutes".to_string(),
    };
    out.push(
        Hint::new(
            HintId::HttpRateLimited,
            Severity::Error,
            "The server is limiting how many requests it accepts",
        )
        .detail(format!(
            "The answer to {} was 429 (too many requests). Something is sending many calls to {} with this \
                 account or from this network (a bot or script in a loop, another tool retrying), or a gateway in \
                 front of it has a strict limit.",
            what_call(step),
            cx.host
        ))
        .fix(format!(
            "1. {}, then run the check once.\n2. Look for scripts or bots that log in repeatedly with {} and make \
                 them reuse their token (it lasts 20 minutes).",
            super::input::capitalise(&wait),
            cx.user()
        ))
        .step(step)
        .evidence(format!(
            "{}{}",
            status_line(r),
            retry.map(|v| format!(", Retry-After: {v}")).unwrap_or_default()
        ))
        .weight(w),
    );
}

fn server_error(cx: &Ctx, out: &mut Vec<Hint>, step: StepName, r: &RecordedResponse, w: u32) {
    let gateway = matches!(r.status, 502..=504);
    let why = if gateway {
        format!(
            "The answer to {} was {} from a gateway or load balancer in front of the Control Room, not from the \
             Control Room: the Control Room behind it is down, restarting or too slow, or the gateway cannot reach it.",
            what_call(step),
            status_line(r)
        )
    } else {
        format!(
            "The answer to {} was {} without the Control Room's JSON error: the server failed before the Control \
             Room could answer (it may be starting or unhealthy), or a device in between answered.",
            what_call(step),
            status_line(r)
        )
    };
    out.push(
        Hint::new(
            HintId::HttpServerError,
            Severity::Error,
            format!("The server at {} reported an internal failure", cx.host),
        )
        .detail(format!("{why} This is not caused by your credentials."))
        .fix(
            "1. Open the Control Room in a browser: if it fails there too, tell its administrator (for a cloud \
                 Control Room, Automation Anywhere support), with the time of this check.\n2. Run the check once more \
                 later.",
        )
        .step(step)
        .evidence(response_evidence(r))
        .weight(w),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            split_url("https://u@h.example:8443/x"),
            ("https".into(), "h.example".into())
        );
        assert_eq!(split_url("/relative"), (String::new(), String::new()));
    }
}
