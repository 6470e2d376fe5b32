//! `aa-conntest check`: one check headless, text or JSON on stdout, outcome as exit code.

use super::args::CheckArgs;
use super::exit::{CliError, Exit};
use crate::engine;
use crate::plan::{AuthMode, CheckOptions, Plan, Target};
use crate::report;
use crate::sanitize::for_display;
use crate::secret::Secret;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(args: CheckArgs) -> Result<Exit, CliError> {
    // A report that cannot be written is known before any login is sent.
    if let Some(path) = &args.save_report {
        crate::report_markdown::check_report_path(path)
            .map_err(|msg| CliError::InvalidInput(format!("aa-conntest check: --save-report: {msg}")))?;
    }
    if args.all_profiles {
        return super::saved::check_all(&args);
    }
    if let Some(name) = &args.profile {
        return super::saved::check_profile(name, &args);
    }
    let plan = plan_from_args(&args).map_err(|msg| CliError::InvalidInput(format!("aa-conntest check: {msg}")))?;
    let result = run_plan(&plan)?;
    let report = report::build(&plan, &result.transcript, &result.hints);
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!(
            "{}",
            super::text::render_check(&result.transcript, &result.hints, Some(&plan.target))
        );
    }
    let saved = match &args.save_report {
        Some(path) => save_report(path, &report),
        None => Exit::Done,
    };
    let expiring = expiring_exit(&args, &plan.target, result.transcript.outcome);
    Ok(Exit::Checked(result.transcript.outcome).worst(saved).worst(expiring))
}

/// `--fail-on-expiring DAYS`: exit 4 when the check passed and the target's API key (its
/// `key_expires`) expires within DAYS, said on stderr. A failed check keeps its own code.
pub(super) fn expiring_exit(args: &CheckArgs, target: &Target, outcome: crate::transcript::Outcome) -> Exit {
    let (Some(days), Some(at)) = (args.fail_on_expiring, target.key_expires.as_deref()) else {
        return Exit::Done;
    };
    if target.auth != AuthMode::ApiKey || outcome != crate::transcript::Outcome::Ok {
        return Exit::Done;
    }
    match crate::key_expiry::describe(at, time::OffsetDateTime::now_utc()) {
        Ok((when, left)) if left.within(days.saturating_add(1)) => {
            eprintln!(
                "aa-conntest check: --fail-on-expiring {days}: the API key of {} {} ({}); generate a new one \
                 before then",
                for_display(target.username.trim()),
                left.words(),
                crate::key_expiry::date_words(when)
            );
            Exit::KeyExpiring
        }
        _ => Exit::Done,
    }
}

/// Say which proxy and CA file a saved profile's check uses, before anything is sent: they came
/// from a file (maybe an imported one) and decide where the key goes and what is trusted. On
/// stderr, so `--json` output stays JSON.
pub(super) fn announce_network(profile: &crate::profiles::Profile) {
    let o = &profile.target.options;
    let name = for_display(&profile.name);
    if let Some(proxy) = &o.proxy {
        let (bare, _) = crate::profiles::model::split_userinfo(proxy);
        eprintln!(
            "Profile \"{name}\" sends the check through the proxy {}: the API key or password goes through it.",
            for_display(&bare)
        );
    }
    if let Some(ca) = &o.ca_file {
        eprintln!(
            "Profile \"{name}\" also trusts the certificates in the CA file {}.",
            for_display(&ca.display().to_string())
        );
    }
}

/// Save the report as JSON and Markdown. The check's result was printed already; a report that
/// could not be written is said on stderr and makes the exit code 3 (unusable input: the path),
/// unless the check's own is worse: what this returns, for [`Exit::worst`].
pub(super) fn save_report(path: &std::path::Path, report: &report::Report) -> Exit {
    match crate::report_markdown::save_report(path, report) {
        Ok((j, m)) => {
            eprintln!("Report saved: {} and {}", j.display(), m.display());
            Exit::Done
        }
        Err(e) => {
            eprintln!(
                "aa-conntest check: the report was not saved: {}",
                for_display(&e.to_string())
            );
            Exit::Checked(crate::transcript::Outcome::InvalidInput)
        }
    }
}

/// `--timeout`: a number of seconds from 1 to 300 (clap turns the error into a usage error,
/// exit 3).
pub(super) fn parse_timeout(text: &str) -> Result<f64, String> {
    use crate::plan::{MAX_TIMEOUT_SECS, MIN_TIMEOUT_SECS};
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("the timeout is a number of seconds, from {MIN_TIMEOUT_SECS} to {MAX_TIMEOUT_SECS}"))?;
    if !secs.is_finite() || !(MIN_TIMEOUT_SECS..=MAX_TIMEOUT_SECS).contains(&secs) {
        return Err(format!(
            "the timeout must be from {MIN_TIMEOUT_SECS} to {MAX_TIMEOUT_SECS} seconds (each network step gets \
             this long)"
        ));
    }
    Ok(secs)
}

/// Run one check to the end on a fresh runtime; Ctrl-C cancels it cleanly (the transcript says
/// so).
pub(super) fn run_plan(plan: &Plan) -> Result<crate::worker::CheckResult, CliError> {
    let rt = super::check_runtime()?;
    let result = until_ctrl_c(&rt, |cancel| crate::worker::check(plan, cancel)).0;
    // Never wait for work left behind (a stuck system call): the check is over, the process ends.
    rt.shutdown_background();
    Ok(result)
}

/// Run `work` to the end on `rt`; Ctrl-C cancels it through its token. Also says whether Ctrl-C
/// was pressed, so a loop of checks can stop.
pub(super) fn until_ctrl_c<F: Future>(
    rt: &tokio::runtime::Runtime,
    work: impl FnOnce(engine::CancelToken) -> F,
) -> (F::Output, bool) {
    let interrupted = Arc::new(AtomicBool::new(false));
    let out = rt.block_on(async {
        let (cancel, token) = engine::cancel_pair();
        let flag = interrupted.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
                cancel.cancel();
            }
        });
        let out = work(token).await;
        watcher.abort();
        out
    });
    (out, interrupted.load(Ordering::SeqCst))
}

fn plan_from_args(args: &CheckArgs) -> Result<Plan, String> {
    let url = args.url.clone().ok_or("--url is required (the Control Room address)")?;
    let username = args.username.clone().ok_or("--username is required")?;
    let (auth, secret) = read_secret(args)?;
    let mut target = Target::new(url, auth, username, args.options.apply(CheckOptions::default()));
    args.admin.apply(&mut target);
    Ok(Plan::new(target, secret))
}

/// The secret comes from an environment variable or stdin, never from an argument.
fn read_secret(args: &CheckArgs) -> Result<(AuthMode, Secret), String> {
    secret_from_flags(args)?.ok_or_else(|| {
        "give the secret with --api-key-env VAR, --password-env VAR, --api-key-stdin or --password-stdin".to_string()
    })
}

/// The secret given by a flag, if any (`--api-key-env`, `--password-env`, `--api-key-stdin`,
/// `--password-stdin`).
pub(super) fn secret_from_flags(args: &CheckArgs) -> Result<Option<(AuthMode, Secret)>, String> {
    // An unset variable is an empty secret: the check then says so in its report (preflight,
    // `input.secret-missing`) like any other missing input, and nothing is sent.
    let from_env = |var: &str| -> Result<Secret, String> {
        match std::env::var(var) {
            Ok(v) => Ok(Secret::new(v)),
            Err(std::env::VarError::NotPresent) => {
                eprintln!("aa-conntest check: the environment variable {var} is not set");
                Ok(Secret::default())
            }
            Err(std::env::VarError::NotUnicode(_)) => Err(format!("the environment variable {var} is not valid text")),
        }
    };
    if let Some(var) = &args.api_key_env {
        return Ok(Some((AuthMode::ApiKey, from_env(var)?)));
    }
    if let Some(var) = &args.password_env {
        return Ok(Some((AuthMode::Password, from_env(var)?)));
    }
    if args.api_key_stdin || args.password_stdin {
        let mode = if args.api_key_stdin {
            AuthMode::ApiKey
        } else {
            AuthMode::Password
        };
        return Ok(Some((mode, read_stdin_secret()?)));
    }
    Ok(None)
}

/// Read a secret from stdin; one trailing line ending (what `echo` adds) is not part of it.
pub(super) fn read_stdin_secret() -> Result<Secret, String> {
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .map_err(|e| format!("cannot read the secret from standard input: {e}"))?;
    if buf.ends_with('\n') {
        buf.pop();
        if buf.ends_with('\r') {
            buf.pop();
        }
    }
    Ok(Secret::new(buf))
}
