//! The account, not the credential, is what stops the login: disabled or locked, without the
//! role or licence for the API, or its first sign-in not finished. The key or password may be
//! right, so these hints must not send the person to fix it.

use crate::diagnose::facts::Ctx;
use crate::diagnose::input::join;
use crate::diagnose::rank::{CONTEXT, ROOT};
use crate::diagnose::text::cr_error_evidence;
use crate::diagnose::{Hint, HintId, Severity, links};
use crate::transcript::{ControlRoomError, RecordedResponse, StepName};

/// The first sign-in is not finished, from the login answer's flags (a password login that worked).
pub(super) fn first_login_flags(cx: &Ctx, out: &mut Vec<Hint>) {
    if cx.api_key() || !cx.logged_in() {
        return;
    }
    let Some(a) = cx.t.account.as_ref() else { return };
    let mut missing = Vec::new();
    if a.password_set == Some(false) {
        missing.push("the temporary password has not been changed (`passwordSet: false`)");
    }
    if a.questions_set == Some(false) {
        missing.push("the security questions are not set (`questionsSet: false`)");
    }
    if a.email_verified == Some(false) {
        missing.push("the e-mail address is not verified (`emailVerified: false`)");
    }
    if missing.is_empty() {
        return;
    }
    let failed = cx.failed(StepName::Validate);
    let severity = if failed { Severity::Error } else { Severity::Warning };
    first_login(
        cx,
        out,
        severity,
        format!(
            "login answer: {}",
            join(&missing.iter().map(|m| m.to_string()).collect::<Vec<_>>())
        ),
        false,
    );
}

pub(super) fn first_login(cx: &Ctx, out: &mut Vec<Hint>, severity: Severity, evidence: String, refused: bool) {
    let user = cx.user();
    let what = if refused {
        "The Control Room refused the login because the account has not finished its first sign-in"
    } else {
        "The login worked, but the account has not finished its first sign-in"
    };
    out.push(
        Hint::new(
            HintId::AuthFirstLogin,
            severity,
            format!("The account {user} must finish its first sign-in in the web interface"),
        )
        .detail(format!(
            "{what}: a new user (a new cloud user in particular) signs in once in the browser with the temporary \
             password from the welcome e-mail, then sets a new password (and security questions). Until then the \
             API does not let the account work. This is not a wrong password: the {} may be right.",
            cx.secret_label()
        ))
        .fix(format!(
            "1. Open the Control Room in a browser and sign in as {user} with the temporary password.\n2. Set the \
             new password (and the security questions) when asked.\n3. Test again with the new password, or \
             generate an API key in *My settings* and test with that."
        ))
        .step(StepName::Authenticate)
        .evidence(evidence)
        .link(links::AUTHENTICATE)
        .weight(if severity == Severity::Error { ROOT + 5 } else { CONTEXT }),
    );
}

pub(super) fn forbidden(cx: &Ctx, out: &mut Vec<Hint>, r: &RecordedResponse, cr: &ControlRoomError) {
    let ce = if cx.is_community_edition() {
        " This is a Community Edition Control Room, where API functions are limited."
    } else {
        ""
    };
    out.push(
        Hint::new(
            HintId::AuthForbidden,
            Severity::Error,
            format!("The Control Room refused API access for {}", cx.user()),
        )
        .detail(format!(
            "The Control Room itself answered 403 (its own JSON error, not a firewall page): it knows the request \
                 but does not allow it for this user. The user lacks a role or permission for API use, or the \
                 licence needed for it.{ce}"
        ))
        .fix(format!(
            "1. Ask a Control Room administrator to open *Administration > Users*, select {} and check its roles \
                 and licence.\n2. In *Administration > Roles*, give the user a role with the API permissions it needs \
                 (for API keys: Generate API-Key).\n3. Run the check once more.",
            cx.user()
        ))
        .step(StepName::Authenticate)
        .evidence(cr_error_evidence(r, cr))
        .link(links::API_PERMISSIONS)
        .weight(ROOT),
    );
}

pub(super) fn disabled(cx: &Ctx, out: &mut Vec<Hint>, r: &RecordedResponse, cr: &ControlRoomError) {
    out.push(
        Hint::new(
            HintId::AuthDisabled,
            Severity::Error,
            format!("The account {} is disabled or locked", cx.user()),
        )
        .detail(
            "The Control Room says this account cannot sign in. By default a Control Room disables an account \
                 after three failed logins (earlier tests, a script or a bot with an old key or password), and an \
                 administrator may also have disabled it. It stays disabled until an administrator enables it.",
        )
        .fix(format!(
            "1. Ask a Control Room administrator to enable {} in *Administration > Users*.\n2. Before testing again, \
                 find and fix what failed: an old key or password in a script or bot would disable the account again.\n\
                 3. Then run the check once.",
            cx.user()
        ))
        .step(StepName::Authenticate)
        .evidence(cr_error_evidence(r, cr))
        .link(links::RETURN_CODES)
        .weight(ROOT + 10),
    );
}
