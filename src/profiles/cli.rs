//! `aa-conntest profiles …` and the profile side of `check --profile NAME` / `--all-profiles`.
//! Typed errors become words here, at the edge.
//!
//! Exit codes of `profiles`: 0 done, 1 the operation failed (file, keyring, conflict),
//! 3 unusable input (usage, unknown profile, empty secret).

use super::history::History;
use super::ops::remove_profile;
use super::secrets::{self, SecretStore};
use super::store::{ProfileStore, StoreWarning};
use super::transfer::{self, ConflictPolicy};
use super::{Profile, model};
use crate::cli::{CheckArgs, EXIT_INVALID_INPUT, OptionArgs};
use crate::plan::{AuthMode, CheckOptions};
use crate::secret::Secret;
use crate::worker::CheckResult;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const EXIT_FAILED: i32 = 1;

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
    Export { file: PathBuf },
    /// Add the profiles of FILE. A name already in use is refused unless --rename or --replace.
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
}

fn warn_all(warnings: &[StoreWarning]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn open_store() -> Result<ProfileStore, String> {
    let (store, warnings) = ProfileStore::open_default().map_err(|e| e.to_string())?;
    warn_all(&warnings);
    Ok(store)
}

fn open_history() -> Option<History> {
    match History::open_default() {
        Ok(h) => Some(h),
        Err(e) => {
            eprintln!("warning: results will not be recorded: {e}");
            None
        }
    }
}

fn save(store: &mut ProfileStore) -> Result<(), String> {
    let outcome = store.save().map_err(|e| e.to_string())?;
    warn_all(&outcome.warnings);
    Ok(())
}

/// Run `aa-conntest profiles …`; returns the exit code.
pub fn run(args: ProfilesArgs) -> i32 {
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
        ProfilesCommand::Export { file } => export(&file),
        ProfilesCommand::Import {
            file,
            rename,
            replace,
            skip,
            dry_run,
        } => {
            let policy = match (rename, replace, skip) {
                (true, _, _) => ConflictPolicy::Rename,
                (_, true, _) => ConflictPolicy::Replace,
                (_, _, true) => ConflictPolicy::Skip,
                _ => ConflictPolicy::Refuse,
            };
            import(&file, policy, dry_run)
        }
    };
    match result {
        Ok(()) => 0,
        Err((code, msg)) => {
            eprintln!("aa-conntest profiles: {msg}");
            code
        }
    }
}

type CmdResult = Result<(), (i32, String)>;

fn failed(msg: impl Into<String>) -> (i32, String) {
    (EXIT_FAILED, msg.into())
}

fn invalid(msg: impl Into<String>) -> (i32, String) {
    (EXIT_INVALID_INPUT, msg.into())
}

fn not_found(name: &str) -> (i32, String) {
    invalid(format!(
        "no profile named \"{name}\"; `aa-conntest profiles list` shows the saved ones"
    ))
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
    let rows: Vec<[String; 5]> = store
        .list()
        .iter()
        .map(|p| {
            [
                p.name.clone(),
                p.url.clone(),
                p.username.clone(),
                auth_word(p.auth).to_string(),
                latest
                    .get(&p.id)
                    .map(|e| e.summary())
                    .unwrap_or_else(|| "never tested".into()),
            ]
        })
        .collect();
    print!("{}", table(&["NAME", "URL", "USER", "AUTH", "LAST RESULT"], &rows));
    Ok(())
}

/// A plain text table, columns padded to the widest cell.
fn table<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(head.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn read_secret_from_stdin(auth: AuthMode) -> Result<Secret, (i32, String)> {
    let secret = crate::cli::read_stdin_secret().map_err(invalid)?;
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
    let label = profile.auth.secret_label();
    if let Some(msg) = secrets.status().message_if_limited() {
        println!(
            "Saved profile \"{}\" without its {label}. {msg}\n\
             Give it with each check: aa-conntest check --profile \"{}\" --{}-stdin",
            profile.name,
            profile.name,
            if profile.auth == AuthMode::ApiKey {
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
    let secret = read_secret_from_stdin(auth)?;
    let mut store = open_store().map_err(failed)?;
    let profile = match store.get_by_name(&a.name).cloned() {
        Some(existing) if a.replace => Profile {
            url: a.url.trim().to_string(),
            username: a.username.clone(),
            auth,
            options: a.options.apply(existing.options.clone()),
            ..existing
        },
        Some(existing) => {
            return Err(invalid(format!(
                "there is already a profile named \"{}\"; use --replace to update it, or choose another name",
                existing.name
            )));
        }
        None => Profile::new(
            &a.name,
            &a.url,
            auth,
            &a.username,
            a.options.apply(CheckOptions::default()),
        ),
    };
    store.upsert(profile.clone()).map_err(|e| invalid(e.to_string()))?;
    save(&mut store).map_err(failed)?;
    let secrets = secrets::open_default();
    store_secret(secrets.as_ref(), &profile, &secret)
}

fn set_secret(name: &str, api_key: bool, password: bool) -> CmdResult {
    let mut store = open_store().map_err(failed)?;
    let mut profile = store.get_by_name(name).cloned().ok_or_else(|| not_found(name))?;
    let auth = match (api_key, password) {
        (true, _) => AuthMode::ApiKey,
        (_, true) => AuthMode::Password,
        _ => profile.auth,
    };
    let secret = read_secret_from_stdin(auth)?;
    if auth != profile.auth {
        profile.auth = auth;
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
        .ok_or_else(|| not_found(name))?;
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
        .ok_or_else(|| not_found(name))?;
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

fn export(file: &Path) -> CmdResult {
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

fn import(file: &Path, policy: ConflictPolicy, dry_run: bool) -> CmdResult {
    let incoming = transfer::read_import_file(file).map_err(|e| invalid(e.to_string()))?;
    let mut store = open_store().map_err(failed)?;
    let plan = transfer::plan_import(&store, &incoming);
    println!("Importing {}:", file.display());
    print!("{}", plan.describe());
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
        println!("  \"{from}\" was added as \"{to}\"");
    }
    println!(
        "Imported: {} added, {} replaced, {} left out.",
        summary.added.len(),
        summary.replaced.len(),
        summary.skipped.len()
    );
    if !summary.added.is_empty() {
        println!(
            "Imported profiles have no secret: add it with `aa-conntest profiles set-secret NAME --api-key-stdin` \
             (or --password-stdin)."
        );
    }
    Ok(())
}

// ----- check --profile / --all-profiles -----

/// The secret of a profile for a check: `Ok(None)` when none is saved.
fn keyring_secret(secrets: &dyn SecretStore, p: &Profile) -> Result<Option<Secret>, String> {
    if let Some(msg) = secrets.status().message_if_limited() {
        return Err(msg);
    }
    secrets.get(&p.id).map_err(|e| e.to_string())
}

fn record(history: Option<&History>, p: &Profile, result: &CheckResult) {
    if let Some(h) = history {
        match super::record_result(h, &p.id, result) {
            Ok(w) => warn_all(&w),
            Err(e) => eprintln!("warning: the result was not recorded in the history: {e}"),
        }
    }
}

fn save_report_to(path: &Path, report: &crate::report::Report) {
    match crate::report_markdown::save_report(path, report) {
        Ok((j, m)) => eprintln!("Report saved: {} and {}", j.display(), m.display()),
        Err(e) => eprintln!("warning: {e}"),
    }
}

/// `check --profile NAME`: the profile's settings (check options on the command line win), its
/// secret from the keyring (or from --api-key-env/…-stdin when given), and the result recorded.
pub fn check_profile(name: &str, args: &CheckArgs) -> i32 {
    let fail = |msg: String| {
        eprintln!("aa-conntest check: {msg}");
        EXIT_INVALID_INPUT
    };
    let store = match open_store() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let Some(profile) = store.get_by_name(name).cloned() else {
        return fail(not_found(name).1);
    };
    let mut profile = Profile {
        options: args.options.apply(profile.options.clone()),
        ..profile
    };
    let secret = match crate::cli::secret_from_flags(args) {
        Err(msg) => return fail(msg),
        Ok(Some((auth, s))) => {
            profile.auth = auth;
            s
        }
        Ok(None) => {
            let secrets = secrets::open_default();
            match keyring_secret(secrets.as_ref(), &profile) {
                Ok(Some(s)) => s,
                Ok(None) => {
                    return fail(format!(
                        "no {} is saved in the keyring for \"{}\"; save it with \
                         `aa-conntest profiles set-secret \"{}\" --{}-stdin`, or give it with --{}-stdin",
                        profile.auth.secret_label(),
                        profile.name,
                        profile.name,
                        flag_word(profile.auth),
                        flag_word(profile.auth)
                    ));
                }
                Err(msg) => {
                    return fail(format!(
                        "the {} of \"{}\" cannot be read: {msg} Give it with --{}-stdin.",
                        profile.auth.secret_label(),
                        profile.name,
                        flag_word(profile.auth)
                    ));
                }
            }
        }
    };
    let plan = profile.to_plan(secret);
    let Some(result) = crate::cli::run_plan(&plan) else {
        return 2;
    };
    record(open_history().as_ref(), &profile, &result);
    let report = crate::report::build(&plan, &result.transcript, &result.hints);
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!("Profile: {}", profile.name);
        print!("{}", crate::cli::render_text(&result.transcript, &result.hints));
    }
    if let Some(path) = &args.save_report {
        save_report_to(path, &report);
    }
    result.transcript.outcome.exit_code()
}

fn flag_word(a: AuthMode) -> &'static str {
    match a {
        AuthMode::ApiKey => "api-key",
        AuthMode::Password => "password",
    }
}

/// `check --all-profiles`: every profile in turn, one login attempt each; a table of outcomes
/// (or `--json`: an array of reports); exit code = the worst outcome.
pub fn check_all(args: &CheckArgs) -> i32 {
    let store = match open_store() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aa-conntest check: {e}");
            return EXIT_INVALID_INPUT;
        }
    };
    if store.list().is_empty() {
        eprintln!("aa-conntest check: there are no saved profiles to test (`aa-conntest profiles add …`)");
        return EXIT_INVALID_INPUT;
    }
    let secrets: Arc<dyn SecretStore> = secrets::open_default();
    if let Some(msg) = secrets.status().message_if_limited() {
        eprintln!("warning: {msg}");
    }
    let history = open_history();
    let rt = match crate::cli::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("aa-conntest: cannot start: {e}");
            return 2;
        }
    };
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let mut reports = Vec::new();
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut worst = 0;
    for p in store.list() {
        if stop_rx.try_recv().is_ok() {
            break;
        }
        let mut profile = p.clone();
        profile.options = args.options.apply(profile.options.clone());
        let (secret, note) = match keyring_secret(secrets.as_ref(), &profile) {
            Ok(Some(s)) => (s, None),
            Ok(None) => (
                Secret::default(),
                Some(format!("no {} saved in the keyring", profile.auth.secret_label())),
            ),
            Err(msg) => (Secret::default(), Some(msg)),
        };
        let plan = profile.to_plan(secret);
        // An empty secret stops at preflight: no login is sent for a profile without a secret.
        let stop = stop_tx.clone();
        let result = rt.block_on(async {
            let (cancel, token) = crate::engine::cancel_pair();
            let watcher = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    let _ = stop.send(());
                    cancel.cancel();
                }
            });
            let r = crate::worker::check(&plan, token).await;
            watcher.abort();
            r
        });
        record(history.as_ref(), &profile, &result);
        let code = result.transcript.outcome.exit_code();
        worst = worst.max(code);
        let report = crate::report::build(&plan, &result.transcript, &result.hints);
        if let Some(dir) = &args.save_report {
            let stem = crate::report_markdown::default_file_stem(&report);
            let slug: String = profile
                .name
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .collect();
            save_report_to(&dir.join(format!("{stem}-{slug}")), &report);
        }
        let duration: f64 = result.transcript.steps.iter().map(|s| s.duration_ms).sum();
        let cause = note
            .or_else(|| result.hints.first().map(|h| format!("{} ({})", h.title, h.id)))
            .unwrap_or_default();
        rows.push([
            profile.name.clone(),
            result.transcript.outcome.as_str().to_string(),
            format!("{duration:.0} ms"),
            result
                .transcript
                .base_url
                .clone()
                .unwrap_or_else(|| profile.url.clone()),
            cause,
        ]);
        reports.push(report);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports).unwrap_or_default());
    } else {
        print!(
            "{}",
            table(&["PROFILE", "OUTCOME", "TIME", "CONTROL ROOM", "MAIN FINDING"], &rows)
        );
        let ok = rows.iter().filter(|r| r[1] == "ok").count();
        println!(
            "\n{ok} of {} profile{} OK.",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        );
    }
    worst
}
