//! The calls after the login: the token's place (bare, in `X-Authorization`) is where most pasted
//! requests go wrong (the API key sent as the token, `Bearer`, the credential in the body), and the
//! Control Room's answer (401, `UM1117`, `{"valid": false}`) does not say which.

use super::corrected::{corrected_call, corrected_login, corrected_validate, with_corrected};
use super::endpoint::Endpoint;
use super::login::{login_mode, username};
use super::{LEAD, VALIDATE, evidence, secrets_of};
use crate::diagnose::{Hint, HintId, Severity};
use crate::paste::fields;
use crate::paste::mask::query_pairs;
use crate::paste::{FoundSecret, Paste, PastedRequest, Place, SecretKind, quote};
use crate::plan::AuthMode;
use crate::transcript::StepName;

/// The values sent where a token goes: `X-Authorization`, `Authorization`, `?token=`.
pub(super) fn token_values(paste: &Paste, i: usize) -> Vec<&FoundSecret> {
    secrets_of(paste, i)
        .filter(|s| match &s.place {
            Place::Header(h) => fields::normalised(h).contains("authorization"),
            Place::Query(q) => q == "token",
            _ => false,
        })
        .collect()
}

/// A call after the login: the token goes bare in `X-Authorization`; not a key, not in the body.
#[allow(clippy::too_many_arguments)]
pub(super) fn token_place(
    paste: &Paste,
    i: usize,
    r: &PastedRequest,
    ep: &Endpoint,
    base: &str,
    answer: Option<&str>,
    out: &mut Vec<Hint>,
) {
    let with_answer = |ev: String| match answer {
        Some(a) => format!("{ev}; {a}"),
        None => ev,
    };
    let method = r.effective_method();
    let key_sent = token_values(paste, i)
        .into_iter()
        .find(|s| s.kind == SecretKind::TokenPlace && !s.facts.reference);
    if let Some(s) = key_sent {
        let place = match &s.place {
            Place::Query(q) => format!("`?{q}=`"),
            Place::Header(h) => format!("the `{h}` header"),
            _ => "the token's place".into(),
        };
        let validate = *ep == Endpoint::Validate;
        let mut corrected = corrected_login(base, None, AuthMode::ApiKey);
        corrected.push_str("\n# then, with the token of its answer:\n");
        corrected.push_str(&if validate {
            corrected_validate(base)
        } else {
            corrected_call(r, &method)
        });
        out.push(
            Hint::new(
                HintId::RequestKeyAsToken,
                Severity::Error,
                "The request sends the API key where the token goes",
            )
            .detail(format!(
                "{place} must hold a token: the JWT (`eyJ…`, three parts separated by dots) that \
                     `POST /v2/authentication` returns, valid for 20 minutes. The value sent has {} characters and is \
                     not a token{}. A token is what the login returns; it is NOT your API key.{}",
                s.facts.trimmed_chars,
                if s.facts.trimmed_chars == 40 {
                    ": 40 characters is the length of an API key"
                } else {
                    ""
                },
                if validate {
                    " So validate answers `{\"valid\": false}` however good the key is."
                } else {
                    " So the Control Room answers 401 however good the key is."
                }
            ))
            .fix(with_corrected(
                "1. Log in first: `POST /v2/authentication` with `username` and `apiKey`.\n2. Send the `token` of \
                     its answer (not the key) in the `X-Authorization` header of the next calls.",
                &corrected,
            ))
            .step(if validate {
                StepName::Validate
            } else {
                StepName::Authenticate
            })
            .evidence(evidence(
                paste,
                i,
                with_answer(format!("{}: {} in {place}", r.line(), s.secret.marker())),
            ))
            .link(VALIDATE)
            .weight(LEAD),
        );
    }
    authorization_header(paste, i, r, ep, base, out);
    // The token (or the login's fields) in the body or query, and no X-Authorization header.
    let has_header = r.header("x-authorization").is_some_and(|v| !v.trim().is_empty());
    let in_body: Vec<String> = r
        .body
        .as_deref()
        .map(fields::fields)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| fields::secret_field(k).is_some())
        .map(|(k, _)| k)
        .collect();
    let in_query = query_pairs(&r.url)
        .into_iter()
        .any(|(k, _)| k != "token" && fields::secret_field(&k).is_some());
    let header_required = !matches!(ep, Endpoint::Validate | Endpoint::Refresh { .. });
    if !has_header && ((!in_body.is_empty() && *ep != Endpoint::Logout) || in_query) && header_required
        || (*ep == Endpoint::Validate && !in_body.is_empty() && !has_header)
    {
        let where_ = if in_body.is_empty() {
            "in the address's query".to_string()
        } else {
            format!(
                "in the body ({})",
                in_body.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )
        };
        out.push(
            Hint::new(
                HintId::RequestTokenInBody,
                Severity::Error,
                "The request carries its credential in the body, not in the X-Authorization header",
            )
            .detail(format!(
                "Calls after the login take the token in the `X-Authorization` header; this request has none, and \
                     sends a credential {where_} instead. The Control Room answers `UM1117` \"Access token expected in \
                     the 'X-Authorization' header\", or, for validate, `{{\"valid\": false}}`."
            ))
            .fix(with_corrected(
                "1. Log in with `POST /v2/authentication` (the body with `username` and `apiKey` belongs there).\n2. \
                     Put the token of its answer in the header `X-Authorization: <token>` and leave the body out.",
                &corrected_call(r, &method),
            ))
            .step(if *ep == Endpoint::Validate {
                StepName::Validate
            } else {
                StepName::Authenticate
            })
            .evidence(evidence(
                paste,
                i,
                with_answer(format!("{}, no X-Authorization header, credential {where_}", r.line())),
            ))
            .link(VALIDATE)
            .weight(LEAD),
        );
    }
}

/// `Authorization: Bearer …`, `Authorization: Basic …`, `-u user:password`, `X-Authorization: Bearer …`.
pub(super) fn authorization_header(
    paste: &Paste,
    i: usize,
    r: &PastedRequest,
    ep: &Endpoint,
    base: &str,
    out: &mut Vec<Hint>,
) {
    let login = matches!(ep, Endpoint::Login { .. } | Endpoint::Body);
    let method = r.effective_method();
    let mut found: Option<(String, String)> = None;
    for (k, v) in &r.headers {
        let n = fields::normalised(k);
        let scheme = v.trim().split(' ').next().unwrap_or("").to_ascii_lowercase();
        if n == "authorization" {
            found = Some((
                format!("{k}: {}", quote(v, 60)),
                format!(
                    "`{k}: {}`",
                    if scheme == "basic" {
                        "Basic …"
                    } else if scheme == "bearer" {
                        "Bearer …"
                    } else {
                        "…"
                    }
                ),
            ));
        } else if n == "xauthorization" && scheme == "bearer" {
            found = Some((format!("{k}: {}", quote(v, 60)), "`X-Authorization: Bearer …`".into()));
        }
    }
    if found.is_none()
        && let Some(u) = &r.basic_user
    {
        found = Some((
            format!("Basic credentials for `{u}` (curl -u)"),
            "Basic credentials (`-u user:password`)".into(),
        ));
    }
    let Some((ev, what)) = found else { return };
    let (detail, corrected) = if login {
        (
            format!(
                "The request sends {what}. The Control Room's login does not read credentials from an \
                 Authorization header: it takes `username` and `apiKey` (or `password`) in the JSON body, and returns a \
                 token."
            ),
            corrected_login(
                base,
                username(r).as_deref().or(r.basic_user.as_deref()),
                login_mode(r).unwrap_or_default(),
            ),
        )
    } else {
        (
            format!(
                "The request sends {what}. The Control Room expects the bare token in the `X-Authorization` header: \
                 no `Bearer ` in front, no `Authorization` header (`Authorization: Bearer` is only for OAuth tokens of \
                 API Tasks). Without it the answer is 401 or `UM1117`."
            ),
            corrected_call(r, &method),
        )
    };
    out.push(
        Hint::new(
            HintId::RequestAuthorizationHeader,
            Severity::Error,
            "The request uses an Authorization header the Control Room does not read",
        )
        .detail(detail)
        .fix(with_corrected(
            if login {
                "Remove the Authorization header (in Postman: Authorization > No Auth) and send the credentials in the \
                     JSON body."
            } else {
                "Send `X-Authorization: <token>` with the bare token (in Postman: Authorization > No Auth, and the \
                     header in Headers)."
            },
            &corrected,
        ))
        .step(StepName::Authenticate)
        .evidence(evidence(paste, i, ev))
        .link(VALIDATE)
        .weight(LEAD),
    );
}
