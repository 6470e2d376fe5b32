//! Answers: what came back (an error body of the Control Room, `{"valid": false}`, a web page, a
//! status line, PowerShell's error record), alone or after the request; and a login body pasted
//! alone. [`explain`] explains the answers with the window's own words: the answer is put in a
//! transcript of the step it answers and given to [`crate::diagnose::diagnose`], then each hint
//! says what the answer alone cannot tell.

use super::fields;
use super::{Paste, PastedAnswer, PastedRequest, RawAnswer, RawPaste, RawRequest, rules};
use crate::diagnose::{Hint, HintId, Severity};
use crate::plan::{AuthMode, CheckOptions, Plan, Target};
use crate::secret::Secret;
use crate::transcript::{
    ConnectInfo, Outcome, RecordedRequest, RecordedResponse, StepName, StepRecord, StepStatus, Transcript,
};

/// Whether a line (lower case, trimmed) starts an answer.
pub(crate) fn starts_answer(l: &str) -> bool {
    l.starts_with("http/1")
        || l.starts_with("http/2")
        || l.starts_with("< http/")
        || l.starts_with('{')
        || l.starts_with('[')
        || l.starts_with("<!doctype")
        || l.starts_with("<html")
        || l.starts_with("invoke-restmethod :")
        || l.starts_with("invoke-webrequest :")
        || l.starts_with("\"code\"")
}

/// Phrases that make a short text an answer worth explaining.
const ANSWER_WORDS: &[&str] = &[
    "access denied",
    "unauthorized",
    "forbidden",
    "not found",
    "bad gateway",
    "service unavailable",
    "gateway timeout",
    "internal server error",
    "method not allowed",
    "um1110",
    "um1117",
    "generic.server.exception",
    "either your username or your password",
    "an unexpected problem occurred",
    "access token expected",
    "\"valid\"",
    "blocked",
    "the remote server returned an error",
];

/// An answer alone.
pub(crate) fn read(text: &str) -> Option<RawPaste> {
    let lower = text.to_ascii_lowercase();
    let first = lower.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let status_only = status_line(first).is_some();
    let known = starts_answer(first) || status_only || ANSWER_WORDS.iter().any(|w| lower.contains(w));
    if !known {
        return None;
    }
    let a = read_answer(text, "the pasted answer")?;
    Some(RawPaste {
        answers: vec![(None, a)],
        ..Default::default()
    })
}

/// `401`, `401 Unauthorized`, `HTTP/1.1 401 Unauthorized`, `Status: 401`, `Status Code: 401 …`.
fn status_line(line: &str) -> Option<(u16, String)> {
    let l = line.trim().trim_start_matches("< ");
    let lower = l.to_ascii_lowercase();
    for label in ["status code:", "status:"] {
        if lower.starts_with(label) {
            return status_line(l.get(label.len()..).unwrap_or(""));
        }
    }
    let rest = if lower.starts_with("http/") {
        l.split_once(' ').map(|x| x.1)?
    } else {
        l
    };
    let rest = rest.trim();
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    let n: u16 = code.parse().ok()?;
    ((100..600).contains(&n) && code.len() == 3).then(|| (n, reason.trim().to_string()))
}

/// Read one answer: a status line and headers (curl `-i`/`-v`, a proxy's log), PowerShell's error
/// record, or a body alone.
pub(crate) fn read_answer(text: &str, origin: &str) -> Option<RawAnswer> {
    // curl -v: answer lines start with "< ", request lines with "> ", notes with "* ".
    let verbose = text.lines().any(|l| l.starts_with("< HTTP/"));
    let cleaned: String = if verbose {
        text.lines()
            .filter(|l| !(l.starts_with("> ") || l.starts_with("* ") || l.starts_with('{') && l.len() < 3))
            .map(|l| l.strip_prefix("< ").or_else(|| l.strip_prefix('<')).unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        text.to_string()
    };
    let t = cleaned.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let mut a = RawAnswer {
        origin: origin.to_string(),
        ..Default::default()
    };
    if lower.starts_with("invoke-restmethod :") || lower.starts_with("invoke-webrequest :") {
        // `Invoke-RestMethod : {"code":…}` then `At line:1 char:1` and the rest of the record.
        let after = t.split_once(':').map(|x| x.1).unwrap_or("").trim_start();
        let body: String = after
            .lines()
            .take_while(|l| !l.trim_start().to_ascii_lowercase().starts_with("at line:"))
            .collect::<Vec<_>>()
            .join("\n");
        if let Some(p) = body.find("(") {
            // "The remote server returned an error: (401) Unauthorized."
            if let Some((n, reason)) = body[p + 1..].split_once(')').and_then(|(n, r)| {
                n.parse::<u16>()
                    .ok()
                    .map(|n| (n, r.trim().trim_end_matches('.').to_string()))
            }) && (100..600).contains(&n)
            {
                a.status = Some(n);
                a.reason = reason;
            }
        }
        a.body = body.trim().to_string();
        return Some(a);
    }
    let first = t.lines().next().unwrap_or("");
    if let Some((status, reason)) = status_line(first) {
        a.status = Some(status);
        a.reason = reason;
        let rest = &t[first.len()..];
        let (head, body) = split_head(rest);
        a.headers = head;
        a.body = braced(body.trim());
        return Some(a);
    }
    a.body = braced(t);
    Some(a)
}

/// `"code": "UM1117", "details": null, …` quoted without its outer braces (as in the forum): the
/// JSON it was.
fn braced(t: &str) -> String {
    if t.starts_with('"') && t.contains(':') {
        let candidate = format!("{{{}}}", t.trim_end_matches(','));
        if serde_json::from_str::<serde_json::Value>(&candidate).is_ok() {
            return candidate;
        }
    }
    t.to_string()
}

/// Headers up to the first blank line, then the body. Lines that are not `Name: value` end the
/// headers (a body pasted right after the status line).
fn split_head(rest: &str) -> (Vec<(String, String)>, String) {
    let mut headers = Vec::new();
    let mut lines = rest.split_inclusive('\n');
    let mut consumed = 0;
    // Skip the line break right after the status line.
    for line in lines.by_ref() {
        let l = line.trim_end_matches(['\r', '\n']);
        if consumed == 0 && l.is_empty() {
            consumed += line.len();
            continue;
        }
        if l.trim().is_empty() {
            consumed += line.len();
            break;
        }
        match l.split_once(':') {
            Some((k, v))
                if !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    && headers.len() < 100 =>
            {
                headers.push((k.to_string(), v.trim().to_string()));
                consumed += line.len();
            }
            _ => break,
        }
    }
    (headers, rest.get(consumed..).unwrap_or("").to_string())
}

/// A login body pasted alone (`{"username": …, "apiKey": …}`, also with curly quotes), maybe
/// followed by its answer.
pub(crate) fn read_login_body(t: &str) -> Option<RawPaste> {
    let end = object_end(t);
    let body = &t[..end];
    let f = fields::fields(body);
    let login_field = f.iter().any(|(k, _)| {
        matches!(
            fields::normalised(k).as_str(),
            "username" | "user" | "apikey" | "password" | "pwd" | "key"
        )
    });
    let answer_shape = f
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "code" | "message" | "valid" | "user"));
    if !login_field || answer_shape {
        return None;
    }
    let mut p = RawPaste::default();
    p.requests.push(RawRequest {
        origin: "the pasted login body".into(),
        body: Some(body.to_string()),
        ..Default::default()
    });
    if let Some(a) = super::answer_start(t, end)
        && let Some(ans) = read_answer(&t[a..], "the answer pasted after the body")
    {
        p.answers.push((Some(0), ans));
    }
    Some(p)
}

/// The end of the first `{…}` block (braces inside straight quotes ignored), or the text's end.
fn object_end(t: &str) -> usize {
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    for (i, c) in t.char_indices() {
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth <= 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    t.len()
}

// ---------------------------------------------------------------------------------------------
// Explaining answers

/// Which call an answer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Login,
    Validate,
    Other,
}

fn call_of(req: Option<&PastedRequest>, a: &PastedAnswer) -> Call {
    if let Some(r) = req {
        return match rules::endpoint(r) {
            rules::Endpoint::Login { .. } => Call::Login,
            rules::Endpoint::Validate => Call::Validate,
            rules::Endpoint::Body => Call::Login,
            _ => Call::Other,
        };
    }
    let body = a.body.to_ascii_lowercase();
    if body.contains("\"valid\"") {
        Call::Validate
    } else if body.contains("um1117") {
        Call::Other
    } else {
        Call::Login
    }
}

/// The status an answer without one most likely had, for the classification only (the evidence
/// says it was not pasted): `{"valid": …}` 200, the Control Room's rejections 401,
/// `generic.server.exception` 500, others 200.
fn assumed_status(a: &PastedAnswer) -> u16 {
    let b = a.body.to_ascii_lowercase();
    if b.contains("um1110") || b.contains("um1117") || b.contains("access denied") || b.contains("unauthorized") {
        401
    } else if b.contains("generic.server.exception") {
        500
    } else if b.contains("forbidden") {
        403
    } else {
        200
    }
}

/// Placeholder for the unknown Control Room in texts.
const UNKNOWN_HOST: &str = "https://your-control-room";

/// The hints of the answers, in the window's words, with what each answer cannot tell.
pub(crate) fn explain(paste: &Paste, request_hints: &[Hint]) -> Vec<Hint> {
    let mut out = Vec::new();
    for a in paste.answers.iter().take(8) {
        let req = a.request.and_then(|i| paste.requests.get(i));
        // The discontinued v1 login and an API key used as the token explain their answers
        // themselves (their hints quote the answer); the window's words would blame the key.
        if a.request.is_some_and(|i| rules::explains_its_answer(paste, i)) {
            continue;
        }
        out.extend(explain_one(paste, req, a, request_hints));
    }
    out
}

fn explain_one(paste: &Paste, req: Option<&PastedRequest>, a: &PastedAnswer, request_hints: &[Hint]) -> Vec<Hint> {
    let call = call_of(req, a);
    let status = a.status.unwrap_or_else(|| assumed_status(a));
    let response = RecordedResponse {
        status,
        reason: a.reason.clone(),
        http_version: String::new(),
        headers: a.headers.clone(),
        body: a.body.clone(),
        truncated: false,
        body_bytes: a.body.len(),
        invalid_utf8: false,
    };
    // Only a Control Room's "Access Denied" in JSON (not a web page) is the v1 endpoint's answer.
    let lower = a.body.to_ascii_lowercase();
    if req.is_none()
        && lower.contains("access denied")
        && !response.looks_like_html()
        && response.control_room_error().is_some()
    {
        return vec![rules::v1_from_answer_only(a)];
    }
    let (plan, t) = synthetic_check(paste, req, call, response);
    let words = crate::diagnose::diagnose(&plan, &t);
    let request_ok = req.is_some() && !request_hints.iter().any(|h| h.severity == Severity::Error);
    words
        .into_iter()
        .filter(|h| keep(h.id))
        .map(|h| adapt(h, a, req, request_ok, call, &plan))
        .collect()
}

/// Hints about the check's own input, network and session do not apply to a pasted answer.
fn keep(id: HintId) -> bool {
    let area = id.as_str().split('.').next().unwrap_or("");
    matches!(area, "http" | "auth" | "token" | "check")
        && !matches!(
            id,
            HintId::AuthSessionReplaced | HintId::TokenExpiry | HintId::TokenClockSkew | HintId::TokenNotJwt
        )
}

/// A plan and a transcript as if a check had sent the pasted request and got the pasted answer.
fn synthetic_check(
    paste: &Paste,
    req: Option<&PastedRequest>,
    call: Call,
    response: RecordedResponse,
) -> (Plan, Transcript) {
    let secret = paste.login_secret();
    let auth = match secret.map(|s| s.kind) {
        Some(super::SecretKind::Password) => AuthMode::Password,
        _ => req.and_then(rules::login_mode).unwrap_or(AuthMode::ApiKey),
    };
    let url = req
        .and_then(|r| crate::target_url::normalise(&r.url).ok())
        .filter(|u| !u.host.contains("{{"))
        .map(|u| u.base)
        .unwrap_or_else(|| UNKNOWN_HOST.to_string());
    let username = req.and_then(rules::username).unwrap_or_default();
    // Facts about a pasted key count (its length, spaces); without one, a neutral 40 characters
    // make no claim.
    let value = match secret {
        Some(s) if !s.facts.reference => s.secret.expose().to_string(),
        _ => "x".repeat(40),
    };
    let plan = Plan::new(
        Target::new(url.clone(), auth, username, CheckOptions::default()),
        Secret::new(value),
    );
    let host = crate::target_url::normalise(&url).map(|u| u.host).unwrap_or_default();
    let mut steps = vec![ok_step(StepName::Preflight), ok_step(StepName::Connect)];
    let request = req.map(|r| RecordedRequest {
        method: r.effective_method(),
        url: r.url.clone(),
        headers: r.headers.clone(),
        body: r.body.clone(),
    });
    let json = response.json();
    let valid = json.as_ref().and_then(|j| j.get("valid")).and_then(|v| v.as_bool());
    let has_token = json
        .as_ref()
        .and_then(|j| j.get("token"))
        .is_some_and(|t| t.is_string());
    let failed = !(200..300).contains(&response.status)
        || valid == Some(false)
        || (call == Call::Login && !has_token)
        || (call != Call::Login && valid.is_none() && json.is_none());
    let mut token_valid = None;
    match call {
        Call::Login => {
            let mut s = StepRecord::new(StepName::Authenticate);
            s.status = if failed { StepStatus::Failed } else { StepStatus::Ok };
            s.request = request;
            s.response = Some(response);
            steps.push(s);
            steps.push(StepRecord::skipped(StepName::Validate));
        }
        Call::Validate | Call::Other => {
            steps.push(ok_step(StepName::Authenticate));
            let mut s = StepRecord::new(StepName::Validate);
            if let Some(v) = response.json().and_then(|j| j.get("valid").and_then(|v| v.as_bool())) {
                token_valid = Some(v);
            }
            s.status = if failed { StepStatus::Failed } else { StepStatus::Ok };
            s.request = request;
            s.response = Some(response);
            steps.push(s);
        }
    }
    steps.push(StepRecord::skipped(StepName::Logout));
    let outcome = if failed { Outcome::Rejected } else { Outcome::Ok };
    let t = Transcript {
        started_at: time::OffsetDateTime::now_utc(),
        input_url: url.clone(),
        base_url: Some(url),
        steps,
        outcome,
        connect: Some(ConnectInfo {
            host,
            ..Default::default()
        }),
        token: None,
        account: None,
        login_attempts: 1,
        token_valid,
        token_received_at: None,
        probes: Vec::new(),
    };
    (plan, t)
}

fn ok_step(name: StepName) -> StepRecord {
    let mut s = StepRecord::new(name);
    s.status = StepStatus::Ok;
    s
}

/// The window's hint, made true for a paste: the evidence says when the status was not pasted,
/// words that assume this tool sent the request are replaced, and each says what the answer
/// alone cannot tell.
fn adapt(
    mut h: Hint,
    a: &PastedAnswer,
    req: Option<&PastedRequest>,
    request_ok: bool,
    call: Call,
    plan: &Plan,
) -> Hint {
    if a.status.is_none()
        && let Some(ev) = &h.evidence
    {
        let status = assumed_status(a).to_string();
        if let Some(rest) = ev.strip_prefix(&status) {
            h.evidence = Some(format!("no status line pasted{rest}"));
        }
    }
    h.weight = h.weight.min(rules::ROOT);
    let cannot = match h.id {
        HintId::AuthBadCredentials => Some(format!(
            "What the answer alone cannot tell: `UM1110` is the same for a wrong key, a key of another user, an \
             expired or regenerated key and a misspelt username, so this answer alone cannot tell which. Run a test \
             (\"Test it the right way\"): it checks the {} first and sends exactly one login.",
            plan.target.auth.secret_label()
        )),
        HintId::AuthServerException => {
            h.title = "The Control Room could not process the login request".into();
            h.detail = if request_ok {
                "The login was answered with an error, not a rejection. The pasted request looks right: a JSON body \
                 with `username` and exactly one of `apiKey` or `password`, sent as JSON to `/v2/authentication`. \
                 That leaves: (1) something between the computer it was sent from and the Control Room changed the \
                 request, a firewall, proxy or API gateway that inspects or rewrites request bodies (in the forum \
                 thread this tool was built from, this exact error turned out to be the company firewall); (2) the \
                 Control Room does not offer the v2 login this way (an older or customised version); (3) a problem on \
                 the server with this account that only the server's logs show."
                    .into()
            } else if req.is_some() {
                "The login was answered with an error, not a rejection: the Control Room could not process what it \
                 was sent. The request has mistakes (see the hints above): fix those first. If the corrected request \
                 gets the same answer, a firewall, proxy or API gateway that rewrites request bodies is the next \
                 suspect (in the forum thread this tool was built from, this exact error turned out to be the \
                 company firewall)."
                    .into()
            } else {
                "The login was answered with an error, not a rejection: the Control Room could not process what it \
                 was sent. The causes seen most often: a body that is not what the Control Room expects (hand-typed \
                 JSON, curly quotes, a misspelt field, both `apiKey` and `password`), or a firewall, proxy or API \
                 gateway that rewrites request bodies (in the forum thread this tool was built from, this exact \
                 error turned out to be the company firewall)."
                    .into()
            };
            Some(
                "What the answer alone cannot tell: whether the request or the network is at fault. Paste the \
                 request too, or run a test (\"Test it the right way\"): this tool writes the request itself, so a \
                 failure then points at the network or the server."
                    .to_string(),
            )
        }
        HintId::TokenInvalid => {
            h.title = "The Control Room said the value sent as the token is not a valid token".into();
            h.detail = "The validate call (`GET /v1/authentication/token?token=…`) answered `{\"valid\": false}`: a \
                        result, not an error. It only accepts a token that `POST /v2/authentication` returned in the \
                        last 20 minutes (a JWT, `eyJ…`), not the API key."
                .into();
            h.fix = "1. Log in first: `POST /v2/authentication` with `username` and `apiKey` (or `password`).\n2. \
                     Validate the `token` of that answer, in the `X-Authorization` header and as `?token=`.\n3. Or \
                     run a test (\"Test it the right way\"), which does both."
                .into();
            Some(
                "What the answer alone cannot tell: whether an API key was sent as the token (as in the forum thread \
                 this tool was built from), the token had expired (20 minutes), or another login replaced it. Paste \
                 the request too, or run a test."
                    .to_string(),
            )
        }
        HintId::TokenHeaderMissing => Some(
            "What the answer alone cannot tell: which call it was and what it sent; paste the request too.".to_string(),
        ),
        HintId::AuthRetryWarning => {
            h.detail =
                "The Control Room refused a login. By default it disables an account after three failed logins in \
                        a row, and an administrator must then enable it again: every script, bot or person retrying \
                        with the same credential counts. This tool never retries a login by itself."
                    .into();
            h.evidence = Some(match a.status {
                Some(s) => format!("login refused: {s} {}", a.reason).trim().to_string(),
                None => "login refused (no status line pasted)".into(),
            });
            None
        }
        _ if call == Call::Login && req.is_none() => Some(
            "What the answer alone cannot tell: where the request was sent and what it held; paste the request too, \
             or run a test (\"Test it the right way\")."
                .to_string(),
        ),
        _ => None,
    };
    if let Some(c) = cannot {
        h.detail = format!("{} {c}", h.detail);
    }
    // Words that name what the paste does not say: the user, the host, the time of the check.
    let unknown_host = UNKNOWN_HOST.trim_start_matches("https://");
    for text in [&mut h.title, &mut h.detail, &mut h.fix] {
        *text = text
            .replace("the username this user is", "the username is")
            .replace(&format!("`{unknown_host}`"), "the Control Room")
            .replace(unknown_host, "the Control Room");
        if let Some(at) = text.find(" around ")
            && let Some(len) = text[at..].find(" UTC")
        {
            text.replace_range(at..at + len + 4, " around the time of the request");
        }
    }
    h
}
