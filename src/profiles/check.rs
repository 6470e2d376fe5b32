//! Checking a saved profile: its secret, its plan, the check, and the result in its history. One
//! function for `check --profile`, `check --all-profiles` and the window's "Test all".

use super::Profile;
use super::history::History;
use super::secrets::{SecretError, SecretStore};
use super::store::{StoreError, StoreWarning};
use crate::engine::CancelToken;
use crate::plan::Plan;
use crate::secret::Secret;
use crate::worker::CheckResult;
use std::sync::Arc;

/// Where the secret of a saved check comes from.
pub enum SecretFrom {
    /// Given for this check (e.g. `--api-key-stdin`), not read from a store.
    Given(Secret),
    /// The profile's saved secret in this store.
    Store(Arc<dyn SecretStore>),
    /// No secret can be had; the words say why (e.g. no keyring on this system).
    Unavailable(String),
}

/// Why a saved check ran without a secret. It then stops at preflight: no login is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum NoSecret {
    /// The store has no secret for this profile.
    NotSaved,
    /// The store could not be read, or there is none (the words say why).
    Unreadable(String),
}

/// What [`check_saved`] did.
pub struct SavedCheck {
    /// The plan that ran (its secret is the saved one, or empty).
    pub plan: Plan,
    pub result: CheckResult,
    /// Set when the check ran without a secret.
    pub no_secret: Option<NoSecret>,
    /// The history write: `None` without a history, else its warnings or error.
    pub recorded: Option<Result<Vec<StoreWarning>, StoreError>>,
}

/// The saved secret of a profile (blocking: a keyring call).
pub fn read_secret(secrets: &dyn SecretStore, profile_id: &str) -> Result<Secret, NoSecret> {
    match secrets.get(profile_id) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(NoSecret::NotSaved),
        Err(e) => Err(NoSecret::Unreadable(e.to_string())),
    }
}

/// Check a saved profile: get its secret, build the plan, run the check (to the end, or until
/// `cancel`), and record the result in `history`. Without a secret the check still runs and stops
/// at preflight, so nothing is sent and the result says what is missing. The keyring and the
/// history are blocking I/O: they run on the blocking pool, not on the async workers.
pub async fn check_saved(
    profile: &Profile,
    secret: SecretFrom,
    history: Option<&History>,
    cancel: CancelToken,
) -> SavedCheck {
    // The proxy's credentials live in the keyring beside the secret (issue 13, D4).
    let proxy_store = match &secret {
        SecretFrom::Store(store) if profile.target.options.proxy.is_some() => Some(store.clone()),
        _ => None,
    };
    let secret = match secret {
        SecretFrom::Given(s) => Ok(s),
        SecretFrom::Unavailable(why) => Err(NoSecret::Unreadable(why)),
        SecretFrom::Store(store) => {
            let id = profile.id.clone();
            tokio::task::spawn_blocking(move || read_secret(store.as_ref(), &id))
                .await
                .unwrap_or_else(|e| Err(NoSecret::Unreadable(SecretError::Platform(e.to_string()).to_string())))
        }
    };
    let (secret, no_secret) = match secret {
        Ok(s) => (s, None),
        Err(why) => (Secret::default(), Some(why)),
    };
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
            let write = tokio::task::spawn_blocking(move || super::record_result(&h, &id, &r)).await;
            Some(write.unwrap_or_else(|e| Err(StoreError::io("write", &path, std::io::Error::other(e.to_string())))))
        }
    };
    SavedCheck {
        plan,
        result,
        no_secret,
        recorded,
    }
}
