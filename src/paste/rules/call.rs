//! The call itself is wrong, whatever its body: the discontinued v1 login (which answers "Access
//! Denied" to good keys, so the answer alone misleads) and a method the endpoint does not answer.

use super::corrected::{corrected_login, with_corrected};
use super::login::{login_mode, username};
use super::{AUTHENTICATE, CR_APIS, LEAD, LIKELY, answer_quote, evidence};
use crate::diagnose::{Hint, HintId, Severity};
use crate::paste::{Paste, PastedAnswer, PastedRequest};
use crate::plan::AuthMode;
use crate::transcript::StepName;

pub(super) fn v1_login(paste: &Paste, i: usize, r: &PastedRequest, base: &str, ev: String, refresh: bool) -> Hint {
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

pub(super) fn wrong_method(
    paste: &Paste,
    i: usize,
    r: &PastedRequest,
    want: &str,
    call: &str,
    ev: &str,
    corrected: &str,
) -> Hint {
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
