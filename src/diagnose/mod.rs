//! Diagnosis: a pure function from plan + transcript to hints, most likely root cause first.
//!
//! Each submodule looks at one link of the chain and writes its hints next to the evidence that
//! triggers them, so a reader sees the evidence and the words together:
//! - [`url`]: the Control Room address as typed (`url.*`), from the plan;
//! - [`input`]: the credential fields and options (`input.*`), from the plan;
//! - [`network`]: DNS, TCP and proxy (`net.*`), from the step errors and `ConnectInfo`;
//! - [`tls`]: the secure session and the certificate (`tls.*`);
//! - [`classify`]: what kind of answer a response is (the Control Room's API, a block page, …);
//! - [`http`]: answers that are not the Control Room's API (`http.*`): redirects, web pages, block pages;
//! - [`auth`]: the Control Room's verdict on the login (`auth.*`);
//! - [`token`]: the token, its validation and the logout (`token.*`, `logout.*`);
//! - [`account`]: what the account may do against what the profile requires (`account.*`), and the
//!   API key's expiry kept with the profile (`input.key-expiring`);
//! - [`rank`]: de-duplication, ordering and the last safety net (no secret in any text).
//!
//! The diagnosis never panics and never repeats a secret: the key or password is only used to compute
//! facts (length, whitespace, quotes), and every text goes through a redaction pass at the end.

mod account;
mod auth;
pub(crate) mod classify;
mod facts;
mod hint;
mod http;
mod id;
mod input;
mod links;
mod network;
mod rank;
mod text;
mod tls;
mod token;
mod url;

#[cfg(test)]
mod tests;

pub use hint::{Hint, Severity};
pub use id::HintId;
/// The TLS-inspection product a certificate names, if any (the window's "Trust this certificate"
/// warns with it).
pub(crate) use tls::inspection_vendor;

use crate::plan::Plan;
use crate::transcript::Transcript;

/// Ordered: most likely root cause first (errors before warnings before info, then highest weight).
pub fn diagnose(plan: &Plan, t: &Transcript) -> Vec<Hint> {
    // Hints quote server text cut to a length: hide the secret in every form before anything is
    // quoted, so a cut never leaves part of one (the engine's records are redacted already).
    let mut redactor = crate::secret::Redactor::new();
    redactor.add_secret(plan.secret.expose());
    let t = &redactor.redact_transcript(t);
    let cx = facts::Ctx::new(plan, t);
    let mut hints = Vec::new();
    url::check(&cx, &mut hints);
    input::check(&cx, &mut hints);
    network::check(&cx, &mut hints);
    http::check(&cx, &mut hints);
    auth::check(&cx, &mut hints);
    token::check(&cx, &mut hints);
    account::check(&cx, &mut hints);
    rank::fallback(&cx, &mut hints);
    rank::finish(&cx, hints)
}
