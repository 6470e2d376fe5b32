//! The profiles file: `profiles.json` in the config directory.
//!
//! - Written atomically (temporary file in the same directory, fsync, rename); the previous good
//!   copy is kept as `profiles.json.bak`.
//! - A file that cannot be read is moved aside to `profiles.json.corrupt-<timestamp>` and reported
//!   as a [`StoreWarning`]; the backup is restored when it is good. It is never overwritten.
//! - A change made on disk since it was loaded (another window, the CLI) is noticed before
//!   writing: changes to different profiles are merged; the same profile changed on both sides is
//!   refused with [`StoreError::Conflict`] so nobody's change is lost.
//!
//! All calls do blocking file I/O: call them off the UI thread.

use super::fsutil::{self, LockGuard};
use super::model::{self, ParseProblem, Profile, ProfilesFile, name_key};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

pub const PROFILES_FILE: &str = "profiles.json";
pub const BACKUP_FILE: &str = "profiles.json.bak";

/// What went wrong with the profiles (or history, or an import/export file).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} was written by a newer version of aa-conntest (schema {found}); it was left untouched. \
         Update aa-conntest to use it.",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: String },
    #[error(
        "the profiles were changed elsewhere (another window or the command line) while you edited {}: {}. \
         Nothing was written; reload the profiles and make the change again.",
        if names.len() == 1 { "this profile" } else { "these profiles" },
        names.join(", ")
    )]
    Conflict { names: Vec<String> },
    #[error("there is already a profile named \"{0}\"")]
    DuplicateName(String),
    #[error(
        "the imported file has profiles whose names are already used: {}. Nothing was imported; \
         choose to add them under new names (rename) or to replace the saved ones (replace).",
        names.join(", ")
    )]
    ImportConflicts { names: Vec<String> },
    #[error("no profile named \"{0}\"")]
    NotFound(String),
    #[error("{0}")]
    InvalidName(String),
    #[error("{} is not a profiles file: {reason}", path.display())]
    BadImport { path: PathBuf, reason: String },
    #[error(
        "no home directory was found, so there is no place for the settings; set {} to a directory",
        super::CONFIG_DIR_ENV
    )]
    NoHomeDirectory,
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Something the user should be told about, though the store opened.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreWarning {
    /// The file could not be read; it was moved aside (not deleted, not overwritten).
    MovedAside {
        path: PathBuf,
        moved_to: PathBuf,
        reason: String,
    },
    /// The previous good copy was restored after the file was moved aside.
    RestoredFromBackup { backup: PathBuf, profiles: usize },
    /// A profile in the file had something a profile never keeps (a user name or password in an
    /// address, "accept invalid certificates") or a name that cannot be used: it was repaired,
    /// not dropped, and the file rewritten.
    Repaired { name: String, what: String },
    /// Repairs were made in memory, but the file could not be rewritten.
    RepairNotSaved { reason: String },
}

impl fmt::Display for StoreWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreWarning::MovedAside { path, moved_to, reason } => write!(
                f,
                "{} could not be read ({reason}). It was kept as {} and a fresh file will be used.",
                path.display(),
                moved_to.display()
            ),
            StoreWarning::RestoredFromBackup { backup, profiles } => write!(
                f,
                "The previous good copy ({}) was restored: {profiles} profile{}.",
                backup.display(),
                if *profiles == 1 { "" } else { "s" }
            ),
            StoreWarning::Repaired { name, what } => {
                write!(f, "profile \"{}\": {what}.", crate::sanitize::for_display(name))
            }
            StoreWarning::RepairNotSaved { reason } => write!(
                f,
                "the repaired profiles could not be written back ({reason}); the file still has what was repaired"
            ),
        }
    }
}

/// What [`ProfileStore::save`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveOutcome {
    /// Changes made elsewhere since loading were merged in (the list may have changed).
    pub merged: bool,
    /// Nothing had changed, nothing was written.
    pub unchanged: bool,
    /// Warnings met while re-reading the file on disk.
    pub warnings: Vec<StoreWarning>,
}

/// The saved profiles, loaded in memory. Edit with [`upsert`](Self::upsert), [`rename`](Self::rename),
/// [`duplicate`](Self::duplicate), [`remove`](Self::remove), then [`save`](Self::save).
#[derive(Debug)]
pub struct ProfileStore {
    dir: PathBuf,
    /// As last read from or written to disk (the base of a merge).
    base: ProfilesFile,
    /// With the changes not yet saved.
    current: ProfilesFile,
    /// Fingerprint of the file on disk when `base` was read or written (`None`: no file).
    disk: Option<(usize, u64)>,
}

enum Loaded {
    Missing,
    Good(ProfilesFile, Vec<u8>),
    Unreadable(String),
}

fn load_file(path: &Path) -> Result<Loaded, StoreError> {
    let Some(bytes) = fsutil::read_optional(path).map_err(|e| StoreError::io("read", path, e))? else {
        return Ok(Loaded::Missing);
    };
    match model::parse_profiles(&bytes) {
        Ok(f) => Ok(Loaded::Good(f, bytes)),
        Err(ParseProblem::Unreadable(reason)) => Ok(Loaded::Unreadable(reason)),
        Err(ParseProblem::NewerSchema(found)) => Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
        }),
    }
}

/// Make every profile of a file usable, dropping none: a missing or repeated id gets a fresh one,
/// a bad name is repaired and a repeated one made unique, and what a profile never keeps (see
/// [`model::Scrubbed`]) is removed. Says what was changed, one warning per change.
fn sanitize(mut file: ProfilesFile) -> (ProfilesFile, Vec<StoreWarning>) {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut warnings = Vec::new();
    for p in &mut file.profiles {
        if p.id.trim().is_empty() || ids.contains(&p.id) {
            p.id = super::new_id();
        }
        let changes = p.scrub();
        if !names.insert(name_key(&p.name)) {
            let taken = |n: &str| names.contains(&name_key(n));
            p.name = model::unique_name(&p.name, taken);
            names.insert(name_key(&p.name));
        }
        ids.insert(p.id.clone());
        for c in changes {
            let mut what = c.describe();
            if matches!(c, model::Scrubbed::ProxyCredentials(_)) {
                what.push_str(
                    " (give the proxy password again with `aa-conntest profiles add NAME --replace --proxy URL`: \
                     it is then kept in the system keyring)",
                );
            }
            warnings.push(StoreWarning::Repaired {
                name: p.name.clone(),
                what,
            });
        }
    }
    (file, warnings)
}

/// The text of a previous good copy: as it was, but sanitised, so a backup never keeps what the
/// file had to lose (a password in an address).
fn backup_text(old: &[u8]) -> Option<Vec<u8>> {
    let parsed = model::parse_profiles(old).ok()?;
    let (clean, changes) = sanitize(parsed);
    Some(if changes.is_empty() {
        old.to_vec()
    } else {
        clean.to_json().into_bytes()
    })
}

impl ProfileStore {
    /// Open the profiles in the default config directory ([`super::config_dir`]).
    pub fn open_default() -> Result<(Self, Vec<StoreWarning>), StoreError> {
        Self::open(&super::config_dir()?)
    }

    /// Open the profiles in `dir` (created when first saved). A missing file is an empty list; an
    /// unreadable one is moved aside and reported, and the backup restored if it is good.
    pub fn open(dir: &Path) -> Result<(Self, Vec<StoreWarning>), StoreError> {
        let mut store = Self {
            dir: dir.to_path_buf(),
            base: ProfilesFile::default(),
            current: ProfilesFile::default(),
            disk: None,
        };
        fsutil::clean_stale_temps(dir, PROFILES_FILE);
        let warnings = store.load()?;
        Ok((store, warnings))
    }

    /// After a load that repaired profiles: write the repaired file (the old text, with what it
    /// had to lose, must not stay on disk).
    fn write_repairs(&mut self, repairs: Vec<StoreWarning>, warnings: &mut Vec<StoreWarning>) {
        if repairs.is_empty() {
            return;
        }
        warnings.extend(repairs);
        match self.save() {
            Ok(outcome) => warnings.extend(outcome.warnings),
            Err(e) => warnings.push(StoreWarning::RepairNotSaved { reason: e.to_string() }),
        }
    }

    fn load(&mut self) -> Result<Vec<StoreWarning>, StoreError> {
        let path = self.path();
        let mut warnings = Vec::new();
        match load_file(&path)? {
            Loaded::Missing => {
                self.base = ProfilesFile::default();
                self.disk = None;
            }
            Loaded::Good(file, bytes) => {
                let (clean, changes) = sanitize(file.clone());
                // What was read is the base, so the repairs count as changes to write.
                self.base = if changes.is_empty() { clean.clone() } else { file };
                self.current = clean;
                self.disk = fsutil::fingerprint(Some(&bytes));
                self.write_repairs(changes, &mut warnings);
                return Ok(warnings);
            }
            Loaded::Unreadable(reason) => {
                let _lock = self.lock()?;
                let moved_to = fsutil::move_aside(&path).map_err(|e| StoreError::io("move aside", &path, e))?;
                warnings.push(StoreWarning::MovedAside {
                    path: path.clone(),
                    moved_to,
                    reason,
                });
                self.base = ProfilesFile::default();
                self.disk = None;
                let backup = self.dir.join(BACKUP_FILE);
                if let Ok(Loaded::Good(file, bytes)) = load_file(&backup) {
                    // Put the good copy back in place, atomically.
                    fsutil::atomic_write(&path, &bytes).map_err(|e| StoreError::io("write", &path, e))?;
                    warnings.push(StoreWarning::RestoredFromBackup {
                        backup,
                        profiles: file.profiles.len(),
                    });
                    let (clean, changes) = sanitize(file.clone());
                    self.base = if changes.is_empty() { clean.clone() } else { file };
                    self.current = clean;
                    self.disk = fsutil::fingerprint(Some(&bytes));
                    drop(_lock);
                    self.write_repairs(changes, &mut warnings);
                    return Ok(warnings);
                }
            }
        }
        self.current = self.base.clone();
        Ok(warnings)
    }

    fn lock(&self) -> Result<LockGuard, StoreError> {
        LockGuard::acquire(&self.dir, PROFILES_FILE).map_err(|e| StoreError::io("lock", &self.dir, e))
    }

    /// Forget unsaved changes and read the file again.
    pub fn reload(&mut self) -> Result<Vec<StoreWarning>, StoreError> {
        self.load()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(PROFILES_FILE)
    }

    /// The profiles, in the order they were added.
    pub fn list(&self) -> &[Profile] {
        &self.current.profiles
    }

    /// There are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.current != self.base
    }

    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.current.profiles.iter().find(|p| p.id == id)
    }

    /// Find a profile by name (trimmed, case-insensitive).
    pub fn get_by_name(&self, name: &str) -> Option<&Profile> {
        let key = name_key(name);
        self.current.profiles.iter().find(|p| name_key(&p.name) == key)
    }

    fn name_taken_by_other(&self, name: &str, id: &str) -> bool {
        let key = name_key(name);
        self.current
            .profiles
            .iter()
            .any(|p| p.id != id && name_key(&p.name) == key)
    }

    /// `base` if free, else `base (2)`, `base (3)`, …
    pub fn unique_name(&self, base: &str) -> String {
        model::unique_name(base, |n| self.get_by_name(n).is_some())
    }

    /// Add a profile, or replace the one with the same id. Names must be unique. What a profile
    /// never keeps (a user name or password in an address, "accept invalid certificates") is
    /// dropped: a caller that wants to keep proxy credentials takes them out first
    /// ([`Profile::scrub`]) and puts them in the keyring.
    pub fn upsert(&mut self, mut profile: Profile) -> Result<(), StoreError> {
        model::check_name(&profile.name).map_err(StoreError::InvalidName)?;
        profile.name = profile.name.trim().to_string();
        profile.scrub();
        if profile.id.trim().is_empty() {
            profile.id = super::new_id();
        }
        if self.name_taken_by_other(&profile.name, &profile.id) {
            return Err(StoreError::DuplicateName(profile.name));
        }
        let now = super::now_rfc3339();
        match self.current.profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(existing) => {
                if *existing != profile {
                    profile.created_at = existing.created_at.clone();
                    profile.updated_at = now;
                    *existing = profile;
                }
            }
            None => {
                if profile.created_at.is_empty() {
                    profile.created_at = now.clone();
                }
                if profile.updated_at.is_empty() {
                    profile.updated_at = now;
                }
                self.current.profiles.push(profile);
            }
        }
        Ok(())
    }

    /// Add many new profiles at once (an import), in time linear in their number: each must have
    /// a valid name not used by any other (nothing is added otherwise).
    pub fn add_many(&mut self, profiles: Vec<Profile>) -> Result<(), StoreError> {
        let mut names: std::collections::HashSet<String> =
            self.current.profiles.iter().map(|p| name_key(&p.name)).collect();
        let mut ids: std::collections::HashSet<String> = self.current.profiles.iter().map(|p| p.id.clone()).collect();
        let now = super::now_rfc3339();
        let mut ready = Vec::with_capacity(profiles.len());
        for mut p in profiles {
            model::check_name(&p.name).map_err(StoreError::InvalidName)?;
            p.name = p.name.trim().to_string();
            p.scrub();
            if !names.insert(name_key(&p.name)) {
                return Err(StoreError::DuplicateName(p.name));
            }
            if p.id.trim().is_empty() || !ids.insert(p.id.clone()) {
                p.id = super::new_id();
                ids.insert(p.id.clone());
            }
            if p.created_at.is_empty() {
                p.created_at = now.clone();
            }
            if p.updated_at.is_empty() {
                p.updated_at = now.clone();
            }
            ready.push(p);
        }
        self.current.profiles.extend(ready);
        Ok(())
    }

    /// Rename the profile with this id.
    pub fn rename(&mut self, id: &str, new_name: &str) -> Result<(), StoreError> {
        let mut p = self
            .get(id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        p.name = new_name.trim().to_string();
        self.upsert(p)
    }

    /// Copy a profile under a new id and a free name ("Name (2)"). The secret is not copied here:
    /// the caller copies it with `secrets.get(old.id)` then `secrets.set(new.id, …)`.
    pub fn duplicate(&mut self, id: &str) -> Result<Profile, StoreError> {
        let original = self
            .get(id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let copy = Profile::with_target(self.unique_name(&original.name), original.target);
        self.upsert(copy.clone())?;
        Ok(copy)
    }

    /// Remove a profile; returns it. The caller also deletes its keyring entry
    /// (`secrets.delete(id)`) and its history (`History::remove_profile`); see
    /// [`super::remove_profile`] which does all three.
    pub fn remove(&mut self, id: &str) -> Result<Profile, StoreError> {
        let i = self
            .current
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        Ok(self.current.profiles.remove(i))
    }

    /// Write the profiles. If the file changed on disk since it was loaded, changes to different
    /// profiles are merged; the same profile changed on both sides gives [`StoreError::Conflict`]
    /// and nothing is written.
    pub fn save(&mut self) -> Result<SaveOutcome, StoreError> {
        let path = self.path();
        let _lock = self.lock()?;
        let mut outcome = SaveOutcome::default();
        let on_disk = fsutil::read_optional(&path).map_err(|e| StoreError::io("read", &path, e))?;
        let fp = fsutil::fingerprint(on_disk.as_deref());
        let mut disk_good = on_disk.is_some();
        if fp != self.disk {
            // Changed elsewhere since we read it: merge.
            let theirs = match on_disk.as_deref().map(model::parse_profiles) {
                None => ProfilesFile::default(),
                Some(Ok(f)) => sanitize(f).0,
                Some(Err(ParseProblem::NewerSchema(found))) => return Err(StoreError::NewerSchema { path, found }),
                Some(Err(ParseProblem::Unreadable(reason))) => {
                    let moved_to = fsutil::move_aside(&path).map_err(|e| StoreError::io("move aside", &path, e))?;
                    outcome.warnings.push(StoreWarning::MovedAside {
                        path: path.clone(),
                        moved_to,
                        reason,
                    });
                    disk_good = false;
                    ProfilesFile::default()
                }
            };
            self.current = merge(&self.base, &self.current, &theirs)?;
            outcome.merged = true;
            if self.current == theirs && disk_good {
                self.base = theirs;
                self.disk = fp;
                outcome.unchanged = true;
                return Ok(outcome);
            }
        } else if self.current == self.base && on_disk.is_some() {
            outcome.unchanged = true;
            return Ok(outcome);
        }
        let json = self.current.to_json();
        // Keep the previous good copy.
        if let (Some(old), true) = (on_disk.as_deref(), disk_good)
            && let Some(old) = backup_text(old)
        {
            let backup = self.dir.join(BACKUP_FILE);
            fsutil::atomic_write(&backup, &old).map_err(|e| StoreError::io("write", &backup, e))?;
        }
        fsutil::atomic_write(&path, json.as_bytes()).map_err(|e| StoreError::io("write", &path, e))?;
        self.base = self.current.clone();
        self.disk = fsutil::fingerprint(Some(json.as_bytes()));
        Ok(outcome)
    }
}

/// Three-way merge by profile id: `base` (what we loaded), `ours` (our edits), `theirs` (the file
/// now). A profile changed on one side takes that side; changed differently on both is a conflict.
fn merge(base: &ProfilesFile, ours: &ProfilesFile, theirs: &ProfilesFile) -> Result<ProfilesFile, StoreError> {
    let index = |f: &ProfilesFile| -> BTreeMap<String, Profile> {
        f.profiles.iter().map(|p| (p.id.clone(), p.clone())).collect()
    };
    let (b, o, t) = (index(base), index(ours), index(theirs));
    let mut order: Vec<&String> = theirs.profiles.iter().map(|p| &p.id).collect();
    order.extend(ours.profiles.iter().map(|p| &p.id).filter(|id| !t.contains_key(*id)));
    let mut out = Vec::new();
    let mut conflicts = Vec::new();
    for id in order {
        let (bp, op, tp) = (b.get(id), o.get(id), t.get(id));
        let pick = if op == bp {
            tp
        } else if tp == bp || op == tp {
            op
        } else {
            let name = op.or(tp).or(bp).map(|p| p.name.clone()).unwrap_or_default();
            conflicts.push(name);
            continue;
        };
        if let Some(p) = pick {
            out.push(p.clone());
        }
    }
    // Two sides may have added the same name under different ids.
    let mut seen = BTreeSet::new();
    for p in &out {
        if !seen.insert(name_key(&p.name)) {
            conflicts.push(p.name.clone());
        }
    }
    if !conflicts.is_empty() {
        return Err(StoreError::Conflict { names: conflicts });
    }
    Ok(ProfilesFile::new(out))
}
