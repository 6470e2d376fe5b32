//! The Control Room (or whatever answers in its place) failed the login instead of judging it:
//! an error for a request this tool built well-formed, or a success without a token. The
//! credentials are not in question; the network path and the server are.

use crate::diagnose::facts::{API_KEY_LEN, Ctx};
use crate::diagnose::input::join;
use crate::diagnose::rank::ROOT;
use crate::diagnose::text::{cr_error_evidence, fmt_unix, response_evidence, shorten};
use crate::diagnose::{Hint, HintId, Severity, links};
use crate::transcript::{ControlRoomError, RecordedResponse, StepName};

pub(super) fn server_exception(
    cx: &Ctx,
    out: &mut Vec<Hint>,
    r: &RecordedResponse,
    cr: &ControlRoomError,
    sent: Option<&str>,
) {
    let generic = cr.code.as_deref() == Some("generic.server.exception");
    let field = cx.plan.target.auth.body_field();
    let mut remaining = Vec::new();
    let s = &cx.secret;
    if cx.api_key() && (s.trimmed_len != API_KEY_LEN || s.smart_quotes || s.non_ascii) {
        remaining.push(format!(
            "the key itself is unusual ({} characters{}), which some Control Room versions fail on instead of \
             rejecting it",
            s.trimmed_len,
            if s.smart_quotes || s.non_ascii {
                ", with characters a generated key never has"
            } else {
                ""
            }
        ));
    }
    remaining.push(
        "something between this computer and the Control Room changed the request: a firewall, proxy or API \
         gateway that inspects or rewrites request bodies (in the forum thread this tool was built from, this exact \
         error turned out to be the company firewall)"
            .to_string(),
    );
    remaining
        .push("the Control Room does not offer the v2 login this way (an older or customised version)".to_string());
    remaining.push(format!(
        "a problem on the server with this account or its {} that only the server's logs show",
        cx.secret_label()
    ));
    let title = if generic {
        "The Control Room failed to process a well-formed login".to_string()
    } else {
        "The Control Room could not process the login request".to_string()
    };
    out.push(
        Hint::new(HintId::AuthServerException, Severity::Error, title)
            .detail(format!(
                "The login was answered with an error, not a rejection. The request was well-formed: its body was \
                 built by a JSON serialiser with exactly `username` and `{field}`, sent as `application/json` to \
                 `/v2/authentication`, so hand-typed JSON, curly quotes or a wrong field name are ruled out. That \
                 leaves: {}.",
                remaining.iter().enumerate().map(|(i, c)| format!("({}) {c}", i + 1)).collect::<Vec<_>>().join("; ")
            ))
            .fix(format!(
                "1. Run the check once from another network (outside the company network or VPN, or from a bot runner): \
                 if it works there, send this report to your network team and ask them to allow HTTPS to `{}` without \
                 rewriting it.\n2. Sign in to the web interface as {} to check the account itself works.\n3. Ask the \
                 Control Room administrator to look at the server logs around {} and to confirm the Control Room \
                 version.",
                cx.host,
                cx.user(),
                fmt_unix(cx.t.started_at.unix_timestamp())
            ))
            .step(StepName::Authenticate)
            .evidence(match sent {
                Some(b) => format!("{}; request body sent: {}", cr_error_evidence(r, cr), shorten(b, 200)),
                None => cr_error_evidence(r, cr),
            })
            .link(links::AUTHENTICATE)
            .weight(ROOT),
    );
}

pub(super) fn no_token(cx: &Ctx, out: &mut Vec<Hint>, r: &RecordedResponse) {
    let keys = r
        .json()
        .and_then(|v| v.as_object().map(|o| o.keys().take(8).cloned().collect::<Vec<_>>()))
        .unwrap_or_default();
    let what = if keys.is_empty() {
        "no JSON object".to_string()
    } else {
        format!(
            "JSON with {}",
            join(&keys.iter().map(|k| format!("`{}`", shorten(k, 30))).collect::<Vec<_>>())
        )
    };
    out.push(
        Hint::new(
            HintId::AuthNoToken,
            Severity::Error,
            "The login was answered as a success, but without a token",
        )
        .detail(format!(
            "The answer was {} with {what}, and no `token`. A Control Room's successful login always carries a \
                 `token` and a `user`. The address may belong to another service or a gateway that answers for the \
                 Control Room, or a proxy removed the body.",
            crate::diagnose::text::status_line(r)
        ))
        .fix(format!(
            "1. Check that `{}` is the Control Room itself: `<address>/swagger/` should show its API pages.\n\
                 2. Send this report to the Control Room administrator.",
            cx.https_base()
        ))
        .step(StepName::Authenticate)
        .evidence(response_evidence(r))
        .weight(ROOT),
    );
}
