//! Which proxy a check goes through: the profile's own, or the system's (`HTTPS_PROXY`, `NO_PROXY`),
//! the same rule reqwest applies, so the connect probe takes the road the login will take.

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyChoice {
    pub url: Url,
    /// Where the setting came from ("--proxy", "HTTPS_PROXY", ...), for the transcript.
    pub source: String,
}

impl ProxyChoice {
    /// The proxy URL without credentials, safe to show.
    pub fn display(&self) -> String {
        let mut u = self.url.clone();
        let _ = u.set_password(None);
        let _ = u.set_username("");
        u.to_string().trim_end_matches('/').to_string()
    }
}

/// Whether `text` is a proxy address a check can use (an `http://` or `https://` URL with a
/// host); the words say why not.
pub fn check_address(text: &str) -> Result<(), String> {
    parse(text.trim(), "--proxy").map(|_| ())
}

/// The proxy for `host` (scheme `https` or `http`), or `None` for a direct connection.
pub fn choose(explicit: Option<&str>, https: bool, host: &str) -> Result<Option<ProxyChoice>, String> {
    if let Some(p) = explicit.map(str::trim).filter(|p| !p.is_empty()) {
        return parse(p, "the proxy setting").map(Some);
    }
    let vars: &[&str] = if https {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    for var in vars {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            if bypassed(host) {
                return Ok(None);
            }
            return parse(v.trim(), var).map(Some);
        }
    }
    Ok(None)
}

fn parse(text: &str, source: &str) -> Result<ProxyChoice, String> {
    // Words only, and never the proxy's `user:password@` (it may hold a password).
    let shown = crate::target_url::strip_userinfo(text);
    let shown: String = shown.chars().take(80).collect();
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| {
        let why = match e {
            url::ParseError::InvalidPort => "its port is not a number from 1 to 65535",
            url::ParseError::EmptyHost => "it has no host name",
            url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => "its IP address is not valid",
            _ => "it is not a web address",
        };
        format!("the proxy address \"{shown}\" from {source} cannot be used: {why}")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the proxy address \"{shown}\" from {source} cannot be used: it starts with {}://, but only http:// \
             and https:// proxies are supported (SOCKS and other kinds are not)",
            crate::sanitize::for_display(&url.scheme().chars().take(20).collect::<String>())
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "the proxy address \"{shown}\" from {source} cannot be used: it has no host name"
        ));
    }
    if url.port() == Some(0) {
        return Err(format!(
            "the proxy address \"{shown}\" from {source} cannot be used: its port is 0"
        ));
    }
    Ok(ProxyChoice {
        url,
        source: source.to_string(),
    })
}

fn bypassed(host: &str) -> bool {
    let list = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    list.split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.trim_start_matches("*.").trim_start_matches('.');
            host == entry || host.ends_with(&format!(".{entry}"))
        })
}
