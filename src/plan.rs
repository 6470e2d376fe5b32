//! What a check is asked to do: the target, the credential and the options.
//! A [`Plan`] is built from the form or the command line and handed to the engine.

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
    /// Accept invalid certificates (for confirming a diagnosis only).
    pub insecure: bool,
    /// Trust exactly these certificates, by the SHA-256 of their DER (hex, with or without colons):
    /// "trust this certificate". When set, no other certificate is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pin_sha256: Vec<String>,
}

pub const DEFAULT_TIMEOUT_SECS: f64 = 15.0;

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
        }
    }
}

impl CheckOptions {
    pub fn timeout(&self) -> Duration {
        let secs = if self.timeout_secs.is_finite() && self.timeout_secs > 0.0 {
            self.timeout_secs.min(600.0)
        } else {
            DEFAULT_TIMEOUT_SECS
        };
        Duration::from_secs_f64(secs)
    }
}

/// Everything one check needs. The secret is only readable through [`Secret::expose`].
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The URL exactly as the user typed or pasted it.
    pub input_url: String,
    pub username: String,
    pub auth: AuthMode,
    pub secret: Secret,
    pub options: CheckOptions,
}
