//! One-call operations for the window (and the CLI) that touch the profiles file, the keyring
//! and the history together. All block: run them off the UI thread.

use super::Profile;
use super::guard::CredentialTag;
use super::history::{History, HistoryEntry};
use super::secrets::{SecretError, SecretStore};
use super::store::{ProfileStore, StoreError, StoreWarning};
use crate::secret::Secret;
use crate::worker::CheckResult;

/// What [`remove_profile`] did besides removing the profile.
#[derive(Debug, Default)]
pub struct Removed {
    pub profile: Option<Profile>,
    /// The keyring entry could not be deleted.
    pub secret_error: Option<SecretError>,
    /// The history could not be updated.
    pub history_error: Option<String>,
}

/// Remove a profile everywhere: the profiles file (saved), its keyring entry and its history.
/// What "Delete" calls after the user confirmed.
pub fn remove_profile(
    store: &mut ProfileStore,
    secrets: &dyn SecretStore,
    history: Option<&History>,
    id: &str,
) -> Result<Removed, StoreError> {
    let profile = store.remove(id)?;
    if let Err(e) = store.save() {
        // Keep memory and disk in step: put it back.
        let _ = store.upsert(profile);
        return Err(e);
    }
    let mut removed = Removed {
        profile: Some(profile),
        ..Default::default()
    };
    if let Err(e) = secrets.delete(id) {
        removed.secret_error = Some(e);
    }
    // The proxy's credentials, if the profile had some (issue 13, D4).
    let _ = secrets.delete(&super::model::proxy_secret_id(id));
    if let Some(h) = history
        && let Err(e) = h.remove_profile(id)
    {
        removed.history_error = Some(e.to_string());
    }
    Ok(removed)
}

/// Where the secret went when a profile was saved.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretSaved {
    /// No secret was given; the saved one (if any) is unchanged.
    Unchanged,
    /// In the system keyring.
    Keyring,
    /// Kept for this session only: the message says so plainly (show it).
    SessionOnly(String),
    /// The keyring refused; the profile itself was saved. Show the error.
    Failed(SecretError),
}

/// "Save profile" of the form: add or update the profile (by id), write the file, then store the
/// secret (when given) in the keyring. Returns the warnings of the save and where the secret went.
pub fn save_with_secret(
    store: &mut ProfileStore,
    secrets: &dyn SecretStore,
    profile: Profile,
    secret: Option<&Secret>,
) -> Result<(Vec<StoreWarning>, SecretSaved), StoreError> {
    let id = profile.id.clone();
    // A password in the proxy address goes to the keyring, not into the file (issue 13, D4).
    let mut profile = profile;
    let proxy_credentials = profile.scrub().into_iter().find_map(|c| match c {
        super::model::Scrubbed::ProxyCredentials(s) => Some(s),
        _ => None,
    });
    store.upsert(profile)?;
    let outcome = store.save()?;
    if let Some(c) = proxy_credentials {
        let _ = secrets.set(&super::model::proxy_secret_id(&id), &c);
    }
    let saved = match secret {
        None => SecretSaved::Unchanged,
        Some(s) => match secrets.set(&id, s) {
            Ok(()) => match secrets.status().message_if_limited() {
                None => SecretSaved::Keyring,
                Some(msg) => SecretSaved::SessionOnly(msg),
            },
            Err(e) => SecretSaved::Failed(e),
        },
    };
    Ok((outcome.warnings, saved))
}

/// "Duplicate": a copy under a free name ("Name (2)") with a copy of the secret. Saves the file.
pub fn duplicate_with_secret(
    store: &mut ProfileStore,
    secrets: &dyn SecretStore,
    id: &str,
) -> Result<(Profile, Option<SecretError>), StoreError> {
    let copy = store.duplicate(id)?;
    if let Err(e) = store.save() {
        let _ = store.remove(&copy.id);
        return Err(e);
    }
    let err = match secrets.get(id) {
        Ok(Some(s)) => secrets.set(&copy.id, &s).err(),
        Ok(None) => None,
        Err(e) => Some(e),
    };
    Ok((copy, err))
}

/// Record a finished check of a profile in its history (outcome, time, duration, main hint, and
/// the tag of the login it sent: what keeps a refused secret from being sent again).
pub fn record_result(
    history: &History,
    profile_id: &str,
    result: &CheckResult,
    tag: Option<CredentialTag>,
) -> Result<Vec<StoreWarning>, StoreError> {
    history.record(profile_id, HistoryEntry::from_result(result, tag))
}
