//! The static diagnosis of pasted requests: each is mapped to the Control Room's API (which call it
//! is, what that call expects) and every mistake visible in it gets a hint that quotes the
//! offending part (secrets masked) and shows the corrected request as a curl line that takes the
//! secret from an environment variable ([`crate::snippets::curl`]).
//!
//! The facts, from `docs/control-room-api.md` (cited as "reference §N" and its sources):
//! the login is `POST /v2/authentication` with a JSON body of `username` and exactly one of
//! `apiKey` / `password`, camelCase (§1.1, §1.2; [D1] [D7] [C1]–[C6]), sent as
//! `Content-Type: application/json` (§1.3; [D13] [C1]); `POST /v1/authentication` is discontinued
//! from A360 v.33 and answers "Access Denied" (§5; [D7] [F1]); a token is a JWT (`eyJ…`, three
//! parts) that the login returns, not the API key (§3.1, §7.1; [F1]); validate is
//! `GET /v1/authentication/token?token=…` (§2.1; [D2]); every call after the login carries the bare
//! token in `X-Authorization`, no `Bearer` (§2.4, §7.2, §7.3; [D2] [D11] [F2] [F4]); logout is
//! `POST /v1/authentication/logout` (§2.3; [D4]); an API key has 40 characters (§3.2; [D1]);
//! whitespace and curly quotes from documents break keys and bodies (§7.6, §7.11; [F2]); the base
//! URL is `scheme://host[:port]`, and `/#/login` or `/swagger/` are web pages (§6; [D13]);
//! on-premises Control Rooms may force https (§7.17; [D15]).

use super::fields::{self, SMART_QUOTES};
use super::mask::query_pairs;
use super::{FoundSecret, Paste, PastedAnswer, PastedRequest, Place, SecretKind, quote};
use crate::diagnose::{Hint, HintId, Severity};
use crate::plan::AuthMode;
use crate::transcript::{RecordedRequest, StepName};

/// Weights, as the check's (`src/diagnose/rank.rs`): a fact that explains a failure better than
/// the failure's own hint; the root cause; a likely one; context.
pub(crate) const LEAD: u32 = 120;
pub(crate) const ROOT: u32 = 100;
pub(crate) const LIKELY: u32 = 60;
pub(crate) const CONTEXT: u32 = 30;

const AUTHENTICATE: &str = "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/enterprise-cloud/topics/control-room/control-room-api/cloud-authenticate-apikey.html";
const VALIDATE: &str = "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/enterprise-cloud/topics/control-room/control-room-api/cloud-validate-token.html";
const CR_APIS: &str = "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/enterprise-cloud/topics/control-room/control-room-api/cloud-control-room-apis.html";

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
fn base_of(url: &str) -> String {
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

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1")
}

/// The field names of a login body and what each stands for.
#[derive(Debug, Default)]
struct LoginFields {
    username: Option<(String, String)>,
    api_key: Option<String>,
    password: Option<String>,
    /// (as written, the right name)
    misspelt: Vec<(String, &'static str)>,
}

fn login_fields(body: &str) -> LoginFields {
    let mut f = LoginFields::default();
    for (k, v) in fields::fields(body) {
        let right = match fields::normalised(&k).as_str() {
            "username" | "user" | "login" | "userid" => Some("username"),
            "apikey" | "key" => Some("apiKey"),
            "password" | "pwd" | "pass" | "passwd" => Some("password"),
            "multiplelogin" | "multilogin" => Some("multipleLogin"),
            _ => None,
        };
        let Some(right) = right else { continue };
        if k != right {
            f.misspelt.push((k.clone(), right));
        }
        match right {
            "username" => f.username = Some((k, v)),
            "apiKey" => f.api_key = Some(k),
            "password" => f.password = Some(k),
            _ => {}
        }
    }
    f
}

/// The sign-in mode a request's login body says.
pub(crate) fn login_mode(r: &PastedRequest) -> Option<AuthMode> {
    let f = login_fields(r.body.as_deref()?);
    match (f.api_key.is_some(), f.password.is_some()) {
        (true, false) => Some(AuthMode::ApiKey),
        (false, true) => Some(AuthMode::Password),
        _ => None,
    }
}

/// The username of a request's login body (never a secret).
pub(crate) fn username(r: &PastedRequest) -> Option<String> {
    let (_, v) = login_fields(r.body.as_deref()?).username?;
    let v = v.trim().to_string();
    (!v.is_empty() && !v.contains("<redacted")).then_some(v)
}

fn secrets_of(paste: &Paste, i: usize) -> impl Iterator<Item = &FoundSecret> {
    paste.secrets.iter().filter(move |s| s.request == Some(i))
}

/// The corrected login, as curl with `$AA_API_KEY` / `$AA_PASSWORD`.
fn corrected_login(base: &str, username: Option<&str>, mode: AuthMode) -> String {
    let body = serde_json::json!({
        "username": username.unwrap_or("YOUR_USERNAME"),
        mode.body_field(): "<redacted: secret>",
    });
    crate::snippets::curl(&RecordedRequest {
        method: "POST".into(),
        url: format!("{base}/v2/authentication"),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: Some(body.to_string()),
    })
}

/// The corrected validate call, as curl with `$AA_TOKEN`.
fn corrected_validate(base: &str) -> String {
    crate::snippets::curl(&RecordedRequest {
        method: "GET".into(),
        url: format!("{base}/v1/authentication/token?token=<redacted token>"),
        headers: vec![("X-Authorization".into(), "<redacted token>".into())],
        body: None,
    })
}

/// The same call with the bare token in `X-Authorization` and no `Authorization` header, no
/// token in the body or query.
fn corrected_call(r: &PastedRequest, method: &str) -> String {
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| {
            !k.eq_ignore_ascii_case("authorization")
                && !k.eq_ignore_ascii_case("x-authorization")
                && !k.eq_ignore_ascii_case("cookie")
        })
        .cloned()
        .collect();
    headers.push(("X-Authorization".into(), "<redacted token>".into()));
    let url = match endpoint(r) {
        Endpoint::Validate => format!("{}/v1/authentication/token?token=<redacted token>", base_of(&r.url)),
        _ => r.url.split('?').next().unwrap_or("").to_string(),
    };
    let body = r.body.as_ref().and_then(|b| {
        let mut m = fields::json_object(b)?;
        m.retain(|k, _| fields::secret_field(k).is_none());
        (!m.is_empty()).then(|| serde_json::Value::Object(m).to_string())
    });
    crate::snippets::curl(&RecordedRequest {
        method: method.into(),
        url,
        headers,
        body,
    })
}

fn with_corrected(fix: &str, curl: &str) -> String {
    format!("{fix}\n\nThe request, corrected (curl; the secret comes from an environment variable):\n{curl}")
}

/// Evidence, prefixed with which request when there are several.
fn evidence(paste: &Paste, i: usize, text: String) -> String {
    if paste.requests.len() > 1 {
        let r = &paste.requests[i];
        format!("request {} ({}): {text}", i + 1, quote(&r.origin, 60))
    } else {
        text
    }
}

/// The answer pasted with request `i`, quoted, for the evidence of the hint that explains it.
fn answer_of(paste: &Paste, i: usize) -> Option<&PastedAnswer> {
    paste.answers.iter().find(|a| a.request == Some(i))
}

fn answer_quote(a: &PastedAnswer) -> String {
    let status = a
        .status
        .map(|s| format!("{s} {}", a.reason).trim().to_string())
        .unwrap_or_else(|| "no status line pasted".into());
    if a.body.trim().is_empty() {
        format!("the answer: {status}")
    } else {
        format!("the answer: {status}, \"{}\"", quote(&a.body, 160))
    }
}

/// Whether the hints of request `i` already explain its answer (the discontinued v1 login, an API
/// key sent to validate): the window's words for the answer would then blame the key.
pub(crate) fn explains_its_answer(paste: &Paste, i: usize) -> bool {
    let Some(r) = paste.requests.get(i) else { return false };
    match endpoint(r) {
        Endpoint::Login { v1: true } | Endpoint::Refresh { v1: true } => true,
        Endpoint::Validate | Endpoint::OtherApi | Endpoint::Logout => token_values(paste, i)
            .iter()
            .any(|s| s.kind == SecretKind::TokenPlace && !s.facts.reference),
        Endpoint::WebUi(_) => true,
        _ => false,
    }
}

/// The values sent where a token goes: `X-Authorization`, `Authorization`, `?token=`.
fn token_values(paste: &Paste, i: usize) -> Vec<&FoundSecret> {
    secrets_of(paste, i)
        .filter(|s| match &s.place {
            Place::Header(h) => fields::normalised(h).contains("authorization"),
            Place::Query(q) => q == "token",
            _ => false,
        })
        .collect()
}

/// Every request's mistakes, plus the unresolved variables once.
pub(crate) fn check(paste: &Paste) -> Vec<Hint> {
    let mut out = Vec::new();
    for (i, r) in paste.requests.iter().enumerate() {
        check_request(paste, i, r, &mut out);
    }
    unresolved(paste, &mut out);
    out
}

fn check_request(paste: &Paste, i: usize, r: &PastedRequest, out: &mut Vec<Hint>) {
    let ep = endpoint(r);
    let method = r.effective_method();
    let base = base_of(&r.url);
    let answer = answer_of(paste, i).map(answer_quote);
    let with_answer = |ev: String| match &answer {
        Some(a) => format!("{ev}; {a}"),
        None => ev,
    };
    match &ep {
        Endpoint::WebUi(what) => {
            out.push(
                Hint::new(
                    HintId::RequestWebUrl,
                    Severity::Error,
                    "The request goes to a web page, not to the Control Room's API",
                )
                .detail(format!(
                    "The address `{}` is {what}. Pages of the web interface answer with HTML (or 404/405), never \
                         with a token. The API lives at the host's root: the login is `{base}/v2/authentication`.",
                    quote(&r.url, 160)
                ))
                .fix(with_corrected(
                    "1. Keep only `https://` and the host name (and a port if there is one) of the address, as \
                         the Control Room URL.\n2. Add the API path to it: `/v2/authentication` for the login.",
                    &corrected_login(&base, username(r).as_deref(), login_mode(r).unwrap_or_default()),
                ))
                .step(StepName::Authenticate)
                .evidence(evidence(paste, i, with_answer(r.line())))
                .link(AUTHENTICATE)
                .weight(LEAD),
            );
            return;
        }
        Endpoint::Login { v1 } => {
            if *v1 {
                out.push(v1_login(paste, i, r, &base, with_answer(r.line()), false));
            }
            if method != "POST" {
                out.push(wrong_method(
                    paste,
                    i,
                    r,
                    "POST",
                    "the login (`/v2/authentication`)",
                    &with_answer(r.line()),
                    &corrected_login(&base, username(r).as_deref(), login_mode(r).unwrap_or_default()),
                ));
            }
            login_body(paste, i, r, &base, out);
            content_type(paste, i, r, &base, out);
        }
        Endpoint::Body => login_body(paste, i, r, &base, out),
        Endpoint::Refresh { v1 } => {
            if *v1 {
                out.push(v1_login(paste, i, r, &base, with_answer(r.line()), true));
            }
        }
        Endpoint::Validate => {
            if method != "GET" {
                out.push(wrong_method(
                    paste,
                    i,
                    r,
                    "GET",
                    "validate (`/v1/authentication/token?token=…`)",
                    &with_answer(r.line()),
                    &corrected_validate(&base),
                ));
            }
        }
        Endpoint::Logout => {
            if method != "POST" {
                out.push(wrong_method(
                    paste,
                    i,
                    r,
                    "POST",
                    "the logout (`/v1/authentication/logout`)",
                    &with_answer(r.line()),
                    &corrected_call(r, "POST"),
                ));
            }
        }
        Endpoint::OtherApi => {}
    }
    if !matches!(ep, Endpoint::Login { .. } | Endpoint::Body) {
        token_place(paste, i, r, &ep, &base, answer.as_deref(), out);
    } else {
        // A login carries no token; `Authorization: Basic` there is a credential in the wrong place.
        authorization_header(paste, i, r, &ep, &base, out);
    }
    plain_http(paste, i, r, &base, out);
}

fn v1_login(paste: &Paste, i: usize, r: &PastedRequest, base: &str, ev: String, refresh: bool) -> Hint {
    let (title, what) = if refresh {
        (
            "The request refreshes a token at the old v1 endpoint, which no longer works",
            "`POST /v1/authentication/token` (refresh) was discontinued from Automation 360 v.33 with the v1 login; \
             the replacement is `POST /v2/authentication/token`, or simply a new login.",
        )
    } else {
        (
            "The request logs in at the old v1 endpoint, which no longer works",
            "`POST /v1/authentication` was discontinued from Automation 360 v.33 and answers \"Access Denied\" on \
             current Control Rooms, whatever the key or password. Samples and old documentation still show it.",
        )
    };
    Hint::new(HintId::RequestV1Login, Severity::Error, title)
        .detail(format!(
            "{what} The login is `POST /v2/authentication`, with the same JSON body. Keep `/v1/authentication/token` \
             (validate) and `/v1/authentication/logout`: those are still v1."
        ))
        .fix(with_corrected(
            "1. Replace `/v1/authentication` with `/v2/authentication` in the request (Postman, script, bot).\n2. Send \
             `username` and exactly one of `apiKey` or `password` as JSON.",
            &corrected_login(base, username(r).as_deref(), login_mode(r).unwrap_or_default()),
        ))
        .step(StepName::Authenticate)
        .evidence(evidence(paste, i, ev))
        .link(CR_APIS)
        .weight(LEAD)
}

/// "Access Denied" pasted alone: what the discontinued v1 login answers.
pub(crate) fn v1_from_answer_only(a: &PastedAnswer) -> Hint {
    Hint::new(
        HintId::RequestV1Login,
        Severity::Warning,
        "\"Access Denied\" is what the old v1 login answers",
    )
    .detail(
        "Current Control Rooms answer \"Access Denied\" to every login at `POST /v1/authentication`, which was \
         discontinued from Automation 360 v.33, whatever the key or password. What the answer alone cannot tell: \
         where the request was sent. If it went to `/v1/authentication`, that is the cause; if it went to \
         `/v2/authentication`, paste the request too, or run a test.",
    )
    .fix(with_corrected(
        "1. Check the address of the request: it must end with `/v2/authentication`, not `/v1/authentication`.\n2. \
         Or run a test (\"Test it the right way\"), which calls the v2 login.",
        &corrected_login("https://your-control-room", None, AuthMode::ApiKey),
    ))
    .step(StepName::Authenticate)
    .evidence(answer_quote(a))
    .link(CR_APIS)
    .weight(LIKELY)
}

fn wrong_method(paste: &Paste, i: usize, r: &PastedRequest, want: &str, call: &str, ev: &str, corrected: &str) -> Hint {
    let how = match &r.method {
        Some(_) => "as written".to_string(),
        None if r.body.is_some() => "curl's default with a body".to_string(),
        None => "the default without a body".to_string(),
    };
    Hint::new(
        HintId::RequestMethod,
        Severity::Error,
        format!("The request uses {} where {call} needs {want}", r.effective_method()),
    )
    .detail(format!(
        "The method is `{}` ({how}); {call} only answers `{want}`. With another method the Control Room answers 405 or \
         an error page instead of doing the call.",
        r.effective_method()
    ))
    .fix(with_corrected(
        &format!("Send it as `{want}` (curl: `-X {want}`; Postman: the method menu)."),
        corrected,
    ))
    .step(StepName::Authenticate)
    .evidence(evidence(paste, i, ev.to_string()))
    .link(AUTHENTICATE)
    .weight(LEAD)
}

/// The login body: present, JSON, straight quotes, the right field names, exactly one secret, a
/// usable key.
fn login_body(paste: &Paste, i: usize, r: &PastedRequest, base: &str, out: &mut Vec<Hint>) {
    let user = username(r);
    let mode = login_mode(r).unwrap_or_default();
    let corrected = corrected_login(base, user.as_deref(), mode);
    let body = r.body.as_deref().unwrap_or("").trim();
    if body.is_empty() {
        out.push(
            Hint::new(HintId::RequestNotJson, Severity::Error, "The login request has no body")
                .detail(
                    "The login sends the username and the API key (or password) as a JSON body; this request has \
                     none, so the Control Room has nothing to check.",
                )
                .fix(with_corrected(
                    "Add the JSON body with `username` and `apiKey` (or `password`).",
                    &corrected,
                ))
                .step(StepName::Authenticate)
                .evidence(evidence(paste, i, format!("{}, no body", r.line())))
                .link(AUTHENTICATE)
                .weight(ROOT),
        );
        return;
    }
    let is_json = fields::json_object(body).is_some();
    let curly = body.contains(SMART_QUOTES);
    if curly {
        let (severity, weight, why) = if is_json {
            (
                Severity::Warning,
                LIKELY,
                "The JSON is valid, but a value contains curly quotes, so the value sent is not the real one.",
            )
        } else {
            (
                Severity::Error,
                LEAD + 10,
                "JSON only knows straight quotes (\"), so the Control Room cannot read this body: it answers with \
                 an error such as `generic.server.exception` instead of checking the key.",
            )
        };
        let sample: String = body
            .char_indices()
            .find(|(_, c)| SMART_QUOTES.contains(c))
            .map(|(at, _)| quote(&body[floor(body, at.saturating_sub(20))..], 60))
            .unwrap_or_default();
        out.push(
            Hint::new(
                HintId::RequestSmartQuotes,
                severity,
                "The body has curly quotes (“ ” ‘ ’) instead of straight ones",
            )
            .detail(format!(
                "The body was typed or copied from a document, an e-mail or a forum post, which turn \" into “ and ”. {why}"
            ))
            .fix(with_corrected(
                "1. Retype the quotes as plain `\"` (or copy the body from the corrected request below).\n2. In \
                 Postman, choose Body > raw > JSON, so the editor marks such quotes.",
                &corrected,
            ))
            .step(StepName::Authenticate)
            .evidence(evidence(paste, i, format!("body: {sample}")))
            .link(AUTHENTICATE)
            .weight(weight),
        );
    } else if !is_json {
        let why = not_json_why(body);
        out.push(
            Hint::new(HintId::RequestNotJson, Severity::Error, "The login body is not JSON")
                .detail(format!(
                    "The Control Room reads the login body as JSON: {why}. It then answers with an error instead of \
                     checking the credentials."
                ))
                .fix(with_corrected(
                    "1. Send the body as JSON, written by a JSON serialiser or copied from the corrected request below \
                     (in PowerShell: `@{…} | ConvertTo-Json`).\n2. A domain user is written `\"DOMAIN\\\\user\"` in \
                     JSON (the backslash doubled).",
                    &corrected,
                ))
                .step(StepName::Authenticate)
                .evidence(evidence(paste, i, format!("body: {}", quote(body, 120))))
                .link(AUTHENTICATE)
                .weight(LEAD + 10),
        );
    }
    let f = login_fields(body);
    if !f.misspelt.is_empty() {
        let list: Vec<String> = f
            .misspelt
            .iter()
            .map(|(k, right)| format!("`{k}` (should be `{right}`)"))
            .collect();
        out.push(
            Hint::new(
                HintId::RequestFieldName,
                Severity::Error,
                "A field of the login body is misspelt",
            )
            .detail(format!(
                "The field names are case-sensitive and camelCase: `username`, `apiKey`, `password`, \
                     `multipleLogin`. This body has {}. A misspelt credential field leaves the credential empty, so \
                     the login fails; a misspelt option is ignored without a word.",
                list.join(", ")
            ))
            .fix(with_corrected(
                "Rename the fields exactly as in the corrected request below.",
                &corrected,
            ))
            .step(StepName::Authenticate)
            .evidence(evidence(
                paste,
                i,
                format!(
                    "fields: {}",
                    f.misspelt
                        .iter()
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
            .link(AUTHENTICATE)
            .weight(LEAD),
        );
    }
    if f.username.is_none() {
        out.push(
            Hint::new(
                HintId::RequestUsernameMissing,
                Severity::Error,
                "The login body has no username",
            )
            .detail(
                "The Control Room needs the username together with the API key or password; a key alone is not \
                     accepted. The key only works with the username of the user who generated it (in *My settings*).",
            )
            .fix(with_corrected(
                "Add `\"username\"` with the username of the user who generated the key.",
                &corrected,
            ))
            .step(StepName::Authenticate)
            .evidence(evidence(paste, i, format!("body: {}", quote(body, 120))))
            .link(AUTHENTICATE)
            .weight(LEAD),
        );
    }
    match (&f.api_key, &f.password) {
        (Some(k), Some(p)) => out.push(
            Hint::new(
                HintId::RequestBothSecrets,
                Severity::Error,
                "The login body has both an API key and a password",
            )
            .detail(
                "Send the username and exactly one of `apiKey` or `password`. With both, the Control Room may \
                     refuse the request or pick one you did not expect.",
            )
            .fix(with_corrected(
                "Remove one of them: keep `apiKey` for a service account (its tokens allow several sessions), or \
                     `password`.",
                &corrected,
            ))
            .step(StepName::Authenticate)
            .evidence(evidence(paste, i, format!("fields `{k}` and `{p}` both present")))
            .link(AUTHENTICATE)
            .weight(LEAD),
        ),
        (None, None) if is_json => out.push(
            Hint::new(
                HintId::RequestBothSecrets,
                Severity::Error,
                "The login body has no API key or password",
            )
            .detail("Send the username and exactly one of `apiKey` or `password`; this body has neither.")
            .fix(with_corrected("Add `apiKey` (or `password`).", &corrected))
            .step(StepName::Authenticate)
            .evidence(evidence(paste, i, format!("body: {}", quote(body, 120))))
            .link(AUTHENTICATE)
            .weight(LEAD),
        ),
        _ => {}
    }
    key_facts(paste, i, &corrected, out);
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Why a body is not JSON, in words.
fn not_json_why(body: &str) -> String {
    if fields::looks_form_encoded(body) {
        return "this one is form-encoded (`username=…&apiKey=…`), the default of curl `-d` and of Postman's \
                x-www-form-urlencoded"
            .into();
    }
    if body.contains('\'') && !body.contains('"') {
        return "this one uses single quotes ('), which JSON does not allow".into();
    }
    match serde_json::from_str::<serde_json::Value>(body) {
        Err(e) => {
            let msg = e.to_string();
            let hint = if msg.contains("escape") {
                " (a backslash, as in `DOMAIN\\user`, must be written twice in JSON)"
            } else if msg.contains("trailing comma") {
                " (a comma after the last field)"
            } else {
                ""
            };
            format!("this one cannot be read as JSON: {}{hint}", quote(&msg, 100))
        }
        Ok(_) => "this one is JSON, but not an object with fields".into(),
    }
}

/// Facts about the key of a login body: a token instead of a key, spaces, its length.
fn key_facts(paste: &Paste, i: usize, corrected: &str, out: &mut Vec<Hint>) {
    for s in secrets_of(paste, i) {
        let Place::Body(field) = &s.place else { continue };
        if s.kind != SecretKind::ApiKey || s.facts.reference {
            continue;
        }
        let f = &s.facts;
        if f.jwt {
            out.push(
                Hint::new(
                    HintId::InputKeyIsToken,
                    Severity::Error,
                    "The request sends a token as the API key",
                )
                .detail(format!(
                    "The value of `{field}` starts with `eyJ` and has three parts separated by dots: that is a \
                         token ({} characters), what a login returns, not the 40-character API key you log in with. \
                         A token expires after 20 minutes and cannot be used to log in.",
                    f.trimmed_chars
                ))
                .fix(with_corrected(
                    "1. Sign in to the Control Room as the user and open *My settings > Generate API-Key*.\n2. Send \
                         that key as `apiKey`; use the token the login returns in the `X-Authorization` header of the \
                         calls after it.",
                    corrected,
                ))
                .step(StepName::Authenticate)
                .evidence(evidence(paste, i, format!("`{field}`: {}", s.secret.marker())))
                .link(AUTHENTICATE)
                .weight(LEAD),
            );
            continue;
        }
        if f.inner_whitespace || f.outer_whitespace || f.line_break {
            let where_ = match (f.inner_whitespace, f.line_break) {
                (true, true) => "a line break inside it",
                (true, false) => "a space inside it",
                (false, true) => "a line break at its start or end",
                (false, false) => "a space at its start or end",
            };
            out.push(
                Hint::new(
                    HintId::RequestKeyWhitespace,
                    Severity::Error,
                    "The API key in the request has a space or a line break",
                )
                .detail(format!(
                    "The value of `{field}` has {where_} ({} characters with it, {} without). A generated key has \
                         none, and the Control Room compares the key exactly as sent, so it does not match: it was \
                         copied with the text around it or wrapped onto two lines.",
                    f.chars, f.trimmed_chars
                ))
                .fix(with_corrected(
                    "Copy the key again, without spaces or line breaks (from where it was saved when it was \
                         generated), or keep it in an environment variable as in the corrected request below.",
                    corrected,
                ))
                .step(StepName::Authenticate)
                .evidence(evidence(
                    paste,
                    i,
                    format!("`{field}`: {} ({where_})", s.secret.marker()),
                ))
                .link(AUTHENTICATE)
                .weight(LEAD),
            );
        } else if f.trimmed_chars != 40 {
            out.push(
                Hint::new(
                    HintId::InputKeyLength,
                    Severity::Warning,
                    format!("The API key in the request has {} characters; a Control Room key has 40", f.trimmed_chars),
                )
                .detail(format!(
                    "API keys generated by the Control Room are exactly 40 characters. This one has {}: it was probably \
                     not copied whole, or it holds something else{}.",
                    f.trimmed_chars,
                    if f.smart_quotes { " (it has curly quotes, which a generated key never has)" } else { "" }
                ))
                .fix(with_corrected(
                    "1. Copy the key again, all of it, from where it was saved when it was generated.\n2. If it is lost, \
                     generate a new one in *My settings > Generate API-Key* (this voids the old key).",
                    corrected,
                ))
                .step(StepName::Authenticate)
                .evidence(evidence(paste, i, format!("`{field}`: {}", s.secret.marker())))
                .link(AUTHENTICATE)
                .weight(CONTEXT),
            );
        }
    }
}

fn content_type(paste: &Paste, i: usize, r: &PastedRequest, base: &str, out: &mut Vec<Hint>) {
    if r.body.as_deref().is_none_or(|b| b.trim().is_empty()) {
        return;
    }
    let header = r.header("content-type").map(str::to_string);
    let effective = header.clone().or_else(|| r.implied_content_type.clone());
    if effective
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("json"))
    {
        return;
    }
    let (said, quoted) = match (&header, &r.implied_content_type) {
        (Some(h), _) => (format!("says `Content-Type: {h}`"), format!("Content-Type: {h}")),
        (None, Some(implied)) => (
            format!("has no Content-Type header, so it is sent as `{implied}` by default"),
            format!("no Content-Type header ({} sends {implied})", quote(&r.origin, 40)),
        ),
        (None, None) => ("has no Content-Type header".into(), "no Content-Type header".into()),
    };
    out.push(
        Hint::new(
            HintId::RequestContentType,
            Severity::Warning,
            "The login does not say its body is JSON",
        )
        .detail(format!(
            "The request {said}. The Control Room's login expects `Content-Type: application/json`; with another \
                 type it may not read the body at all and answer with an error (one user reported Windows PowerShell \
                 working without it, so this is a likely cause, not a certain one)."
        ))
        .fix(with_corrected(
            "Add the header `Content-Type: application/json` (curl: `-H \"Content-Type: application/json\"` or \
                 `--json`; PowerShell: `-ContentType 'application/json'`).",
            &corrected_login(base, username(r).as_deref(), login_mode(r).unwrap_or_default()),
        ))
        .step(StepName::Authenticate)
        .evidence(evidence(paste, i, quoted))
        .link(AUTHENTICATE)
        .weight(LIKELY),
    );
}

/// A call after the login: the token goes bare in `X-Authorization`; not a key, not in the body.
#[allow(clippy::too_many_arguments)]
fn token_place(
    paste: &Paste,
    i: usize,
    r: &PastedRequest,
    ep: &Endpoint,
    base: &str,
    answer: Option<&str>,
    out: &mut Vec<Hint>,
) {
    let with_answer = |ev: String| match answer {
        Some(a) => format!("{ev}; {a}"),
        None => ev,
    };
    let method = r.effective_method();
    let key_sent = token_values(paste, i)
        .into_iter()
        .find(|s| s.kind == SecretKind::TokenPlace && !s.facts.reference);
    if let Some(s) = key_sent {
        let place = match &s.place {
            Place::Query(q) => format!("`?{q}=`"),
            Place::Header(h) => format!("the `{h}` header"),
            _ => "the token's place".into(),
        };
        let validate = *ep == Endpoint::Validate;
        let mut corrected = corrected_login(base, None, AuthMode::ApiKey);
        corrected.push_str("\n# then, with the token of its answer:\n");
        corrected.push_str(&if validate {
            corrected_validate(base)
        } else {
            corrected_call(r, &method)
        });
        out.push(
            Hint::new(
                HintId::RequestKeyAsToken,
                Severity::Error,
                "The request sends the API key where the token goes",
            )
            .detail(format!(
                "{place} must hold a token: the JWT (`eyJ…`, three parts separated by dots) that \
                     `POST /v2/authentication` returns, valid for 20 minutes. The value sent has {} characters and is \
                     not a token{}. A token is what the login returns; it is NOT your API key.{}",
                s.facts.trimmed_chars,
                if s.facts.trimmed_chars == 40 {
                    ": 40 characters is the length of an API key"
                } else {
                    ""
                },
                if validate {
                    " So validate answers `{\"valid\": false}` however good the key is."
                } else {
                    " So the Control Room answers 401 however good the key is."
                }
            ))
            .fix(with_corrected(
                "1. Log in first: `POST /v2/authentication` with `username` and `apiKey`.\n2. Send the `token` of \
                     its answer (not the key) in the `X-Authorization` header of the next calls.",
                &corrected,
            ))
            .step(if validate {
                StepName::Validate
            } else {
                StepName::Authenticate
            })
            .evidence(evidence(
                paste,
                i,
                with_answer(format!("{}: {} in {place}", r.line(), s.secret.marker())),
            ))
            .link(VALIDATE)
            .weight(LEAD),
        );
    }
    authorization_header(paste, i, r, ep, base, out);
    // The token (or the login's fields) in the body or query, and no X-Authorization header.
    let has_header = r.header("x-authorization").is_some_and(|v| !v.trim().is_empty());
    let in_body: Vec<String> = r
        .body
        .as_deref()
        .map(fields::fields)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| fields::secret_field(k).is_some())
        .map(|(k, _)| k)
        .collect();
    let in_query = query_pairs(&r.url)
        .into_iter()
        .any(|(k, _)| k != "token" && fields::secret_field(&k).is_some());
    let header_required = !matches!(ep, Endpoint::Validate | Endpoint::Refresh { .. });
    if !has_header && ((!in_body.is_empty() && *ep != Endpoint::Logout) || in_query) && header_required
        || (*ep == Endpoint::Validate && !in_body.is_empty() && !has_header)
    {
        let where_ = if in_body.is_empty() {
            "in the address's query".to_string()
        } else {
            format!(
                "in the body ({})",
                in_body.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )
        };
        out.push(
            Hint::new(
                HintId::RequestTokenInBody,
                Severity::Error,
                "The request carries its credential in the body, not in the X-Authorization header",
            )
            .detail(format!(
                "Calls after the login take the token in the `X-Authorization` header; this request has none, and \
                     sends a credential {where_} instead. The Control Room answers `UM1117` \"Access token expected in \
                     the 'X-Authorization' header\", or, for validate, `{{\"valid\": false}}`."
            ))
            .fix(with_corrected(
                "1. Log in with `POST /v2/authentication` (the body with `username` and `apiKey` belongs there).\n2. \
                     Put the token of its answer in the header `X-Authorization: <token>` and leave the body out.",
                &corrected_call(r, &method),
            ))
            .step(if *ep == Endpoint::Validate {
                StepName::Validate
            } else {
                StepName::Authenticate
            })
            .evidence(evidence(
                paste,
                i,
                with_answer(format!("{}, no X-Authorization header, credential {where_}", r.line())),
            ))
            .link(VALIDATE)
            .weight(LEAD),
        );
    }
}

/// `Authorization: Bearer …`, `Authorization: Basic …`, `-u user:password`, `X-Authorization: Bearer …`.
fn authorization_header(paste: &Paste, i: usize, r: &PastedRequest, ep: &Endpoint, base: &str, out: &mut Vec<Hint>) {
    let login = matches!(ep, Endpoint::Login { .. } | Endpoint::Body);
    let method = r.effective_method();
    let mut found: Option<(String, String)> = None;
    for (k, v) in &r.headers {
        let n = fields::normalised(k);
        let scheme = v.trim().split(' ').next().unwrap_or("").to_ascii_lowercase();
        if n == "authorization" {
            found = Some((
                format!("{k}: {}", quote(v, 60)),
                format!(
                    "`{k}: {}`",
                    if scheme == "basic" {
                        "Basic …"
                    } else if scheme == "bearer" {
                        "Bearer …"
                    } else {
                        "…"
                    }
                ),
            ));
        } else if n == "xauthorization" && scheme == "bearer" {
            found = Some((format!("{k}: {}", quote(v, 60)), "`X-Authorization: Bearer …`".into()));
        }
    }
    if found.is_none()
        && let Some(u) = &r.basic_user
    {
        found = Some((
            format!("Basic credentials for `{u}` (curl -u)"),
            "Basic credentials (`-u user:password`)".into(),
        ));
    }
    let Some((ev, what)) = found else { return };
    let (detail, corrected) = if login {
        (
            format!(
                "The request sends {what}. The Control Room's login does not read credentials from an \
                 Authorization header: it takes `username` and `apiKey` (or `password`) in the JSON body, and returns a \
                 token."
            ),
            corrected_login(
                base,
                username(r).as_deref().or(r.basic_user.as_deref()),
                login_mode(r).unwrap_or_default(),
            ),
        )
    } else {
        (
            format!(
                "The request sends {what}. The Control Room expects the bare token in the `X-Authorization` header: \
                 no `Bearer ` in front, no `Authorization` header (`Authorization: Bearer` is only for OAuth tokens of \
                 API Tasks). Without it the answer is 401 or `UM1117`."
            ),
            corrected_call(r, &method),
        )
    };
    out.push(
        Hint::new(
            HintId::RequestAuthorizationHeader,
            Severity::Error,
            "The request uses an Authorization header the Control Room does not read",
        )
        .detail(detail)
        .fix(with_corrected(
            if login {
                "Remove the Authorization header (in Postman: Authorization > No Auth) and send the credentials in the \
                     JSON body."
            } else {
                "Send `X-Authorization: <token>` with the bare token (in Postman: Authorization > No Auth, and the \
                     header in Headers)."
            },
            &corrected,
        ))
        .step(StepName::Authenticate)
        .evidence(evidence(paste, i, ev))
        .link(VALIDATE)
        .weight(LEAD),
    );
}

fn plain_http(paste: &Paste, i: usize, r: &PastedRequest, base: &str, out: &mut Vec<Hint>) {
    let Ok(u) = url::Url::parse(r.url.trim()) else { return };
    if u.scheme() != "http" || u.host_str().is_some_and(is_loopback) {
        return;
    }
    out.push(
        Hint::new(
            HintId::RequestHttp,
            Severity::Warning,
            "The request uses plain http: the key or password travels unencrypted",
        )
        .detail(
            "The address starts with `http://`, so the credentials and the token cross the network as readable \
                 text. Control Rooms that force https answer with a redirect, and most tools then send the login \
                 again as a GET, which fails.",
        )
        .fix(with_corrected(
            &format!("Use `{base}` instead (ask the Control Room's administrator if it only offers http)."),
            &corrected_login(base, username(r).as_deref(), login_mode(r).unwrap_or_default()),
        ))
        .step(StepName::Preflight)
        .evidence(evidence(paste, i, r.line()))
        .weight(CONTEXT),
    );
}

fn unresolved(paste: &Paste, out: &mut Vec<Hint>) {
    if paste.unresolved.is_empty() {
        return;
    }
    let names: Vec<String> = paste
        .unresolved
        .iter()
        .take(12)
        .map(|n| format!("`{{{{{n}}}}}`"))
        .collect();
    let in_url = paste
        .requests
        .iter()
        .any(|r| r.url.trim_start().starts_with("{{") || r.url.contains("://{{"));
    out.push(
        Hint::new(
            HintId::RequestUnresolved,
            Severity::Warning,
            format!("The paste uses variables it does not define: {}", names.join(", ")),
        )
        .detail(format!(
            "{} come from an environment or collection variables that were not pasted, so their values are unknown \
             here{}.",
            names.join(", "),
            if in_url {
                ": the Control Room's address is one of them, so this paste alone cannot be tested"
            } else {
                ""
            }
        ))
        .fix(
            "1. Paste the environment too (Postman: Environments > … > Export; the file can be dropped with the \
             collection).\n2. Or fill in the Control Room URL, the username and the key in the form.",
        )
        .step(StepName::Preflight)
        .evidence(format!("unresolved: {}", names.join(", ")))
        .weight(CONTEXT),
    );
}
