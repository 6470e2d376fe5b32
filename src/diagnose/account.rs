//! What the account may do against what the profile requires (`account.missing-permission`), and
//! the API key's expiry kept with the profile (`input.key-expiring`). The words of capabilities
//! are `crate::capabilities`' (docs/capabilities.md); the expiry's are `crate::key_expiry`'s.

use super::facts::Ctx;
use super::rank::{CONTEXT, LEAD, NOTE, ROOT};
use super::{Hint, HintId, Severity, links};
use crate::capabilities::{Capabilities, Met, ROLE_SCREEN, Requirement};
use crate::plan::AuthMode;
use crate::transcript::{Outcome, StepName};

pub(crate) fn check(cx: &Ctx, out: &mut Vec<Hint>) {
    missing_permission(cx, out);
    key_expiring(cx, out);
}

/// "a, b or c".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A required capability the login answer or a probe showed missing: the check fails (the engine
/// set the outcome), and the words say which permission, on which screen. Capabilities nobody
/// could confirm get a warning.
fn missing_permission(cx: &Ctx, out: &mut Vec<Hint>) {
    let require = &cx.plan.target.require;
    let Some(account) = &cx.t.account else { return };
    if require.is_empty() {
        return;
    }
    let caps = Capabilities::from_account(account, &cx.t.probes, require);
    let missing: Vec<&Requirement> = caps.missing().collect();
    let unknown: Vec<&Requirement> = caps.required.iter().filter(|r| r.met == Met::Unknown).collect();
    let user = cx.user();
    let roles = if account.roles.is_empty() {
        "its roles".to_string()
    } else {
        format!("its roles ({})", account.roles.join(", "))
    };
    if !missing.is_empty() {
        let what: Vec<String> = missing.iter().map(|r| r.words.clone()).collect();
        let ticks = missing
            .iter()
            .map(|r| format!("   - {} — to {}", r.capability.role_permission(), r.words))
            .collect::<Vec<_>>()
            .join("\n");
        out.push(
            Hint::new(
                HintId::AccountMissingPermission,
                Severity::Error,
                format!("{user} cannot {}: {roles} lack the permission", join_or(&what)),
            )
            .detail(format!(
                "The credentials work: the Control Room issued a token and confirmed it. But this profile requires \
                 that the account can {}, and the Control Room says it cannot ({}). Permissions come from the \
                 account's roles; an integration that needs this would fail in production.",
                join_or(&what),
                missing
                    .iter()
                    .map(|r| r.evidence.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
            .fix(format!(
                "1. Ask a Control Room administrator to give {user} the missing permission{} in {ROLE_SCREEN}: \
                 edit one of its roles, or create a role.\n2. Tick there:\n{ticks}\n3. If the role is new, assign \
                 it to {user} in *Administration > Users*.\n4. Run the check again: the next login carries the \
                 role's permissions. No new API key is needed.",
                if missing.len() == 1 { "" } else { "s" }
            ))
            .step(StepName::Authenticate)
            .evidence(
                missing
                    .iter()
                    .map(|r| format!("{}: {}", r.capability.id(), r.evidence))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .link(links::ROLES_PERMISSIONS)
            .weight(ROOT),
        );
    }
    if !unknown.is_empty() {
        let what: Vec<String> = unknown.iter().map(|r| r.words.clone()).collect();
        out.push(
            Hint::new(
                HintId::AccountMissingPermission,
                Severity::Warning,
                format!("Whether {user} can {} could not be confirmed", join_or(&what)),
            )
            .detail(format!(
                "This profile requires it, but the login answer lists no permissions{}, so the check cannot tell \
                 whether the account's roles allow it. It does not fail for that.",
                if unknown.iter().any(|r| r.capability.probe().is_some()) && !cx.plan.target.options.probes {
                    " and the capability probes were off"
                } else {
                    ""
                }
            ))
            .fix(format!(
                "Turn on the capability probes (`--probes`, or the profile's option) so the Control Room is asked \
                 directly, or ask an administrator to look at the roles of {user} in {ROLE_SCREEN}."
            ))
            .step(StepName::Authenticate)
            .evidence(
                unknown
                    .iter()
                    .map(|r| format!("{}: {}", r.capability.id(), r.evidence))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .link(links::ROLES_PERMISSIONS)
            .weight(CONTEXT),
        );
    }
}

/// The API key's expiry kept with the profile: within the warning window, past, or later.
fn key_expiring(cx: &Ctx, out: &mut Vec<Hint>) {
    let t = &cx.plan.target;
    if t.auth != AuthMode::ApiKey {
        return;
    }
    let Some(text) = t.key_expires.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return;
    };
    let user = cx.user();
    let renew = format!(
        "1. Sign in as {user} and generate a new key in *My settings > Generate API-Key* (the user needs a role \
         with **Generate API-Key**). The new key voids the old one: everything that uses it must get the new one.\n\
         2. Update this profile: its key (`aa-conntest profiles set-secret NAME --api-key-stdin`) and its expiry \
         date (the *API expiration* of *My settings*).\n3. The key's lifetime is the Control Room's *API-Key \
         Duration* (*Administration > Settings > Security*), from 1 minute to 9999 days."
    );
    // The check's own time, so a report says what was true when it ran.
    let (at, left) = match crate::key_expiry::describe(text, cx.t.started_at) {
        Ok(x) => x,
        Err(why) => {
            out.push(
                Hint::new(
                    HintId::InputKeyExpiring,
                    Severity::Warning,
                    "The API key's expiry date of this profile cannot be read",
                )
                .detail(format!("So the check cannot warn before the key expires: {why}."))
                .fix(format!(
                    "Type the date as {}: the *API expiration* of the user's *My settings*, or the Users page's \
                     API Key expiration.",
                    crate::key_expiry::FORMATS
                ))
                .evidence(format!("key expires: {text}"))
                .weight(NOTE),
            );
            return;
        }
    };
    let date = crate::key_expiry::date_words(at);
    let warn = t.key_warn_days();
    let evidence = format!("key expires: {date} ({}; warning window {warn} days)", left.words());
    let refused = cx.login_rejected() && cx.t.outcome == Outcome::Rejected;
    let hint = if left.expired && refused {
        Hint::new(
            HintId::InputKeyExpiring,
            Severity::Error,
            format!(
                "The API key {} ({date}), by the date kept with this profile",
                left.words()
            ),
        )
        .detail(
            "The Control Room refused the login, and the expiry date kept with this profile has passed: an expired \
             key is refused like a wrong one. The date comes from this profile (typed from the user's *My settings* \
             or the Users page), not from the Control Room, so check it there.",
        )
        .fix(renew)
        .step(StepName::Authenticate)
        .weight(LEAD)
    } else if left.expired {
        Hint::new(
            HintId::InputKeyExpiring,
            Severity::Warning,
            format!("The expiry date kept with this profile ({date}) has passed"),
        )
        .detail(
            "The date in this profile says the key has expired. If the login worked, the key was renewed or its \
             duration changed, and the date in the profile is out of date."
                .to_string(),
        )
        .fix("Type the current date from the user's *My settings* (*API expiration*) into the profile's key expiry.")
        .weight(CONTEXT)
    } else if left.within(warn) {
        Hint::new(
            HintId::InputKeyExpiring,
            Severity::Warning,
            format!("The API key {} ({date})", left.words()),
        )
        .detail(format!(
            "The key of {user} stops working on {date}, by the date kept with this profile; every bot, script or \
             integration that signs in with it then fails (the login is refused like a wrong key). This warning \
             starts {warn} days before."
        ))
        .fix(renew)
        .weight(CONTEXT)
    } else {
        Hint::new(
            HintId::InputKeyExpiring,
            Severity::Info,
            format!("The API key {} ({date})", left.words()),
        )
        .detail(format!(
            "By the date kept with this profile. The check warns {warn} days before (the profile's warning window)."
        ))
        .fix("Nothing to do now.")
        .weight(NOTE)
    };
    out.push(hint.evidence(evidence).link(links::APIKEY_ROLE));
}
