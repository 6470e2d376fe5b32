//! From a paste to a check ("Test it the right way", `explain --run`): the Control Room's address
//! without its path, the username, the sign-in mode, and the secret, moved into a [`Secret`] in
//! memory only. The check then runs as any other: its preflight reports what is still wrong (a
//! token pasted as the key, a missing username).

use super::rules::{self, Endpoint};
use super::{FoundSecret, Paste, Place, SecretKind};
use crate::plan::{AuthMode, CheckOptions, Plan, Target};
use crate::secret::Secret;

/// What a paste gives a check.
#[derive(Debug, Clone)]
pub struct Fill {
    /// `scheme://host[:port]`.
    pub url: String,
    /// Empty when the paste has none (the check then says so).
    pub username: String,
    pub auth: AuthMode,
    /// `None` when the paste holds no usable secret (only a `{{variable}}`, or nothing).
    pub secret: Option<Secret>,
    /// Where the secret came from, for a person ("the `apiKey` field of the login body").
    pub secret_from: Option<String>,
}

impl Fill {
    /// The plan of the check, with the given options.
    pub fn plan(&self, options: CheckOptions) -> Plan {
        Plan::new(
            Target::new(self.url.clone(), self.auth, self.username.clone(), options),
            self.secret.clone().unwrap_or_default(),
        )
    }
}

/// The secret a check would sign in with: the login body's key or password; else a key that was
/// sent where a token goes (the forum's validate call); else the password of Basic credentials.
pub(crate) fn login_secret(paste: &Paste) -> Option<&FoundSecret> {
    let usable = |s: &&FoundSecret| !s.facts.reference && !s.secret.expose().trim().is_empty();
    let in_login = |s: &FoundSecret| {
        s.request
            .and_then(|i| paste.requests.get(i))
            .is_some_and(|r| matches!(rules::endpoint(r), Endpoint::Login { .. } | Endpoint::Body))
    };
    paste
        .secrets
        .iter()
        .filter(usable)
        .find(|s| {
            matches!(s.kind, SecretKind::ApiKey | SecretKind::Password)
                && matches!(s.place, Place::Body(_))
                && in_login(s)
        })
        .or_else(|| {
            paste.secrets.iter().filter(usable).find(|s| {
                matches!(s.kind, SecretKind::ApiKey | SecretKind::Password) && matches!(s.place, Place::Body(_))
            })
        })
        .or_else(|| {
            paste
                .secrets
                .iter()
                .filter(usable)
                .find(|s| s.kind == SecretKind::TokenPlace)
        })
        .or_else(|| {
            paste
                .secrets
                .iter()
                .filter(usable)
                .find(|s| s.kind == SecretKind::Basic && s.place == Place::BasicAuth)
        })
}

pub(crate) fn fill(paste: &Paste) -> Result<Fill, String> {
    let url = paste
        .requests
        .iter()
        .find_map(|r| {
            let u = url::Url::parse(r.url.trim()).ok()?;
            let host = u.host_str()?;
            if host.contains("{{") || host.contains('%') || !matches!(u.scheme(), "http" | "https") {
                return None;
            }
            Some(match u.port() {
                Some(p) => format!("{}://{host}:{p}", u.scheme()),
                None => format!("{}://{host}", u.scheme()),
            })
        })
        .ok_or_else(|| {
            if paste.requests.is_empty() {
                "the paste holds only an answer: fill in the Control Room URL, the username and the key in the form"
                    .to_string()
            } else if !paste.unresolved.is_empty() {
                format!(
                    "the Control Room's address is a variable the paste does not define ({{{{{}}}}}): fill in the URL in \
                     the form, or paste the environment too",
                    paste.unresolved[0]
                )
            } else {
                "the paste does not say which Control Room: fill in the URL in the form".to_string()
            }
        })?;
    let secret = login_secret(paste);
    let login = paste
        .requests
        .iter()
        .find(|r| matches!(rules::endpoint(r), Endpoint::Login { .. } | Endpoint::Body));
    let username = login
        .and_then(rules::username)
        .or_else(|| paste.requests.iter().find_map(|r| r.basic_user.clone()))
        .filter(|u| !super::vars::is_reference(u.trim()))
        .unwrap_or_default();
    let auth = match secret.map(|s| s.kind) {
        Some(SecretKind::Password | SecretKind::Basic) => AuthMode::Password,
        Some(_) => AuthMode::ApiKey,
        None => login.and_then(rules::login_mode).unwrap_or_default(),
    };
    let secret_from = secret.map(|s| match &s.place {
        Place::Body(f) => format!("the `{f}` field of the body"),
        Place::Header(h) => format!("the `{h}` header (an API key sent as the token)"),
        Place::Query(q) => format!("`?{q}=` (an API key sent as the token)"),
        Place::BasicAuth => "the Basic credentials".to_string(),
        _ => s.kind.describe().to_string(),
    });
    Ok(Fill {
        url,
        username,
        auth,
        secret: secret.map(|s| s.secret.clone()),
        secret_from,
    })
}
