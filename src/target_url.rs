//! Control Room URL normalisation: whatever the user pasted becomes `scheme://host[:port]`,
//! and every change we made is reported so a hint can explain it.

use serde::Serialize;
use url::Url;

/// What we changed or noticed while normalising.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UrlNote {
    /// No scheme was given; `https://` was assumed.
    NoScheme,
    /// Plain `http://`.
    Http,
    /// Spaces or line breaks around the URL were removed.
    Whitespace,
    /// A path, query or fragment was dropped (e.g. `/#/login`, `/swagger/`).
    PathDropped { dropped: String },
    /// The URL pointed at the discontinued `/v1/authentication`.
    V1Endpoint,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("no Control Room URL was given")]
    Missing,
    #[error("the Control Room URL cannot be read: {0}")]
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalisedUrl {
    /// `scheme://host[:port]`, without a trailing slash.
    pub base: String,
    pub host: String,
    pub port: u16,
    pub https: bool,
    pub notes: Vec<UrlNote>,
}

/// Normalise a pasted Control Room URL.
pub fn normalise(input: &str) -> Result<NormalisedUrl, UrlError> {
    let mut notes = Vec::new();
    let trimmed = input.trim_matches(|c: char| c.is_whitespace() || is_quote(c));
    if trimmed.is_empty() {
        return Err(UrlError::Missing);
    }
    if trimmed.len() != input.len() && input.trim().len() != input.len() {
        notes.push(UrlNote::Whitespace);
    }
    if trimmed.chars().any(char::is_whitespace) {
        return Err(UrlError::Invalid(format!(
            "it contains a space or line break inside (\"{}\")",
            shorten(trimmed)
        )));
    }
    let lower = trimmed.to_ascii_lowercase();
    let with_scheme = if let Some(pos) = lower.find("://") {
        let scheme = &lower[..pos];
        if scheme != "http" && scheme != "https" {
            return Err(UrlError::Invalid(format!(
                "it starts with \"{scheme}://\"; a Control Room address starts with https://"
            )));
        }
        trimmed.to_string()
    } else {
        notes.push(UrlNote::NoScheme);
        format!("https://{}", trimmed.trim_start_matches('/'))
    };
    let url = Url::parse(&with_scheme).map_err(|e| UrlError::Invalid(describe_parse_error(e)))?;
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => return Err(UrlError::Invalid("it has no host name".into())),
    };
    let ip6 = host.starts_with('[');
    if !ip6
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(UrlError::Invalid(format!(
            "the host name \"{host}\" has characters a host name cannot have"
        )));
    }
    if host.contains('.') && host.split('.').any(str::is_empty) && !ip6 {
        return Err(UrlError::Invalid(format!("the host name \"{host}\" has an empty part")));
    }
    let https = url.scheme() == "https";
    if !https {
        notes.push(UrlNote::Http);
    }
    let port = url.port_or_known_default().unwrap_or(if https { 443 } else { 80 });

    let path = url.path();
    let mut dropped = String::new();
    if path != "/" && !path.is_empty() {
        dropped.push_str(path);
    }
    if let Some(q) = url.query() {
        dropped.push('?');
        dropped.push_str(q);
    }
    if let Some(f) = url.fragment() {
        dropped.push('#');
        dropped.push_str(f);
    }
    if path
        .trim_end_matches('/')
        .to_ascii_lowercase()
        .ends_with("/v1/authentication")
    {
        notes.push(UrlNote::V1Endpoint);
    }
    // A path we would have added ourselves is not worth a hint.
    let harmless = dropped.is_empty()
        || matches!(
            dropped.trim_end_matches('/').to_ascii_lowercase().as_str(),
            "/v2/authentication"
        );
    if !harmless {
        notes.push(UrlNote::PathDropped { dropped });
    }

    let mut base = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(p) = url.port() {
        base.push_str(&format!(":{p}"));
    }
    Ok(NormalisedUrl {
        base,
        host,
        port,
        https,
        notes,
    })
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}' | '<' | '>'
    )
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

fn describe_parse_error(e: url::ParseError) -> String {
    match e {
        url::ParseError::EmptyHost => "it has no host name".into(),
        url::ParseError::InvalidPort => "the port number after the colon is not valid".into(),
        url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => {
            "the IP address is not valid".into()
        }
        url::ParseError::IdnaError | url::ParseError::InvalidDomainCharacter => {
            "the host name has characters a host name cannot have".into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> String {
        normalise(s).unwrap().base
    }

    #[test]
    fn pasted_forms_become_scheme_host_port() {
        assert_eq!(
            base("https://acme.my.automationanywhere.digital/"),
            "https://acme.my.automationanywhere.digital"
        );
        assert_eq!(
            base("acme.my.automationanywhere.digital"),
            "https://acme.my.automationanywhere.digital"
        );
        assert_eq!(
            base("  https://cr.example.com/#/login?next=/home \n"),
            "https://cr.example.com"
        );
        assert_eq!(base("http://10.0.0.5:8080/swagger/"), "http://10.0.0.5:8080");
        assert_eq!(
            base("HTTPS://CR.Example.com:443/v1/authentication"),
            "https://cr.example.com"
        );
    }

    #[test]
    fn notes_explain_each_change() {
        let n = normalise("cr.example.com/#/login").unwrap();
        assert!(n.notes.contains(&UrlNote::NoScheme));
        assert!(
            n.notes
                .iter()
                .any(|x| matches!(x, UrlNote::PathDropped { dropped } if dropped == "#/login"))
        );
        let n = normalise("https://cr.example.com/v1/authentication").unwrap();
        assert!(n.notes.contains(&UrlNote::V1Endpoint));
        let n = normalise("https://cr.example.com/v2/authentication").unwrap();
        assert!(n.notes.is_empty(), "{:?}", n.notes);
        assert!(normalise("http://cr").unwrap().notes.contains(&UrlNote::Http));
    }

    #[test]
    fn unusable_urls_are_errors_not_panics() {
        assert_eq!(normalise("  "), Err(UrlError::Missing));
        assert!(normalise("ftp://cr.example.com").is_err());
        assert!(normalise("https://").is_err());
        assert!(normalise("https://cr example.com").is_err());
        assert!(normalise("https://cr.example.com:99999").is_err());
    }
}
