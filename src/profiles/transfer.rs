//! Import and export of profiles. An export is a profiles file (`aa-conntest.profiles/1`): the
//! [`Profile`] type has no secret field, so an export cannot contain one. An import shows what it
//! will do ([`ImportPlan`]) and never overwrites a profile silently: conflicts are refused unless
//! the caller chooses to rename the incoming profile ("Name (2)") or to replace the existing one.

use super::fsutil;
use super::model::{self, ParseProblem, Profile, ProfilesFile, name_key};
use super::store::{ProfileStore, StoreError};
use std::collections::BTreeSet;
use std::path::Path;

/// Write profiles to `path` (atomically). `-` writes to standard output.
pub fn export_to_file(path: &Path, profiles: &[Profile]) -> Result<(), StoreError> {
    let json = ProfilesFile::new(profiles.to_vec()).to_json();
    if path == Path::new("-") {
        print!("{json}");
        return Ok(());
    }
    fsutil::atomic_write(path, json.as_bytes()).map_err(|e| StoreError::io("write", path, e))
}

/// Read an export (any profiles file). Unknown fields are dropped, secrets included.
pub fn read_import_file(path: &Path) -> Result<Vec<Profile>, StoreError> {
    let bytes = std::fs::read(path).map_err(|e| StoreError::io("read", path, e))?;
    parse_import(&bytes).map_err(|reason| StoreError::BadImport {
        path: path.to_path_buf(),
        reason,
    })
}

/// Parse the text of an export.
pub fn parse_import(bytes: &[u8]) -> Result<Vec<Profile>, String> {
    match model::parse_profiles(bytes) {
        Ok(f) => Ok(f.profiles),
        Err(ParseProblem::Unreadable(r)) => Err(r),
        Err(ParseProblem::NewerSchema(s)) => Err(format!(
            "it was written by a newer version of aa-conntest (schema {s}); update aa-conntest to import it"
        )),
    }
}

/// An incoming profile whose name is already used by a different saved profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportConflict {
    pub incoming: Profile,
    pub existing: Profile,
}

/// What an import would do. Nothing is changed until [`apply_import`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    /// New profiles (fresh ids) that will be added as they are.
    pub add: Vec<Profile>,
    /// Same name as a saved profile, different settings: needs a decision.
    pub conflicts: Vec<ImportConflict>,
    /// Same name and settings as a saved profile: nothing to do.
    pub unchanged: Vec<String>,
    /// Entries that cannot be imported, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl ImportPlan {
    pub fn has_conflicts(&self) -> bool {
        !self.conflicts.is_empty()
    }

    /// The plan in words, one line per profile.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for p in &self.add {
            out.push_str(&format!(
                "  add       {}  ({}, {})\n",
                p.name, p.target.url, p.target.username
            ));
        }
        for c in &self.conflicts {
            out.push_str(&format!(
                "  CONFLICT  {}: a saved profile has this name ({}, {}); the file has ({}, {})\n",
                c.existing.name,
                c.existing.target.url,
                c.existing.target.username,
                c.incoming.target.url,
                c.incoming.target.username
            ));
        }
        for n in &self.unchanged {
            out.push_str(&format!("  same      {n}  (already saved with the same settings)\n"));
        }
        for (n, why) in &self.skipped {
            out.push_str(&format!("  skip      {n}: {why}\n"));
        }
        out
    }
}

/// What to do with conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictPolicy {
    /// Import nothing when there is a conflict ([`StoreError::ImportConflicts`]).
    Refuse,
    /// Leave the saved profile, drop the incoming one.
    Skip,
    /// Add the incoming one as "Name (2)".
    Rename,
    /// Overwrite the saved profile's settings (it keeps its id, so its keyring secret too).
    Replace,
}

/// Compare incoming profiles with the saved ones.
pub fn plan_import(store: &ProfileStore, incoming: &[Profile]) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut names_in_file = BTreeSet::new();
    for p in incoming {
        let mut p = p.clone();
        p.name = p.name.trim().to_string();
        if let Err(why) = model::check_name(&p.name) {
            plan.skipped.push((p.name.clone(), why));
            continue;
        }
        if p.target.url.trim().is_empty() {
            plan.skipped.push((p.name.clone(), "no Control Room URL".into()));
            continue;
        }
        // The same name twice in one file: the later one gets a free name.
        if !names_in_file.insert(name_key(&p.name)) {
            let taken = |n: &str| names_in_file.contains(&name_key(n)) || store.get_by_name(n).is_some();
            p.name = model::unique_name(&p.name, taken);
            names_in_file.insert(name_key(&p.name));
        }
        match store.get_by_name(&p.name) {
            Some(existing) if existing.same_settings(&p) => plan.unchanged.push(existing.name.clone()),
            Some(existing) => plan.conflicts.push(ImportConflict {
                incoming: p,
                existing: existing.clone(),
            }),
            None => {
                let now = super::now_rfc3339();
                p.id = super::new_id();
                p.created_at = now.clone();
                p.updated_at = now;
                plan.add.push(p);
            }
        }
    }
    plan
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSummary {
    /// Names added (renamed ones under their new name).
    pub added: Vec<String>,
    /// Names of saved profiles whose settings were replaced.
    pub replaced: Vec<String>,
    /// `(incoming name, new name)` of renamed profiles.
    pub renamed: Vec<(String, String)>,
    /// Names of incoming profiles left out.
    pub skipped: Vec<String>,
}

/// Carry out a plan on the store (in memory; the caller then calls `store.save()`). With
/// [`ConflictPolicy::Refuse`] and conflicts, nothing changes and an error lists them.
pub fn apply_import(
    store: &mut ProfileStore,
    plan: &ImportPlan,
    policy: ConflictPolicy,
) -> Result<ImportSummary, StoreError> {
    if policy == ConflictPolicy::Refuse && plan.has_conflicts() {
        return Err(StoreError::ImportConflicts {
            names: plan.conflicts.iter().map(|c| c.existing.name.clone()).collect(),
        });
    }
    let mut summary = ImportSummary::default();
    for p in &plan.add {
        let mut p = p.clone();
        // The store may have changed since the plan was made.
        if store.get_by_name(&p.name).is_some() {
            let new_name = store.unique_name(&p.name);
            summary.renamed.push((p.name.clone(), new_name.clone()));
            p.name = new_name;
        }
        summary.added.push(p.name.clone());
        store.upsert(p)?;
    }
    for c in &plan.conflicts {
        match policy {
            ConflictPolicy::Refuse | ConflictPolicy::Skip => summary.skipped.push(c.incoming.name.clone()),
            ConflictPolicy::Rename => {
                let mut p = c.incoming.clone();
                let new_name = store.unique_name(&p.name);
                summary.renamed.push((p.name.clone(), new_name.clone()));
                summary.added.push(new_name.clone());
                p.name = new_name;
                p.id = super::new_id();
                p.created_at = String::new();
                p.updated_at = String::new();
                store.upsert(p)?;
            }
            ConflictPolicy::Replace => {
                let Some(existing) = store.get(&c.existing.id).cloned() else {
                    summary.skipped.push(c.incoming.name.clone());
                    continue;
                };
                let replaced = Profile {
                    id: existing.id.clone(),
                    name: existing.name.clone(),
                    created_at: existing.created_at.clone(),
                    ..c.incoming.clone()
                };
                summary.replaced.push(existing.name.clone());
                store.upsert(replaced)?;
            }
        }
    }
    summary.skipped.extend(plan.skipped.iter().map(|(n, _)| n.clone()));
    Ok(summary)
}
