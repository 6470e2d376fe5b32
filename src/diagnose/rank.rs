//! Ordering, de-duplication, the fallback for failures nothing explained, and the last redaction pass.
//!
//! Order: errors before warnings before info; within a severity, the highest weight first; ties keep the
//! catalogue order of [`HintId`] (its declaration order). Weights:
//! - [`LEAD`]: a fact that explains the failure better than the failure's own hint
//!   (a 39-character key behind `UM1110`, a clock skew behind `valid: false`);
//! - [`ROOT`]: the failing step's own explanation;
//! - [`LIKELY`]: a secondary cause or a consequence worth acting on;
//! - [`CONTEXT`]: useful context; [`NOTE`]: for information.

use super::facts::Ctx;
use super::text::{response_evidence, scrub_tokens, shorten};
use super::{Hint, HintId, Severity};
use crate::secret::Redactor;
use crate::transcript::{Outcome, StepError, StepName, StepStatus};

pub(crate) const LEAD: u32 = 120;
pub(crate) const ROOT: u32 = 100;
pub(crate) const LIKELY: u32 = 60;
pub(crate) const CONTEXT: u32 = 30;
pub(crate) const NOTE: u32 = 10;

/// A failed check always gets an error hint, even in a situation no rule knows.
pub(crate) fn fallback(cx: &Ctx, out: &mut Vec<Hint>) {
    let cancelled =
        cx.t.outcome == Outcome::Cancelled || cx.t.steps.iter().any(|s| matches!(s.error, Some(StepError::Cancelled)));
    if cancelled {
        let during =
            cx.t.steps
                .iter()
                .find(|s| matches!(s.error, Some(StepError::Cancelled)) || s.status == StepStatus::Running)
                .map(|s| s.name);
        let login_sent = cx.t.login_attempts > 0;
        out.push(
            Hint::new(HintId::CheckCancelled, Severity::Info, "The check was cancelled")
                .detail(format!(
                    "The check was stopped{} before it finished, so it says nothing about the steps that did not run.{}",
                    during.map(|s| format!(" during {}", s.as_str())).unwrap_or_default(),
                    if login_sent {
                        " The login had already been sent; if it reached the Control Room it counts as an attempt."
                    } else {
                        ""
                    }
                ))
                .fix("Run the check again when ready.")
                .evidence("cancelled")
                .weight(NOTE),
        );
        return;
    }
    let failed =
        cx.t.steps
            .iter()
            .find(|s| s.status == StepStatus::Failed && s.name != StepName::Logout);
    let failed_outcome = matches!(
        cx.t.outcome,
        Outcome::Rejected | Outcome::Unreachable | Outcome::InvalidInput
    );
    if (failed.is_none() && !failed_outcome) || out.iter().any(|h| h.severity == Severity::Error) {
        return;
    }
    let (step, evidence) = match failed {
        Some(s) => {
            let mut ev = Vec::new();
            if let Some(e) = &s.error {
                ev.push(shorten(&e.to_string(), 200));
            }
            if let Some(r) = &s.response {
                ev.push(response_evidence(r));
            }
            (
                Some(s.name),
                if ev.is_empty() {
                    "no error recorded".to_string()
                } else {
                    ev.join("; ")
                },
            )
        }
        None => (None, format!("outcome {}", cx.t.outcome.as_str())),
    };
    let mut h = Hint::new(
        HintId::CheckUnexplained,
        Severity::Error,
        "The check failed in a way this tool does not recognise",
    )
    .detail(format!(
        "The {} step did not succeed, and none of the known situations matches what came back. The request and \
             the answer are shown in full in the report.",
        step.map(|s| s.as_str()).unwrap_or("check")
    ))
    .fix(
        "1. Save the report (it contains no secret) and send it to the Control Room administrator or to support.\n\
             2. Run the check once more only after something has changed.",
    )
    .evidence(evidence)
    .weight(ROOT);
    if let Some(s) = step {
        h = h.step(s);
    }
    out.push(h);
}

/// De-duplicate by id (the strongest wins), remove any secret or token from the texts, and order.
pub(crate) fn finish(cx: &Ctx, hints: Vec<Hint>) -> Vec<Hint> {
    let mut kept: Vec<Hint> = Vec::with_capacity(hints.len());
    for h in hints {
        match kept.iter_mut().find(|k| k.id == h.id) {
            Some(k) => {
                if (h.severity, std::cmp::Reverse(h.weight)) < (k.severity, std::cmp::Reverse(k.weight)) {
                    *k = h;
                }
            }
            None => kept.push(h),
        }
    }
    let mut redactor = Redactor::new();
    let secret = cx.plan.secret.expose();
    redactor.add_secret(secret);
    let trimmed = secret.trim();
    if trimmed != secret {
        redactor.add_secret(trimmed);
    }
    // A password typed into the address (`url.credentials`) is a secret too.
    for s in crate::target_url::userinfo_secrets(&cx.plan.target.url) {
        redactor.add_secret(&s);
    }
    // Hints quote server text (messages, page titles, headers, certificate names): shown
    // escaped, so no control, bidi or invisible character reaches a terminal or a label.
    use crate::sanitize::{for_display, for_display_multiline};
    for h in &mut kept {
        let clean = |s: &str| scrub_tokens(&redactor.redact(s));
        h.title = for_display(&clean(&h.title)).into_owned();
        h.detail = for_display_multiline(&clean(&h.detail)).into_owned();
        h.fix = for_display_multiline(&clean(&h.fix)).into_owned();
        h.evidence = h.evidence.as_deref().map(|e| for_display(&clean(e)).into_owned());
    }
    kept.sort_by_key(|h| (h.severity, std::cmp::Reverse(h.weight), h.id));
    kept
}
