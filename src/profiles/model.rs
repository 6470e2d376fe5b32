//! The profile: what to test. It has no secret field, by construction: the secret lives in the
//! OS keyring under the profile's id (see [`super::secrets`]).

use crate::plan::{AuthMode, CheckOptions, Plan, Target};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// The `schema` value of the profiles file and of exports.
pub const PROFILES_SCHEMA: &str = "aa-conntest.profiles/1";
/// The prefix shared by every version of the profiles schema.
pub const PROFILES_SCHEMA_PREFIX: &str = "aa-conntest.profiles/";

/// A saved connection profile. Unknown fields in a file (e.g. an `apiKey` someone typed into an
/// export by hand) are dropped when read, so they can never be stored or re-exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable id (16 hex digits); also the keyring entry's user name.
    pub id: String,
    /// What the user calls it; unique (ignoring case and surrounding spaces).
    pub name: String,
    /// What to test. Flattened: the file keeps `url`, `auth`, `username` and `options` beside
    /// `name`, as version 0.1 wrote them.
    #[serde(flatten)]
    pub target: Target,
    /// RFC 3339, UTC.
    #[serde(default)]
    pub created_at: String,
    /// RFC 3339, UTC.
    #[serde(default)]
    pub updated_at: String,
}

impl Profile {
    /// A new profile with a fresh id.
    pub fn new(
        name: impl Into<String>,
        url: impl Into<String>,
        auth: AuthMode,
        username: impl Into<String>,
        options: CheckOptions,
    ) -> Self {
        Self::with_target(name, Target::new(url, auth, username, options))
    }

    /// A new profile with a fresh id for `target` (its URL trimmed).
    pub fn with_target(name: impl Into<String>, target: Target) -> Self {
        let now = super::now_rfc3339();
        Self {
            id: super::new_id(),
            name: name.into().trim().to_string(),
            target: Target {
                url: target.url.trim().to_string(),
                ..target
            },
            created_at: now.clone(),
            updated_at: now,
        }
    }

    /// The check this profile describes, with its secret (from the keyring or the form).
    pub fn to_plan(&self, secret: Secret) -> Plan {
        Plan::new(self.target.clone(), secret)
    }

    /// Same name and target (ignores id and times): used to spot an import that changes nothing.
    pub fn same_settings(&self, other: &Profile) -> bool {
        name_key(&self.name) == name_key(&other.name) && self.target == other.target
    }
}

/// How names are compared: trimmed, case-insensitive.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The profiles file (and an export): a schema version and the profiles. No secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfilesFile {
    pub schema: String,
    #[serde(default)]
    pub profiles: Vec<Profile>,
}

impl Default for ProfilesFile {
    fn default() -> Self {
        Self {
            schema: PROFILES_SCHEMA.to_string(),
            profiles: Vec::new(),
        }
    }
}

impl ProfilesFile {
    pub fn new(profiles: Vec<Profile>) -> Self {
        Self {
            schema: PROFILES_SCHEMA.to_string(),
            profiles,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}

/// Why a profiles file could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseProblem {
    /// Not JSON, not our shape, or not our schema: the file is unreadable.
    Unreadable(String),
    /// Our file, from a newer version of the tool: it must not be touched.
    NewerSchema(String),
}

/// Parse a profiles file (or an export) and check its schema.
pub fn parse_profiles(bytes: &[u8]) -> Result<ProfilesFile, ParseProblem> {
    let file: ProfilesFile =
        serde_json::from_slice(bytes).map_err(|e| ParseProblem::Unreadable(format!("not a profiles file: {e}")))?;
    if file.schema != PROFILES_SCHEMA {
        if file.schema.starts_with(PROFILES_SCHEMA_PREFIX) {
            return Err(ParseProblem::NewerSchema(file.schema));
        }
        return Err(ParseProblem::Unreadable(format!(
            "unknown schema {:?} (expected {PROFILES_SCHEMA:?})",
            file.schema
        )));
    }
    Ok(file)
}

/// Problems with a name.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("a profile needs a name".into());
    }
    if n.chars().count() > 200 {
        return Err("a profile name can have at most 200 characters".into());
    }
    if n.chars().any(char::is_control) {
        return Err("a profile name cannot contain line breaks or control characters".into());
    }
    Ok(())
}

/// `base`, or `base (2)`, `base (3)`, … whichever is not taken.
pub fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = base.trim();
    if !taken(base) {
        return base.to_string();
    }
    // "Prod (2)" + another conflict gives "Prod (3)", not "Prod (2) (2)".
    let stem = match base.rfind(" (") {
        Some(i) if base.ends_with(')') && base[i + 2..base.len() - 1].parse::<u32>().is_ok() => &base[..i],
        _ => base,
    };
    (2u32..)
        .map(|n| format!("{stem} ({n})"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| format!("{stem} ({})", super::new_id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `profiles.json` written by version 0.1 (before `Target`), with made-up values.
    const V0_1_PROFILES: &str = include_str!("../../tests/fixtures/v0.1/profiles.json");

    #[test]
    fn a_profiles_file_written_by_version_0_1_reads_and_writes_back_unchanged() {
        let file = parse_profiles(V0_1_PROFILES.as_bytes()).expect("readable");
        assert_eq!(file.profiles.len(), 2);
        let a = &file.profiles[0];
        assert_eq!((a.id.as_str(), a.name.as_str()), ("0123456789abcdef", "Prod svc"));
        let a_target = Target::new(
            "https://cr.example.com",
            AuthMode::ApiKey,
            "svc_api",
            CheckOptions::default(),
        );
        assert_eq!(a.target, a_target);
        assert_eq!(a.created_at, "2026-01-02T03:04:05Z");
        assert_eq!(a.updated_at, "2026-01-03T04:05:06Z");
        let b = &file.profiles[1];
        assert_eq!(b.target.url, "dev-cr.example.test:8443/#/login");
        assert_eq!(b.target.auth, AuthMode::Password);
        assert_eq!(b.target.username, "EXAMPLE\\jdoe");
        assert_eq!(
            b.target.options,
            CheckOptions {
                timeout_secs: 7.5,
                multiple_login: true,
                logout: false,
                ca_file: Some("/etc/ssl/example-root-ca.pem".into()),
                proxy: Some("http://proxy.example.test:3128".into()),
                insecure: true,
                pin_sha256: Vec::new(),
            }
        );
        // Same bytes back: an older version reading what this one writes sees its own format.
        assert_eq!(file.to_json(), V0_1_PROFILES);
    }
}
