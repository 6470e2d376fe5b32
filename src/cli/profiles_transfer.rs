//! `aa-conntest profiles export | import | import-env`: profiles files, and the environments of
//! Postman, Bruno and Insomnia (`crate::profiles::environments`). Exit codes as the other profiles
//! commands ([`super::exit`]).

use super::profiles::{CmdResult, failed, invalid, not_found, open_store, save};
use crate::profiles::transfer::{self, ConflictPolicy};
use crate::profiles::{Profile, environments};
use crate::sanitize::for_display;
use std::path::Path;

pub(super) fn export(file: &Path) -> CmdResult {
    let store = open_store().map_err(failed)?;
    transfer::export_to_file(file, store.list()).map_err(|e| failed(e.to_string()))?;
    if file != Path::new("-") {
        println!(
            "Exported {} profile{} to {} (without secrets: they stay in the keyring).",
            store.list().len(),
            if store.list().len() == 1 { "" } else { "s" },
            file.display()
        );
    }
    Ok(())
}

/// `profiles export --postman FILE [--profile NAME]`.
pub(super) fn export_postman(file: &Path, name: Option<&str>) -> CmdResult {
    let store = open_store().map_err(failed)?;
    let profile = match name {
        Some(n) => store.get_by_name(n).cloned().ok_or_else(|| invalid(not_found(n)))?,
        None => match store.list() {
            [only] => only.clone(),
            [] => return Err(invalid("there is no saved profile to export")),
            _ => {
                return Err(invalid(
                    "a Postman environment holds one profile: say which with --profile NAME",
                ));
            }
        },
    };
    environments::export_postman(file, &profile).map_err(|e| failed(e.to_string()))?;
    if file != Path::new("-") {
        println!(
            "Wrote \"{}\" as a Postman environment to {}: ControlRoomURL, baseUrl and username, with the secret \
             variables ({} and token) present but empty. Fill them in Postman; they are never exported.",
            for_display(&profile.name),
            file.display(),
            profile.target.auth.body_field()
        );
    }
    Ok(())
}

/// `profiles import-env FILE`: only an environment file.
pub(super) fn import_env(file: &Path, policy: ConflictPolicy, dry_run: bool) -> CmdResult {
    let env = environments::read_environment_file(file).map_err(|e| invalid(e.to_string()))?;
    import_profiles(file, env.profiles.clone(), Some(&env), policy, dry_run, false)
}

pub(super) fn import(file: &Path, policy: ConflictPolicy, dry_run: bool, accept_network: bool) -> CmdResult {
    match environments::read_import_any(file).map_err(|e| invalid(e.to_string()))? {
        environments::ImportSource::Profiles(incoming) => {
            import_profiles(file, incoming, None, policy, dry_run, accept_network)
        }
        environments::ImportSource::Environments(env) => {
            import_profiles(file, env.profiles.clone(), Some(&env), policy, dry_run, false)
        }
    }
}

fn import_profiles(
    file: &Path,
    incoming: Vec<Profile>,
    env: Option<&environments::EnvironmentImport>,
    policy: ConflictPolicy,
    dry_run: bool,
    accept_network: bool,
) -> CmdResult {
    let mut store = open_store().map_err(failed)?;
    let mut plan = transfer::plan_import(&store, &incoming);
    plan.accept_network = accept_network;
    plan.source = env.map(|e| e.describe());
    println!("Importing {}:", for_display(&file.display().to_string()));
    print!("{}", plan.describe());
    if env.is_some_and(|e| e.profiles.is_empty()) {
        return Err(invalid(
            "no environment in the file names a Control Room address (a variable such as ControlRoomURL, CR_URL \
             or baseUrl); nothing was imported",
        ));
    }
    if !plan.network.is_empty() && !accept_network {
        println!(
            "The proxies and CA files above are left out: the profiles are imported without them. To import them, \
             check that you know and trust each one, then run the import again with --accept-network-settings."
        );
    }
    if plan.has_conflicts() && policy == ConflictPolicy::Refuse {
        return Err(failed(format!(
            "{} profile name{} already in use; nothing was imported. Use --rename to add them as \"Name (2)\", \
             --replace to overwrite the saved settings, or --skip to leave them out.",
            plan.conflicts.len(),
            if plan.conflicts.len() == 1 { " is" } else { "s are" }
        )));
    }
    if dry_run {
        println!("Dry run: nothing was changed.");
        return Ok(());
    }
    let summary = transfer::apply_import(&mut store, &plan, policy).map_err(|e| failed(e.to_string()))?;
    save(&mut store).map_err(failed)?;
    for (from, to) in &summary.renamed {
        println!("  \"{}\" was added as \"{}\"", for_display(from), for_display(to));
    }
    println!(
        "Imported: {} added, {} replaced, {} left out.",
        summary.added.len(),
        summary.replaced.len(),
        summary.skipped.len()
    );
    if summary.network_left_out > 0 {
        println!(
            "Network settings (proxy, CA file) of {} profile{} were not imported.",
            summary.network_left_out,
            if summary.network_left_out == 1 { "" } else { "s" }
        );
    }
    if !summary.added.is_empty() {
        println!(
            "Imported profiles have no secret: add it with `aa-conntest profiles set-secret NAME --api-key-stdin` \
             (or --password-stdin)."
        );
    }
    Ok(())
}
