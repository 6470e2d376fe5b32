//! Facts computed once from the plan and the transcript, shared by the hint modules.
//!
//! The secret is read here and only here, to compute facts (length, whitespace, quotes). Nothing in
//! [`SecretFacts`] can rebuild any part of the value.

use crate::jwt;
use crate::plan::{AuthMode, Plan};
use crate::target_url::{self, NormalisedUrl, UrlError};
use crate::transcript::{RecordedResponse, StepName, StepRecord, StepStatus, Transcript};

/// Curly quotes that documents and forum posts put in place of `"` and `'`.
pub(crate) const SMART_QUOTES: &[char] = &[
    '\u{201C}', '\u{201D}', '\u{201E}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{00AB}', '\u{00BB}', '\u{2032}',
    '\u{2033}',
];

/// A Control Room API key has 40 characters ([D1]).
pub(crate) const API_KEY_LEN: usize = 40;

/// What we may say about the key or password without saying any of it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SecretFacts {
    /// Nothing, or only whitespace.
    pub empty: bool,
    /// Characters as typed.
    pub len: usize,
    /// Characters after removing surrounding whitespace (what the engine sends for an API key).
    pub trimmed_len: usize,
    /// Whitespace before or after the value.
    pub outer_whitespace: bool,
    /// A space, tab or line break inside the (trimmed) value.
    pub inner_whitespace: bool,
    /// A line break anywhere.
    pub line_break: bool,
    pub smart_quotes: bool,
    pub looks_like_jwt: bool,
    /// Two backslashes in a row: a key escaped by hand for JSON (the .24 docs asked for it).
    pub double_backslash: bool,
    /// Characters outside printable ASCII (a generated key has none).
    pub non_ascii: bool,
}

impl SecretFacts {
    pub fn of(value: &str) -> Self {
        let trimmed = value.trim();
        Self {
            empty: trimmed.is_empty(),
            len: value.chars().count(),
            trimmed_len: trimmed.chars().count(),
            outer_whitespace: trimmed.len() != value.len(),
            inner_whitespace: trimmed.chars().any(char::is_whitespace),
            line_break: value.contains(['\n', '\r']),
            smart_quotes: value.contains(SMART_QUOTES),
            looks_like_jwt: jwt::looks_like_jwt(value),
            double_backslash: value.contains("\\\\"),
            non_ascii: trimmed.chars().any(|c| !c.is_ascii_graphic() && c != ' '),
        }
    }
}

/// Everything the hint modules read.
pub(crate) struct Ctx<'a> {
    pub plan: &'a Plan,
    pub t: &'a Transcript,
    pub url: Result<NormalisedUrl, UrlError>,
    pub secret: SecretFacts,
    /// Host name for the texts: from the connect step, else from the URL, else what was typed.
    pub host: String,
    pub username: String,
}

impl<'a> Ctx<'a> {
    pub fn new(plan: &'a Plan, t: &'a Transcript) -> Self {
        let url = target_url::normalise(&plan.target.url);
        let host = t
            .connect
            .as_ref()
            .map(|c| c.host.clone())
            .filter(|h| !h.is_empty())
            .or_else(|| url.as_ref().ok().map(|u| u.host.clone()))
            .unwrap_or_else(|| crate::diagnose::text::shorten(target_url::strip_userinfo(&plan.target.url).trim(), 80));
        Self {
            plan,
            t,
            url,
            secret: SecretFacts::of(plan.secret.expose()),
            host,
            username: plan.target.username.trim().to_string(),
        }
    }

    pub fn api_key(&self) -> bool {
        self.plan.target.auth == AuthMode::ApiKey
    }

    pub fn secret_label(&self) -> &'static str {
        self.plan.target.auth.secret_label()
    }

    /// The username in quotes for texts, or a neutral phrase when there is none.
    pub fn user(&self) -> String {
        if self.username.is_empty() {
            "this user".to_string()
        } else {
            format!("`{}`", self.username)
        }
    }

    pub fn step(&self, name: StepName) -> Option<&'a StepRecord> {
        self.t.step(name)
    }

    pub fn failed(&self, name: StepName) -> bool {
        self.step(name).is_some_and(|s| s.status == StepStatus::Failed)
    }

    pub fn ok(&self, name: StepName) -> bool {
        self.step(name).is_some_and(|s| s.status == StepStatus::Ok)
    }

    /// The response of a step, when one came back.
    pub fn response(&self, name: StepName) -> Option<&'a RecordedResponse> {
        self.step(name).and_then(|s| s.response.as_ref())
    }

    /// The login was sent and the Control Room turned it down (its own error, or a 401): the kind of
    /// failure that counts towards disabling the account.
    pub fn login_rejected(&self) -> bool {
        use crate::diagnose::classify::{Kind, classify};
        self.failed(StepName::Authenticate)
            && self
                .response(StepName::Authenticate)
                .is_some_and(|r| match classify(r) {
                    Kind::ControlRoomError => r.status >= 400,
                    Kind::Json | Kind::Other => r.status == 401,
                    _ => false,
                })
    }

    /// A token came back from the login.
    pub fn logged_in(&self) -> bool {
        self.t.token.is_some() || self.ok(StepName::Authenticate)
    }

    pub fn is_community_edition(&self) -> bool {
        let h = self.host.to_ascii_lowercase();
        let Some(first) = h.split('.').next() else { return false };
        first.starts_with("community")
            && first["community".len()..].chars().all(|c| c.is_ascii_digit())
            && h.ends_with(".automationanywhere.digital")
    }

    /// Whether the URL as typed used plain http.
    pub fn plain_http(&self) -> bool {
        self.url.as_ref().is_ok_and(|u| !u.https)
    }

    /// The scheme and host for a suggested URL, e.g. `https://cr.example.com`.
    pub fn https_base(&self) -> String {
        match &self.url {
            Ok(u) if u.port == 443 || u.port == 80 => format!("https://{}", u.host),
            Ok(u) => format!("https://{}:{}", u.host, u.port),
            Err(_) => format!("https://{}", self.host),
        }
    }
}
