//! Variables of a collection or environment that the paste uses but does not define: reported
//! once for the whole paste, since their values (often the Control Room's address) are unknown.

use super::CONTEXT;
use crate::diagnose::{Hint, HintId, Severity};
use crate::paste::Paste;
use crate::transcript::StepName;

pub(super) fn unresolved(paste: &Paste, out: &mut Vec<Hint>) {
    if paste.unresolved.is_empty() {
        return;
    }
    let names: Vec<String> = paste
        .unresolved
        .iter()
        .take(12)
        .map(|n| format!("`{{{{{n}}}}}`"))
        .collect();
    let in_url = paste
        .requests
        .iter()
        .any(|r| r.url.trim_start().starts_with("{{") || r.url.contains("://{{"));
    out.push(
        Hint::new(
            HintId::RequestUnresolved,
            Severity::Warning,
            format!("The paste uses variables it does not define: {}", names.join(", ")),
        )
        .detail(format!(
            "{} come from an environment or collection variables that were not pasted, so their values are unknown \
             here{}.",
            names.join(", "),
            if in_url {
                ": the Control Room's address is one of them, so this paste alone cannot be tested"
            } else {
                ""
            }
        ))
        .fix(
            "1. Paste the environment too (Postman: Environments > … > Export; the file can be dropped with the \
             collection).\n2. Or fill in the Control Room URL, the username and the key in the form.",
        )
        .step(StepName::Preflight)
        .evidence(format!("unresolved: {}", names.join(", ")))
        .weight(CONTEXT),
    );
}
