//! Capability probes (issue 14 item 2): a short list of read-only Control Room calls made with the
//! token just issued, after validate and before logout, each answering "allowed" (2xx), "not
//! allowed" (403) or "not on this Control Room" (404). Opt-in: `check --probes`, a profile's
//! option, or a required capability that a probe can confirm. Never a second login; every call
//! goes through the engine's one HTTP call (body capped, secrets and the token redacted) and is
//! recorded in [`Transcript::probes`](crate::transcript::Transcript::probes).
//!
//! Only calls that change nothing: a `GET`, or a documented list `POST` whose body only pages
//! the result (one item). Each call and the permission it needs are documented in
//! docs/capabilities.md with Automation Anywhere's pages.

use crate::plan::Plan;
use crate::transcript::ProbePurpose;

/// One probe's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeCall {
    pub purpose: ProbePurpose,
    pub method: &'static str,
    pub path: &'static str,
    /// A list `POST`'s body: one item, no filter (documented "Filtering, pagination, and sorting").
    pub body: Option<&'static str>,
}

/// One item is enough to know the call is allowed, and keeps the report small.
const ONE_ITEM: &str = r#"{"page":{"offset":0,"length":1}}"#;

/// The request of a capability probe (`None` for a purpose that is not one).
pub fn call(purpose: ProbePurpose) -> Option<ProbeCall> {
    let (method, path, body) = match purpose {
        // "Retrieve Control Room license details API" [D20].
        ProbePurpose::LicenseDetails => ("GET", "/v2/license/details", None),
        // "Request device details" [D28]: `POST /v2/devices/list` with a filter/page body.
        ProbePurpose::ListDevices => ("POST", "/v2/devices/list", Some(ONE_ITEM)),
        // "List files and folders by workspace API" [D27].
        ProbePurpose::ListPublicFiles => ("POST", "/v2/repository/workspaces/public/files/list", Some(ONE_ITEM)),
        // "List automation schedules API" [D29] (v1: deprecated from v.34, still documented).
        ProbePurpose::ListSchedules => ("POST", "/v1/schedule/automations/list", Some(ONE_ITEM)),
        ProbePurpose::V1Login => return None,
    };
    Some(ProbeCall {
        purpose,
        method,
        path,
        body,
    })
}

/// The probes a plan asks for, in order: every capability probe with the `probes` option; else the
/// probes of its required capabilities (requiring one is asking the Control Room about it).
pub fn wanted(plan: &Plan) -> Vec<ProbePurpose> {
    if plan.target.options.probes {
        return ProbePurpose::CAPABILITY.to_vec();
    }
    ProbePurpose::CAPABILITY
        .into_iter()
        .filter(|p| plan.target.require.iter().any(|c| c.probe() == Some(*p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::Capability;

    #[test]
    fn every_capability_probe_reads_only() {
        for p in ProbePurpose::CAPABILITY {
            let c = call(p).expect("a call");
            assert!(
                c.method == "GET" || (c.method == "POST" && c.path.ends_with("/list")),
                "{c:?}"
            );
            if let Some(b) = c.body {
                let v: serde_json::Value = serde_json::from_str(b).expect("json body");
                assert_eq!(v, serde_json::json!({"page": {"offset": 0, "length": 1}}));
            }
        }
        assert_eq!(call(ProbePurpose::V1Login), None);
    }

    #[test]
    fn probes_are_opt_in() {
        let mut plan = Plan::default();
        assert!(wanted(&plan).is_empty(), "off by default");
        plan.target.require = vec![Capability::ReadRepository, Capability::GenerateApiKey];
        assert_eq!(wanted(&plan), vec![ProbePurpose::ListPublicFiles]);
        plan.target.options.probes = true;
        assert_eq!(wanted(&plan).len(), 4);
    }
}
