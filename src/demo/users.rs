//! The demo users and the `user` object a successful login returns (reference §1.4, §8).

use super::{API_KEY, API_KEY_USER, PASSWORD, PASSWORD_USER};
use serde::Serialize;

/// A user of the demo Control Room.
#[derive(Debug)]
pub(crate) struct DemoUser {
    pub id: u64,
    pub username: &'static str,
    pub email: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    /// The user's API key, if they generated one.
    pub api_key: Option<&'static str>,
    /// The user's Control Room password; `None` for the service account, which only uses its key
    /// (as SSO setups do, reference §3.2).
    pub password: Option<&'static str>,
    pub roles: &'static [(&'static str, u64)],
    /// `(resourceType, action)` of the `permissions` list of the login answer (INFERRED shape: the
    /// Control Room's role permissions [D25]; docs/capabilities.md) and of what the demo lets the
    /// user do (`src/demo/probes.rs`).
    pub permissions: &'static [(&'static str, &'static str)],
    pub license_features: &'static [&'static str],
    pub description: &'static str,
}

const SERVICE_PERMISSIONS: &[(&str, &str)] = &[
    ("api", "generateapikey"),
    ("licensemanagement", "licensemanagement"),
    ("devices", "view"),
    ("repositorymanager", "view"),
    ("repositorymanager", "run"),
    ("taskscheduling", "view"),
];

const BASIC_PERMISSIONS: &[(&str, &str)] = &[
    ("devices", "view"),
    ("dashboard", "view"),
    ("taskscheduling", "myschedule"),
    ("credentials", "managecredentials"),
];

pub(crate) static USERS: &[DemoUser] = &[
    DemoUser {
        id: 27,
        username: API_KEY_USER,
        email: "svc_demo_api@demo.example.com",
        first_name: "Demo",
        last_name: "API service",
        api_key: Some(API_KEY),
        password: None,
        // The key needs a role with "Generate API-Key" (reference §3.2, [D8]); the sample's name.
        roles: &[("API_Key_Generation", 23), ("AAE_Basic", 2)],
        // A service account whose roles allow what integrations ask of it: the key (reference §1.4,
        // [D12]), the licence state, devices, the public workspace, running bots, schedules.
        permissions: SERVICE_PERMISSIONS,
        license_features: &["RUNTIME"],
        description: "Service account for API integrations (demo)",
    },
    DemoUser {
        id: 14,
        username: PASSWORD_USER,
        email: "demo_user@demo.example.com",
        first_name: "Dana",
        last_name: "Demo",
        api_key: None,
        password: Some(PASSWORD),
        roles: &[("AAE_Basic", 2), ("Bot_Creator", 31)],
        // Only what every role has by default [D21] [D22] [D24]: its devices, dashboards, its own
        // activity and credentials. Not the licence, the repository or the schedules.
        permissions: BASIC_PERMISSIONS,
        license_features: &["DEVELOPMENT"],
        description: "",
    },
];

/// Look a user up by name. INFERRED: usernames are matched exactly (case-sensitive); the reference
/// does not say how the Control Room compares them.
pub(crate) fn find(username: &str) -> Option<&'static DemoUser> {
    USERS.iter().find(|u| u.username == username)
}

#[derive(Serialize)]
struct Role {
    name: &'static str,
    id: u64,
    version: u64,
}

/// The `user` object, with the keys in the order of the reference's sample (§8).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserBody {
    id: u64,
    email: &'static str,
    username: &'static str,
    domain: Option<&'static str>,
    first_name: &'static str,
    last_name: &'static str,
    version: u64,
    principal_id: u64,
    deleted: bool,
    roles: Vec<Role>,
    sys_assigned_roles: Vec<Role>,
    group_names: Vec<String>,
    permissions: Vec<serde_json::Value>,
    license_features: Vec<&'static str>,
    email_verified: bool,
    password_set: bool,
    questions_set: bool,
    enable_auto_login: bool,
    disabled: bool,
    client_registered: bool,
    description: &'static str,
    created_by: u64,
    created_on: &'static str,
    updated_by: u64,
    updated_on: &'static str,
    public_key: Option<String>,
    app_type: Option<String>,
    routing_name: Option<String>,
    app_url: Option<String>,
}

impl DemoUser {
    pub fn body(&self) -> UserBody {
        UserBody {
            id: self.id,
            email: self.email,
            username: self.username,
            domain: None,
            first_name: self.first_name,
            last_name: self.last_name,
            version: 4,
            principal_id: self.id,
            deleted: false,
            roles: self
                .roles
                .iter()
                .map(|&(name, id)| Role { name, id, version: 0 })
                .collect(),
            sys_assigned_roles: Vec::new(),
            group_names: Vec::new(),
            permissions: self
                .permissions
                .iter()
                .enumerate()
                .map(|(i, (resource, action))| {
                    serde_json::json!({"id": i + 1, "action": action, "resourceId": null, "resourceType": resource})
                })
                .collect(),
            license_features: self.license_features.to_vec(),
            email_verified: true,
            password_set: self.password.is_some(),
            questions_set: true,
            enable_auto_login: false,
            disabled: false,
            client_registered: false,
            description: self.description,
            created_by: 1,
            created_on: "2024-03-11T09:14:22Z",
            updated_by: 1,
            updated_on: "2025-06-02T16:40:05Z",
            public_key: None,
            app_type: None,
            routing_name: None,
            app_url: None,
        }
    }
}
