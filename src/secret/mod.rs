//! Secrets (API keys, passwords, tokens) travel in [`Secret`], which never prints its value.
//!
//! Everything that is shown, logged or saved goes through a [`Redactor`] or a redaction marker,
//! which keeps only what helps a diagnosis: the length, and for tokens their first 4 characters.
//!
//! A server, a proxy or an error message may echo a secret in another form than it was sent, so
//! the redactor finds every form of it: raw; JSON-escaped (`\"`, `\\`, `\/`, `\uXXXX`);
//! URL-encoded (form `+` and RFC 3986 `%XX`, upper or lower case);
//! HTML-escaped (named and numeric entities); any mix and nesting of those (each layer of
//! escaping is undone in turn, up to five); and base64 (standard and URL-safe, with or without
//! padding, also inside a longer base64 text such as `Basic user:password`).
//!
//! This module holds the secret type and its markers; the redactor's search (`redactor`), the
//! escapes it undoes (`unescape`), the encoded forms it looks for (`forms`) and its pass over a
//! recorded check (`transcript`) each have their own file.

mod forms;
mod redactor;
mod transcript;
mod unescape;

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

pub use redactor::Redactor;

/// A secret value. `Debug` and `Display` show a redaction marker, never the value.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The real value, for the one place that must send it (the request builder).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Length in characters (what a user counts when comparing with "40 characters").
    pub fn char_len(&self) -> usize {
        self.expose().chars().count()
    }

    /// The marker shown in place of a key or password.
    pub fn marker(&self) -> String {
        secret_marker(self.expose())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.marker())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.marker())
    }
}

impl Default for Secret {
    fn default() -> Self {
        Self::new(String::new())
    }
}

/// Marker for a key or password: only its length.
pub fn secret_marker(value: &str) -> String {
    format!("<redacted: {} chars>", value.chars().count())
}

/// Marker for a token: its first 4 characters (`eyJh` says "a JWT") and its length.
pub fn token_marker(token: &str) -> String {
    let head: String = token.chars().take(4).collect();
    format!("<redacted token {head}…, {} chars>", token.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO");
        assert!(!format!("{s:?}").contains("Vie;Z"));
        assert!(!format!("{s}").contains("Vie;Z"));
        assert!(format!("{s}").contains("40 chars"));
    }
}
