//! What an admin can require of an account ([`Capability`]), and whether the login answer or a
//! probe shows it ([`evaluate`]).

use super::path_of;
use super::words::is_admin;
use crate::transcript::{Probe, ProbeAnswer, ProbePurpose};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// What an account must be able to do, as an admin ticks it for a profile (`Target::require`).
/// Kept in files by its id (`deploy-bots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    GenerateApiKey,
    ViewLicence,
    ListDevices,
    ReadRepository,
    DeployBots,
    ViewSchedules,
    ManageCredentials,
}

impl Capability {
    pub const ALL: [Capability; 7] = [
        Capability::GenerateApiKey,
        Capability::ViewLicence,
        Capability::ListDevices,
        Capability::ReadRepository,
        Capability::DeployBots,
        Capability::ViewSchedules,
        Capability::ManageCredentials,
    ];

    /// The id of files and the command line: `deploy-bots`.
    pub fn id(self) -> &'static str {
        match self {
            Capability::GenerateApiKey => "generate-api-key",
            Capability::ViewLicence => "view-licence",
            Capability::ListDevices => "list-devices",
            Capability::ReadRepository => "read-repository",
            Capability::DeployBots => "deploy-bots",
            Capability::ViewSchedules => "view-schedules",
            Capability::ManageCredentials => "manage-credentials",
        }
    }

    pub fn from_id(s: &str) -> Option<Capability> {
        let s = s.trim();
        Self::ALL.into_iter().find(|c| {
            c.id().eq_ignore_ascii_case(s) || (*c == Capability::ViewLicence && s.eq_ignore_ascii_case("view-license"))
        })
    }

    /// What the account can do: "deploy bots".
    pub fn words(self) -> &'static str {
        match self {
            Capability::GenerateApiKey => "generate an API key",
            Capability::ViewLicence => "view the licence details",
            Capability::ListDevices => "list devices",
            Capability::ReadRepository => "read the repository",
            Capability::DeployBots => "deploy bots",
            Capability::ViewSchedules => "view scheduled automations",
            Capability::ManageCredentials => "manage its credentials",
        }
    }

    /// The permissions (`resourceType`, `action`) that give it: any one is enough.
    pub fn permissions(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Capability::GenerateApiKey => &[("api", "generateapikey")],
            Capability::ViewLicence => &[("licensemanagement", "licensemanagement")],
            Capability::ListDevices => &[("devices", "view"), ("devices", "all")],
            Capability::ReadRepository => &[("repositorymanager", "view"), ("repositorymanager", "all")],
            Capability::DeployBots => &[("repositorymanager", "run"), ("repositorymanager", "all")],
            Capability::ViewSchedules => &[
                ("taskscheduling", "view"),
                ("taskscheduling", "manageallmyfolderschedules"),
                ("taskscheduling", "manageallschedules"),
            ],
            Capability::ManageCredentials => &[("credentials", "managecredentials")],
        }
    }

    /// The permission as the role screen (*Administration > Roles*) names it, with its section.
    pub fn role_permission(self) -> &'static str {
        match self {
            Capability::GenerateApiKey => "**Generate API-Key** (API section)",
            Capability::ViewLicence => "**View licenses** (Administration section)",
            Capability::ListDevices => {
                "**View and manage my Bot runners, Bot creators and device pools** (Devices section)"
            }
            Capability::ReadRepository => {
                "**View my bots** (Bots section), and **View content** on the public workspace's folders"
            }
            Capability::DeployBots => {
                "**View my bots** and **Run my bots** (Bots section), and **Run** on the bots' folders"
            }
            Capability::ViewSchedules => "**View all scheduled activity from my folders** (Activity section)",
            Capability::ManageCredentials => "**Manage my credentials and lockers** (Credentials section)",
        }
    }

    /// The probe that asks the Control Room directly, if any.
    pub fn probe(self) -> Option<ProbePurpose> {
        match self {
            Capability::ViewLicence => Some(ProbePurpose::LicenseDetails),
            Capability::ListDevices => Some(ProbePurpose::ListDevices),
            Capability::ReadRepository => Some(ProbePurpose::ListPublicFiles),
            Capability::ViewSchedules => Some(ProbePurpose::ListSchedules),
            Capability::GenerateApiKey | Capability::DeployBots | Capability::ManageCredentials => None,
        }
    }

    /// "read-repository, deploy-bots": the ids a command line takes.
    pub fn ids() -> String {
        Self::ALL.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
    }
}

impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// `--require ID` (clap).
pub fn parse_capability(s: &str) -> Result<Capability, String> {
    Capability::from_id(s).ok_or_else(|| {
        format!(
            "\"{}\" is not a capability; one of: {}",
            crate::sanitize::for_display(s),
            Capability::ids()
        )
    })
}

/// A profile file's `require`: the ids this version knows, each once. Unknown ids (from a newer
/// version) and values that are not ids are left out rather than making the whole file unreadable,
/// as unknown fields are.
pub fn deserialize_required<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Capability>, D::Error> {
    let raw = serde_json::Value::deserialize(d)?;
    let mut out = Vec::new();
    for c in raw
        .as_array()
        .into_iter()
        .flatten()
        .take(64)
        .filter_map(|v| v.as_str())
        .filter_map(Capability::from_id)
    {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Whether a required capability was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Met {
    Met,
    Missing,
    /// Neither the login answer nor a probe says.
    Unknown,
}

/// A required capability and what showed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub capability: Capability,
    /// "read the repository".
    pub words: String,
    pub met: Met,
    /// What showed it, in words: "POST /v2/repository/… answered 403".
    pub evidence: String,
    /// Where an administrator grants it: the role permission and its screen.
    pub grant: String,
}

/// The role screen where permissions are granted [D8] [D25].
pub const ROLE_SCREEN: &str = "*Administration > Roles*";

/// Each required capability (once), from the probes first (the Control Room's own answer), then
/// the login answer's permissions, then the administrator role.
pub fn evaluate(
    require: &[Capability],
    permissions: &BTreeMap<String, Vec<String>>,
    roles: &[String],
    probes: &[Probe],
) -> Vec<Requirement> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for &cap in require {
        if seen.contains(&cap) {
            continue;
        }
        seen.push(cap);
        let probe = cap.probe().and_then(|p| probes.iter().find(|x| x.purpose == p));
        let call = |p: &Probe| format!("{} {}", p.request.method, path_of(&p.request.url));
        let status = |p: &Probe| {
            p.response
                .as_ref()
                .map(|r| format!("HTTP {}", r.status))
                .unwrap_or_else(|| "no answer".into())
        };
        let mut note = String::new();
        let (met, evidence) = match probe.map(|p| (p, p.answer())) {
            Some((p, ProbeAnswer::Allowed)) => (Met::Met, format!("{} answered {}", call(p), status(p))),
            Some((p, ProbeAnswer::NotAllowed)) => (
                Met::Missing,
                format!("{} answered {} (not allowed)", call(p), status(p)),
            ),
            other => {
                if let Some((p, a)) = other {
                    note = format!(
                        "; {} answered {}{}",
                        call(p),
                        status(p),
                        if a == ProbeAnswer::NotHere {
                            " (not on this Control Room)"
                        } else {
                            ""
                        }
                    );
                }
                let wanted = cap.permissions();
                let has = wanted.iter().find(|(r, a)| {
                    permissions
                        .iter()
                        .any(|(pr, acts)| pr.eq_ignore_ascii_case(r) && acts.iter().any(|x| x.eq_ignore_ascii_case(a)))
                });
                let names = wanted
                    .iter()
                    .map(|(r, a)| format!("{r}: {a}"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let count: usize = permissions.values().map(Vec::len).sum();
                match has {
                    Some((r, a)) => (Met::Met, format!("the login answer lists {r}: {a}{note}")),
                    None if count > 0 => (
                        Met::Missing,
                        format!(
                            "the login answer lists {count} permission{}, not {names}{note}",
                            plural(count)
                        ),
                    ),
                    // INFERRED: the administrator role has every permission [D32].
                    None if is_admin(roles) => (Met::Met, format!("the role AAE_Admin has every permission{note}")),
                    None => (
                        Met::Unknown,
                        format!(
                            "the login answer lists no permissions{}{note}",
                            match (cap.probe(), probe) {
                                (Some(_), None) => "; turn on the capability probes to ask the Control Room",
                                _ => "",
                            }
                        ),
                    ),
                }
            }
        };
        out.push(Requirement {
            capability: cap,
            words: cap.words().to_string(),
            met,
            evidence,
            grant: format!("{} in {ROLE_SCREEN}", cap.role_permission()),
        });
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
