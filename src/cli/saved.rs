//! `check --profile NAME` and `check --all-profiles`: checks of saved profiles, through
//! [`profiles::check_saved`] (the same path as the window's "Test all"), recorded in the history.

use super::args::CheckArgs;
use super::exit::{CliError, Exit};
use super::profiles::{not_found, open_history, open_store, warn_all};
use crate::plan::AuthMode;
use crate::profiles::{self, NoSecret, Profile, SavedCheck, SecretFrom, StoreError, StoreWarning, secrets};
use crate::secret::Secret;
use std::sync::Arc;

fn invalid(msg: impl std::fmt::Display) -> CliError {
    CliError::InvalidInput(format!("aa-conntest check: {msg}"))
}

fn flag_word(a: AuthMode) -> &'static str {
    match a {
        AuthMode::ApiKey => "api-key",
        AuthMode::Password => "password",
    }
}

/// Say what happened to the history write.
fn report_recorded(recorded: &Option<Result<Vec<StoreWarning>, StoreError>>) {
    match recorded {
        Some(Ok(w)) => warn_all(w),
        Some(Err(e)) => eprintln!("warning: the result was not recorded in the history: {e}"),
        None => {}
    }
}

/// The saved secret of `p` for `check --profile`, or the words for why there is none.
fn keyring_secret(p: &Profile) -> Result<Secret, String> {
    let secrets = secrets::open_default();
    let label = p.target.auth.secret_label();
    let flag = flag_word(p.target.auth);
    let unreadable = |msg: &str| {
        format!(
            "the {label} of \"{}\" cannot be read: {msg} Give it with --{flag}-stdin.",
            p.name
        )
    };
    if let Some(msg) = secrets.status().message_if_limited() {
        return Err(unreadable(&msg));
    }
    match profiles::read_secret(secrets.as_ref(), &p.id) {
        Ok(s) => Ok(s),
        Err(NoSecret::NotSaved) => Err(format!(
            "no {label} is saved in the keyring for \"{}\"; save it with \
             `aa-conntest profiles set-secret \"{}\" --{flag}-stdin`, or give it with --{flag}-stdin",
            p.name, p.name
        )),
        Err(NoSecret::Unreadable(e)) => Err(unreadable(&e)),
    }
}

/// `check --profile NAME`: the profile's settings (check options on the command line win), its
/// secret from the keyring (or from --api-key-env/…-stdin when given), and the result recorded.
pub fn check_profile(name: &str, args: &CheckArgs) -> Result<Exit, CliError> {
    let store = open_store().map_err(invalid)?;
    let mut profile = store
        .get_by_name(name)
        .cloned()
        .ok_or_else(|| invalid(not_found(name)))?;
    profile.target.options = args.options.apply(profile.target.options.clone());
    let secret = match super::secret_from_flags(args).map_err(invalid)? {
        Some((auth, s)) => {
            profile.target.auth = auth;
            s
        }
        None => keyring_secret(&profile).map_err(invalid)?,
    };
    super::check::announce_network(&profile);
    if args.options.proxy.is_none() {
        // The proxy's password, kept in the keyring (issue 13, D4).
        profile.target.options.proxy =
            profiles::model::proxy_with_saved_credentials(secrets::open_default().as_ref(), &profile);
    }
    let rt = super::check_runtime()?;
    let history = open_history();
    let (done, _) = super::check::until_ctrl_c(&rt, |cancel| {
        profiles::check_saved(&profile, SecretFrom::Given(secret), history.as_ref(), cancel)
    });
    report_recorded(&done.recorded);
    let SavedCheck { plan, result, .. } = done;
    let report = crate::report::build(&plan, &result.transcript, &result.hints);
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!("Profile: {}", profile.name);
        print!("{}", super::text::render(&result.transcript, &result.hints));
    }
    let saved = match &args.save_report {
        Some(path) => super::check::save_report(path, &report),
        None => Exit::Done,
    };
    Ok(Exit::Checked(result.transcript.outcome).worst(saved))
}

/// `check --all-profiles`: every profile in turn, one login attempt each; a table of outcomes
/// (or `--json`: an array of reports); the exit code is the worst outcome's. Ctrl-C cancels the
/// running check and stops.
pub fn check_all(args: &CheckArgs) -> Result<Exit, CliError> {
    let store = open_store().map_err(invalid)?;
    if store.list().is_empty() {
        return Err(invalid(
            "there are no saved profiles to test (`aa-conntest profiles add …`)",
        ));
    }
    let secrets: Arc<dyn profiles::SecretStore> = secrets::open_default();
    let limited = secrets.status().message_if_limited();
    if let Some(msg) = &limited {
        eprintln!("warning: {msg}");
    }
    let history = open_history();
    let rt = super::check_runtime()?;
    let mut reports = Vec::new();
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut worst = Exit::Done;
    for p in store.list() {
        let mut profile = p.clone();
        profile.target.options = args.options.apply(profile.target.options.clone());
        super::check::announce_network(&profile);
        // Without a secret the check stops at preflight: no login is sent for that profile.
        let secret = match &limited {
            Some(msg) => SecretFrom::Unavailable(msg.clone()),
            None => SecretFrom::Store(secrets.clone()),
        };
        let (done, interrupted) = super::check::until_ctrl_c(&rt, |cancel| {
            profiles::check_saved(&profile, secret, history.as_ref(), cancel)
        });
        report_recorded(&done.recorded);
        let SavedCheck {
            plan,
            result,
            no_secret,
            ..
        } = done;
        let t = &result.transcript;
        worst = worst.worst(Exit::Checked(t.outcome));
        let report = crate::report::build(&plan, t, &result.hints);
        if let Some(dir) = &args.save_report {
            let stem = crate::report_markdown::default_file_stem(&report);
            let slug: String = profile
                .name
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .collect();
            worst = worst.worst(super::check::save_report(&dir.join(format!("{stem}-{slug}")), &report));
        }
        let note = no_secret.map(|why| match why {
            NoSecret::NotSaved => format!("no {} saved in the keyring", profile.target.auth.secret_label()),
            NoSecret::Unreadable(msg) => msg,
        });
        let cause = note
            .or_else(|| result.hints.first().map(|h| format!("{} ({})", h.title, h.id)))
            .unwrap_or_default();
        rows.push([
            profile.name.clone(),
            t.outcome.as_str().to_string(),
            format!("{:.0} ms", t.duration_ms()),
            t.base_url.clone().unwrap_or_else(|| profile.target.url.clone()),
            cause,
        ]);
        reports.push(report);
        if interrupted {
            break;
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports).unwrap_or_default());
    } else {
        print!(
            "{}",
            super::text::table(&["PROFILE", "OUTCOME", "TIME", "CONTROL ROOM", "MAIN FINDING"], &rows)
        );
        let ok = rows.iter().filter(|r| r[1] == "ok").count();
        println!(
            "\n{ok} of {} profile{} OK.",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        );
    }
    Ok(worst)
}
