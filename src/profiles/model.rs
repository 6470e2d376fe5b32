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

/// The longest profile name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Problems with a name.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("a profile needs a name".into());
    }
    if n.chars().count() > MAX_NAME_CHARS {
        return Err(format!("a profile name can have at most {MAX_NAME_CHARS} characters"));
    }
    if n.chars().any(crate::sanitize::is_unsafe) {
        return Err(
            "a profile name cannot contain line breaks, control characters or invisible formatting characters".into(),
        );
    }
    Ok(())
}

/// A usable name for a profile read from a file whose name fails [`check_name`]: control and
/// invisible characters shown escaped (`\x1b`, `U+202E`, as everywhere else), cut to
/// [`MAX_NAME_CHARS`]; an empty name becomes `fallback`. A profile is never dropped for its name.
pub fn repair_name(name: &str, fallback: &str) -> String {
    let n = name.trim();
    if check_name(n).is_ok() {
        return n.to_string();
    }
    let shown = crate::sanitize::for_display(n);
    let cut: String = shown.chars().take(MAX_NAME_CHARS).collect();
    let cut = cut.trim();
    if cut.is_empty() {
        let fallback: String = crate::sanitize::for_display(fallback.trim())
            .chars()
            .take(MAX_NAME_CHARS)
            .collect();
        if fallback.trim().is_empty() {
            "Unnamed profile".to_string()
        } else {
            fallback.trim().to_string()
        }
    } else {
        cut.to_string()
    }
}

/// `address` without a `user:password@` part, and that part (as written, still percent-encoded),
/// if it has one. Only an `@` before the path counts.
pub fn split_userinfo(address: &str) -> (String, Option<String>) {
    let start = address.find("://").map_or(0, |i| i + 3);
    let host_end = address[start..]
        .find(['/', '?', '#'])
        .map_or(address.len(), |i| start + i);
    match address[start..host_end].rfind('@') {
        Some(at) => {
            let at = start + at;
            (
                format!("{}{}", &address[..start], &address[at + 1..]),
                Some(address[start..at].to_string()),
            )
        }
        None => (address.to_string(), None),
    }
}

/// `proxy` with `userinfo` (`user:password`, percent-encoded) put back in front of its host: how
/// a check gets the proxy credentials kept in the keyring.
pub fn with_userinfo(proxy: &str, userinfo: &str) -> String {
    let (bare, _) = split_userinfo(proxy);
    match bare.find("://") {
        Some(i) => format!("{}{userinfo}@{}", &bare[..i + 3], &bare[i + 3..]),
        None => format!("{userinfo}@{bare}"),
    }
}

/// The keyring entry (user) of a profile's proxy credentials: beside the profile's own secret.
pub fn proxy_secret_id(profile_id: &str) -> String {
    format!("{profile_id}.proxy")
}

/// The profile's proxy with the credentials kept in the keyring (if any) put back in its address,
/// for the check only. Blocking (a keyring call).
pub fn proxy_with_saved_credentials(secrets: &dyn super::secrets::SecretStore, p: &Profile) -> Option<String> {
    let proxy = p.target.options.proxy.clone()?;
    match secrets.get(&proxy_secret_id(&p.id)) {
        Ok(Some(userinfo)) if !userinfo.is_empty() => Some(with_userinfo(&proxy, userinfo.expose())),
        _ => Some(proxy),
    }
}

/// Something a profile read from a file (or given to be saved) had that a profile never keeps.
#[derive(Debug, Clone)]
pub enum Scrubbed {
    /// "Accept invalid certificates" was on: a per-run switch, turned off.
    Insecure,
    /// The Control Room address held a user name or password; removed.
    UrlCredentials,
    /// The proxy address held a user name or password; removed (the caller may keep it in the
    /// keyring, see [`proxy_secret_id`]).
    ProxyCredentials(Secret),
    /// The name failed [`check_name`]; it was repaired (the old name, escaped).
    NameRepaired { was: String },
}

impl Scrubbed {
    /// In words, for a warning or an import preview.
    pub fn describe(&self) -> String {
        match self {
            Scrubbed::Insecure => "\"accept invalid certificates\" was set; it is a per-run switch, never kept in a \
                                   profile, so it was turned off"
                .into(),
            Scrubbed::UrlCredentials => {
                "the Control Room address held a user name or password; it was removed from the address".into()
            }
            Scrubbed::ProxyCredentials(_) => {
                "the proxy address held a user name or password; it was removed from the address".into()
            }
            Scrubbed::NameRepaired { was } => format!(
                "its name had control or invisible characters or was longer than {MAX_NAME_CHARS} characters \
                 (was \"{}\"); it was repaired",
                crate::sanitize::for_display(&was.chars().take(80).collect::<String>())
            ),
        }
    }
}

impl Profile {
    /// Remove what a profile never keeps (see [`Scrubbed`]) and repair its name; returns what was
    /// changed. Applied when a file is read, when a profile is saved and when one is imported.
    pub fn scrub(&mut self) -> Vec<Scrubbed> {
        let mut changes = Vec::new();
        let fallback = split_userinfo(self.target.url.trim()).0;
        let repaired = repair_name(&self.name, &fallback);
        if repaired != self.name.trim() {
            changes.push(Scrubbed::NameRepaired {
                was: std::mem::take(&mut self.name),
            });
        }
        self.name = repaired;
        let o = &mut self.target.options;
        if o.insecure {
            o.insecure = false;
            changes.push(Scrubbed::Insecure);
        }
        let (url, userinfo) = split_userinfo(&self.target.url);
        if userinfo.is_some() {
            self.target.url = url;
            changes.push(Scrubbed::UrlCredentials);
        }
        if let Some(proxy) = o.proxy.as_deref() {
            let (bare, userinfo) = split_userinfo(proxy);
            if let Some(userinfo) = userinfo {
                o.proxy = Some(bare);
                changes.push(Scrubbed::ProxyCredentials(Secret::new(userinfo)));
            }
        }
        changes
    }
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
                probes: false,
            },
            "read as written; the store turns it off with a warning (see ProfileStore::open)"
        );
        // The same file back, but "accept invalid certificates" is never written (issue 13, D1):
        // version 0.1 reads the missing field as off.
        let mut want: serde_json::Value = serde_json::from_str(V0_1_PROFILES).unwrap();
        for p in want["profiles"].as_array_mut().unwrap() {
            p["options"].as_object_mut().unwrap().remove("insecure");
        }
        let written = file.to_json();
        assert!(!written.contains("insecure"), "{written}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&written).unwrap(), want);
        let kept: String = V0_1_PROFILES
            .lines()
            .filter(|l| !l.contains("\"insecure\""))
            .map(|l| {
                if l.contains("\"proxy\"") {
                    l.trim_end_matches(',')
                } else {
                    l
                }
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(written, kept, "otherwise byte for byte as version 0.1 wrote it");
    }

    #[test]
    fn userinfo_is_split_off_before_the_path_only() {
        let cases = [
            (
                "https://u:p@cr.example.com/#/login",
                "https://cr.example.com/#/login",
                Some("u:p"),
            ),
            (
                "http://user%40corp:p%3Aw@proxy:3128",
                "http://proxy:3128",
                Some("user%40corp:p%3Aw"),
            ),
            ("u:p@proxy:3128", "proxy:3128", Some("u:p")),
            ("https://cr.example.com/path@x", "https://cr.example.com/path@x", None),
            ("https://cr.example.com/?a=b@c", "https://cr.example.com/?a=b@c", None),
            ("https://a@b@cr.example.com", "https://cr.example.com", Some("a@b")),
            ("", "", None),
        ];
        for (input, bare, info) in cases {
            assert_eq!(
                split_userinfo(input),
                (bare.to_string(), info.map(str::to_string)),
                "{input}"
            );
        }
        assert_eq!(with_userinfo("http://proxy:3128", "u:p%40"), "http://u:p%40@proxy:3128");
        assert_eq!(with_userinfo("http://old@proxy:3128", "u:p"), "http://u:p@proxy:3128");
        assert_eq!(with_userinfo("proxy:3128", "u:p"), "u:p@proxy:3128");
    }

    #[test]
    fn names_are_repaired_not_dropped() {
        assert_eq!(repair_name("  Prod  ", "x"), "Prod");
        assert_eq!(repair_name("a\tb", "x"), "a\\tb");
        assert_eq!(repair_name("evil\x1b[31m\u{202E}", "x"), "evil\\x1b[31mU+202E");
        let long = "n".repeat(500);
        assert_eq!(repair_name(&long, "x").chars().count(), MAX_NAME_CHARS);
        assert_eq!(repair_name("   ", "https://cr.example.com"), "https://cr.example.com");
        assert_eq!(repair_name("", ""), "Unnamed profile");
        for n in ["a\tb", "\u{7}", &long, "x\u{200B}"] {
            assert!(check_name(&repair_name(n, "f")).is_ok(), "{n:?}");
        }
    }

    #[test]
    fn scrub_removes_what_a_profile_never_keeps() {
        let mut p = Profile::new(
            "Shared\nprofile",
            "https://me:pw@cr.example.com",
            AuthMode::ApiKey,
            "svc",
            CheckOptions {
                insecure: true,
                proxy: Some("http://pu:ppw@proxy:3128".into()),
                ..CheckOptions::default()
            },
        );
        let changes = p.scrub();
        assert_eq!(changes.len(), 4, "{changes:?}");
        assert_eq!(p.name, "Shared\\nprofile");
        assert_eq!(p.target.url, "https://cr.example.com");
        assert_eq!(p.target.options.proxy.as_deref(), Some("http://proxy:3128"));
        assert!(!p.target.options.insecure);
        let proxy_secret = changes.iter().find_map(|c| match c {
            Scrubbed::ProxyCredentials(s) => Some(s.expose().to_string()),
            _ => None,
        });
        assert_eq!(proxy_secret.as_deref(), Some("pu:ppw"));
        assert!(
            !format!("{changes:?}").contains("ppw"),
            "the credentials never show in Debug"
        );
        assert!(p.scrub().is_empty(), "scrubbing twice changes nothing");
    }
}
