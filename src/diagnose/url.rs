//! `url.*`: the Control Room address as typed, judged before and after the check.
//!
//! One function per hint. The facts come from [`crate::target_url`]'s normalisation (its notes); the
//! severity and weight rise when the check then failed in a way the note explains (no scheme and a
//! failed handshake; plain http and a redirect).

use super::facts::Ctx;
use super::rank::{CONTEXT, LIKELY, NOTE, ROOT};
use super::text::shorten;
use super::{Hint, HintId, Severity, links};
use crate::target_url::{NormalisedUrl, UrlError, UrlNote};
use crate::transcript::{StepError, StepName};

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    // Never the `user:password@` part (see `url.credentials`).
    let typed = shorten(crate::target_url::strip_userinfo(&cx.plan.target.url).trim(), 120);
    let u = match &cx.url {
        Err(UrlError::Missing) => return out.push(missing()),
        Err(UrlError::Invalid(reason)) => return out.push(invalid(&typed, reason)),
        Ok(u) => u,
    };
    for note in &u.notes {
        match note {
            UrlNote::NoScheme => out.push(no_scheme(cx, u, &typed)),
            UrlNote::Http => out.push(plain_http(cx, u)),
            UrlNote::Whitespace => {} // reported by `input.whitespace` with the other fields
            // `/v1/authentication` is explained by `url.v1-endpoint`.
            UrlNote::PathDropped { .. } if u.notes.contains(&UrlNote::V1Endpoint) => {}
            UrlNote::PathDropped { dropped } => out.push(path_dropped(u, dropped)),
            UrlNote::V1Endpoint => out.push(v1_endpoint(&typed)),
            UrlNote::Credentials { with_password } => out.push(credentials(cx, u, *with_password)),
        }
    }
}

fn missing() -> Hint {
    Hint::new(HintId::UrlMissing, Severity::Error, "No Control Room address was given")
        .detail(
            "The check needs the address of your Control Room, the one you open in the browser to sign in. \
             Without it nothing can be tested.",
        )
        .fix(
            "1. Open the Control Room in your browser and copy the address up to the host name, \
             e.g. `https://acme.my.automationanywhere.digital`.\n2. Paste it into the Control Room URL field.",
        )
        .step(StepName::Preflight)
        .evidence("Control Room URL field is empty")
        .weight(ROOT)
}

fn invalid(typed: &str, reason: &str) -> Hint {
    Hint::new(
        HintId::UrlInvalid,
        Severity::Error,
        "The Control Room address cannot be read",
    )
    .detail(format!(
        "The address \"{typed}\" is not a usable web address: {reason}. A Control Room address looks \
             like `https://name.my.automationanywhere.digital` or `https://cr.company.local`."
    ))
    .fix(
        "1. Open the Control Room in your browser and copy the address from the address bar.\n\
             2. Keep only `https://` and the host name (and a port if there is one), e.g. \
             `https://cr.company.local:8443`.",
    )
    .step(StepName::Preflight)
    .evidence(format!("URL \"{typed}\": {reason}"))
    .weight(ROOT)
}

fn no_scheme(cx: &Ctx, u: &NormalisedUrl, typed: &str) -> Hint {
    // A TLS or protocol failure after we assumed https makes the assumption a suspect.
    let tls_failed = cx.t.steps.iter().any(|s| {
        matches!(
            s.error,
            Some(StepError::Tls {
                kind: crate::transcript::TlsFailure::Handshake,
                ..
            }) | Some(StepError::Protocol { .. })
        )
    });
    let plain_http = cx.t.connect.as_ref().and_then(|c| c.speaks_plain_http) == Some(true);
    let (sev, w, extra) = if tls_failed && plain_http {
        // Evidence, not a guess: the port answered a plain-http request.
        (
            Severity::Error,
            ROOT + 1,
            format!(
                " The secure connection then failed, and the port answered a plain-http request: this \
                 server speaks http there, so the address is `http://{}`. Prefer https if the Control \
                 Room offers it (ask its administrator): over http the key travels unencrypted.",
                u.base.trim_start_matches("https://")
            ),
        )
    } else if tls_failed {
        (
            Severity::Warning,
            LIKELY,
            " The secure connection then failed, so this server may only speak plain http: ask its \
             administrator which address to use rather than switching to http yourself."
                .to_string(),
        )
    } else {
        (Severity::Info, NOTE, String::new())
    };
    Hint::new(
        HintId::UrlNoScheme,
        sev,
        "The address had no https:// in front; https was assumed",
    )
    .detail(format!(
        "You typed \"{typed}\" without `https://` or `http://`. The check used `{}`, as \
             Automation 360 cloud Control Rooms only answer over https.{extra}",
        u.base
    ))
    .fix(format!(
        "Save the address as `{}` so every tool uses the same one.",
        u.base
    ))
    .step(StepName::Preflight)
    .evidence(format!("typed \"{typed}\", used {}", u.base))
    .weight(w)
}

fn plain_http(cx: &Ctx, u: &NormalisedUrl) -> Hint {
    let redirected = cx
        .response(StepName::Authenticate)
        .is_some_and(|r| (300..400).contains(&r.status));
    let (w, extra) = if redirected {
        (
            LIKELY,
            " The server answered the login with a redirect, which is what a Control Room that forces https does.",
        )
    } else {
        (CONTEXT, "")
    };
    // On this computer (the demo, a local tunnel) nothing crosses the network.
    let loopback = matches!(u.host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1");
    let severity = if loopback && !redirected {
        Severity::Info
    } else {
        Severity::Warning
    };
    Hint::new(
        HintId::UrlHttp,
        severity,
        "The address uses plain http: the key or password travels unencrypted",
    )
    .detail(format!(
        "The address starts with `http://`, so the {} and the token cross the network as readable \
             text. Control Rooms that force https answer such a login with a redirect, and a \
             redirected login is turned into a GET by most tools and fails.{extra}",
        cx.secret_label()
    ))
    .fix(format!(
        "1. Use `{}` instead.\n2. If the Control Room really only offers http (some on-premises \
             installs), ask its administrator to enable https before using it from scripts.",
        cx.https_base()
    ))
    .step(StepName::Preflight)
    .evidence(format!("URL {}", u.base))
    .link(links::FIREWALL)
    .weight(w)
}

fn path_dropped(u: &NormalisedUrl, dropped: &str) -> Hint {
    let dropped = shorten(dropped, 120);
    let lower = dropped.to_ascii_lowercase();
    let what = if lower.contains("#/") {
        "a page of the web interface (the part after `#/` is only used by the browser)"
    } else if lower.contains("swagger") {
        "the Swagger page; the API itself lives at the host's root"
    } else if lower.contains("/v1/") || lower.contains("/v2/") {
        "an API path; the check adds `/v2/authentication` itself"
    } else {
        "a path, query or fragment that the API does not use"
    };
    Hint::new(
        HintId::UrlPathDropped,
        Severity::Info,
        "Only the host part of the address was used",
    )
    .detail(format!(
        "The address you pasted ends with \"{dropped}\": {what}. The check used `{}` and \
             called `{}/v2/authentication`. A tool that glues `/v2/authentication` onto the full \
             pasted address would call a web page instead and get HTML or a 404/405.",
        u.base, u.base
    ))
    .fix(format!(
        "Use `{}` as the Control Room URL in your scripts and tools.",
        u.base
    ))
    .step(StepName::Preflight)
    .evidence(format!("dropped \"{dropped}\""))
    .weight(NOTE)
}

fn credentials(cx: &Ctx, u: &NormalisedUrl, with_password: bool) -> Hint {
    let what = if with_password {
        "a user name and a password"
    } else {
        "a user name (or a token)"
    };
    Hint::new(
        HintId::UrlCredentials,
        Severity::Warning,
        "The address had a user name and password in it; that part was dropped",
    )
    .detail(format!(
        "The address had {what} before `@`, the way some scripts write them. A Control Room does not sign in          that way: the login sends the username and the {} in its own request body. So the part before `@` was          dropped: it was not sent, and it is not shown, saved or written to the report, because a password          inside an address ends up in browser histories, logs and support tickets. The check used `{}`.",
        cx.secret_label(),
        u.base
    ))
    .fix(format!(
        "1. Save the address as `{}`, without the part before `@`.\n2. Put the username and the {} in their \
         own fields.\n3. If a real password was written in the address and the address was shared (a script, a \
         ticket, a chat), change that password.",
        u.base,
        cx.secret_label()
    ))
    .step(StepName::Preflight)
    .evidence(format!("the address had `…@` before the host ({what}, removed); used {}", u.base))
    .weight(CONTEXT)
}

fn v1_endpoint(typed: &str) -> Hint {
    Hint::new(
        HintId::UrlV1Endpoint,
        Severity::Warning,
        "The address points at the old login endpoint; the check used the current one",
    )
    .detail(
        "The address ends with `/v1/authentication`, which Automation 360 discontinued from v.33 and \
         which answers \"Access Denied\" on current Control Rooms. The check called \
         `/v2/authentication` instead. Scripts or samples copied from old documentation still use v1.",
    )
    .fix(
        "1. In your scripts, replace `/v1/authentication` with `/v2/authentication` (same JSON body).\n\
         2. Keep `/v1/authentication/token` (validate) and `/v1/authentication/logout`: those are still v1.",
    )
    .step(StepName::Preflight)
    .evidence(format!("URL \"{typed}\""))
    .link(links::CR_APIS)
    .weight(CONTEXT)
}
