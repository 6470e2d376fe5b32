//! What a check is asked to do: the target, the credential and the options.
//! A [`Plan`] is built from the form or the command line and handed to the engine.

use crate::capabilities::Capability;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// How the user signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    #[default]
    ApiKey,
    Password,
}

impl AuthMode {
    /// The JSON field the login body uses for the secret.
    pub fn body_field(self) -> &'static str {
        match self {
            AuthMode::ApiKey => "apiKey",
            AuthMode::Password => "password",
        }
    }

    /// Words for the user.
    pub fn secret_label(self) -> &'static str {
        match self {
            AuthMode::ApiKey => "API key",
            AuthMode::Password => "password",
        }
    }
}

/// Options of a check; saved with a profile (none of them is secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckOptions {
    /// Timeout of each network step, in seconds.
    pub timeout_secs: f64,
    /// Ask for a multi-session token (`multipleLogin: true`).
    pub multiple_login: bool,
    /// Log out after the test so it leaves no session behind.
    pub logout: bool,
    /// Extra trusted CA certificates (PEM).
    pub ca_file: Option<PathBuf>,
    /// Proxy URL; `None` means the system settings (`HTTPS_PROXY`, `NO_PROXY`).
    pub proxy: Option<String>,
    /// Accept invalid certificates (for confirming a diagnosis only). A per-run switch: never
    /// written anywhere (profiles, exports, the window's saved form), so a shared file cannot turn
    /// certificate checks off. Still read, so an old file that has it can be told about it.
    #[serde(skip_serializing)]
    pub insecure: bool,
    /// Trust exactly these certificates, by the SHA-256 of their DER (hex, with or without colons):
    /// "trust this certificate". When set, no other certificate is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pin_sha256: Vec<String>,
    /// Ask the Control Room what the account may do: a few read-only calls with the token just
    /// issued, after validate (`src/engine/probes.rs`, docs/capabilities.md). Off by default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub probes: bool,
}

pub const DEFAULT_TIMEOUT_SECS: f64 = 15.0;
/// The shortest timeout of a step that makes sense, in seconds.
pub const MIN_TIMEOUT_SECS: f64 = 1.0;
/// The longest: five minutes. Longer would only hide a network that does not answer.
pub const MAX_TIMEOUT_SECS: f64 = 300.0;

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            multiple_login: false,
            logout: true,
            ca_file: None,
            proxy: None,
            insecure: false,
            pin_sha256: Vec::new(),
            probes: false,
        }
    }
}

impl CheckOptions {
    pub fn timeout(&self) -> Duration {
        let secs = if self.timeout_secs.is_finite() && self.timeout_secs > 0.0 {
            // A profile file may say anything; the command line refuses what is outside.
            self.timeout_secs.clamp(MIN_TIMEOUT_SECS, MAX_TIMEOUT_SECS)
        } else {
            DEFAULT_TIMEOUT_SECS
        };
        Duration::from_secs_f64(secs)
    }
}

/// What to test: the Control Room, how to sign in, as whom, and the options. Everything of a
/// check but the secret, so the same value is the form's settings, a saved profile's settings
/// (flattened into `profiles.json`) and the window's remembered form.
///
/// Adding a setting means adding it here, giving it a widget in `gui::form`, and a test; copies
/// and comparisons go through this type. Give it `#[serde(default)]` so older files still read,
/// and skip it when it has its default value, so a file that does not use it is written exactly
/// as before (the v0.1 fixtures in tests/fixtures check that).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The URL exactly as the user typed or pasted it.
    pub url: String,
    #[serde(default)]
    pub auth: AuthMode,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub options: CheckOptions,
    /// What the account must be able to do ("deploy bots", "read the repository"): a check fails
    /// (`account.missing-permission`, exit 1) when the login answer or a probe shows one missing.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::capabilities::deserialize_required"
    )]
    pub require: Vec<Capability>,
    /// When the API key expires, as [`crate::key_expiry::normalise`] keeps it (`2026-03-01`), typed
    /// from the Control Room's Users page or computed from the day it was generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_expires: Option<String>,
    /// Warn this many days before the key expires (`input.key-expiring`); default
    /// [`crate::key_expiry::DEFAULT_WARN_DAYS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_warn_days: Option<u32>,
}

impl Target {
    pub fn new(url: impl Into<String>, auth: AuthMode, username: impl Into<String>, options: CheckOptions) -> Self {
        Self {
            url: url.into(),
            auth,
            username: username.into(),
            options,
            require: Vec::new(),
            key_expires: None,
            key_warn_days: None,
        }
    }

    /// Days before the key's expiry that a check warns.
    pub fn key_warn_days(&self) -> u32 {
        self.key_warn_days
            .unwrap_or(crate::key_expiry::DEFAULT_WARN_DAYS)
            .min(crate::key_expiry::MAX_DAYS)
    }

    /// The settings as a profile keeps them: the URL without surrounding spaces, the options
    /// [`normalised`](CheckOptions::normalised), and never "accept invalid certificates" (a
    /// per-run switch).
    pub fn normalised(&self) -> Self {
        let mut require = Vec::new();
        for c in &self.require {
            if !require.contains(c) {
                require.push(*c);
            }
        }
        Self {
            url: self.url.trim().to_string(),
            options: CheckOptions {
                insecure: false,
                ..self.options.normalised()
            },
            require,
            key_expires: self
                .key_expires
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| crate::key_expiry::normalise(s).unwrap_or_else(|_| s.to_string())),
            ..self.clone()
        }
    }
}

impl CheckOptions {
    /// Blank paths and proxies as `None`, a timeout that is not a positive number as the default.
    pub fn normalised(&self) -> Self {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Self {
            timeout_secs: if self.timeout_secs.is_finite() && self.timeout_secs > 0.0 {
                self.timeout_secs
            } else {
                DEFAULT_TIMEOUT_SECS
            },
            ca_file: self.ca_file.as_ref().and_then(|p| match p.to_str() {
                Some(s) => text(s).map(PathBuf::from),
                None => Some(p.clone()),
            }),
            proxy: self.proxy.as_deref().and_then(text),
            ..self.clone()
        }
    }
}

/// Everything one check needs. The secret is only readable through [`Secret::expose`].
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub target: Target,
    pub secret: Secret,
}

impl Plan {
    pub fn new(target: Target, secret: Secret) -> Self {
        Self { target, secret }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_is_what_a_profile_keeps() {
        let typed = Target::new(
            "  https://cr.example.com/#/login ",
            AuthMode::Password,
            " jdoe ",
            CheckOptions {
                timeout_secs: 0.0,
                ca_file: Some(" ".into()),
                proxy: Some(" http://proxy:3128 ".into()),
                ..CheckOptions::default()
            },
        );
        let kept = typed.normalised();
        assert_eq!(kept.url, "https://cr.example.com/#/login");
        assert_eq!(
            kept.username, " jdoe ",
            "a username is kept as typed (the check reports spaces)"
        );
        assert_eq!(kept.options.timeout_secs, DEFAULT_TIMEOUT_SECS);
        assert_eq!(kept.options.ca_file, None);
        assert_eq!(kept.options.proxy.as_deref(), Some("http://proxy:3128"));
        assert_eq!(kept.normalised(), kept, "normalising twice changes nothing");
    }
}
