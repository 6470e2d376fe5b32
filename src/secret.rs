//! Secrets (API keys, passwords, tokens) travel in [`Secret`], which never prints its value.
//!
//! Everything that is shown, logged or saved goes through [`redact_text`] or a redaction marker,
//! which keeps only what helps a diagnosis: the length, and for tokens their first 4 characters.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

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

/// What to hide in a text, with the marker to put in its place.
#[derive(Clone, Default)]
pub struct Redactor {
    items: Vec<(String, String)>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} items)", self.items.len())
    }
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hide a key or password (and its JSON-escaped form, which is how it appears in bodies).
    pub fn add_secret(&mut self, value: &str) {
        self.add(value, secret_marker(value));
    }

    /// Hide a token.
    pub fn add_token(&mut self, value: &str) {
        self.add(value, token_marker(value));
    }

    fn add(&mut self, value: &str, marker: String) {
        // Very short values would redact ordinary words; they are still never printed on purpose.
        if value.trim().len() < 3 {
            return;
        }
        let escaped = serde_json::to_string(value).unwrap_or_default();
        let escaped = escaped.trim_matches('"').to_string();
        if escaped != value {
            self.items.push((escaped, marker.clone()));
        }
        let encoded = url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>();
        if encoded != value {
            self.items.push((encoded, marker.clone()));
        }
        let trimmed = value.trim();
        if trimmed != value && trimmed.len() >= 3 {
            self.items.push((trimmed.to_string(), marker.clone()));
        }
        self.items.push((value.to_string(), marker));
        // Longest first, so a value that contains another is replaced whole.
        self.items.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    }

    pub fn redact(&self, text: &str) -> String {
        redact_text(text, &self.items)
    }
}

fn redact_text(text: &str, items: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (value, marker) in items {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), marker);
        }
    }
    out
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

    #[test]
    fn redactor_hides_raw_escaped_and_url_encoded_forms() {
        let mut r = Redactor::new();
        r.add_secret("ab\\cd\"ef");
        r.add_token("eyJhbGciOiJSUzUxMiJ9.abc.def+/=");
        let body = r#"{"apiKey":"ab\\cd\"ef"} token=eyJhbGciOiJSUzUxMiJ9.abc.def%2B%2F%3D"#;
        let out = r.redact(body);
        assert!(!out.contains("ab\\\\cd"), "{out}");
        assert!(!out.contains("abc.def"), "{out}");
        assert!(out.contains("<redacted token eyJh…"));
    }
}
