//! A Community Edition Control Room: its API is limited, which can explain a refusal that no
//! credential would fix, so the host alone is worth a note.

use crate::diagnose::facts::Ctx;
use crate::diagnose::rank::{CONTEXT, NOTE};
use crate::diagnose::{Hint, HintId, Severity, links};
use crate::transcript::StepName;

pub(super) fn community_edition(cx: &Ctx, out: &mut Vec<Hint>) {
    if !cx.is_community_edition() {
        return;
    }
    let trouble = cx.failed(StepName::Authenticate) || cx.failed(StepName::Validate);
    let (severity, weight) = if trouble {
        (Severity::Warning, CONTEXT)
    } else {
        (Severity::Info, NOTE)
    };
    out.push(
        Hint::new(
            HintId::AuthCommunityEdition,
            severity,
            "This is a Community Edition Control Room: its API is limited",
        )
        .detail(format!(
            "`{}` is an Automation Anywhere Community Edition address. The Community Edition shows the Control \
                 Room APIs, but their functionality is limited; some calls may be refused even with a valid token{}.",
            cx.host,
            if trouble { ", which may explain the failure" } else { "" }
        ))
        .fix(
            "For API integrations, test against a licensed Automation 360 Control Room (your company's tenant, \
                 e.g. `https://name.my.automationanywhere.digital`).",
        )
        .step(StepName::Preflight)
        .evidence(format!("host {}", cx.host))
        .link(links::VALIDATE)
        .weight(weight),
    );
}
