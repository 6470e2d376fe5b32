//! Connection profiles: what to test (name, URL, sign-in mode, username, options), saved as JSON
//! in the OS config directory; their secrets in the OS keyring ([`secrets`]); the last results of
//! each profile ([`history`]); import and export without secrets ([`transfer`]); checking a
//! saved profile ([`check_saved`]), which never re-sends a secret the Control Room refused
//! ([`guard`]). The command line (`cli::profiles`) and the window's sidebar
//! build on this module; it knows nothing of either.
//!
//! Nothing here ever writes a secret to a file: [`Profile`] has no secret field at all, so neither
//! the profiles file nor an export can carry one.
//!
//! All functions here do blocking file or keyring I/O. The window calls them off the UI thread
//! (`tokio::task::spawn_blocking` or a worker thread) and shows the result when it arrives.
//!
//! Typical use (what the window's sidebar does):
//! ```no_run
//! use aa_conntest::profiles::{self, ProfileStore, Profile};
//! let (mut store, warnings) = ProfileStore::open_default()?;      // show `warnings` if any
//! let secrets = profiles::secrets::open_default();                 // keyring, or session-only
//! if let Some(msg) = secrets.status().message_if_limited() { eprintln!("{msg}"); }
//! let p = Profile::new("Prod svc", "https://cr.example.com", Default::default(), "svc_api", Default::default());
//! store.upsert(p.clone())?;
//! store.save()?;
//! secrets.set(&p.id, &aa_conntest::secret::Secret::new("…"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
pub mod environments;
mod fsutil;
pub mod guard;
pub mod history;
pub mod model;
mod ops;
pub mod secrets;
pub mod store;
pub mod transfer;

pub use check::{Checked, NoSecret, NotTested, SavedCheck, SecretFrom, check_saved, guard_state, read_secret};
pub use guard::{CredentialTag, Refusals, refused_before};
pub use history::{History, HistoryEntry};
pub use model::{PROFILES_SCHEMA, Profile, ProfilesFile};
pub use ops::{Removed, SecretSaved, duplicate_with_secret, record_result, remove_profile, save_with_secret};
pub use secrets::{Availability, KeyringStore, NoKeyring, SecretError, SecretStore, SessionStore};
pub use store::{ProfileStore, StoreError, StoreWarning};
pub use transfer::{ConflictPolicy, ImportConflict, ImportPlan, ImportSummary};

use std::path::PathBuf;

/// Environment variable that overrides the config directory (where `profiles.json` lives).
pub const CONFIG_DIR_ENV: &str = "AA_CONNTEST_CONFIG_DIR";
/// Environment variable that overrides the data directory (where `history.json` lives).
pub const DATA_DIR_ENV: &str = "AA_CONNTEST_DATA_DIR";
/// Environment variable that overrides the cache directory.
pub const CACHE_DIR_ENV: &str = "AA_CONNTEST_CACHE_DIR";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("com", "aa-conntest", "aa-conntest")
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The directory of `profiles.json`: `$AA_CONNTEST_CONFIG_DIR`, else the OS config directory
/// (`~/.config/aa-conntest`, `~/Library/Application Support/com.aa-conntest.aa-conntest`,
/// `%APPDATA%\aa-conntest\aa-conntest\config`).
pub fn config_dir() -> Result<PathBuf, StoreError> {
    env_dir(CONFIG_DIR_ENV)
        .or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
        .ok_or(StoreError::NoHomeDirectory)
}

/// The directory of `history.json`: `$AA_CONNTEST_DATA_DIR`, else the OS data directory.
pub fn data_dir() -> Result<PathBuf, StoreError> {
    env_dir(DATA_DIR_ENV)
        .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
        .ok_or(StoreError::NoHomeDirectory)
}

/// The cache directory: `$AA_CONNTEST_CACHE_DIR`, else the OS cache directory. (Nothing secret
/// is ever cached; listed so tests can scan it.)
pub fn cache_dir() -> Result<PathBuf, StoreError> {
    env_dir(CACHE_DIR_ENV)
        .or_else(|| project_dirs().map(|d| d.cache_dir().to_path_buf()))
        .ok_or(StoreError::NoHomeDirectory)
}

/// A new stable profile id: 16 random hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen): fall back to the clock and the process id.
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
        bytes = (nanos ^ ((std::process::id() as u64) << 32)).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Now, as RFC 3339 UTC (what the files store).
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Write a file atomically (temporary file in the same directory, fsync, rename).
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    fsutil::atomic_write(path, bytes)
}
