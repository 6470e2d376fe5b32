//! `aa-conntest profiles …`: list, add, set-secret, rename, remove (export and import:
//! [`super::profiles_transfer`]). Typed errors
//! of the profiles module become words here, at the edge; the exit codes are in [`super::exit`]
//! (0 done, 1 the operation failed, 3 unusable input).

use super::args::OptionArgs;
use super::exit::{CliError, Exit};
use super::profiles_transfer as transfer_cmd;
use crate::plan::{AuthMode, CheckOptions};
use crate::profiles::history::History;
use crate::profiles::secrets::{self, SecretStore};
use crate::profiles::store::{ProfileStore, StoreWarning};
use crate::profiles::transfer::ConflictPolicy;
use crate::profiles::{Profile, model, remove_profile};
use crate::sanitize::for_display;
use crate::secret::Secret;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: ProfilesCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List the saved profiles with their last result.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Save a profile; its secret is read from standard input and kept in the system keyring.
    Add(AddArgs),
    /// Replace the secret of a saved profile (read from standard input).
    SetSecret {
        name: String,
        /// The secret on standard input is an API key (the default: the profile's mode).
        #[arg(long, conflicts_with = "password_stdin")]
        api_key_stdin: bool,
        /// The secret on standard input is a password.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Rename a profile.
    Rename { name: String, new_name: String },
    /// Delete a profile, its secret in the keyring and its history.
    Remove { name: String },
    /// Write the profiles to FILE (`-` for standard output). Secrets are never exported.
    Export {
        file: PathBuf,
        /// Write one profile as a Postman environment instead (ControlRoomURL, baseUrl, username, and
        /// the secret variables present but empty), so a developer can continue in Postman.
        #[arg(long)]
        postman: bool,
        /// With --postman: the profile to write (may be left out when only one is saved).
        #[arg(long, value_name = "NAME", requires = "postman")]
        profile: Option<String>,
    },
    /// Add profiles from a Postman environment, a Bruno environment or an Insomnia export: the Control
    /// Room URL and the username only (never a secret value: the preview names the ones left out).
    ImportEnv {
        file: PathBuf,
        /// Add a conflicting profile under a new name ("Name (2)").
        #[arg(long, conflicts_with_all = ["replace", "skip"])]
        rename: bool,
        /// Overwrite the saved profile's settings (it keeps its secret).
        #[arg(long, conflicts_with = "skip")]
        replace: bool,
        /// Leave conflicting profiles out.
        #[arg(long)]
        skip: bool,
        /// Only show what would happen.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add the profiles of FILE (an export of this tool; a Postman, Bruno or Insomnia environment is
    /// recognised too, as `import-env`). A name already in use is refused unless --rename or --replace.
    Import {
        file: PathBuf,
        /// Add a conflicting profile under a new name ("Name (2)").
        #[arg(long, conflicts_with_all = ["replace", "skip"])]
        rename: bool,
        /// Overwrite the saved profile's settings (it keeps its secret).
        #[arg(long, conflicts_with = "skip")]
        replace: bool,
        /// Leave conflicting profiles out.
        #[arg(long)]
        skip: bool,
        /// Only show what would happen.
        #[arg(long)]
        dry_run: bool,
        /// Also import the proxies and CA files the file sets (shown in the preview). Without
        /// it they are left out: a proxy sees where the key goes, a CA file decides what is trusted.
        #[arg(long)]
        accept_network_settings: bool,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("profile_secret").required(true)))]
pub struct AddArgs {
    /// The profile's name, e.g. "Prod svc".
    pub name: String,
    /// Control Room URL.
    #[arg(long)]
    pub url: String,
    /// Control Room username.
    #[arg(long)]
    pub username: String,
    /// Read the API key from standard input.
    #[arg(long, group = "profile_secret")]
    pub api_key_stdin: bool,
    /// Read the password from standard input.
    #[arg(long, group = "profile_secret")]
    pub password_stdin: bool,
    /// Update the profile of this name if it exists (it keeps its id).
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub options: OptionArgs,
    #[command(flatten)]
    pub admin: super::args::AdminArgs,
}

pub(super) fn warn_all(warnings: &[StoreWarning]) {
    for w in warnings {
        eprintln!("warning: {}", for_display(&w.to_string()));
    }
}

pub(super) fn open_store() -> Result<ProfileStore, String> {
    let (store, warnings) = ProfileStore::open_default().map_err(|e| e.to_string())?;
    warn_all(&warnings);
    Ok(store)
}

pub(super) fn open_history() -> Option<History> {
    match History::open_default() {
        Ok(h) => Some(h),
        Err(e) => {
            eprintln!("warning: results will not be recorded: {e}");
            None
        }
    }
}

pub(super) fn save(store: &mut ProfileStore) -> Result<(), String> {
    let outcome = store.save().map_err(|e| e.to_string())?;
    warn_all(&outcome.warnings);
    Ok(())
}

/// Run `aa-conntest profiles …`.
pub fn run(args: ProfilesArgs) -> Result<Exit, CliError> {
    let result = match args.command {
        ProfilesCommand::List { json } => list(json),
        ProfilesCommand::Add(a) => add(a),
        ProfilesCommand::SetSecret {
            name,
            api_key_stdin,
            password_stdin,
        } => set_secret(&name, api_key_stdin, password_stdin),
        ProfilesCommand::Rename { name, new_name } => rename(&name, &new_name),
        ProfilesCommand::Remove { name } => remove(&name),
        ProfilesCommand::Export {
            file, postman: false, ..
        } => transfer_cmd::export(&file),
        ProfilesCommand::Export {
            file,
            postman: true,
            profile,
        } => transfer_cmd::export_postman(&file, profile.as_deref()),
        ProfilesCommand::ImportEnv {
            file,
            rename,
            replace,
            skip,
            dry_run,
        } => transfer_cmd::import_env(&file, policy_of(rename, replace, skip), dry_run),
        ProfilesCommand::Import {
            file,
            rename,
            replace,
            skip,
            dry_run,
            accept_network_settings,
        } => transfer_cmd::import(
            &file,
            policy_of(rename, replace, skip),
            dry_run,
            accept_network_settings,
        ),
    };
    result
        .map(|()| Exit::Done)
        .map_err(|e| e.context("aa-conntest profiles"))
}

pub(super) type CmdResult = Result<(), CliError>;

pub(super) fn policy_of(rename: bool, replace: bool, skip: bool) -> ConflictPolicy {
    match (rename, replace, skip) {
        (true, _, _) => ConflictPolicy::Rename,
        (_, true, _) => ConflictPolicy::Replace,
        (_, _, true) => ConflictPolicy::Skip,
        _ => ConflictPolicy::Refuse,
    }
}

pub(super) fn failed(msg: impl Into<String>) -> CliError {
    CliError::Failed(msg.into())
}

pub(super) fn invalid(msg: impl Into<String>) -> CliError {
    CliError::InvalidInput(msg.into())
}

/// The words for a profile name that is not saved.
pub(super) fn not_found(name: &str) -> String {
    format!("no profile named \"{name}\"; `aa-conntest profiles list` shows the saved ones")
}

fn auth_word(a: AuthMode) -> &'static str {
    match a {
        AuthMode::ApiKey => "api key",
        AuthMode::Password => "password",
    }
}

fn list(json: bool) -> CmdResult {
    let store = open_store().map_err(failed)?;
    let latest = open_history().and_then(|h| h.latest().ok()).unwrap_or_default();
    if json {
        let items: Vec<serde_json::Value> = store
            .list()
            .iter()
            .map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                if let Some(obj) = v.as_object_mut() {
                    obj.insert(
                        "last_result".into(),
                        serde_json::to_value(latest.get(&p.id)).unwrap_or_default(),
                    );
                    if p.target.key_expires.is_some() {
                        obj.insert(
                            "key_expiry".into(),
                            serde_json::Value::String(key_expiry_words(p, time::OffsetDateTime::now_utc())),
                        );
                    }
                }
                v
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items).unwrap_or_default());
        return Ok(());
    }
    if store.list().is_empty() {
        println!(
            "No saved profiles. Add one with:\n  aa-conntest profiles add NAME --url URL --username USER --api-key-stdin"
        );
        return Ok(());
    }
    // Every cell is text from a file (maybe an imported one): shown escaped.
    let shown = |s: &str| for_display(s).into_owned();
    let now = time::OffsetDateTime::now_utc();
    let rows: Vec<[String; 8]> = store
        .list()
        .iter()
        .map(|p| {
            let o = &p.target.options;
            [
                shown(&p.name),
                shown(&p.target.url),
                shown(&p.target.username),
                auth_word(p.target.auth).to_string(),
                o.proxy.as_deref().map(shown).unwrap_or_else(|| "-".into()),
                o.ca_file
                    .as_ref()
                    .map(|c| shown(&c.display().to_string()))
                    .unwrap_or_else(|| "-".into()),
                key_expiry_words(p, now),
                latest
                    .get(&p.id)
                    .map(|e| shown(&e.summary()))
                    .unwrap_or_else(|| "never tested".into()),
            ]
        })
        .collect();
    print!(
        "{}",
        super::text::table(
            &[
                "NAME",
                "URL",
                "USER",
                "AUTH",
                "PROXY",
                "CA FILE",
                "API KEY",
                "LAST RESULT"
            ],
            &rows
        )
    );
    Ok(())
}

/// The key expiry of a profile in words ("expires in 9 days (2026-03-01)"), `-` without one.
fn key_expiry_words(p: &Profile, now: time::OffsetDateTime) -> String {
    crate::capabilities::key_expiry_words(&p.target, now).unwrap_or_else(|| "-".into())
}

fn read_secret_from_stdin(auth: AuthMode) -> Result<Secret, CliError> {
    let secret = super::read_stdin_secret().map_err(invalid)?;
    if secret.is_empty() {
        return Err(invalid(format!(
            "the {} read from standard input is empty",
            auth.secret_label()
        )));
    }
    Ok(secret)
}

/// Save a secret for a profile and say where it went.
fn store_secret(secrets: &dyn SecretStore, profile: &Profile, secret: &Secret) -> CmdResult {
    let label = profile.target.auth.secret_label();
    if let Some(msg) = secrets.status().message_if_limited() {
        println!(
            "Saved profile \"{}\" without its {label}. {msg}\n\
             Give it with each check: aa-conntest check --profile \"{}\" --{}-stdin",
            profile.name,
            profile.name,
            if profile.target.auth == AuthMode::ApiKey {
                "api-key"
            } else {
                "password"
            }
        );
        return Ok(());
    }
    secrets.set(&profile.id, secret).map_err(|e| {
        failed(format!(
            "the profile \"{}\" was saved, but its {label} could not be stored: {e}",
            profile.name
        ))
    })?;
    println!(
        "Saved profile \"{}\"; its {label} is in the system keyring (service \"{}\"), not in a file.",
        profile.name,
        secrets::service_name()
    );
    Ok(())
}

fn add(a: AddArgs) -> CmdResult {
    let auth = if a.password_stdin {
        AuthMode::Password
    } else {
        AuthMode::ApiKey
    };
    if !a.api_key_stdin && !a.password_stdin {
        return Err(invalid(
            "give the secret on standard input with --api-key-stdin or --password-stdin",
        ));
    }
    model::check_name(&a.name).map_err(invalid)?;
    if a.url.trim().is_empty() {
        return Err(invalid("--url is empty"));
    }
    if let Some(p) = a.options.proxy.as_deref() {
        crate::engine::check_proxy_address(p).map_err(invalid)?;
    }
    let secret = read_secret_from_stdin(auth)?;
    let mut store = open_store().map_err(failed)?;
    let profile = match store.get_by_name(&a.name).cloned() {
        Some(mut existing) if a.replace => {
            // Only what the command line sets changes; the rest of the target stays as saved.
            let t = &mut existing.target;
            t.url = a.url.trim().to_string();
            t.username = a.username.clone();
            t.auth = auth;
            t.options = a.options.apply(t.options.clone());
            a.admin.apply(t);
            existing
        }
        Some(existing) => {
            return Err(invalid(format!(
                "there is already a profile named \"{}\"; use --replace to update it, or choose another name",
                existing.name
            )));
        }
        None => {
            let mut p = Profile::new(
                &a.name,
                &a.url,
                auth,
                &a.username,
                a.options.apply(CheckOptions::default()),
            );
            a.admin.apply(&mut p.target);
            p
        }
    };
    // A password in the proxy address is a secret like the key: it goes to the keyring, and the
    // profile keeps the address without it.
    let mut profile = profile;
    let mut proxy_credentials = None;
    for change in profile.scrub() {
        match change {
            model::Scrubbed::ProxyCredentials(s) => proxy_credentials = Some(s),
            model::Scrubbed::Insecure => eprintln!(
                "warning: --insecure is a switch for one check and is never saved with a profile; give it to \
                 `aa-conntest check` when you need it"
            ),
            other => eprintln!("warning: {}; it was not saved", other.describe()),
        }
    }
    store.upsert(profile.clone()).map_err(|e| invalid(e.to_string()))?;
    save(&mut store).map_err(failed)?;
    let secrets = secrets::open_default();
    store_secret(secrets.as_ref(), &profile, &secret)?;
    if a.options.proxy.is_some() {
        store_proxy_credentials(secrets.as_ref(), &profile, proxy_credentials.as_ref())?;
    }
    Ok(())
}

/// Keep the proxy's `user:password` in the keyring beside the profile's secret (or forget the
/// old one when the proxy given now has none).
fn store_proxy_credentials(secrets: &dyn SecretStore, profile: &Profile, credentials: Option<&Secret>) -> CmdResult {
    let entry = model::proxy_secret_id(&profile.id);
    let Some(credentials) = credentials else {
        if secrets.status().is_persistent() {
            let _ = secrets.delete(&entry);
        }
        return Ok(());
    };
    if let Some(msg) = secrets.status().message_if_limited() {
        println!("The proxy's user name and password were not saved (they are never written to a file). {msg}");
        return Ok(());
    }
    secrets.set(&entry, credentials).map_err(|e| {
        failed(format!(
            "the profile \"{}\" was saved, but its proxy password could not be stored: {e}",
            profile.name
        ))
    })?;
    println!("The proxy's user name and password are in the system keyring too, not in a file.");
    Ok(())
}

fn set_secret(name: &str, api_key: bool, password: bool) -> CmdResult {
    let mut store = open_store().map_err(failed)?;
    let mut profile = store
        .get_by_name(name)
        .cloned()
        .ok_or_else(|| invalid(not_found(name)))?;
    let auth = match (api_key, password) {
        (true, _) => AuthMode::ApiKey,
        (_, true) => AuthMode::Password,
        _ => profile.target.auth,
    };
    let secret = read_secret_from_stdin(auth)?;
    if auth != profile.target.auth {
        profile.target.auth = auth;
        store.upsert(profile.clone()).map_err(|e| failed(e.to_string()))?;
        save(&mut store).map_err(failed)?;
    }
    let secrets = secrets::open_default();
    store_secret(secrets.as_ref(), &profile, &secret)
}

fn rename(name: &str, new_name: &str) -> CmdResult {
    let mut store = open_store().map_err(failed)?;
    let id = store
        .get_by_name(name)
        .map(|p| p.id.clone())
        .ok_or_else(|| invalid(not_found(name)))?;
    store.rename(&id, new_name).map_err(|e| invalid(e.to_string()))?;
    save(&mut store).map_err(failed)?;
    println!("Renamed \"{name}\" to \"{}\".", new_name.trim());
    Ok(())
}

fn remove(name: &str) -> CmdResult {
    let mut store = open_store().map_err(failed)?;
    let id = store
        .get_by_name(name)
        .map(|p| p.id.clone())
        .ok_or_else(|| invalid(not_found(name)))?;
    let secrets = secrets::open_default();
    let history = open_history();
    let removed =
        remove_profile(&mut store, secrets.as_ref(), history.as_ref(), &id).map_err(|e| failed(e.to_string()))?;
    let shown = removed.profile.as_ref().map(|p| p.name.as_str()).unwrap_or(name);
    if let Some(e) = &removed.history_error {
        eprintln!("warning: the history of \"{shown}\" could not be removed: {e}");
    }
    if let Some(e) = removed.secret_error {
        return Err(failed(format!(
            "the profile \"{shown}\" was removed, but its secret could not be deleted from the keyring: {e}"
        )));
    }
    if let Some(msg) = secrets.status().message_if_limited() {
        println!("Removed profile \"{shown}\". {msg} Its keyring entry, if any, was not reachable.");
    } else {
        println!("Removed profile \"{shown}\" and its secret in the keyring.");
    }
    Ok(())
}
