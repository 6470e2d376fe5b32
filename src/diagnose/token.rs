//! `token.*` and `logout.*`: the token that came back, its validation, and the logout.

use super::classify::{Kind, classify};
use super::facts::Ctx;
use super::rank::{CONTEXT, LEAD, LIKELY, NOTE, ROOT};
use super::text::{
    cr_error_evidence, fmt_span, fmt_unix, numbered, parse_date, response_evidence, shorten, status_line,
};
use super::{Hint, HintId, Severity, links};
use crate::transcript::{RecordedResponse, StepName, StepStatus};

/// More than this between the token's clock and ours is worth a hint (docs/hints.md).
const SKEW_LIMIT_SECS: i64 = 300;

/// Cookies and headers that show a load balancer spreading calls over several servers.
const LB_MARKERS: &[&str] = &[
    "awsalb",
    "awselb",
    "bigipserver",
    "ts01",
    "route=",
    "x-served-by",
    "x-backend",
    "x-upstream",
    "nsc_",
];

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    let skew = clock_skew(cx, out);
    too_long(cx, out);
    not_jwt(cx, out);
    expiry(cx, out);
    header_missing(cx, out);
    invalid(cx, out, skew);
    logout(cx, out);
}

/// Returns the skew in seconds when it is over the limit.
fn clock_skew(cx: &Ctx, out: &mut Vec<Hint>) -> Option<i64> {
    let tok = cx.t.token.as_ref()?;
    let received = cx.t.token_received_at?;
    let expired_on_arrival = tok.exp.is_some_and(|e| e <= received);
    let skew = match tok.iat {
        Some(iat) => received.saturating_sub(iat),
        None if expired_on_arrival => received.saturating_sub(tok.exp.unwrap_or(received)),
        None => return None,
    };
    if skew.saturating_abs() <= SKEW_LIMIT_SECS && !expired_on_arrival {
        return None;
    }
    let server_date = cx
        .response(StepName::Authenticate)
        .and_then(|r| r.header("date"))
        .and_then(parse_date);
    let which = match (server_date, tok.iat) {
        (Some(d), Some(iat)) if (d - iat).abs() <= 120 && (d - received).abs() > SKEW_LIMIT_SECS => {
            " The Control Room's own clock (its `Date` header) agrees with the token, so this computer's clock is the one that is off."
        }
        (Some(d), _) if (d - received).abs() <= 120 => {
            " This computer's clock agrees with the Control Room's `Date` header, so the server that issued the token has a wrong clock (possibly one node behind a load balancer)."
        }
        _ => " Either this computer's clock or the Control Room's is off.",
    };
    let invalid = cx.t.token_valid == Some(false);
    let (severity, weight) = if invalid {
        (Severity::Error, LEAD)
    } else {
        (Severity::Warning, LIKELY)
    };
    let direction = if skew > 0 { "behind" } else { "ahead of" };
    out.push(
        Hint::new(HintId::TokenClockSkew, severity, format!("The token's time and this computer's clock differ by {}", fmt_span(skew)))
            .detail(format!(
                "The token says it was issued at {}, while this computer's clock said {} when it arrived: the token's \
                 clock is {} {} this computer's.{}{which} Tokens are checked against their issue and expiry times, so \
                 with a large difference a fresh token can look expired{}.",
                tok.iat.map(fmt_unix).unwrap_or_else(|| "an unknown time".into()),
                fmt_unix(received),
                fmt_span(skew),
                direction,
                if expired_on_arrival {
                    format!(" By this computer's clock the token had already expired ({}) when it arrived.", tok.exp.map(fmt_unix).unwrap_or_default())
                } else {
                    String::new()
                },
                if invalid { ", which explains why it was reported invalid" } else { "" }
            ))
            .fix(
                "1. Check this computer's date, time and time zone, and turn on automatic time synchronisation.\n\
                 2. If this computer's clock is right, send this report to the Control Room administrator (the server's \
                 time synchronisation).",
            )
            .step(StepName::Authenticate)
            .evidence(format!(
                "token iat {}, exp {}, received {}{}",
                tok.iat.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
                tok.exp.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
                received,
                server_date.map(|d| format!(", server Date {d}")).unwrap_or_default()
            ))
            .weight(weight),
    );
    Some(skew)
}

/// The token is too long to travel back: the engine did not send the validate call (its address
/// would be over the limit every HTTP library and server has), so the step failed with nothing sent.
fn too_long(cx: &Ctx, out: &mut Vec<Hint>) {
    let Some(tok) = cx.t.token.as_ref() else { return };
    let Some(v) = cx.step(StepName::Validate) else { return };
    let unsent = v.status == StepStatus::Failed
        && v.request.is_none()
        && v.response.is_none()
        && matches!(v.error, Some(crate::transcript::StepError::Answer { .. }));
    if !unsent {
        return;
    }
    let kind = if tok.is_jwt {
        "a JSON Web Token"
    } else {
        "not even a JSON Web Token"
    };
    out.push(
        Hint::new(
            HintId::TokenTooLong,
            Severity::Error,
            "The token that came back is too long to be used",
        )
        .detail(format!(
            "The login answered with a token of {} characters ({kind}); a Control Room token has one to two \
                 thousand. A token that long cannot be sent back: the validate call carries it in its address, \
                 which no server accepts beyond about 64 KB, and every later call carries it in the \
                 `X-Authorization` header, which servers and proxies cut far earlier. So the token was not \
                 validated, and scripts or bots could not use it either. Most likely something other than the \
                 Control Room answered the login (a gateway or another product in front of it).",
            tok.length
        ))
        .fix(format!(
            "1. Check that `{}` is the Control Room's own address (its `/swagger/` page lists the \
                 authentication API), not a gateway or sign-in page in front of it.\n2. Send this report to the \
                 Control Room administrator: the login answer itself must be looked at.",
            cx.https_base()
        ))
        .step(StepName::Validate)
        .evidence(format!(
            "token: {} characters; the validate call was not sent (its address would be over 64 KB)",
            tok.length
        ))
        .weight(ROOT),
    );
}

fn not_jwt(cx: &Ctx, out: &mut Vec<Hint>) {
    let Some(tok) = cx.t.token.as_ref() else { return };
    if tok.is_jwt {
        return;
    }
    out.push(
        Hint::new(HintId::TokenNotJwt, Severity::Warning, "The token that came back is not a Control Room token")
            .detail(format!(
                "The login answered with a token of {} characters that is not a JSON Web Token (a Control Room token \
                 starts with `eyJ` and has three parts separated by dots). Something other than the Control Room may \
                 have answered the login (a gateway or another product), and later calls with this token will likely fail.",
                tok.length
            ))
            .fix(format!(
                "1. Check that `{}` is the Control Room's address (its `/swagger/` page lists the authentication API).\n\
                 2. Send this report to the Control Room administrator.",
                cx.https_base()
            ))
            .step(StepName::Authenticate)
            .evidence(format!("token: {} characters, not a JWT", tok.length))
            .weight(LIKELY),
    );
}

fn expiry(cx: &Ctx, out: &mut Vec<Hint>) {
    let Some(tok) = cx.t.token.as_ref() else { return };
    let Some(exp) = tok.exp else { return };
    let lifetime = tok.iat.map(|iat| exp.saturating_sub(iat));
    let life_txt = match lifetime {
        Some(l) if l > 0 => format!(
            ", {} after it was issued{}",
            fmt_span(l),
            if l == 1200 {
                " (the Control Room's default of 20 minutes)"
            } else {
                "; the Control Room's default is 20 minutes"
            }
        ),
        _ => String::new(),
    };
    out.push(
        Hint::new(
            HintId::TokenExpiry,
            Severity::Info,
            format!("The token is valid until {}", fmt_unix(exp)),
        )
        .detail(format!(
            "The token expires at {}{life_txt}. Scripts and bots must log in again (or refresh the token) before \
                 then, and reuse one token for their calls instead of logging in for each call.",
            fmt_unix(exp)
        ))
        .fix("Nothing to change. Plan a new login or a refresh (`POST /v2/authentication/token`) before the expiry.")
        .step(StepName::Authenticate)
        .evidence(format!(
            "token exp {exp}{}",
            tok.iat.map(|i| format!(", iat {i}")).unwrap_or_default()
        ))
        .link(links::AUTHENTICATE)
        .weight(NOTE),
    );
}

fn sent_header(cx: &Ctx, step: StepName) -> bool {
    cx.step(step)
        .and_then(|s| s.request.as_ref())
        .is_some_and(|q| q.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-authorization")))
}

fn header_missing(cx: &Ctx, out: &mut Vec<Hint>) {
    for step in [StepName::Authenticate, StepName::Validate, StepName::Logout] {
        let Some(r) = cx.response(step) else { continue };
        let Some(e) = r.control_room_error() else { continue };
        if e.code.as_deref() != Some("UM1117") {
            continue;
        }
        let sent = sent_header(cx, step);
        let detail = if step == StepName::Authenticate {
            "The login itself was answered as if it needed a token. A login needs none, so the request did not reach \
             the login endpoint as sent: a gateway or proxy in between changed its path or method."
                .to_string()
        } else if sent {
            format!(
                "The Control Room says the token was missing from the `X-Authorization` header, but this check sent \
                 it there (see the request). Something between this computer and the Control Room (a proxy, API \
                 gateway or web application firewall) removed the header on the way. Scripts going through the same \
                 network will fail the same way after logging in.{}",
                if step == StepName::Logout {
                    " Only the logout was affected here."
                } else {
                    ""
                }
            )
        } else {
            "The Control Room expects the token in the `X-Authorization` header (the bare token, no `Bearer`), and \
             the request did not carry it."
                .to_string()
        };
        let (severity, weight) = match step {
            StepName::Logout => (Severity::Warning, CONTEXT),
            _ => (Severity::Error, ROOT),
        };
        out.push(
            Hint::new(
                HintId::TokenHeaderMissing,
                severity,
                "The token did not reach the Control Room in the X-Authorization header",
            )
            .detail(detail)
            .fix(format!(
                "1. Send this report to your network team and ask them to let the `X-Authorization` header through \
                     to `{}` unchanged.\n2. In your own scripts, send the token as `X-Authorization: <token>` (not \
                     `Authorization: Bearer`, not in the body or the query).\n3. Run the check once from another \
                     network to confirm.",
                cx.host
            ))
            .step(step)
            .evidence(format!(
                "{}; X-Authorization {}",
                cr_error_evidence(r, &e),
                if sent { "was sent" } else { "was not sent" }
            ))
            .link(links::VALIDATE)
            .weight(weight),
        );
        // One explanation is enough; validate's is the one that matters.
        break;
    }
}

fn lb_marker(r: &RecordedResponse) -> Option<String> {
    for (k, v) in &r.headers {
        let kv = format!("{}={}", k.to_ascii_lowercase(), v.to_ascii_lowercase());
        if let Some(m) = LB_MARKERS.iter().find(|m| kv.contains(*m)) {
            return Some(shorten(m.trim_end_matches('='), 30));
        }
    }
    None
}

fn invalid(cx: &Ctx, out: &mut Vec<Hint>, skew: Option<i64>) {
    let Some(rec) = cx.step(StepName::Validate) else { return };
    let r = rec.response.as_ref();
    let valid_false = cx.t.token_valid == Some(false);
    // A 401 from the Control Room to the fresh token is the same verdict in another form.
    let rejected_401 = !valid_false
        && rec.status == StepStatus::Failed
        && r.is_some_and(|r| {
            r.status == 401
                && r.control_room_error().and_then(|e| e.code).as_deref() != Some("UM1117")
                && matches!(classify(r), Kind::ControlRoomError | Kind::Json | Kind::Other)
        });
    if !valid_false && !rejected_401 {
        return;
    }
    let mut causes = Vec::new();
    if let Some(s) = skew {
        causes.push(format!("the clocks differ by {} (see the clock hint)", fmt_span(s)));
    }
    let replaced_likely = !cx.api_key() && !cx.plan.target.options.multiple_login;
    if replaced_likely {
        causes.push(format!(
            "another login of {} (a person in the browser, a bot or a script) happened between this check's login \
             and the validation: for a user without multi-login, a new login voids the earlier token",
            cx.user()
        ));
    }
    let lb = cx
        .response(StepName::Authenticate)
        .and_then(lb_marker)
        .or_else(|| r.and_then(lb_marker));
    causes.push(format!(
        "the Control Room runs on several servers behind a load balancer that do not share sessions, and the \
         validation reached another server than the login{}",
        lb.as_ref()
            .map(|m| format!(" (the answers carry a load-balancer marker, `{m}`)"))
            .unwrap_or_default()
    ));
    if !replaced_likely {
        causes.push(format!(
            "another login of {} replaced the session (less likely with {}: such tokens normally allow several sessions)",
            cx.user(),
            if cx.api_key() { "an API key" } else { "multi-login" }
        ));
    }
    let evidence = match r {
        Some(r) if valid_false => format!(
            "GET /v1/authentication/token: {}, body {}",
            status_line(r),
            shorten(r.body.trim(), 80)
        ),
        Some(r) => match r.control_room_error() {
            Some(e) => cr_error_evidence(r, &e),
            None => response_evidence(r),
        },
        None => "validate answered {\"valid\": false}".to_string(),
    };
    out.push(
        Hint::new(
            HintId::TokenInvalid,
            Severity::Error,
            "The Control Room reported the token it just issued as not valid",
        )
        .detail(format!(
            "The login worked and returned a token, but the validation right after it said the token is not valid. \
                 The credentials are fine; the token was voided or judged expired in between. Likely causes, most \
                 likely first: {}.",
            causes
                .iter()
                .enumerate()
                .map(|(i, c)| format!("({}) {c}", i + 1))
                .collect::<Vec<_>>()
                .join("; ")
        ))
        .fix({
            let mut steps = Vec::new();
            if skew.is_some() {
                steps.push("Fix the clock difference first (see the clock hint).".to_string());
            }
            steps.push("Run the check once more: the credentials work, so this does not risk the account.".into());
            steps.push(format!(
                "If it happens again, ask the Control Room administrator whether other logins of {} run at the \
                     same time, and whether the Control Room's servers share sessions behind the load balancer.",
                cx.user()
            ));
            steps.push(
                "For scripts, prefer an API key or ask for *Administration > Users > Allow multiple sessions*.".into(),
            );
            numbered(&steps)
        })
        .step(StepName::Validate)
        .evidence(evidence)
        .link(links::VALIDATE)
        .weight(ROOT),
    );
}

fn logout(cx: &Ctx, out: &mut Vec<Hint>) {
    let Some(rec) = cx.step(StepName::Logout) else { return };
    if rec.status != StepStatus::Failed {
        return;
    }
    let what = match (&rec.response, &rec.error) {
        (Some(r), _) => match r.control_room_error() {
            Some(e) => cr_error_evidence(r, &e),
            None => response_evidence(r),
        },
        (None, Some(e)) => shorten(&e.to_string(), 200),
        (None, None) => "no answer recorded".to_string(),
    };
    let until =
        cx.t.token
            .as_ref()
            .and_then(|t| t.exp)
            .map(|e| format!(" until {}", fmt_unix(e)))
            .unwrap_or_else(|| " until it expires (20 minutes by default)".into());
    let header = out
        .iter()
        .any(|h| h.id == HintId::TokenHeaderMissing && h.step == Some(StepName::Logout));
    out.push(
        Hint::new(
            HintId::LogoutFailed,
            Severity::Warning,
            "The test session could not be closed",
        )
        .detail(format!(
            "The logout (`POST /v1/authentication/logout`) did not answer 204 as expected, so the token from this \
                 check stays usable{until}. This does not change the result of the check.{}",
            if header {
                " The cause is the removed X-Authorization header (see that hint)."
            } else {
                ""
            }
        ))
        .fix(
            "Nothing urgent: the session ends by itself when the token expires. If a person shares this account, \
                 they may need to sign in again.",
        )
        .step(StepName::Logout)
        .evidence(what)
        .link(links::LOGOUT)
        .weight(CONTEXT),
    );
}
