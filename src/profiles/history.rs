//! The last results of each profile (outcome, time, duration, main hint), in `history.json` in
//! the data directory. No secret is ever in it: only the outcome and our own hint id and title.
//! Written atomically under a lock, re-reading the file first, so two processes recording at
//! once both keep their entry. Blocking I/O: call off the UI thread.

use super::StoreError;
use super::fsutil::{self, LockGuard};
use super::guard::{CredentialTag, LoginTry, Tagger};
use super::store::StoreWarning;
use crate::transcript::Outcome;
use crate::worker::CheckResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const HISTORY_FILE: &str = "history.json";
pub const HISTORY_SCHEMA: &str = "aa-conntest.history/1";
/// Results kept per profile.
pub const DEFAULT_LIMIT: usize = 20;

/// One past check of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When the check started (RFC 3339, UTC).
    pub at: String,
    /// Stored as in the report: `ok`, `rejected`, `unreachable`, `invalid_input` or `cancelled`.
    pub outcome: Outcome,
    /// How long the check took, in milliseconds.
    pub duration_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The most likely cause (first hint) when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_title: Option<String>,
    /// The login this check sent, if any: a tag of what was sent (never the secret; see
    /// [`super::guard`]) and how the Control Room answered. What keeps a refused secret from being
    /// sent again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<LoginTry>,
}

impl HistoryEntry {
    /// From a finished check; `tag` is the [`CredentialTag`] of what it sent (when known).
    pub fn from_result(result: &CheckResult, tag: Option<CredentialTag>) -> Self {
        let t = &result.transcript;
        let main = result.hints.first();
        Self {
            at: t
                .started_at
                .replace_nanosecond(0)
                .unwrap_or(t.started_at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            outcome: t.outcome,
            duration_ms: (t.duration_ms() * 10.0).round() / 10.0,
            base_url: t.base_url.clone(),
            hint_id: main.map(|h| h.id.to_string()),
            hint_title: main.map(|h| h.title.clone()),
            login: tag
                .zip(super::guard::login_answer(result))
                .map(|(tag, answer)| LoginTry { tag, answer }),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.outcome == Outcome::Ok
    }

    /// The outcome and when, for a list: `ok 2026-11-27 14:00:00Z`.
    pub fn summary(&self) -> String {
        let when: String = self.at.replace('T', " ").chars().take(19).collect();
        format!("{} {when}Z", self.outcome.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct HistoryFile {
    schema: String,
    #[serde(default)]
    profiles: BTreeMap<String, Vec<HistoryEntry>>,
}

impl Default for HistoryFile {
    fn default() -> Self {
        Self {
            schema: HISTORY_SCHEMA.to_string(),
            profiles: BTreeMap::new(),
        }
    }
}

/// The history file. Cheap to create; every call reads the file.
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
    limit: usize,
}

impl History {
    /// The history in the default data directory ([`super::data_dir`]).
    pub fn open_default() -> Result<Self, StoreError> {
        Ok(Self::open(&super::data_dir()?))
    }

    pub fn open(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            limit: DEFAULT_LIMIT,
        }
    }

    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(HISTORY_FILE)
    }

    /// The installation's [`Tagger`], whose key lives beside the history (made on first use).
    pub fn tagger(&self) -> std::io::Result<Tagger> {
        Tagger::open(&self.dir)
    }

    /// Read the file. `Err(reason)` inside when it is unreadable (moved aside at the next write).
    fn read(&self) -> Result<Result<HistoryFile, String>, StoreError> {
        let path = self.path();
        let Some(bytes) = fsutil::read_optional(&path).map_err(|e| StoreError::io("read", &path, e))? else {
            return Ok(Ok(HistoryFile::default()));
        };
        match serde_json::from_slice::<HistoryFile>(&bytes) {
            Ok(f) if f.schema == HISTORY_SCHEMA => Ok(Ok(f)),
            Ok(f) if f.schema.starts_with("aa-conntest.history/") => {
                Err(StoreError::NewerSchema { path, found: f.schema })
            }
            Ok(f) => Ok(Err(format!("unknown schema {:?}", f.schema))),
            Err(e) => Ok(Err(format!("not a history file: {e}"))),
        }
    }

    fn update(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, Vec<HistoryEntry>>),
    ) -> Result<Vec<StoreWarning>, StoreError> {
        let path = self.path();
        let _lock = LockGuard::acquire(&self.dir, HISTORY_FILE).map_err(|e| StoreError::io("lock", &self.dir, e))?;
        let mut warnings = Vec::new();
        let mut file = match self.read()? {
            Ok(f) => f,
            Err(reason) => {
                let moved_to = fsutil::move_aside(&path).map_err(|e| StoreError::io("move aside", &path, e))?;
                warnings.push(StoreWarning::MovedAside {
                    path: path.clone(),
                    moved_to,
                    reason,
                });
                HistoryFile::default()
            }
        };
        change(&mut file.profiles);
        let mut json = serde_json::to_string_pretty(&file).unwrap_or_default();
        json.push('\n');
        fsutil::atomic_write(&path, json.as_bytes()).map_err(|e| StoreError::io("write", &path, e))?;
        Ok(warnings)
    }

    /// Add a result for a profile (keeps the last N).
    pub fn record(&self, profile_id: &str, entry: HistoryEntry) -> Result<Vec<StoreWarning>, StoreError> {
        let limit = self.limit;
        self.update(|all| {
            let list = all.entry(profile_id.to_string()).or_default();
            list.push(entry);
            let excess = list.len().saturating_sub(limit);
            list.drain(..excess);
        })
    }

    /// The results of a profile, newest first.
    pub fn entries(&self, profile_id: &str) -> Result<Vec<HistoryEntry>, StoreError> {
        let file = self.read()?.unwrap_or_default();
        let mut list = file.profiles.get(profile_id).cloned().unwrap_or_default();
        list.reverse();
        Ok(list)
    }

    /// The latest result of every profile (for the sidebar and `profiles list`).
    pub fn latest(&self) -> Result<BTreeMap<String, HistoryEntry>, StoreError> {
        let file = self.read()?.unwrap_or_default();
        Ok(file
            .profiles
            .into_iter()
            .filter_map(|(id, list)| list.last().cloned().map(|e| (id, e)))
            .collect())
    }

    /// Forget a profile's results (when the profile is deleted).
    pub fn remove_profile(&self, profile_id: &str) -> Result<(), StoreError> {
        if !self.path().exists() {
            return Ok(());
        }
        self.update(|all| {
            all.remove(profile_id);
        })
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `history.json` written by version 0.1 (outcomes as strings), with made-up values.
    const V0_1_HISTORY: &str = include_str!("../../tests/fixtures/v0.1/history.json");

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).expect("json")
    }

    #[test]
    fn a_history_file_written_by_version_0_1_reads_and_keeps_its_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(HISTORY_FILE), V0_1_HISTORY).expect("write");
        let h = History::open(dir.path());
        let a = h.entries("0123456789abcdef").expect("read");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].outcome, Outcome::Rejected);
        assert!(!a[0].is_ok());
        assert_eq!(a[0].hint_id.as_deref(), Some("auth.bad-credentials"));
        assert_eq!(a[1].outcome, Outcome::Ok);
        assert!(a[1].is_ok());
        assert_eq!(a[1].summary(), "ok 2026-03-04 05:06:07Z");
        assert_eq!(a[1].duration_ms, 123.4);
        let b = h.entries("fedcba9876543210").expect("read");
        let outcomes: Vec<Outcome> = b.iter().map(|e| e.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::Cancelled, Outcome::InvalidInput, Outcome::Unreachable]
        );

        // Recording another result rewrites the file: the old entries stay exactly as they were.
        let extra = a[1].clone();
        h.record("0123456789abcdef", extra).expect("record");
        let after = json(&std::fs::read_to_string(h.path()).expect("read back"));
        let before = json(V0_1_HISTORY);
        assert_eq!(after["schema"], before["schema"]);
        assert_eq!(
            after["profiles"]["fedcba9876543210"],
            before["profiles"]["fedcba9876543210"]
        );
        let list = after["profiles"]["0123456789abcdef"].as_array().expect("list");
        assert_eq!(
            list[..2],
            before["profiles"]["0123456789abcdef"].as_array().expect("list")[..]
        );
        assert_eq!(list[2]["outcome"], "ok");
    }
}
