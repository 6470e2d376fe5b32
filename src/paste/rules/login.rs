//! The login's body and its type: the mistakes that make the Control Room refuse or misread a
//! login before it ever compares the key (no body, not JSON, curly quotes, misspelt or missing
//! fields, both secrets, no JSON content type).

use super::corrected::{corrected_login, with_corrected};
use super::key::key_facts;
use super::{AUTHENTICATE, LEAD, LIKELY, ROOT, evidence};
use crate::diagnose::{Hint, HintId, Severity};
use crate::paste::fields::{self, SMART_QUOTES};
use crate::paste::{Paste, PastedRequest, quote};
use crate::plan::AuthMode;
use crate::transcript::StepName;

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

/// The login body: present, JSON, straight quotes, the right field names, exactly one secret, a
/// usable key.
pub(super) fn login_body(paste: &Paste, i: usize, r: &PastedRequest, base: &str, out: &mut Vec<Hint>) {
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

pub(super) fn content_type(paste: &Paste, i: usize, r: &PastedRequest, base: &str, out: &mut Vec<Hint>) {
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
