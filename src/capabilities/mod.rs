//! What an account can do, in words (issue 14 items 1-3): from the login answer alone (roles, the
//! `permissions` entries grouped by resource type, licence features, multi-login, disabled, tenant)
//! and, when asked, from the capability probes (`src/engine/probes.rs`). One source of words for
//! the window's account card, `check`'s text output, the JSON report (`account.capabilities`) and the
//! Markdown report.
//!
//! Every permission, licence feature and role word here comes from Automation Anywhere's
//! documentation; docs/capabilities.md lists each with its page, and marks INFERRED what no page
//! settles (the shape in which the login answer lists permissions is one: the Control Room's role
//! permissions are `{id, action, resourceType, resourceId}` [D25]).

mod probes;
mod required;
mod words;

pub use probes::{ProbeWords, probe_question, probe_words};
pub use required::{Capability, Met, ROLE_SCREEN, Requirement, deserialize_required, evaluate, parse_capability};
pub use words::{
    LicenceWords, PermissionGroup, RoleWords, action_words, licence_words, permission_groups, permissions_words,
    resource_title, role_words,
};

use crate::transcript::{AccountSummary, Probe};
use serde::Serialize;

/// The path of a recorded URL (its base left out).
fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.to_string())
}

/// What the account can do, in words: `account.capabilities` of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capabilities {
    pub roles: Vec<RoleWords>,
    pub licences: Vec<LicenceWords>,
    /// The login answer's permissions by resource type (empty when it lists none, as many do).
    pub permissions: Vec<PermissionGroup>,
    /// Multi-login, in words (absent when the token does not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<String>,
    pub disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The capability probes that ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeWords>,
    /// The profile's required capabilities and whether each was shown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<Requirement>,
}

impl Capabilities {
    /// From the login answer's summary, the probes that ran and what the profile requires.
    pub fn from_account(a: &AccountSummary, probes: &[Probe], require: &[Capability]) -> Self {
        Self {
            roles: a.roles.iter().map(|r| role_words(r)).collect(),
            licences: a.license_features.iter().map(|l| licence_words(l)).collect(),
            permissions: permission_groups(&a.permissions),
            sessions: a.multiple_login.map(|m| {
                if m {
                    "may keep several sessions at once (multi-login)".to_string()
                } else {
                    "one session at a time: a new login may end its other sessions".to_string()
                }
            }),
            disabled: a.disabled == Some(true),
            tenant: a.tenant.clone(),
            probes: probes.iter().filter_map(probe_words).collect(),
            required: evaluate(require, &a.permissions, &a.roles, probes),
        }
    }

    /// The capabilities as labelled lines, for the text output, the Markdown report and the
    /// window's card: ("Licence", "Unattended Bot Runner (RUNTIME): runs bots …").
    pub fn lines(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.disabled {
            out.push(("Status".to_string(), "this account is disabled".to_string()));
        }
        if !self.roles.is_empty() {
            let roles = self
                .roles
                .iter()
                .map(|r| match &r.words {
                    Some(w) => format!("{} ({w})", r.name),
                    None => r.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            out.push(("Roles".to_string(), roles));
        }
        for l in &self.licences {
            let text = match &l.name {
                Some(n) => format!("{n} ({}): {}", l.feature, l.words),
                None => format!("{}: {}", l.feature, l.words),
            };
            out.push(("Licence".to_string(), text));
        }
        if self.permissions.is_empty() {
            out.push((
                "Permissions".to_string(),
                "the login answer lists none (ask the Control Room with the capability probes)".to_string(),
            ));
        }
        for g in &self.permissions {
            out.push((g.title.clone(), g.sentence.clone()));
        }
        if let Some(s) = &self.sessions {
            out.push(("Sessions".to_string(), s.clone()));
        }
        for p in &self.probes {
            out.push((
                "Probe".to_string(),
                format!("{}: {} — {} (needs {})", p.call, p.words, p.question, p.needs),
            ));
        }
        for r in &self.required {
            let state = match r.met {
                Met::Met => "yes",
                Met::Missing => "MISSING",
                Met::Unknown => "not known",
            };
            out.push(("Required".to_string(), format!("{}: {state} ({})", r.words, r.evidence)));
        }
        if let Some(t) = &self.tenant {
            out.push(("Tenant".to_string(), t.clone()));
        }
        out
    }

    /// The required capabilities shown missing.
    pub fn missing(&self) -> impl Iterator<Item = &Requirement> {
        self.required.iter().filter(|r| r.met == Met::Missing)
    }
}

/// The API key's expiry kept with a target, in words: "expires in 9 days (2026-03-01)"; `None`
/// without one (or for a password). The window, `profiles list` and the reports say it so.
pub fn key_expiry_words(t: &crate::plan::Target, now: time::OffsetDateTime) -> Option<String> {
    if t.auth != crate::plan::AuthMode::ApiKey {
        return None;
    }
    let text = t.key_expires.as_deref()?.trim();
    if text.is_empty() {
        return None;
    }
    Some(match crate::key_expiry::describe(text, now) {
        Ok((at, left)) => format!("{} ({})", left.words(), crate::key_expiry::date_words(at)),
        Err(_) => format!("expiry date unreadable: {}", crate::sanitize::for_display(text)),
    })
}

/// Whether the check must fail: a required capability the login answer or a probe showed missing.
pub fn requirements_missing(require: &[Capability], t: &crate::transcript::Transcript) -> bool {
    let Some(a) = &t.account else { return false };
    evaluate(require, &a.permissions, &a.roles, &t.probes)
        .iter()
        .any(|r| r.met == Met::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{ProbePurpose, RecordedRequest, RecordedResponse};
    use serde::Deserialize;
    use std::collections::BTreeMap;

    fn perms(list: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (r, a) in list {
            m.entry(r.to_string()).or_default().push(a.to_string());
        }
        m
    }

    fn probe(purpose: ProbePurpose, status: u16) -> Probe {
        let c = crate::engine::probes::call(purpose).unwrap();
        Probe {
            purpose,
            request: RecordedRequest {
                method: c.method.into(),
                url: format!("http://cr.test{}", c.path),
                ..Default::default()
            },
            response: Some(RecordedResponse {
                status,
                ..Default::default()
            }),
            error: None,
        }
    }

    #[test]
    fn permissions_in_sentences_grouped_by_resource() {
        let p = perms(&[
            ("repositorymanager", "view"),
            ("api", "generateapikey"),
            ("devices", "all"),
            ("devices", "register"),
            ("repositorymanager", "run"),
            ("repositorymanager", "frobnicate"),
            ("zz", "x"),
        ]);
        assert_eq!(
            permissions_words(&p),
            "API: can generate an API key; Devices: can view and manage all devices and register a device; \
             Bots: can view its bots and run its bots; also \"frobnicate\" (not described in AA's documentation); \
             zz: \"x\" (not described in AA's documentation)"
        );
        let g = permission_groups(&p);
        assert_eq!(g[2].not_documented, vec!["frobnicate"]);
    }

    #[test]
    fn licences_and_roles_in_words() {
        assert_eq!(licence_words("RUNTIME").name.as_deref(), Some("Unattended Bot Runner"));
        assert_eq!(licence_words("DEVELOPMENT").name.as_deref(), Some("Bot Creator"));
        assert_eq!(
            licence_words("AttendedRuntime").name.as_deref(),
            Some("Attended Bot Runner")
        );
        assert_eq!(licence_words("IQBOT").name, None);
        assert!(role_words("aae_admin").words.is_some());
        assert!(role_words("Bot_Creator").words.is_none());
    }

    #[test]
    fn requirements_from_probes_then_the_login_answer() {
        let p = perms(&[("api", "generateapikey"), ("devices", "view")]);
        let probes = [
            probe(ProbePurpose::ListPublicFiles, 403),
            probe(ProbePurpose::ListDevices, 200),
        ];
        let r = evaluate(
            &[
                Capability::GenerateApiKey,
                Capability::ReadRepository,
                Capability::ListDevices,
                Capability::DeployBots,
                Capability::GenerateApiKey,
            ],
            &p,
            &[],
            &probes,
        );
        let met: Vec<(Capability, Met)> = r.iter().map(|x| (x.capability, x.met)).collect();
        assert_eq!(
            met,
            vec![
                (Capability::GenerateApiKey, Met::Met),
                (Capability::ReadRepository, Met::Missing),
                (Capability::ListDevices, Met::Met),
                (Capability::DeployBots, Met::Missing),
            ]
        );
        assert_eq!(
            r[1].evidence,
            "POST /v2/repository/workspaces/public/files/list answered HTTP 403 (not allowed)"
        );
        assert!(
            r[3].evidence
                .contains("lists 2 permissions, not repositorymanager: run"),
            "{}",
            r[3].evidence
        );
        assert!(r[3].grant.contains("Run my bots") && r[3].grant.contains("Administration > Roles"));
        // A probe that allows wins over the login answer; no permissions at all is "unknown", unless admin.
        let none = BTreeMap::new();
        let r = evaluate(
            &[Capability::ReadRepository],
            &none,
            &[],
            &[probe(ProbePurpose::ListPublicFiles, 200)],
        );
        assert_eq!(r[0].met, Met::Met);
        let r = evaluate(&[Capability::ReadRepository], &none, &[], &[]);
        assert_eq!(r[0].met, Met::Unknown);
        assert!(r[0].evidence.contains("turn on the capability probes"));
        let r = evaluate(&[Capability::DeployBots], &none, &["AAE_Admin".into()], &[]);
        assert_eq!(r[0].met, Met::Met);
        // A 404 says nothing of the permission: the login answer decides.
        let r = evaluate(
            &[Capability::ListDevices],
            &p,
            &[],
            &[probe(ProbePurpose::ListDevices, 404)],
        );
        assert_eq!(r[0].met, Met::Met);
        assert!(
            r[0].evidence.contains("(not on this Control Room)"),
            "{}",
            r[0].evidence
        );
    }

    #[test]
    fn required_ids_read_leniently() {
        #[derive(Deserialize)]
        struct T {
            #[serde(deserialize_with = "deserialize_required")]
            require: Vec<Capability>,
        }
        let t: T = serde_json::from_str(
            r#"{"require": ["deploy-bots", "from-the-future", 7, "DEPLOY-BOTS", "view-license"]}"#,
        )
        .unwrap();
        assert_eq!(t.require, vec![Capability::DeployBots, Capability::ViewLicence]);
        let t: T = serde_json::from_str(r#"{"require": "deploy-bots"}"#).unwrap();
        assert!(t.require.is_empty());
        for c in Capability::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.id());
            assert_eq!(Capability::from_id(c.id()), Some(c));
        }
        assert!(parse_capability("x").unwrap_err().contains("deploy-bots"));
    }
}
