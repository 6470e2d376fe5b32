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
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| format!("the proxy address from {source} cannot be read: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the proxy address from {source} starts with {}://, but only http:// and https:// proxies are \
             supported (SOCKS and other kinds are not)",
            crate::sanitize::for_display(url.scheme())
        ));
    }
    if url.host_str().is_none() {
        return Err(format!("the proxy address from {source} has no host"));
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
