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
//!
//! One file per kind of mistake, so a new rule has an obvious home: which call the request is
//! (`endpoint`), the call itself (`call`), the login body (`login`) and its key (`key`), the
//! token's place after the login (`token`), how it travels (`transport`), the paste's undefined
//! variables (`variables`); `corrected` writes the fixed requests they all end with. This module
//! walks the requests and holds what the rules share (weights, links, evidence).

mod call;
mod corrected;
mod endpoint;
mod key;
mod login;
mod token;
mod transport;
mod variables;

use super::{FoundSecret, Paste, PastedAnswer, PastedRequest, SecretKind, quote};
use crate::diagnose::{Hint, HintId, Severity};
use crate::transcript::StepName;
use call::{v1_login, wrong_method};
use corrected::{corrected_call, corrected_login, corrected_validate, with_corrected};
use endpoint::base_of;
use login::{content_type, login_body};
use token::{authorization_header, token_place, token_values};
use transport::plain_http;
use variables::unresolved;

pub(crate) use call::v1_from_answer_only;
pub(crate) use endpoint::{Endpoint, endpoint};
pub(crate) use login::{login_mode, username};

/// Weights, as the check's (`src/diagnose/rank.rs`): a fact that explains a failure better than
/// the failure's own hint; the root cause; a likely one; context.
pub(crate) const LEAD: u32 = 120;
pub(crate) const ROOT: u32 = 100;
pub(crate) const LIKELY: u32 = 60;
pub(crate) const CONTEXT: u32 = 30;

const AUTHENTICATE: &str = "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/enterprise-cloud/topics/control-room/control-room-api/cloud-authenticate-apikey.html";
const VALIDATE: &str = "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/enterprise-cloud/topics/control-room/control-room-api/cloud-validate-token.html";
const CR_APIS: &str = "https://docs.automationanywhere.com/bundle/enterprise-v2019/page/enterprise-cloud/topics/control-room/control-room-api/cloud-control-room-apis.html";

fn secrets_of(paste: &Paste, i: usize) -> impl Iterator<Item = &FoundSecret> {
    paste.secrets.iter().filter(move |s| s.request == Some(i))
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
