//! Guarding the account: a secret that the Control Room refused is not sent again until it changes.
//!
//! A Control Room disables an account after three failed logins in a row (the default), and every
//! bot and script that uses the account stops until an administrator enables it again. So when a
//! login with a username and secret was refused, the window asks before sending the same pair
//! again, **Test all** and `check --all-profiles` skip the profile, and `check --profile` refuses to
//! send it, until the secret changes (or the person says so: "Test anyway", `--force`).
//!
//! How "the same secret" is known without keeping it: each login recorded in the history carries
//! a [`CredentialTag`], a keyed hash (HMAC-SHA256) of the Control Room's host and port, the sign-in
//! mode, the username and the secret, under a random 256-bit key made once per installation and
//! kept in the data directory next to the history (`credential-tag.key`, readable by the user
//! only). The tag is cut to 24 bits:
//! - the history file alone reveals nothing about the secret (without the key, the tag is noise);
//! - even with the key, a tag cannot confirm a guessed password: about one guess in 16.7 million
//!   matches any tag, so a list of a hundred million passwords still leaves several candidates,
//!   each of which costs a real login that the Control Room counts;
//! - the price is a false match about once in 16.7 million secret changes, answered by the same
//!   question ("Test anyway") as a real one.
//!
//! [`refused_before`] is the one rule, used by the window, Test all and the command line.

use super::history::HistoryEntry;
use crate::diagnose::HintId;
use crate::plan::{AuthMode, Target};
use crate::secret::Secret;
use crate::transcript::{StepName, StepStatus};
use crate::worker::CheckResult;
use aws_lc_rs::hmac;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The key file in the data directory.
pub const KEY_FILE: &str = "credential-tag.key";
/// Hex digits kept of the keyed hash (24 bits; see the module documentation for why so few).
const TAG_HEX_DIGITS: usize = 6;
/// By default a Control Room disables an account after this many failed logins in a row.
pub const LOCKOUT_AFTER: usize = 3;

/// A short keyed hash of where, as whom and with which secret a login was sent. It cannot give
/// the secret back (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CredentialTag(String);

impl CredentialTag {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Makes [`CredentialTag`]s with one key: the installation's ([`Tagger::open`]) or one for this
/// session only ([`Tagger::ephemeral`]).
#[derive(Clone)]
pub struct Tagger {
    key: std::sync::Arc<hmac::Key>,
}

impl std::fmt::Debug for Tagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tagger(..)")
    }
}

fn random_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    if getrandom::fill(&mut k).is_err() {
        // No OS randomness (never seen): the tags then only hold for this process.
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        k[..16].copy_from_slice(&nanos.to_le_bytes());
        k[16..20].copy_from_slice(&std::process::id().to_le_bytes());
    }
    k
}

impl Tagger {
    /// A key for this process only (the window's memory of refusals in this session).
    pub fn ephemeral() -> Self {
        Self::from_key(&random_key())
    }

    fn from_key(key: &[u8]) -> Self {
        Self {
            key: std::sync::Arc::new(hmac::Key::new(hmac::HMAC_SHA256, key)),
        }
    }

    /// The installation's key in `dir` (the data directory), made on first use: 32 random bytes,
    /// written atomically and readable by the user only. Two processes making it at once agree on
    /// one (the second reads the first one's). Blocking file I/O.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        let path = dir.join(KEY_FILE);
        if let Some(bytes) = super::fsutil::read_optional(&path)? {
            return Self::from_file(&path, &bytes);
        }
        std::fs::create_dir_all(dir)?;
        let key = random_key();
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{KEY_FILE}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut tmp, &key)?;
        tmp.as_file().sync_all()?;
        match tmp.persist_noclobber(&path) {
            Ok(_) => Ok(Self::from_key(&key)),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                let bytes = std::fs::read(&path)?;
                Self::from_file(&path, &bytes)
            }
            Err(e) => Err(e.error),
        }
    }

    fn from_file(path: &Path, bytes: &[u8]) -> std::io::Result<Self> {
        if bytes.len() < 16 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is too short to be a key", path.display()),
            ));
        }
        Ok(Self::from_key(bytes))
    }

    /// The tag of a login to `target` with `secret`: the Control Room's host and port (a refusal by
    /// one Control Room says nothing about another), the sign-in mode, the username (trimmed, in
    /// lower case) and the secret exactly as sent.
    pub fn tag(&self, target: &Target, secret: &Secret) -> CredentialTag {
        let place = match crate::target_url::normalise(&target.url) {
            Ok(n) => format!("{}:{}", n.host.to_ascii_lowercase(), n.port),
            Err(_) => target.url.trim().to_ascii_lowercase(),
        };
        let mode = match target.auth {
            AuthMode::ApiKey => "api_key",
            AuthMode::Password => "password",
        };
        let mut ctx = hmac::Context::with_key(&self.key);
        for part in [
            "aa-conntest credential tag 1",
            place.as_str(),
            mode,
            target.username.trim().to_lowercase().as_str(),
            secret.expose(),
        ] {
            // Length-prefixed, so no two different inputs run together into the same bytes.
            ctx.update(&(part.len() as u64).to_le_bytes());
            ctx.update(part.as_bytes());
        }
        let mac = ctx.sign();
        let hex: String = mac.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        CredentialTag(hex[..TAG_HEX_DIGITS].to_string())
    }
}

/// How the Control Room answered a login, as the history keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginAnswer {
    /// A token came back.
    Accepted,
    /// The Control Room refused these credentials (the failures that count towards a lock-out).
    Refused,
    /// Anything else (rate-limited, a server error, a gateway, no answer).
    Other,
}

/// A login that a check sent, as the history keeps it: the tag of what was sent and the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginTry {
    pub tag: CredentialTag,
    pub answer: LoginAnswer,
}

/// The Control Room refused this login: the failures it counts towards disabling the account. The
/// diagnosis says so with `auth.retry-warning`, which it gives after every refused login (a wrong
/// key or password, a disabled or locked account) and never for a rate limit, a gateway page or
/// a server error.
pub fn login_refused(result: &CheckResult) -> bool {
    result.hints.iter().any(|h| h.id == HintId::AuthRetryWarning)
}

/// What a finished check tells about its login, if it sent one.
pub fn login_answer(result: &CheckResult) -> Option<LoginAnswer> {
    let auth = result.transcript.step(StepName::Authenticate)?;
    auth.request.as_ref()?;
    Some(if login_refused(result) {
        LoginAnswer::Refused
    } else if auth.status == StepStatus::Ok {
        LoginAnswer::Accepted
    } else {
        LoginAnswer::Other
    })
}

/// "just now", "3 min ago", "2 h ago", "4 days ago", from an RFC 3339 time.
fn ago(at: &str) -> Option<String> {
    let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
    let secs = (time::OffsetDateTime::now_utc() - t).whole_seconds().max(0);
    Some(match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => {
            let days = secs / 86_400;
            format!("{days} day{} ago", if days == 1 { "" } else { "s" })
        }
    })
}

/// The refusals of one secret that are still in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusals {
    /// How many times it was refused since it last worked.
    pub count: usize,
    /// When it was last refused (RFC 3339), when known.
    pub last_at: Option<String>,
}

impl Refusals {
    /// "2 times" / "once".
    pub fn times(&self) -> String {
        match self.count {
            1 => "once".to_string(),
            2 => "twice".to_string(),
            n => format!("{n} times"),
        }
    }

    /// The sentence that says what was seen: "The Control Room refused svc_api with this API key
    /// twice (the last time 3 min ago)."
    pub fn seen(&self, auth: AuthMode, username: &str) -> String {
        let when = self
            .last_at
            .as_deref()
            .and_then(ago)
            .map(|a| format!(" (the last time {a})"))
            .unwrap_or_default();
        format!(
            "The Control Room refused {} with this {} {}{when}.",
            username.trim(),
            auth.secret_label(),
            self.times()
        )
    }

    /// What another refused login costs, in words.
    pub fn risk(&self) -> String {
        let left = LOCKOUT_AFTER.saturating_sub(self.count);
        let next = if left <= 1 {
            "One more failed login may disable the account".to_string()
        } else {
            format!("{left} more failed logins in a row may disable the account")
        };
        format!(
            "{next}: by default a Control Room disables an account after {LOCKOUT_AFTER} failed logins in a row, \
             and every bot and script that uses it stops until an administrator enables it again."
        )
    }
}

/// The one rule: has the Control Room refused this secret (by its `tag`) and not accepted it
/// since? `entries` are a profile's history, newest first. Counts the refusals of this tag back to
/// the last time a login with it was accepted; logins with other secrets, and checks that sent no
/// login, do not count either way. `None`: nothing stands against sending it.
pub fn refused_before(entries: &[HistoryEntry], tag: &CredentialTag) -> Option<Refusals> {
    let mut count = 0;
    let mut last_at = None;
    for e in entries {
        let Some(login) = &e.login else { continue };
        if &login.tag != tag {
            continue;
        }
        match login.answer {
            LoginAnswer::Accepted => break,
            LoginAnswer::Refused => {
                count += 1;
                last_at.get_or_insert_with(|| e.at.clone());
            }
            LoginAnswer::Other => {}
        }
    }
    (count > 0).then_some(Refusals { count, last_at })
}

/// The refusals seen in this session (the window), by tag under an [`ephemeral`](Tagger::ephemeral)
/// key: checks that are not a saved profile's are in no history, and still count.
#[derive(Debug, Clone)]
pub struct SessionRefusals {
    tagger: Tagger,
    seen: std::collections::HashMap<CredentialTag, Refusals>,
}

impl Default for SessionRefusals {
    fn default() -> Self {
        Self {
            tagger: Tagger::ephemeral(),
            seen: Default::default(),
        }
    }
}

impl SessionRefusals {
    /// Note a finished check of `target` with `secret`.
    pub fn note(&mut self, target: &Target, secret: &Secret, result: &CheckResult) {
        let tag = self.tagger.tag(target, secret);
        match login_answer(result) {
            Some(LoginAnswer::Refused) => {
                let r = self.seen.entry(tag).or_insert(Refusals {
                    count: 0,
                    last_at: None,
                });
                r.count += 1;
                r.last_at = Some(super::now_rfc3339());
            }
            Some(LoginAnswer::Accepted) => {
                self.seen.remove(&tag);
            }
            Some(LoginAnswer::Other) | None => {}
        }
    }

    /// The refusals of `secret` for `target` in this session.
    pub fn refused(&self, target: &Target, secret: &Secret) -> Option<&Refusals> {
        self.seen.get(&self.tagger.tag(target, secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Outcome;

    fn target(url: &str, user: &str) -> Target {
        Target::new(url, AuthMode::ApiKey, user, Default::default())
    }

    fn entry(at: &str, login: Option<(&CredentialTag, LoginAnswer)>) -> HistoryEntry {
        HistoryEntry {
            at: at.into(),
            outcome: Outcome::Rejected,
            duration_ms: 1.0,
            base_url: None,
            hint_id: None,
            hint_title: None,
            login: login.map(|(t, a)| LoginTry {
                tag: t.clone(),
                answer: a,
            }),
        }
    }

    #[test]
    fn a_tag_names_the_control_room_the_user_and_the_secret_and_never_holds_the_secret() {
        let t = Tagger::from_key(&[7u8; 32]);
        let key = Secret::new("0123456789abcdef0123456789abcdef01234567");
        let a = t.tag(&target("https://cr.example.com", "svc_api"), &key);
        assert_eq!(a.as_str().len(), TAG_HEX_DIGITS);
        assert!(a.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        // The same login, typed differently: the same tag.
        assert_eq!(t.tag(&target(" https://CR.example.com/#/login ", " SVC_api "), &key), a);
        assert_eq!(t.tag(&target("https://cr.example.com:443", "svc_api"), &key), a);
        // Another secret, user, Control Room or sign-in mode: another tag.
        assert_ne!(
            t.tag(&target("https://cr.example.com", "svc_api"), &Secret::new("x")),
            a
        );
        assert_ne!(t.tag(&target("https://cr.example.com", "svc_bot"), &key), a);
        assert_ne!(t.tag(&target("https://cr2.example.com", "svc_api"), &key), a);
        assert_ne!(t.tag(&target("https://cr.example.com:8443", "svc_api"), &key), a);
        let mut pw = target("https://cr.example.com", "svc_api");
        pw.auth = AuthMode::Password;
        assert_ne!(t.tag(&pw, &key), a);
        // Another installation's key: another tag for the same login.
        assert_ne!(
            Tagger::from_key(&[8u8; 32]).tag(&target("https://cr.example.com", "svc_api"), &key),
            a
        );
    }

    #[test]
    fn the_installation_key_is_made_once_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let key = Secret::new("pw");
        let t1 = Tagger::open(dir.path()).unwrap();
        let t2 = Tagger::open(dir.path()).unwrap();
        let tg = target("https://cr.example.com", "u");
        assert_eq!(t1.tag(&tg, &key), t2.tag(&tg, &key), "the next run reads the same key");
        let bytes = std::fs::read(dir.path().join(KEY_FILE)).unwrap();
        assert_eq!(bytes.len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "readable by the user only: {mode:o}");
        }
        std::fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        assert!(
            Tagger::open(dir.path()).is_err(),
            "a damaged key is an error, not a silent new key"
        );
    }

    #[test]
    fn refusals_count_back_to_the_last_accepted_login_of_the_same_secret() {
        let (a, b) = (CredentialTag("aaaaaa".into()), CredentialTag("bbbbbb".into()));
        let newest_first = [
            entry("2026-11-27T15:00:00Z", Some((&a, LoginAnswer::Refused))),
            entry("2026-11-27T14:50:00Z", None),
            entry("2026-11-27T14:40:00Z", Some((&b, LoginAnswer::Accepted))),
            entry("2026-11-27T14:30:00Z", Some((&a, LoginAnswer::Other))),
            entry("2026-11-27T14:20:00Z", Some((&a, LoginAnswer::Refused))),
            entry("2026-11-27T14:10:00Z", Some((&a, LoginAnswer::Accepted))),
            entry("2026-11-27T14:00:00Z", Some((&a, LoginAnswer::Refused))),
        ];
        assert_eq!(
            refused_before(&newest_first, &a),
            Some(Refusals {
                count: 2,
                last_at: Some("2026-11-27T15:00:00Z".into())
            })
        );
        assert_eq!(refused_before(&newest_first, &b), None, "b worked");
        assert_eq!(refused_before(&newest_first, &CredentialTag("cccccc".into())), None);
        assert_eq!(refused_before(&[], &a), None);
    }

    #[test]
    fn the_words_name_the_count_and_the_cost() {
        let r = Refusals {
            count: 2,
            last_at: Some("2026-11-27T15:00:00Z".into()),
        };
        let seen = r.seen(AuthMode::ApiKey, "svc_api");
        assert!(
            seen.starts_with("The Control Room refused svc_api with this API key twice (the last time ")
                && seen.ends_with(" days ago)."),
            "{seen}"
        );
        let now = Refusals {
            count: 1,
            last_at: Some(crate::profiles::now_rfc3339()),
        };
        assert_eq!(
            now.seen(AuthMode::Password, "ann"),
            "The Control Room refused ann with this password once (the last time just now)."
        );
        assert!(
            r.risk().starts_with("One more failed login may disable the account"),
            "{}",
            r.risk()
        );
        assert!(r.risk().contains("after 3 failed logins"));
        let once = Refusals {
            count: 1,
            last_at: None,
        };
        assert!(once.risk().starts_with("2 more failed logins"), "{}", once.risk());
    }
}
