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

use crate::transcript::{AccountSummary, Probe, ProbeAnswer, ProbePurpose};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Permissions in words

/// Resource types with their titles (docs/capabilities.md, "Permissions").
const RESOURCES: &[(&str, &str)] = &[
    ("api", "API"),
    ("botinsightapi", "Bot Insight"),
    ("iqbotapi", "IQ Bot API"),
    ("devices", "Devices"),
    ("pool", "Device pools"),
    ("repositorymanager", "Bots"),
    ("credentials", "Credentials"),
    ("locker", "Lockers"),
    ("credentialattribute", "Credential attributes"),
    ("usermanagement", "Users"),
    ("rolesmanagement", "Roles"),
    ("migration", "Migration"),
    ("licensemanagement", "Licences"),
    ("dashboard", "Dashboard"),
    ("taskscheduling", "Activity"),
];

/// `(resource type, action, what the account can do)`, from AA's permission tables [D12] [D21]–[D24].
const ACTIONS: &[(&str, &str, &str)] = &[
    // API permissions [D12]
    ("api", "generateapikey", "generate an API key"),
    ("api", "botinsightapi", "use the Bot Insight APIs"),
    ("botinsightapi", "coeadmin", "use the CoE dashboard (reserved)"),
    (
        "iqbotapi",
        "accessreportingapi",
        "read IQ Bot reporting through the API",
    ),
    (
        "iqbotapi",
        "accessuploadanddownloadapi",
        "upload documents and download their results through the IQ Bot API",
    ),
    (
        "iqbotapi",
        "accessnlpapi",
        "use IQ Bot's language processing through the API",
    ),
    // Devices permissions [D21]
    (
        "devices",
        "view",
        "view and manage its own Bot Runners, Bot Creators and device pools",
    ),
    ("devices", "all", "view and manage all devices"),
    ("devices", "register", "register a device"),
    ("devices", "edit", "edit the devices it can see"),
    ("devices", "delete", "delete the devices it registered"),
    (
        "devices",
        "attestcredentials",
        "deploy bots on a user's device without the system password",
    ),
    ("pool", "create", "create and manage its own device pools"),
    // Bots and credentials permissions [D22]
    ("repositorymanager", "view", "view its bots"),
    ("repositorymanager", "run", "run its bots"),
    ("repositorymanager", "export", "export bots"),
    ("repositorymanager", "import", "import bots"),
    ("repositorymanager", "createfolders", "create folders"),
    ("repositorymanager", "renamefolders", "rename folders"),
    ("repositorymanager", "cancelcheckout", "cancel a bot's checkout"),
    ("repositorymanager", "forceunlock", "unlock locked bots"),
    (
        "repositorymanager",
        "accessresourceany",
        "reach any resource of its bots (device pools, queues)",
    ),
    (
        "repositorymanager",
        "setproductionversion",
        "set the production version of bots",
    ),
    ("repositorymanager", "all", "use every repository permission"),
    ("repositorymanager", "gitrestore", "restore bots from git"),
    ("credentials", "managecredentials", "manage its own credentials"),
    ("locker", "create", "create and manage its own lockers"),
    ("locker", "consume", "use the credentials of a locker"),
    (
        "credentialattribute",
        "createstandard",
        "create standard credential attributes",
    ),
    // Administration permissions [D23]
    ("usermanagement", "usermanagement", "view users"),
    ("usermanagement", "createuser", "create users"),
    ("usermanagement", "updateuser", "edit users"),
    ("usermanagement", "deleteuser", "delete users"),
    (
        "usermanagement",
        "viewuserrolebasicinfo",
        "view basic information on users and roles",
    ),
    ("rolesmanagement", "rolesview", "view roles"),
    ("rolesmanagement", "rolesmanagement", "view and manage roles"),
    ("migration", "view", "view migrations"),
    ("migration", "manage", "run migrations"),
    (
        "migration",
        "updatestatus",
        "update the conversion status of migrated bots",
    ),
    ("licensemanagement", "licensemanagement", "view the licence details"),
    ("licensemanagement", "licenseinstall", "install a licence"),
    // Dashboard and activity permissions [D24]
    ("dashboard", "view", "view dashboards"),
    ("taskscheduling", "myschedule", "view its own activity"),
    (
        "taskscheduling",
        "managemyschedule",
        "pause, resume or cancel its own activity",
    ),
    (
        "taskscheduling",
        "manageeveryoneschedule",
        "monitor and manage automations of the bots it may run or schedule",
    ),
    (
        "taskscheduling",
        "everyoneschedule",
        "monitor automations of the bots it may run or schedule",
    ),
    ("taskscheduling", "view", "view the schedules of its bots"),
    ("taskscheduling", "addschedule", "schedule bots"),
    ("taskscheduling", "updateschedule", "edit the schedules of its bots"),
    ("taskscheduling", "deleteschedule", "delete the schedules of its bots"),
    (
        "taskscheduling",
        "manageallmyfolderschedules",
        "view, edit and delete every schedule in its folders",
    ),
    (
        "taskscheduling",
        "manageallschedules",
        "view, edit and delete every schedule",
    ),
    (
        "taskscheduling",
        "setautomationpriority",
        "set an automation's priority to high",
    ),
];

/// What `action` on `resource` lets the account do, when AA's documentation says.
pub fn action_words(resource: &str, action: &str) -> Option<&'static str> {
    ACTIONS
        .iter()
        .find(|(r, a, _)| r.eq_ignore_ascii_case(resource) && a.eq_ignore_ascii_case(action))
        .map(|(_, _, w)| *w)
}

/// The title of a resource type: "Devices"; an unknown one as written ("other" for entries that
/// name none).
pub fn resource_title(resource: &str) -> String {
    RESOURCES
        .iter()
        .find(|(r, _)| r.eq_ignore_ascii_case(resource))
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| resource.replace(['_', '-'], " "))
}

/// "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// One resource type's permissions, as a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PermissionGroup {
    /// The resource type as the login answer names it (`devices`).
    pub resource: String,
    /// Its title ("Devices").
    pub title: String,
    /// "can view and manage all devices and register a device".
    pub sentence: String,
    /// The actions as the login answer names them.
    pub actions: Vec<String>,
    /// Actions AA's documentation does not describe (shown as written).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_documented: Vec<String>,
}

/// The permissions grouped by resource type, in words.
pub fn permission_groups(permissions: &BTreeMap<String, Vec<String>>) -> Vec<PermissionGroup> {
    let mut groups: Vec<PermissionGroup> = permissions
        .iter()
        .map(|(resource, actions)| {
            let known: Vec<String> = actions
                .iter()
                .filter_map(|a| action_words(resource, a).map(str::to_string))
                .collect();
            let not_documented: Vec<String> = actions
                .iter()
                .filter(|a| action_words(resource, a).is_none())
                .cloned()
                .collect();
            let mut sentence = String::new();
            if !known.is_empty() {
                sentence = format!("can {}", join_and(&known));
            }
            if !not_documented.is_empty() {
                let quoted: Vec<String> = not_documented.iter().map(|a| format!("\"{a}\"")).collect();
                if !sentence.is_empty() {
                    sentence.push_str("; also ");
                }
                sentence.push_str(&format!("{} (not described in AA's documentation)", join_and(&quoted)));
            }
            PermissionGroup {
                resource: resource.clone(),
                title: resource_title(resource),
                sentence,
                actions: actions.clone(),
                not_documented,
            }
        })
        .collect();
    // Documented resource types in the catalogue's order, then the others by name.
    let order = |r: &str| {
        RESOURCES
            .iter()
            .position(|(x, _)| x.eq_ignore_ascii_case(r))
            .unwrap_or(usize::MAX)
    };
    groups.sort_by(|a, b| (order(&a.resource), &a.resource).cmp(&(order(&b.resource), &b.resource)));
    groups
}

/// "API: can generate an API key; Bots: can view its bots and run its bots".
pub fn permissions_words(permissions: &BTreeMap<String, Vec<String>>) -> String {
    permission_groups(permissions)
        .iter()
        .map(|g| format!("{}: {}", g.title, g.sentence))
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------------------------------------
// Licences and roles in words

/// A licence feature of the login answer, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LicenceWords {
    /// As the login answer names it (`RUNTIME`).
    pub feature: String,
    /// The licence's name ("Unattended Bot Runner"), when AA's documentation says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it lets the account do.
    pub words: String,
}

/// `(feature, name, words)` [D26]: "Development for Bot Creator, Runtime for unattended Bot Runner,
/// and AttendedRuntime for attended Bot Runner licenses"; Citizen Developer's code is INFERRED.
const LICENCES: &[(&str, &str, &str)] = &[
    (
        "RUNTIME",
        "Unattended Bot Runner",
        "runs bots deployed from the Control Room: on a schedule, by a trigger or through the API",
    ),
    ("DEVELOPMENT", "Bot Creator", "creates, edits and runs bots"),
    (
        "ATTENDEDRUNTIME",
        "Attended Bot Runner",
        "runs bots on its own device and cannot schedule them",
    ),
    (
        "CITIZENDEVELOPER",
        "Citizen Developer",
        "creates and runs automations on its own device",
    ),
];

pub fn licence_words(feature: &str) -> LicenceWords {
    let key: String = feature
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_uppercase)
        .collect();
    match LICENCES.iter().find(|(f, _, _)| *f == key) {
        Some((_, name, words)) => LicenceWords {
            feature: feature.to_string(),
            name: Some(name.to_string()),
            words: words.to_string(),
        },
        None => LicenceWords {
            feature: feature.to_string(),
            name: None,
            words: "a licence feature AA's documentation does not describe".into(),
        },
    }
}

/// A role of the login answer, with what AA's documentation says of it (system roles only [D32]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleWords {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<String>,
}

const ROLES: &[(&str, &str)] = &[
    (
        "AAE_Admin",
        "Control Room administrator: every feature and every folder of the public workspace",
    ),
    (
        "AAE_Basic",
        "basic role: its own bots, limited access to other features",
    ),
    ("AAE_Pool Admin", "views and manages all device pools"),
    ("AAE_Locker Admin", "views all credentials and lockers"),
    ("AAE_Queue Admin", "views and manages all queues"),
    ("AAE_Bot Developer", "downloads bots and packages from the Bot Store"),
    ("AAE_Bot Migration Admin", "views and manages the bot migration"),
];

pub fn role_words(name: &str) -> RoleWords {
    RoleWords {
        name: name.to_string(),
        words: ROLES
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(name.trim()))
            .map(|(_, w)| w.to_string()),
    }
}

fn is_admin(roles: &[String]) -> bool {
    roles.iter().any(|r| r.trim().eq_ignore_ascii_case("AAE_Admin"))
}

// ---------------------------------------------------------------------------------------------
// What an admin can require of an account

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

/// The path of a recorded URL (its base left out).
fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.to_string())
}

// ---------------------------------------------------------------------------------------------
// Probes in words

/// A capability probe, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeWords {
    pub purpose: ProbePurpose,
    /// `POST /v2/devices/list`.
    pub call: String,
    /// "list devices".
    pub question: String,
    pub answer: ProbeAnswer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// "allowed", "not allowed (403)", "not on this Control Room (404)", "no answer that tells (HTTP 500)".
    pub words: String,
    /// The permission it needs, as the role screen names it.
    pub needs: String,
}

/// What a probe asks, and the permission it needs (docs/capabilities.md).
pub fn probe_question(p: ProbePurpose) -> Option<(&'static str, Capability)> {
    Some(match p {
        ProbePurpose::LicenseDetails => ("view the licence details", Capability::ViewLicence),
        ProbePurpose::ListDevices => ("list devices", Capability::ListDevices),
        ProbePurpose::ListPublicFiles => ("list the public workspace's files", Capability::ReadRepository),
        ProbePurpose::ListSchedules => ("list scheduled automations", Capability::ViewSchedules),
        ProbePurpose::V1Login => return None,
    })
}

pub fn probe_words(p: &Probe) -> Option<ProbeWords> {
    let (question, cap) = probe_question(p.purpose)?;
    let status = p.response.as_ref().map(|r| r.status);
    let answer = p.answer();
    let words = match (answer, status) {
        (ProbeAnswer::Allowed, _) => "allowed".to_string(),
        (ProbeAnswer::NotAllowed, _) => "not allowed (403)".to_string(),
        (ProbeAnswer::NotHere, _) => "not on this Control Room (404)".to_string(),
        (ProbeAnswer::Unknown, Some(s)) => format!("no answer that tells (HTTP {s})"),
        (ProbeAnswer::Unknown, None) => match &p.error {
            Some(e) => format!("no answer that tells ({e})"),
            None => "no answer that tells".to_string(),
        },
    };
    Some(ProbeWords {
        purpose: p.purpose,
        call: format!("{} {}", p.request.method, path_of(&p.request.url)),
        question: question.to_string(),
        answer,
        status,
        words,
        needs: cap.role_permission().replace("**", ""),
    })
}

// ---------------------------------------------------------------------------------------------
// The whole value

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
    use crate::transcript::{RecordedRequest, RecordedResponse};

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
