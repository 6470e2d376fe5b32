//! The licence in fail-safe: sign-in works and the next call fails with the Control Room's own
//! error, which looks like a credential problem but is not; the licence state (read only when
//! the account may) tells them apart.

use crate::diagnose::facts::Ctx;
use crate::diagnose::rank::{LEAD, LIKELY};
use crate::diagnose::text::{cr_error_evidence, shorten};
use crate::diagnose::{Hint, HintId, Severity, links};
use crate::transcript::StepName;

/// Signed in, then the Control Room itself failed the next call: a licence in fail-safe does that
/// (`GET /v2/license/details`, read only when the account may).
pub(super) fn license_fail_safe(cx: &Ctx, out: &mut Vec<Hint>) {
    use crate::transcript::ProbePurpose;
    if !cx.logged_in() {
        return;
    }
    let validate = cx.response(StepName::Validate);
    let cr_failed = cx.failed(StepName::Validate)
        && validate.is_some_and(|r| {
            r.from_control_room()
                && !matches!(r.control_room_error().and_then(|e| e.code).as_deref(), Some("UM1117"))
                && r.status != 401
        });
    let details =
        cx.t.probe(ProbePurpose::LicenseDetails)
            .and_then(|p| p.response.as_ref())
            .filter(|r| (200..300).contains(&r.status))
            .and_then(|r| r.json());
    let status = details
        .as_ref()
        .and_then(|d| d.get("failSafeStatus"))
        .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
    let field = |k: &str| {
        details
            .as_ref()
            .and_then(|d| d.get(k))
            .map(|v| match v {
                serde_json::Value::String(s) => shorten(s, 40),
                other => shorten(&other.to_string(), 40),
            })
            .unwrap_or_else(|| "?".into())
    };
    let call = validate
        .and_then(|r| r.control_room_error().map(|e| cr_error_evidence(r, &e)))
        .unwrap_or_default();
    match status {
        Some(s @ (1 | 2)) => {
            let expired = s == 2;
            out.push(
                Hint::new(
                    HintId::AuthLicenseFailSafe,
                    if cr_failed { Severity::Error } else { Severity::Warning },
                    if expired {
                        "The Control Room's licence fail-safe has expired: it stops all work".to_string()
                    } else {
                        "The Control Room's licence is in fail-safe: sign-in works, other calls fail".to_string()
                    },
                )
                .detail(format!(
                    "The Control Room reports its licence in {} (`failSafeStatus` {s}). It enters fail-safe when it \
                     cannot reach the Automation Anywhere licence server for more than 48 hours, or when more \
                     licences are in use than were bought. In fail-safe, logins still work but other API calls fail{}; \
                     after 30 days the fail-safe expires and the Control Room stops all operations. Your credentials \
                     are fine.",
                    if expired { "an expired fail-safe" } else { "fail-safe mode" },
                    if cr_failed { ", as the token check did" } else { "" }
                ))
                .fix(
                    "1. Tell the Control Room administrator: *Administration > Licenses* shows the licence state.\n2. \
                     The Control Room must reach the licence server again (outbound HTTPS through the firewall or \
                     proxy), or the licences in use must be brought back within what was bought.\n3. Then run the \
                     check once more.",
                )
                .step(StepName::Validate)
                .evidence(format!(
                    "GET /v2/license/details: failSafeStatus {s}, licenseMode {}, controlRoomLicenseServerSyncStatus {}{}",
                    field("licenseMode"),
                    field("controlRoomLicenseServerSyncStatus"),
                    if call.is_empty() {
                        String::new()
                    } else {
                        format!("; validate: {call}")
                    }
                ))
                .link(links::RETURN_CODES)
                .weight(LEAD),
            );
        }
        // Could not be read: say what is likely, and who can look.
        None if cr_failed && cx.t.probe(ProbePurpose::LicenseDetails).is_none() => {
            out.push(
                Hint::new(
                    HintId::AuthLicenseFailSafe,
                    Severity::Warning,
                    "Sign-in works but the next call failed: the licence may be in fail-safe",
                )
                .detail(format!(
                    "The Control Room issued a token, then answered the token check with its own error. A Control \
                     Room whose licence is in fail-safe (no contact with the licence server for 48 hours, or more \
                     licences in use than bought) does exactly that. Its licence state was not read: {} may not view \
                     licences, and this tool only asks when the account may.",
                    cx.user()
                ))
                .fix(
                    "Ask the Control Room administrator to look at *Administration > Licenses* for a fail-safe \
                     state, or run the check with an account that may view licences.",
                )
                .step(StepName::Validate)
                .evidence(format!("validate: {call}"))
                .weight(LIKELY),
            );
        }
        _ => {}
    }
}
