//! Permissions, licence features and roles in words, from AA's documentation (docs/capabilities.md).

use serde::Serialize;
use std::collections::BTreeMap;

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

pub(super) fn is_admin(roles: &[String]) -> bool {
    roles.iter().any(|r| r.trim().eq_ignore_ascii_case("AAE_Admin"))
}
