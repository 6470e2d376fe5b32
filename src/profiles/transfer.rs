//! Import and export of profiles. An export is a profiles file (`aa-conntest.profiles/1`): the
//! [`Profile`] type has no secret field, so an export cannot contain one. An import shows what it
//! will do ([`ImportPlan`]) and never overwrites a profile silently: conflicts are refused unless
//! the caller chooses to rename the incoming profile ("Name (2)") or to replace the existing one.

use super::fsutil;
use super::model::{self, ParseProblem, Profile, ProfilesFile, name_key};
use super::store::{ProfileStore, StoreError};
use crate::sanitize::for_display;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Write profiles to `path` (atomically). `-` writes to standard output. Nothing a profile never
/// keeps (a password in an address) can be in it: the profiles are scrubbed once more.
pub fn export_to_file(path: &Path, profiles: &[Profile]) -> Result<(), StoreError> {
    let mut profiles = profiles.to_vec();
    for p in &mut profiles {
        p.scrub();
    }
    let json = ProfilesFile::new(profiles).to_json();
    if path == Path::new("-") {
        print!("{json}");
        return Ok(());
    }
    fsutil::atomic_write(path, json.as_bytes()).map_err(|e| StoreError::io("write", path, e))
}

/// The largest file an import reads (about 150 000 profiles).
pub const IMPORT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How long reading an import may take (a pipe waits for its writer).
pub const IMPORT_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Read an export (any profiles file). Unknown fields are dropped, secrets included. Only a
/// regular file or a pipe of at most [`IMPORT_MAX_BYTES`] is read, within
/// [`IMPORT_READ_TIMEOUT`]: never a device (`/dev/zero`), a directory or a socket.
pub fn read_import_file(path: &Path) -> Result<Vec<Profile>, StoreError> {
    let bytes =
        crate::engine::ca_file::read_limited_or_pipe(path, IMPORT_MAX_BYTES, IMPORT_READ_TIMEOUT).map_err(|e| {
            StoreError::BadImport {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        })?;
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

/// The network settings an incoming profile asks for. A proxy sees where the key goes (a
/// TLS-terminating one reads it), and a CA file decides which certificates are trusted: a shared
/// file must not set either without the user saying yes ([`ImportPlan::accept_network`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSettings {
    /// The incoming profile's name (as it will be added).
    pub name: String,
    pub proxy: Option<String>,
    pub ca_file: Option<PathBuf>,
}

impl NetworkSettings {
    fn of(p: &Profile) -> Option<Self> {
        let o = &p.target.options;
        (o.proxy.is_some() || o.ca_file.is_some()).then(|| Self {
            name: p.name.clone(),
            proxy: o.proxy.clone(),
            ca_file: o.ca_file.clone(),
        })
    }

    /// `proxy http://…, CA file /…`, escaped for display.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.proxy {
            parts.push(format!("proxy {}", for_display(p)));
        }
        if let Some(c) = &self.ca_file {
            parts.push(format!("CA file {}", for_display(&c.display().to_string())));
        }
        parts.join(", ")
    }
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
    /// What was repaired or removed in an incoming profile before anything else (its name as it
    /// will be added, the change in words): a name fixed, a password taken out of an address,
    /// "accept invalid certificates" ignored.
    pub repaired: Vec<(String, String)>,
    /// The proxies and CA files the file asks for. Left out unless [`Self::accept_network`].
    pub network: Vec<NetworkSettings>,
    /// The user confirmed the network settings (`--accept-network-settings`, the window's check
    /// box): they are imported with the profiles.
    pub accept_network: bool,
    /// What the file was read as, when it is not a profiles file: the preview of a Postman, Bruno
    /// or Insomnia environment ([`super::environments`]: what was taken, the secrets left out).
    pub source: Option<String>,
}

impl ImportPlan {
    pub fn has_conflicts(&self) -> bool {
        !self.conflicts.is_empty()
    }

    /// The plan in words, one line per profile, then what was repaired and the network settings
    /// that need a confirmation. Every text from the file is shown escaped.
    pub fn describe(&self) -> String {
        let d = |s: &str| for_display(s).into_owned();
        let mut out = String::new();
        if let Some(src) = &self.source {
            // Escaped where it was written.
            out.push_str(src);
            out.push_str("Profiles:\n");
        }
        for p in &self.add {
            out.push_str(&format!(
                "  add       {}  ({}, {})\n",
                d(&p.name),
                d(&p.target.url),
                d(&p.target.username)
            ));
        }
        for c in &self.conflicts {
            out.push_str(&format!(
                "  CONFLICT  {}: a saved profile has this name ({}, {}); the file has ({}, {})\n",
                d(&c.existing.name),
                d(&c.existing.target.url),
                d(&c.existing.target.username),
                d(&c.incoming.target.url),
                d(&c.incoming.target.username)
            ));
        }
        for n in &self.unchanged {
            out.push_str(&format!(
                "  same      {}  (already saved with the same settings)\n",
                d(n)
            ));
        }
        for (n, why) in &self.skipped {
            out.push_str(&format!("  skip      {}: {}\n", d(n), d(why)));
        }
        for (n, what) in &self.repaired {
            out.push_str(&format!("  repaired  {}: {what}\n", d(n)));
        }
        if !self.network.is_empty() {
            let verdict = if self.accept_network {
                "imported (accepted)"
            } else {
                "LEFT OUT unless you accept them"
            };
            out.push_str(&format!(
                "  Network settings in the file ({verdict}): a proxy sees where the API key or password goes, \
                 and a CA file decides which certificates are trusted.\n"
            ));
            for n in &self.network {
                out.push_str(&format!("  network   {}: {}\n", d(&n.name), n.describe()));
            }
        }
        out
    }

    /// A profile of the plan as it will be stored: without the file's network settings unless
    /// they were accepted (`keep` gives the settings to keep instead, e.g. the saved profile's
    /// own when it is replaced).
    fn as_stored(&self, mut p: Profile, keep: Option<&Profile>) -> Profile {
        if !self.accept_network {
            let o = &mut p.target.options;
            o.proxy = keep.and_then(|k| k.target.options.proxy.clone());
            o.ca_file = keep.and_then(|k| k.target.options.ca_file.clone());
        }
        p
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

/// Compare incoming profiles with the saved ones (in time linear in their numbers). Incoming
/// profiles are repaired, never dropped for their name ([`Profile::scrub`]); what was changed is
/// in [`ImportPlan::repaired`], and the network settings they ask for in [`ImportPlan::network`].
pub fn plan_import(store: &ProfileStore, incoming: &[Profile]) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let saved: HashMap<String, &Profile> = store.list().iter().map(|p| (name_key(&p.name), p)).collect();
    let mut names_in_file = HashSet::new();
    for p in incoming {
        let mut p = p.clone();
        let changes = p.scrub();
        if p.target.url.trim().is_empty() {
            plan.skipped.push((p.name.clone(), "no Control Room URL".into()));
            continue;
        }
        // The same name twice in one file: the later one gets a free name.
        if !names_in_file.insert(name_key(&p.name)) {
            let taken = |n: &str| names_in_file.contains(&name_key(n)) || saved.contains_key(&name_key(n));
            p.name = model::unique_name(&p.name, taken);
            names_in_file.insert(name_key(&p.name));
        }
        for c in &changes {
            let mut what = c.describe();
            if matches!(c, model::Scrubbed::ProxyCredentials(_)) {
                what.push_str(" (credentials are never imported)");
            }
            plan.repaired.push((p.name.clone(), what));
        }
        if let Some(n) = NetworkSettings::of(&p) {
            plan.network.push(n);
        }
        match saved.get(&name_key(&p.name)) {
            Some(existing) if existing.same_settings(&p) => plan.unchanged.push(existing.name.clone()),
            Some(existing) => plan.conflicts.push(ImportConflict {
                incoming: p,
                existing: (*existing).clone(),
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
    // Unchanged profiles bring nothing new, their network settings included.
    plan.network
        .retain(|n| !plan.unchanged.iter().any(|u| name_key(u) == name_key(&n.name)));
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
    /// How many incoming profiles had network settings (proxy, CA file) that were left out.
    pub network_left_out: usize,
}

/// Carry out a plan on the store (in memory; the caller then calls `store.save()`). With
/// [`ConflictPolicy::Refuse`] and conflicts, nothing changes and an error lists them. Network
/// settings of the file are left out unless the plan says they were accepted.
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
    // The store may have changed since the plan was made: names taken now get a free one.
    let mut taken: HashSet<String> = store.list().iter().map(|p| name_key(&p.name)).collect();
    let mut fresh = Vec::with_capacity(plan.add.len());
    for p in &plan.add {
        let mut p = plan.as_stored(p.clone(), None);
        if taken.contains(&name_key(&p.name)) {
            let new_name = model::unique_name(&p.name, |n| taken.contains(&name_key(n)));
            summary.renamed.push((p.name.clone(), new_name.clone()));
            p.name = new_name;
        }
        taken.insert(name_key(&p.name));
        summary.added.push(p.name.clone());
        fresh.push(p);
    }
    store.add_many(fresh)?;
    for c in &plan.conflicts {
        match policy {
            ConflictPolicy::Refuse | ConflictPolicy::Skip => summary.skipped.push(c.incoming.name.clone()),
            ConflictPolicy::Rename => {
                let mut p = plan.as_stored(c.incoming.clone(), None);
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
                    ..plan.as_stored(c.incoming.clone(), Some(&existing))
                };
                summary.replaced.push(existing.name.clone());
                store.upsert(replaced)?;
            }
        }
    }
    summary.skipped.extend(plan.skipped.iter().map(|(n, _)| n.clone()));
    if !plan.accept_network {
        summary.network_left_out = plan.network.len();
    }
    Ok(summary)
}
