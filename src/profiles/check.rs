//! Checking a saved profile: its secret, the guard against re-sending a refused secret, its plan,
//! the check, and the result in its history. One function for `check --profile`,
//! `check --all-profiles` and the window's "Test all".

use super::Profile;
use super::guard::{self, CredentialTag, Refusals};
use super::history::History;
use super::secrets::{Availability, SecretError, SecretStore};
use super::store::{StoreError, StoreWarning};
use crate::engine::CancelToken;
use crate::plan::{AuthMode, Plan};
use crate::secret::Secret;
use crate::worker::CheckResult;
use std::sync::Arc;

/// Where the secret of a saved check comes from.
pub enum SecretFrom {
    /// Given for this check (e.g. `--api-key-stdin`), not read from a store.
    Given(Secret),
    /// The profile's saved secret in this store.
    Store(Arc<dyn SecretStore>),
    /// No keyring can be used on this computer (what [`SecretStore::status`] said).
    Unavailable(Availability),
}

/// Why a saved profile has no secret to test with.
#[derive(Debug, Clone, PartialEq)]
pub enum NoSecret {
    /// Nothing is saved for it on this computer: it was saved while no keyring worked, imported
    /// (exports carry no secret), or saved without one.
    NotSaved,
    /// No keyring can be used on this computer, so nothing saved can be read.
    NoKeyring(Availability),
    /// The keyring could not read it.
    Unreadable(SecretError),
}

impl NoSecret {
    /// The words for a person: "API key not stored on this computer" (never "generate a new key":
    /// that would void the key that bots use).
    pub fn headline(&self, auth: AuthMode) -> String {
        let what = match auth {
            AuthMode::ApiKey => "Key",
            AuthMode::Password => "Password",
        };
        match self {
            NoSecret::NotSaved | NoSecret::NoKeyring(_) => format!("{what} not stored on this computer"),
            NoSecret::Unreadable(_) => format!("{what} could not be read from the keyring"),
        }
    }

    /// Why, in a sentence (no library text).
    pub fn why(&self) -> String {
        match self {
            NoSecret::NotSaved => "Nothing is saved for this profile in this computer's keyring (profiles saved \
                                   without a keyring, and imported profiles, have no secret here)."
                .to_string(),
            NoSecret::NoKeyring(a) => a.message(),
            NoSecret::Unreadable(e) => e.sentence().to_string(),
        }
    }

    /// The raw error, if any (for "Technical details", a tooltip, or `--json`).
    pub fn technical(&self) -> Option<String> {
        match self {
            NoSecret::NotSaved => None,
            NoSecret::NoKeyring(a) => a.technical().map(str::to_string),
            NoSecret::Unreadable(e) => Some(e.technical()),
        }
    }
}

/// Why a saved profile was not tested. Nothing was sent for it.
#[derive(Debug, Clone, PartialEq)]
pub enum NotTested {
    /// It has no secret on this computer.
    NoSecret(NoSecret),
    /// Its secret was refused before and has not changed since ([`guard::refused_before`]).
    RefusedBefore(Refusals),
}

impl NotTested {
    /// A short machine word for reports: `no_secret` or `refused_before`.
    pub fn reason(&self) -> &'static str {
        match self {
            NotTested::NoSecret(_) => "no_secret",
            NotTested::RefusedBefore(_) => "refused_before",
        }
    }

    /// One line for a table or a JUnit `<skipped>`: what and why.
    pub fn summary(&self, profile: &Profile) -> String {
        let auth = profile.target.auth;
        match self {
            NotTested::NoSecret(n) => n.headline(auth),
            NotTested::RefusedBefore(r) => format!(
                "Not sent: this {} was refused {} and has not changed since",
                auth.secret_label(),
                r.times()
            ),
        }
    }
}

/// A check that ran.
pub struct Checked {
    /// The plan that ran.
    pub plan: Plan,
    pub result: CheckResult,
    /// The history write: `None` without a history, else its warnings or error.
    pub recorded: Option<Result<Vec<StoreWarning>, StoreError>>,
    /// It was sent although its secret was refused before (`force`).
    pub forced: Option<Refusals>,
    /// The guard could not be consulted (the history or its key could not be read): why.
    pub guard_off: Option<String>,
}

/// What [`check_saved`] did.
pub enum SavedCheck {
    Checked(Box<Checked>),
    NotTested(NotTested),
}

/// The saved secret of a profile (blocking: a keyring call).
pub fn read_secret(secrets: &dyn SecretStore, profile_id: &str) -> Result<Secret, NoSecret> {
    match secrets.get(profile_id) {
        Ok(Some(s)) => Ok(s),
        // Kept for this session only, and not given in this session.
        Ok(None) if !secrets.status().is_persistent() => Err(NoSecret::NoKeyring(secrets.status())),
        Ok(None) => Err(NoSecret::NotSaved),
        Err(e) => Err(NoSecret::Unreadable(e)),
    }
}

/// What the history says about sending `secret` for `profile`: its tag and its refusals in force.
/// Blocking (reads the history and the key file).
pub fn guard_state(
    history: &History,
    profile: &Profile,
    secret: &Secret,
) -> Result<(CredentialTag, Option<Refusals>), String> {
    let tagger = history
        .tagger()
        .map_err(|e| format!("the key of the login tags cannot be read: {e}"))?;
    let tag = tagger.tag(&profile.target, secret);
    let entries = history.entries(&profile.id).map_err(|e| e.to_string())?;
    let refused = guard::refused_before(&entries, &tag);
    Ok((tag, refused))
}

/// Check a saved profile: get its secret; unless `force`, do not send a secret the Control Room
/// refused before ([`guard::refused_before`] on its history); run the check (to the end, or until
/// `cancel`), and record the result with the tag of what was sent. Without a secret nothing runs:
/// the profile is [`NotTested`], and nothing is recorded. The keyring and the history are blocking
/// I/O: they run on the blocking pool, not on the async workers.
pub async fn check_saved(
    profile: &Profile,
    secret: SecretFrom,
    history: Option<&History>,
    force: bool,
    cancel: CancelToken,
) -> SavedCheck {
    // The proxy's credentials live in the keyring beside the secret (issue 13, D4).
    let proxy_store = match &secret {
        SecretFrom::Store(store) if profile.target.options.proxy.is_some() => Some(store.clone()),
        _ => None,
    };
    let secret = match secret {
        SecretFrom::Given(s) => Ok(s),
        SecretFrom::Unavailable(a) => Err(NoSecret::NoKeyring(a)),
        SecretFrom::Store(store) => {
            let id = profile.id.clone();
            tokio::task::spawn_blocking(move || read_secret(store.as_ref(), &id))
                .await
                .unwrap_or_else(|e| Err(NoSecret::Unreadable(SecretError::Platform(e.to_string()))))
        }
    };
    let secret = match secret {
        Ok(s) => s,
        Err(why) => return SavedCheck::NotTested(NotTested::NoSecret(why)),
    };
    let (tag, refused, guard_off) = match history {
        None => (None, None, Some("there is no history of results".to_string())),
        Some(h) => {
            let (h, p, s) = (h.clone(), profile.clone(), secret.clone());
            match tokio::task::spawn_blocking(move || guard_state(&h, &p, &s)).await {
                Ok(Ok((tag, refused))) => (Some(tag), refused, None),
                Ok(Err(e)) => (None, None, Some(e)),
                Err(e) => (None, None, Some(e.to_string())),
            }
        }
    };
    if let Some(r) = &refused
        && !force
    {
        return SavedCheck::NotTested(NotTested::RefusedBefore(r.clone()));
    }
    let mut plan = profile.to_plan(secret);
    if let Some(store) = proxy_store {
        let p = profile.clone();
        if let Ok(proxy) =
            tokio::task::spawn_blocking(move || super::model::proxy_with_saved_credentials(store.as_ref(), &p)).await
        {
            plan.target.options.proxy = proxy;
        }
    }
    let result = crate::worker::check(&plan, cancel).await;
    let recorded = match history {
        None => None,
        Some(h) => {
            let (h, id, r) = (h.clone(), profile.id.clone(), result.clone());
            let path = h.path();
            let write = tokio::task::spawn_blocking(move || super::record_result(&h, &id, &r, tag)).await;
            Some(write.unwrap_or_else(|e| Err(StoreError::io("write", &path, std::io::Error::other(e.to_string())))))
        }
    };
    SavedCheck::Checked(Box::new(Checked {
        plan,
        result,
        recorded,
        forced: refused,
        guard_off,
    }))
}
