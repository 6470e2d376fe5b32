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
    /// The URL carried a user name (and maybe a password) before `@`; that part was dropped and is
    /// never sent, shown or stored. Only the fact is kept, never the values.
    Credentials {
        /// A password followed the user name (`user:password@`).
        with_password: bool,
    },
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

/// The longest host name DNS can carry, and the longest label between two dots (RFC 1035).
const MAX_HOST_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;

/// The URL as typed, without a `user:password@` part: what may be shown, recorded and saved.
/// Everything else (spaces, path, quotes) is kept as typed, so the hints can still quote it.
pub fn strip_userinfo(input: &str) -> String {
    match userinfo_span(input) {
        Some((start, end)) => format!("{}{}", &input[..start], &input[end..]),
        None => input.to_string(),
    }
}

/// The secret parts of a typed URL's `user:password@` (the password, raw and percent-decoded), for
/// redaction passes: what must never appear in any text even if something quoted the URL.
pub fn userinfo_secrets(input: &str) -> Vec<String> {
    let Some((start, end)) = userinfo_span(input) else {
        return Vec::new();
    };
    let info = &input[start..end - 1];
    let mut out = vec![info.to_string()];
    if let Some((_, pw)) = info.split_once(':') {
        out.push(pw.to_string());
        let decoded: String = url::form_urlencoded::parse(format!("x={}", pw.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        out.push(decoded);
    }
    out.retain(|s| s.chars().count() >= 3);
    out
}

/// Whether the URL as typed carries a `user[:password]@` part.
pub fn has_userinfo(input: &str) -> bool {
    userinfo_span(input).is_some()
}

/// The byte range of `user[:password]@` in a typed URL (with or without a scheme).
fn userinfo_span(input: &str) -> Option<(usize, usize)> {
    let start = match input.find("://") {
        Some(i) => i + 3,
        // Without a scheme the authority starts after leading spaces, quotes and slashes.
        None => {
            input.len()
                - input
                    .trim_start_matches(|c: char| c.is_whitespace() || is_quote(c) || c == '/')
                    .len()
        }
    };
    let rest = &input[start..];
    let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some((start, start + at + 1))
}

/// Schemes of things that are not web pages.
const NOT_WEB_SCHEMES: &[&str] = &[
    "javascript",
    "vbscript",
    "data",
    "mailto",
    "tel",
    "sms",
    "file",
    "about",
    "blob",
    "ftp",
    "ftps",
    "sftp",
    "ssh",
    "telnet",
    "ldap",
    "ldaps",
    "smb",
    "ws",
    "wss",
    "chrome",
    "edge",
];

fn not_web(scheme: &str) -> UrlError {
    UrlError::Invalid(format!(
        "it starts with \"{}:\", which is not a web address; a Control Room address starts with https://",
        shorten(scheme)
    ))
}

/// `javascript:`, `data:`, `mailto:`, `file:`… typed without `//`: a scheme, not `host:port`.
fn foreign_scheme(s: &str) -> Option<&str> {
    let colon = s.find(':')?;
    let (scheme, after) = (&s[..colon], &s[colon + 1..]);
    let scheme_like = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // `cr.example.com:8443` and `localhost:443/x` are a host and a port.
    let port_like = after
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let userinfo = s[..s.find(['/', '?', '#']).unwrap_or(s.len())].contains('@');
    (scheme_like && !port_like && !userinfo && !after.starts_with("//")).then_some(scheme)
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
    // Schemes that are never a web address, even where `scheme:rest@host` could pass for
    // `user:password@host` (`mailto:admin@example.com`).
    let lower = trimmed.to_ascii_lowercase();
    if let Some(scheme) = NOT_WEB_SCHEMES
        .iter()
        .find(|s| lower.strip_prefix(**s).is_some_and(|r| r.starts_with(':')))
    {
        return Err(not_web(scheme));
    }
    // The part before `@` is dropped first, so no error message below can quote a password.
    let credentials = userinfo_span(trimmed).map(|(s, e)| trimmed[s..e - 1].contains(':'));
    let stripped = strip_userinfo(trimmed);
    let trimmed = stripped.as_str();
    if let Some(with_password) = credentials {
        notes.push(UrlNote::Credentials { with_password });
    }
    if trimmed.chars().any(char::is_whitespace) {
        return Err(UrlError::Invalid(format!(
            "it contains a space or line break inside (\"{}\")",
            shorten(trimmed)
        )));
    }
    let lower = trimmed.to_ascii_lowercase();
    let with_scheme = if let Some(pos) = lower.find("://").filter(|p| !lower[..*p].contains(['/', '?', '#'])) {
        let scheme = &lower[..pos];
        if scheme != "http" && scheme != "https" {
            return Err(UrlError::Invalid(format!(
                "it starts with \"{}://\"; a Control Room address starts with https://",
                shorten(scheme)
            )));
        }
        trimmed.to_string()
    } else if let Some(scheme) = foreign_scheme(&lower) {
        return Err(not_web(scheme));
    } else {
        notes.push(UrlNote::NoScheme);
        format!("https://{}", trimmed.trim_start_matches('/'))
    };
    check_host_length(&with_scheme)?;
    let url = Url::parse(&with_scheme).map_err(|e| UrlError::Invalid(describe_parse_error(e)))?;
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => return Err(UrlError::Invalid("it has no host name".into())),
    };
    if url.port() == Some(0) {
        return Err(UrlError::Invalid(
            "the port number is 0, which no server listens on (a port is a number from 1 to 65535)".into(),
        ));
    }
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

/// DNS limits, checked on the typed host before parsing (so a 10 kB host name gets a sentence, not
/// a parser's error or a long DNS wait).
fn check_host_length(with_scheme: &str) -> Result<(), UrlError> {
    let after = with_scheme.split_once("://").map(|(_, r)| r).unwrap_or(with_scheme);
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    if authority.starts_with('[') {
        return Ok(());
    }
    let host = authority.rsplit_once(':').map(|(h, _)| h).unwrap_or(authority);
    let chars = host.chars().count();
    if chars > MAX_HOST_LEN {
        return Err(UrlError::Invalid(format!(
            "the host name is {chars} characters long; a host name has at most {MAX_HOST_LEN}"
        )));
    }
    if let Some(label) = host.split('.').find(|l| l.chars().count() > MAX_LABEL_LEN) {
        return Err(UrlError::Invalid(format!(
            "the part \"{}\" of the host name is {} characters long; each part between dots has at most {MAX_LABEL_LEN}",
            shorten(label),
            label.chars().count()
        )));
    }
    Ok(())
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
        url::ParseError::InvalidPort => {
            "the port number after the colon is not valid (a port is a number from 1 to 65535)".into()
        }
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

    fn reason(s: &str) -> String {
        match normalise(s) {
            Err(UrlError::Invalid(r)) => r,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn credentials_before_the_host_are_dropped_and_never_quoted() {
        for typed in [
            "https://svc_api:S3cr3t-Pw@cr.example.com",
            "https://svc_api:S3cr3t-Pw@cr.example.com/#/login",
            "svc_api:S3cr3t-Pw@cr.example.com",
            "  https://svc_api:S3cr3t-Pw@cr.example.com:8443 ",
        ] {
            let n = normalise(typed).unwrap();
            assert!(n.base.ends_with("cr.example.com") || n.base.ends_with(":8443"), "{n:?}");
            assert!(!n.base.contains("S3cr3t") && !n.base.contains("svc_api"), "{n:?}");
            assert!(n.notes.contains(&UrlNote::Credentials { with_password: true }), "{n:?}");
            assert!(!strip_userinfo(typed).contains("S3cr3t"), "{}", strip_userinfo(typed));
            assert!(has_userinfo(typed));
        }
        let n = normalise("https://token123@cr.example.com").unwrap();
        assert!(n.notes.contains(&UrlNote::Credentials { with_password: false }));
        // An `@` in the path is not userinfo.
        assert_eq!(
            strip_userinfo("https://cr.example.com/a@b"),
            "https://cr.example.com/a@b"
        );
        assert!(!has_userinfo("https://cr.example.com/#/users/a@b.com"));
        // A URL that is unusable for another reason never quotes the password either.
        let r = reason("https://u:S3cr3t-Pw@cr example.com");
        assert!(!r.contains("S3cr3t"), "{r}");
    }

    #[test]
    fn bad_ports_schemes_and_hosts_get_a_sentence() {
        assert!(reason("https://cr.example.com:0").contains("port number is 0"));
        assert!(reason("https://cr.example.com:65536").contains("1 to 65535"));
        assert!(reason("https://cr.example.com:99999").contains("1 to 65535"));
        assert_eq!(normalise("https://cr.example.com:65535").unwrap().port, 65535);
        for (typed, scheme) in [
            ("javascript:alert(1)", "javascript:"),
            ("JavaScript:alert(document.cookie)", "javascript:"),
            ("data:text/html,<script>alert(1)</script>", "data:"),
            ("mailto:admin@example.com", "mailto:"),
            ("file:///etc/passwd", "\"file:\""),
            ("ftp://cr.example.com", "\"ftp:\""),
        ] {
            let r = reason(typed);
            assert!(r.contains(scheme), "{typed}: {r}");
        }
        // host:port without a scheme is still a host.
        assert_eq!(base("cr.example.com:8443"), "https://cr.example.com:8443");
        assert_eq!(base("localhost:8080/x"), "https://localhost:8080");
        let long = format!("https://{}.example.com", "a".repeat(10_000));
        let r = reason(&long);
        assert!(r.contains("at most 253"), "{r}");
        assert!(r.len() < 200, "{r}");
        let r = reason(&format!("https://{}.example.com", "b".repeat(64)));
        assert!(r.contains("at most 63"), "{r}");
        assert!(normalise(&format!("https://{}.example.com", "c".repeat(63))).is_ok());
    }
}
