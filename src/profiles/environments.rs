//! Profiles from what admins already have (issue 14 item 6): a Postman environment, a Bruno
//! environment or an Insomnia export, read by the paste parsers ([`crate::paste::environments`]);
//! and a profile written as a Postman environment so a developer can continue there.
//!
//! An import takes the Control Room address and the username, nothing else: never a secret value
//! (the preview names the secret variables it left out), never a proxy, a CA file or "accept
//! invalid certificates". The profiles it makes then go through the ordinary import
//! ([`super::transfer::plan_import`]): names repaired, conflicts refused unless asked, a password
//! in an address removed.

use super::fsutil;
use super::model::Profile;
use super::store::StoreError;
use crate::paste::{Environment, EnvironmentTool};
use crate::plan::{AuthMode, CheckOptions, Target};
use crate::sanitize::for_display;
use std::path::Path;

/// Variable names that hold the Control Room's address, most specific first (compared without
/// case, `_`, `-` or spaces). AA's own examples write `https://{{ControlRoomURL}}/…` ([D2], [D25]);
/// the forum's `{{baseUrl}}/v2/authentication` (docs/control-room-api.md); Bruno and Insomnia
/// users often say `baseUrl` or `url`.
const URL_NAMES: &[&str] = &[
    "controlroomurl",
    "controlroomuri",
    "crurl",
    "aacrurl",
    "controlroom",
    "controlroomhost",
    "crhost",
    "aaurl",
    "a360url",
    "baseurl",
    "baseuri",
    "url",
    "host",
    "serverurl",
    "server",
];

/// Variable names that hold the username, most specific first.
const USER_NAMES: &[&str] = &[
    "username",
    "crusername",
    "aausername",
    "controlroomusername",
    "a360username",
    "user",
    "login",
    "loginname",
];

/// The longest address taken from a file.
const MAX_URL: usize = 2048;
/// The longest username taken from a file.
const MAX_USER: usize = 255;

fn normalised(key: &str) -> String {
    key.trim()
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What was taken from one environment, for the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentPreview {
    /// The environment's name (the profile's name), as in the file.
    pub name: String,
    /// `(variable, address as the profile keeps it)`.
    pub url: Option<(String, String)>,
    /// `(variable, username)`.
    pub username: Option<(String, String)>,
    /// The sign-in mode, from which secret the environment has (`apiKey` or `password`).
    pub auth: AuthMode,
    /// Secret variables left out: their names (never their values).
    pub secrets_ignored: Vec<String>,
    /// Other variables that were not used.
    pub not_used: Vec<String>,
    /// What was changed on the way: "https:// added".
    pub notes: Vec<String>,
    /// Why no profile comes from it (no address, an address that cannot be one).
    pub skipped: Option<String>,
}

impl EnvironmentPreview {
    /// The preview in words, every text from the file escaped.
    pub fn describe(&self) -> String {
        let d = |s: &str| for_display(s).into_owned();
        let mut out = format!("  environment \"{}\":\n", d(&self.name));
        match &self.url {
            Some((k, v)) => out.push_str(&format!("    Control Room URL  {}  (from {})\n", d(v), d(k))),
            None => out.push_str("    Control Room URL  none found\n"),
        }
        match &self.username {
            Some((k, v)) => out.push_str(&format!("    username          {}  (from {})\n", d(v), d(k))),
            None => out.push_str("    username          none found (add it before the first check)\n"),
        }
        out.push_str(&format!(
            "    sign-in           {}\n",
            match self.auth {
                AuthMode::ApiKey => "API key",
                AuthMode::Password => "password",
            }
        ));
        for n in &self.notes {
            out.push_str(&format!("    note              {}\n", d(n)));
        }
        if !self.secrets_ignored.is_empty() {
            out.push_str(&format!(
                "    secrets ignored   {} (never imported: give the secret with `profiles set-secret`)\n",
                self.secrets_ignored.iter().map(|s| d(s)).collect::<Vec<_>>().join(", ")
            ));
        }
        if !self.not_used.is_empty() {
            out.push_str(&format!(
                "    not used          {}\n",
                self.not_used.iter().map(|s| d(s)).collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some(why) = &self.skipped {
            out.push_str(&format!("    SKIPPED           {}\n", d(why)));
        }
        out
    }
}

/// An environment file read as profiles.
#[derive(Debug, Clone)]
pub struct EnvironmentImport {
    pub tool: EnvironmentTool,
    /// One profile per environment with an address (no secret, default options).
    pub profiles: Vec<Profile>,
    pub previews: Vec<EnvironmentPreview>,
}

impl EnvironmentImport {
    /// The preview in words: what each environment gave.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "Read as {} ({} environment{}):\n",
            self.tool.describe(),
            self.previews.len(),
            if self.previews.len() == 1 { "" } else { "s" }
        );
        for p in &self.previews {
            out.push_str(&p.describe());
        }
        out
    }
}

/// The value of the first variable named like one of `names` that is not secret, resolved from
/// the environment's other non-secret variables.
fn pick(env: &Environment, names: &[&str]) -> Option<(String, String)> {
    let public = Environment {
        variables: env.variables.iter().filter(|v| !v.secret).cloned().collect(),
        ..env.clone()
    };
    names.iter().find_map(|want| {
        public
            .variables
            .iter()
            .find(|v| normalised(&v.key) == *want && !v.value.trim().is_empty())
            .map(|v| (v.key.clone(), public.resolve(v.value.trim()).trim().to_string()))
    })
}

/// One environment as a profile (or the reason it cannot be one), and its preview.
fn from_environment(env: &Environment, fallback_name: &str) -> (Option<Profile>, EnvironmentPreview) {
    let name = env
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| fallback_name.to_string());
    let url = pick(env, URL_NAMES);
    let username = pick(env, USER_NAMES).filter(|(_, v)| v.chars().count() <= MAX_USER && !v.contains("{{"));
    let has = |what: &[&str]| {
        env.variables
            .iter()
            .any(|v| v.secret && what.contains(&normalised(&v.key).as_str()))
    };
    let auth = if has(&["password", "pwd", "pass", "passwd"]) && !has(&["apikey", "key"]) {
        AuthMode::Password
    } else {
        AuthMode::ApiKey
    };
    let used: Vec<&str> = [url.as_ref(), username.as_ref()]
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect();
    let mut preview = EnvironmentPreview {
        name: name.clone(),
        url: None,
        username: username.clone(),
        auth,
        secrets_ignored: env
            .variables
            .iter()
            .filter(|v| v.secret)
            .map(|v| v.key.clone())
            .collect(),
        not_used: env
            .variables
            .iter()
            .filter(|v| !v.secret && !used.contains(&v.key.as_str()))
            .map(|v| v.key.clone())
            .take(20)
            .collect(),
        notes: Vec::new(),
        skipped: None,
    };
    let Some((key, mut value)) = url else {
        preview.skipped = Some(format!(
            "no Control Room address: none of its variables is named like one ({}, …)",
            ["ControlRoomURL", "CR_URL", "baseUrl", "url"].join(", ")
        ));
        return (None, preview);
    };
    if value.contains("{{") {
        preview.skipped = Some(format!(
            "the address in {key} uses a variable this environment does not define: {value}"
        ));
        return (None, preview);
    }
    if value.chars().count() > MAX_URL || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        preview.skipped = Some(format!("the value of {key} is not an address"));
        return (None, preview);
    }
    if !value.contains("://") {
        // AA's examples write `https://{{ControlRoomURL}}/…`: the variable is the host alone.
        value = format!("https://{value}");
        preview
            .notes
            .push("https:// added: the variable holds the host alone, as AA's examples use it".into());
    }
    preview.url = Some((key, value.clone()));
    let profile = Profile::with_target(
        name,
        Target::new(
            value,
            auth,
            username.map(|(_, u)| u).unwrap_or_default(),
            CheckOptions::default(),
        ),
    );
    (Some(profile), preview)
}

/// Read the environments of a file's text as profiles. `None` when the text is not an environment
/// file (a profiles export, a collection, anything else). `file_stem` names a Bruno environment
/// (its file name is its name).
pub fn from_text(text: &str, file_stem: &str) -> Option<EnvironmentImport> {
    let envs = crate::paste::environments(text);
    let first = envs.first()?;
    let tool = first.tool;
    let fallback = if file_stem.trim().is_empty() {
        "Imported environment".to_string()
    } else {
        file_stem.trim().to_string()
    };
    let mut profiles = Vec::new();
    let mut previews = Vec::new();
    for env in &envs {
        let (p, preview) = from_environment(env, &fallback);
        profiles.extend(p);
        previews.push(preview);
    }
    Some(EnvironmentImport {
        tool,
        profiles,
        previews,
    })
}

/// The largest environment file read (the paste parsers' cap).
pub const ENV_MAX_BYTES: u64 = crate::paste::MAX_PASTE_BYTES as u64;

/// What an import file holds.
#[derive(Debug, Clone)]
pub enum ImportSource {
    /// A profiles file (an export of this tool).
    Profiles(Vec<Profile>),
    /// Environments of another tool.
    Environments(EnvironmentImport),
}

/// Read an import file: a profiles export, else a Postman / Bruno / Insomnia environment. Only a
/// regular file or a pipe, bounded and with a deadline, as [`super::transfer::read_import_file`].
pub fn read_import_any(path: &Path) -> Result<ImportSource, StoreError> {
    let bytes = crate::engine::ca_file::read_limited_or_pipe(
        path,
        super::transfer::IMPORT_MAX_BYTES,
        super::transfer::IMPORT_READ_TIMEOUT,
    )
    .map_err(|e| StoreError::BadImport {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    match super::transfer::parse_import(&bytes) {
        Ok(p) => Ok(ImportSource::Profiles(p)),
        Err(reason) => environment_from_bytes(path, &bytes)
            .map(ImportSource::Environments)
            .ok_or(StoreError::BadImport {
                path: path.to_path_buf(),
                reason: format!(
                    "{reason}; it is not a Postman environment, a Bruno environment or an Insomnia export either"
                ),
            }),
    }
}

fn environment_from_bytes(path: &Path, bytes: &[u8]) -> Option<EnvironmentImport> {
    if bytes.len() as u64 > ENV_MAX_BYTES {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    from_text(text, stem)
}

/// Read an environment file (`profiles import-env`): only an environment, never a profiles file.
pub fn read_environment_file(path: &Path) -> Result<EnvironmentImport, StoreError> {
    let bytes = crate::engine::ca_file::read_limited_or_pipe(path, ENV_MAX_BYTES, super::transfer::IMPORT_READ_TIMEOUT)
        .map_err(|e| StoreError::BadImport {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    environment_from_bytes(path, &bytes).ok_or(StoreError::BadImport {
        path: path.to_path_buf(),
        reason: "it is not a Postman environment, a Bruno environment or an Insomnia export".into(),
    })
}

/// A Postman environment id: 32 random hex digits as a UUID.
fn random_uuid() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // Not a secret: a clock-based id will do.
        let n = time::OffsetDateTime::now_utc().unix_timestamp_nanos().to_le_bytes();
        b.copy_from_slice(&n[..16]);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// A profile as a Postman environment, in the format Postman exports (`_postman_variable_scope`:
/// `environment`): `ControlRoomURL` (the host, as AA's examples use it: `https://{{ControlRoomURL}}/…`),
/// `baseUrl` (`https://host`), `username`, and the secret variables present but empty, of type
/// `secret`: `apiKey` (or `password`) and `token` (for the login's answer). No secret leaves.
pub fn postman_environment(p: &Profile) -> serde_json::Value {
    let typed = crate::target_url::strip_userinfo(p.target.url.trim());
    let base = crate::target_url::normalise(&typed).map(|u| u.base).unwrap_or(typed);
    let host = base
        .split_once("://")
        .map(|(_, h)| h.to_string())
        .unwrap_or_else(|| base.clone());
    let var = |key: &str, value: &str, secret: bool| {
        serde_json::json!({
            "key": key,
            "value": value,
            "type": if secret { "secret" } else { "default" },
            "enabled": true,
        })
    };
    serde_json::json!({
        "id": random_uuid(),
        "name": p.name,
        "values": [
            var("ControlRoomURL", &host, false),
            var("baseUrl", &base, false),
            var("username", p.target.username.trim(), false),
            var(p.target.auth.body_field(), "", true),
            var("token", "", true),
        ],
        "_postman_variable_scope": "environment",
        "_postman_exported_at": super::now_rfc3339(),
        "_postman_exported_using": concat!("aa-conntest/", env!("CARGO_PKG_VERSION")),
    })
}

/// Write `p` as a Postman environment to `path` (atomically; `-` for standard output).
pub fn export_postman(path: &Path, p: &Profile) -> Result<(), StoreError> {
    let mut p = p.clone();
    p.scrub();
    let mut json = serde_json::to_string_pretty(&postman_environment(&p)).unwrap_or_else(|_| "{}".into());
    json.push('\n');
    if path == Path::new("-") {
        print!("{json}");
        return Ok(());
    }
    fsutil::atomic_write(path, json.as_bytes()).map_err(|e| StoreError::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POSTMAN: &str = r#"{
        "id": "5f1d3b5e-4c7a-4d2e-9a51-3c2b1a0f9e8d",
        "name": "AA Prod",
        "values": [
            {"key": "ControlRoomURL", "value": "acme.my.automationanywhere.digital", "type": "default", "enabled": true},
            {"key": "username", "value": "svc_api", "type": "default", "enabled": true},
            {"key": "apiKey", "value": "Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1#Ys5Ue", "type": "secret", "enabled": true},
            {"key": "token", "value": "", "type": "secret", "enabled": true},
            {"key": "folderId", "value": "42", "type": "default", "enabled": true},
            {"key": "old", "value": "x", "type": "default", "enabled": false}
        ],
        "_postman_variable_scope": "environment",
        "_postman_exported_at": "2026-01-12T09:30:00.000Z",
        "_postman_exported_using": "Postman/11.20.0"
    }"#;

    #[test]
    fn a_postman_environment_gives_url_and_username_never_the_key() {
        let imp = from_text(POSTMAN, "ignored").expect("an environment");
        assert_eq!(imp.tool, EnvironmentTool::Postman);
        assert_eq!(imp.profiles.len(), 1);
        let p = &imp.profiles[0];
        assert_eq!(p.name, "AA Prod");
        assert_eq!(p.target.url, "https://acme.my.automationanywhere.digital");
        assert_eq!(p.target.username, "svc_api");
        assert_eq!(p.target.auth, AuthMode::ApiKey);
        let pv = &imp.previews[0];
        assert_eq!(pv.secrets_ignored, vec!["apiKey", "token"]);
        assert_eq!(pv.not_used, vec!["folderId"]);
        let words = imp.describe();
        assert!(words.contains("secrets ignored   apiKey, token"), "{words}");
        assert!(!words.contains("Kq7;"), "{words}");
        let json = serde_json::to_string(&imp.profiles).unwrap();
        assert!(!json.contains("Kq7;"), "{json}");
    }

    #[test]
    fn bruno_and_insomnia_environments() {
        let bruno =
            "vars {\n  baseUrl: https://cr.example.test\n  user: jdoe\n  ~old: x\n}\nvars:secret [\n  password\n]\n";
        let imp = from_text(bruno, "Staging").expect("bruno");
        assert_eq!(imp.tool, EnvironmentTool::Bruno);
        let p = &imp.profiles[0];
        assert_eq!(
            (p.name.as_str(), p.target.url.as_str()),
            ("Staging", "https://cr.example.test")
        );
        assert_eq!(p.target.username, "jdoe");
        assert_eq!(p.target.auth, AuthMode::Password);
        assert_eq!(imp.previews[0].secrets_ignored, vec!["password"]);

        let insomnia = r#"{"_type": "export", "__export_format": 4, "resources": [
            {"_id": "env_base", "_type": "environment", "parentId": "wrk_1", "name": "Base Environment",
             "data": {"host": "cr.example.test", "CR_URL": "https://{{ host }}", "apiKey": "s3cr3t-value"}},
            {"_id": "env_prod", "_type": "environment", "parentId": "env_base", "name": "Prod",
             "data": {"host": "prod.example.test", "username": "svc"}},
            {"_id": "env_dev", "_type": "environment", "parentId": "env_base", "name": "Dev",
             "data": {"username": "dev"}}
        ]}"#;
        let imp = from_text(insomnia, "x").expect("insomnia");
        assert_eq!(imp.tool, EnvironmentTool::Insomnia);
        let got: Vec<(&str, &str, &str)> = imp
            .profiles
            .iter()
            .map(|p| (p.name.as_str(), p.target.url.as_str(), p.target.username.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Prod", "https://prod.example.test", "svc"),
                ("Dev", "https://cr.example.test", "dev")
            ]
        );
        assert!(imp.previews.iter().all(|p| p.secrets_ignored == vec!["apiKey"]));
    }

    #[test]
    fn what_is_not_an_environment_or_not_an_address() {
        assert!(from_text(r#"{"schema": "aa-conntest.profiles/1", "profiles": []}"#, "x").is_none());
        assert!(from_text("curl https://x", "x").is_none());
        let no_url =
            r#"{"name": "E", "values": [{"key": "username", "value": "u"}], "_postman_variable_scope": "environment"}"#;
        let imp = from_text(no_url, "x").expect("an environment");
        assert!(imp.profiles.is_empty());
        assert!(imp.previews[0].skipped.is_some());
        let unresolved = r#"{"name": "E", "values": [{"key": "baseUrl", "value": "https://{{tenant}}.example"}], "_postman_variable_scope": "environment"}"#;
        let imp = from_text(unresolved, "x").expect("an environment");
        assert!(imp.profiles.is_empty(), "{:?}", imp.profiles);
        // A URL made of a secret is never resolved from it.
        let from_secret = r#"{"name": "E", "values": [{"key": "apiKey", "value": "k", "type": "secret"}, {"key": "url", "value": "https://{{apiKey}}.x"}], "_postman_variable_scope": "environment"}"#;
        let imp = from_text(from_secret, "x").expect("an environment");
        assert!(imp.profiles.is_empty());
    }

    #[test]
    fn export_has_the_variables_and_empty_secrets() {
        let p = Profile::new(
            "Prod svc",
            "https://user:pw@acme.my.automationanywhere.digital/#/login",
            AuthMode::ApiKey,
            "svc_api",
            CheckOptions::default(),
        );
        let v = postman_environment(&p);
        assert_eq!(v["_postman_variable_scope"], "environment");
        assert_eq!(v["name"], "Prod svc");
        let vals = v["values"].as_array().unwrap();
        let get = |k: &str| vals.iter().find(|x| x["key"] == k).cloned().unwrap();
        assert_eq!(get("ControlRoomURL")["value"], "acme.my.automationanywhere.digital");
        assert_eq!(get("baseUrl")["value"], "https://acme.my.automationanywhere.digital");
        assert_eq!(get("username")["value"], "svc_api");
        assert_eq!(get("apiKey")["value"], "");
        assert_eq!(get("apiKey")["type"], "secret");
        assert_eq!(get("token")["type"], "secret");
        assert!(!v.to_string().contains("pw@"), "{v}");
        // And back: the export imports as the same Control Room and user.
        let imp = from_text(&v.to_string(), "x").unwrap();
        assert_eq!(imp.profiles[0].target.url, "https://acme.my.automationanywhere.digital");
        assert_eq!(imp.profiles[0].target.username, "svc_api");
    }
}
