//! `auth.*`: the Control Room's verdict on the login.
//!
//! Differential diagnosis: the same `UM1110` has different likely causes for an API key and for a
//! password, and facts about the typed key (its length, quotes, spaces) reorder them.
//!
//! One file per situation, each with the hints that situation calls for: the login refused
//! (`credentials`), the account in the way (`account`), the server failing instead of judging
//! (`server`), the licence in fail-safe (`license`), what testing costs the account
//! (`side_effects`), a Community Edition host (`edition`). This module reads the login's answer
//! and decides which situation it is.

mod account;
mod credentials;
mod edition;
mod license;
mod server;
mod side_effects;

use super::classify::{Kind, classify};
use super::facts::Ctx;
use super::text::cr_error_evidence;
use super::{Hint, Severity};
use crate::transcript::{ControlRoomError, StepName, StepStatus};
use account::{disabled, first_login, first_login_flags, forbidden};
use credentials::bad_credentials;
use edition::community_edition;
use license::license_fail_safe;
use server::{no_token, server_exception};
use side_effects::{retry_warning, session_replaced};

/// Words the Control Room (and the demo) use when an account cannot sign in any more.
const DISABLED_WORDS: &[&str] = &[
    "disabled",
    "locked out",
    "is locked",
    "account locked",
    "user locked",
    "deactivated",
    "suspended",
    "inactive",
];

/// Words of a Control Room error that asks for the first sign-in to be finished (a temporary password
/// to change, security questions, an expired password). INFERRED: no verbatim body is known.
const FIRST_LOGIN_WORDS: &[&str] = &[
    "password change required",
    "change your password",
    "must change",
    "must be changed",
    "temporary password",
    "first login",
    "first sign-in",
    "first-time login",
    "password has expired",
    "password expired",
    "security questions",
    "reset your password",
];

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    community_edition(cx, out);
    session_replaced(cx, out);
    first_login_flags(cx, out);
    license_fail_safe(cx, out);
    let Some(rec) = cx.step(StepName::Authenticate) else {
        return;
    };
    if rec.status != StepStatus::Failed {
        return;
    }
    let Some(r) = rec.response.as_ref() else { return };
    let kind = classify(r);
    let cr = r.control_room_error().unwrap_or(ControlRoomError {
        code: None,
        message: None,
        details: None,
    });
    let code = cr.code.clone().unwrap_or_default();
    match kind {
        Kind::ControlRoomError if code == "UM1117" => {} // explained by `token.header-missing`
        Kind::ControlRoomError => {
            let words = format!(
                "{} {} {}",
                code,
                cr.message.as_deref().unwrap_or(""),
                cr.details.as_deref().unwrap_or("")
            )
            .to_ascii_lowercase();
            if DISABLED_WORDS.iter().any(|w| words.contains(w)) {
                disabled(cx, out, r, &cr);
            } else if FIRST_LOGIN_WORDS.iter().any(|w| words.contains(w)) {
                first_login(cx, out, Severity::Error, cr_error_evidence(r, &cr), true);
            } else if code == "generic.server.exception" {
                server_exception(cx, out, r, &cr, rec.request.as_ref().and_then(|q| q.body.as_deref()));
            } else if r.status == 401 {
                bad_credentials(cx, out, r, Some(&cr));
            } else if r.status == 403 {
                forbidden(cx, out, r, &cr);
            } else {
                server_exception(cx, out, r, &cr, rec.request.as_ref().and_then(|q| q.body.as_deref()));
            }
        }
        Kind::Json | Kind::Other if r.status == 401 => bad_credentials(cx, out, r, None),
        Kind::Json | Kind::Other if (200..300).contains(&r.status) => no_token(cx, out, r),
        _ => {}
    }
    if cx.login_rejected() {
        retry_warning(cx, out, r);
    }
}
