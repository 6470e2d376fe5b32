//! Profile secrets (API keys, passwords) in the OS keyring: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows (the `keyring` crate's default stores). One entry per
//! profile: service `aa-conntest` (or `$AA_CONNTEST_KEYRING_SERVICE`), user = the profile id.
//!
//! When no keyring is reachable, [`SessionStore`] keeps secrets in memory for this run only and
//! [`Availability::message_if_limited`] says so in plain words. A secret is never written to a file.
//!
//! **Every call may block** (D-Bus round trips, an unlock prompt): the window runs them with
//! `tokio::task::spawn_blocking` (or on a worker thread), never on the UI thread.
//!
//! Tests never touch a developer's keyring: they use [`KeyringStore::with_store`] with
//! `keyring_core::mock::Store`, or a throwaway Secret Service (`scripts/test.sh`) with a unique
//! service name.

use crate::secret::Secret;
use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The keyring service name unless `$AA_CONNTEST_KEYRING_SERVICE` says otherwise.
pub const DEFAULT_SERVICE: &str = "aa-conntest";
/// Environment variable that overrides the keyring service name (tests use a throwaway one).
pub const SERVICE_ENV: &str = "AA_CONNTEST_KEYRING_SERVICE";

/// The keyring service name in use.
pub fn service_name() -> String {
    std::env::var(SERVICE_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE.to_string())
}

/// Why a secret could not be read, saved or deleted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SecretError {
    #[error("no system keyring is available ({0})")]
    Unavailable(String),
    #[error("the system keyring refused access (it may be locked): {0}")]
    NoAccess(String),
    #[error("the system keyring failed: {0}")]
    Platform(String),
    #[error("the secret saved in the keyring for this profile is not readable text")]
    BadData,
}

impl SecretError {
    /// The error in one sentence for a person, with no library or OS text (that is
    /// [`technical`](Self::technical), for a tooltip or "Technical details").
    pub fn sentence(&self) -> &'static str {
        match self {
            SecretError::Unavailable(_) => "No keyring service is running on this computer.",
            SecretError::NoAccess(_) => {
                "The keyring on this computer is locked or refused access: unlock it (sign in to the desktop \
                 again) and try again."
            }
            SecretError::Platform(_) => "The keyring on this computer reported an error.",
            SecretError::BadData => "The secret saved in the keyring for this profile is not readable text.",
        }
    }

    /// The raw error, as the keyring library said it.
    pub fn technical(&self) -> String {
        self.to_string()
    }
}

impl From<KeyringError> for SecretError {
    fn from(e: KeyringError) -> Self {
        match e {
            KeyringError::NoStorageAccess(inner) => SecretError::NoAccess(inner.to_string()),
            KeyringError::NoDefaultStore => SecretError::Unavailable(e.to_string()),
            KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => SecretError::BadData,
            other => SecretError::Platform(other.to_string()),
        }
    }
}

/// Why there is no keyring to keep secrets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoKeyring {
    /// No keyring service answers (no D-Bus session, no Secret Service).
    #[default]
    NotRunning,
    /// It answers but is locked or refused access.
    Locked,
    /// It failed in another way.
    Failed,
}

/// Where secrets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Saved in the system keyring under this service name.
    Keyring { service: String },
    /// No keyring: kept in memory for this session only, never saved. `reason` is the raw error.
    SessionOnly { why: NoKeyring, reason: String },
}

impl Availability {
    pub fn is_persistent(&self) -> bool {
        matches!(self, Availability::Keyring { .. })
    }

    /// One sentence for a person (no library or OS text: that is [`technical`](Self::technical)).
    pub fn message(&self) -> String {
        match self {
            Availability::Keyring { service } => {
                format!("Secrets are kept in the system keyring (service \"{service}\"), never in a file.")
            }
            Availability::SessionOnly { why, .. } => {
                let start = match why {
                    NoKeyring::NotRunning => "No keyring service is running on this computer",
                    NoKeyring::Locked => "The keyring on this computer is locked or refused access",
                    NoKeyring::Failed => "The keyring on this computer could not be used",
                };
                format!("{start}, so secrets are kept for this session only and not saved.")
            }
        }
    }

    /// The raw reason when secrets cannot be saved (for a tooltip or "Technical details").
    pub fn technical(&self) -> Option<&str> {
        match self {
            Availability::Keyring { .. } => None,
            Availability::SessionOnly { reason, .. } => Some(reason),
        }
    }

    /// The message when secrets cannot be saved; `None` when the keyring works.
    pub fn message_if_limited(&self) -> Option<String> {
        (!self.is_persistent()).then(|| self.message())
    }
}

/// Where profile secrets are kept. Implementations block: call off the UI thread.
pub trait SecretStore: Send + Sync {
    /// The secret of a profile; `Ok(None)` when none is saved.
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, SecretError>;
    /// Save (or replace) the secret of a profile.
    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), SecretError>;
    /// Delete the secret of a profile; no error when there is none.
    fn delete(&self, profile_id: &str) -> Result<(), SecretError>;
    /// Where the secrets go, for the user.
    fn status(&self) -> Availability;
}

/// The OS keyring.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
    service: String,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyringStore({})", self.service)
    }
}

impl KeyringStore {
    /// The platform keyring with the service name of [`service_name`]. Fails with
    /// [`SecretError::Unavailable`] when it cannot be reached (no D-Bus session, no Secret Service),
    /// [`SecretError::NoAccess`] when it is locked.
    ///
    /// Note: the first call installs the platform store as `keyring_core`'s default store; tests
    /// that use the mock store call [`KeyringStore::with_store`] instead and never this.
    pub fn system() -> Result<Self, SecretError> {
        Self::system_with_service(service_name())
    }

    /// The platform keyring under another service name (tests use a throwaway one).
    pub fn system_with_service(service: impl Into<String>) -> Result<Self, SecretError> {
        if let Err(e) = keyring::Entry::store_status() {
            return Err(SecretError::Unavailable(e.to_string()));
        }
        let store = keyring_core::get_default_store()
            .ok_or_else(|| SecretError::Unavailable("the platform keyring did not start".into()))?;
        let this = Self::with_store(store, service);
        // Connecting is not enough (e.g. a D-Bus session without a Secret Service): ask once.
        match this.get("aa-conntest-probe") {
            Ok(_) => Ok(this),
            Err(SecretError::Platform(r) | SecretError::Unavailable(r)) => Err(SecretError::Unavailable(r)),
            Err(SecretError::NoAccess(r)) => Err(SecretError::NoAccess(r)),
            Err(SecretError::BadData) => Ok(this),
        }
    }

    /// A given `keyring_core` store (e.g. `keyring_core::mock::Store::new()?` in tests).
    pub fn with_store(store: Arc<CredentialStore>, service: impl Into<String>) -> Self {
        Self {
            store,
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, profile_id: &str) -> Result<Entry, SecretError> {
        Ok(Entry::new_in_store(&self.store, &self.service, profile_id)?)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(profile_id)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(KeyringError::NoEntry) => Ok(None),
            // Duplicates (another tool wrote the same service/user): the first one wins.
            Err(KeyringError::Ambiguous(entries)) => match entries.first() {
                Some(e) => Ok(Some(Secret::new(e.get_password()?))),
                None => Ok(None),
            },
            Err(e) => Err(e.into()),
        }
    }

    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), SecretError> {
        match self.entry(profile_id)?.set_password(secret.expose()) {
            Ok(()) => Ok(()),
            Err(KeyringError::Ambiguous(entries)) => {
                for e in &entries {
                    let _ = e.delete_credential();
                }
                Ok(self.entry(profile_id)?.set_password(secret.expose())?)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn delete(&self, profile_id: &str) -> Result<(), SecretError> {
        match self.entry(profile_id)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(KeyringError::Ambiguous(entries)) => {
                for e in &entries {
                    match e.delete_credential() {
                        Ok(()) | Err(KeyringError::NoEntry) => {}
                        Err(err) => return Err(err.into()),
                    }
                }
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn status(&self) -> Availability {
        Availability::Keyring {
            service: self.service.clone(),
        }
    }
}

/// Secrets in memory for this session only (no keyring available). Never written anywhere.
#[derive(Debug)]
pub struct SessionStore {
    why: NoKeyring,
    reason: String,
    secrets: Mutex<HashMap<String, Secret>>,
}

impl SessionStore {
    /// `reason`: why there is no keyring, in the words of the error (no keyring service runs).
    pub fn new(reason: impl Into<String>) -> Self {
        Self::because(NoKeyring::NotRunning, reason)
    }

    /// No keyring for this kind of reason; `reason` is the raw error.
    pub fn because(why: NoKeyring, reason: impl Into<String>) -> Self {
        Self {
            why,
            reason: reason.into(),
            secrets: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.secrets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for SessionStore {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.map().get(profile_id).cloned())
    }

    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), SecretError> {
        self.map().insert(profile_id.to_string(), secret.clone());
        Ok(())
    }

    fn delete(&self, profile_id: &str) -> Result<(), SecretError> {
        self.map().remove(profile_id);
        Ok(())
    }

    fn status(&self) -> Availability {
        Availability::SessionOnly {
            why: self.why,
            reason: self.reason.clone(),
        }
    }
}

/// The system keyring if it can be reached, else a [`SessionStore`] that says why. Blocks (it
/// connects to the keyring): call off the UI thread, once, and share the `Arc`.
pub fn open_default() -> Arc<dyn SecretStore> {
    match KeyringStore::system() {
        Ok(k) => Arc::new(k),
        Err(e) => {
            let (why, reason) = match e {
                SecretError::Unavailable(r) => (NoKeyring::NotRunning, r),
                SecretError::NoAccess(r) => (NoKeyring::Locked, r),
                other => (NoKeyring::Failed, other.to_string()),
            };
            Arc::new(SessionStore::because(why, reason))
        }
    }
}
