//! What a login does to the account beyond this check: refused logins count towards the lockout,
//! and a password login may end the user's other sessions. Said so that testing does not itself
//! break the account or a running bot.

use crate::diagnose::facts::Ctx;
use crate::diagnose::rank::{LIKELY, NOTE};
use crate::diagnose::{Hint, HintId, Severity, links};
use crate::transcript::{RecordedResponse, StepName};

pub(super) fn retry_warning(cx: &Ctx, out: &mut Vec<Hint>, r: &RecordedResponse) {
    let already_disabled = out.iter().any(|h| h.id == HintId::AuthDisabled);
    let detail = if already_disabled {
        "The account is already disabled. Every further failed login only adds to the count once it is enabled \
         again, so fix the cause first. This tool never retries a login by itself."
            .to_string()
    } else {
        format!(
            "This check sent exactly one login ({} so far), and it was refused. By default a Control Room disables \
             an account after three failed logins in a row, and an administrator must then enable it again. This \
             tool never retries a login by itself; scripts and bots that retry in a loop disable accounts quickly.",
            cx.t.login_attempts
        )
    };
    out.push(
        Hint::new(
            HintId::AuthRetryWarning,
            Severity::Warning,
            "Fix the cause before testing again: failed logins disable the account",
        )
        .detail(detail)
        .fix(
            "1. Change what the hints above point to before running the check again.\n2. Stop any script or bot \
                 that logs in with the same account and the same credential until it is fixed.",
        )
        .step(StepName::Authenticate)
        .evidence(format!("login refused: {}", crate::diagnose::text::status_line(r)))
        .weight(LIKELY),
    );
}

pub(super) fn session_replaced(cx: &Ctx, out: &mut Vec<Hint>) {
    if cx.api_key() || cx.plan.target.options.multiple_login || cx.t.login_attempts == 0 || !cx.logged_in() {
        return;
    }
    if cx.t.account.as_ref().and_then(|a| a.multiple_login) == Some(true) {
        return;
    }
    let invalid = cx.t.token_valid == Some(false);
    let (severity, weight) = if invalid {
        (Severity::Warning, LIKELY)
    } else {
        (Severity::Info, NOTE)
    };
    out.push(
        Hint::new(
            HintId::AuthSessionReplaced,
            severity,
            format!("Logging in with a password may have signed {} out elsewhere", cx.user()),
        )
        .detail(format!(
            "This check logged in with a password without asking for multiple sessions. For a user without \
             multi-login, a new login ends the user's earlier session: a browser session or a bot using {} may have \
             been signed out, and in the same way another login can void the token this check received.",
            cx.user()
        ))
        .fix(
            "1. For scripts and tests, use an API key: its tokens can be used alongside other sessions.\n2. Or ask an \
             administrator to turn on *Administration > Users > Allow multiple sessions* for the user and tick \
             \"multiple login\" in the options (`--multiple-login`).",
        )
        .step(StepName::Authenticate)
        .evidence("password login, multipleLogin not requested")
        .link(links::MULTI_LOGIN)
        .weight(weight),
    );
}
