//! Diagnosis: a pure function from plan + transcript to hints, most likely root cause first.
//!
//! Each submodule looks at one link of the chain and writes its hints next to the evidence that
//! triggers them, so a reader sees the evidence and the words together:
//! - [`input`]: the URL and credential fields (`url.*`, `input.*`), from the plan;
//! - [`network`]: DNS, TCP, proxy and TLS (`net.*`, `tls.*`), from the step errors and `ConnectInfo`;
//! - [`http`]: answers that are not the Control Room's API (`http.*`): redirects, web pages, block pages;
//! - [`auth`]: the Control Room's verdict on the login (`auth.*`);
//! - [`token`]: the token, its validation and the logout (`token.*`, `logout.*`);
//! - [`rank`]: de-duplication, ordering and the last safety net (no secret in any text).
//!
//! The diagnosis never panics and never repeats a secret: the key or password is only used to compute
//! facts (length, whitespace, quotes), and every text goes through a redaction pass at the end.

mod auth;
mod facts;
mod hint;
mod http;
mod input;
mod links;
mod network;
mod rank;
mod text;
mod token;

#[cfg(test)]
mod tests;

pub use hint::{Hint, Severity};

use crate::plan::Plan;
use crate::transcript::Transcript;

/// Every id of design §3.3, in catalogue order, plus the few this module adds (at the end).
pub const ALL_IDS: &[&str] = &[
    "url.missing",
    "url.invalid",
    "url.no-scheme",
    "url.http",
    "url.path-dropped",
    "url.v1-endpoint",
    "input.username-missing",
    "input.secret-missing",
    "input.whitespace",
    "input.smart-quotes",
    "input.key-is-token",
    "input.key-length",
    "input.domain-user",
    "input.insecure",
    "net.dns",
    "net.refused",
    "net.timeout",
    "net.reset",
    "net.proxy",
    "tls.untrusted",
    "tls.expired",
    "tls.name-mismatch",
    "tls.handshake",
    "http.redirect",
    "http.not-api",
    "http.blocked",
    "http.not-found",
    "http.method",
    "http.rate-limited",
    "http.server-error",
    "auth.bad-credentials",
    "auth.server-exception",
    "auth.forbidden",
    "auth.disabled",
    "auth.no-token",
    "auth.retry-warning",
    "auth.session-replaced",
    "auth.community-edition",
    "token.not-jwt",
    "token.expiry",
    "token.clock-skew",
    "token.invalid",
    "token.header-missing",
    "logout.failed",
    // Added by this module (design §3.3 allows more):
    "net.unreachable",
    "input.ca-file",
    "check.cancelled",
    "check.unexplained",
];

/// Ordered: most likely root cause first (errors before warnings before info, then highest weight).
pub fn diagnose(plan: &Plan, t: &Transcript) -> Vec<Hint> {
    // Hints quote server text cut to a length: hide the secret in every form before anything is
    // quoted, so a cut never leaves part of one (the engine's records are redacted already).
    let mut redactor = crate::secret::Redactor::new();
    redactor.add_secret(plan.secret.expose());
    let t = &redactor.redact_transcript(t);
    let cx = facts::Ctx::new(plan, t);
    let mut hints = Vec::new();
    input::check(&cx, &mut hints);
    network::check(&cx, &mut hints);
    http::check(&cx, &mut hints);
    auth::check(&cx, &mut hints);
    token::check(&cx, &mut hints);
    rank::fallback(&cx, &mut hints);
    rank::finish(&cx, hints)
}
