//! `aa-conntest check`: one check headless, text or JSON on stdout, outcome as exit code.

use super::EXIT_INVALID_INPUT;
use super::args::CheckArgs;
use crate::engine;
use crate::plan::{AuthMode, CheckOptions, Plan};
use crate::report;
use crate::secret::Secret;
use std::io::Read;

pub fn run(args: CheckArgs) -> i32 {
    if args.all_profiles {
        return crate::profiles::cli::check_all(&args);
    }
    if let Some(name) = &args.profile {
        return crate::profiles::cli::check_profile(name, &args);
    }
    let plan = match plan_from_args(&args) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("aa-conntest check: {msg}");
            return EXIT_INVALID_INPUT;
        }
    };
    let Some(result) = run_plan(&plan) else {
        return 2;
    };
    let report = report::build(&plan, &result.transcript, &result.hints);
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", super::text::render(&result.transcript, &result.hints));
    }
    if let Some(path) = &args.save_report {
        match crate::report_markdown::save_report(path, &report) {
            Ok((j, m)) => eprintln!("Report saved: {} and {}", j.display(), m.display()),
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    result.transcript.outcome.exit_code()
}

/// Run one check to the end on a fresh runtime; Ctrl-C cancels it cleanly (the transcript says
/// so). `None` when the runtime cannot start (the error is printed).
pub fn run_plan(plan: &Plan) -> Option<crate::worker::CheckResult> {
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("aa-conntest: cannot start: {e}");
            return None;
        }
    };
    Some(rt.block_on(async {
        let (cancel, token) = engine::cancel_pair();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        });
        crate::worker::check(plan, token).await
    }))
}

fn plan_from_args(args: &CheckArgs) -> Result<Plan, String> {
    let url = args.url.clone().ok_or("--url is required (the Control Room address)")?;
    let username = args.username.clone().ok_or("--username is required")?;
    let (auth, secret) = read_secret(args)?;
    Ok(Plan {
        input_url: url,
        username,
        auth,
        secret,
        options: args.options.apply(CheckOptions::default()),
    })
}

/// The secret comes from an environment variable or stdin, never from an argument.
fn read_secret(args: &CheckArgs) -> Result<(AuthMode, Secret), String> {
    secret_from_flags(args)?.ok_or_else(|| {
        "give the secret with --api-key-env VAR, --password-env VAR, --api-key-stdin or --password-stdin".to_string()
    })
}

/// The secret given by a flag, if any (`--api-key-env`, `--password-env`, `--api-key-stdin`,
/// `--password-stdin`).
pub fn secret_from_flags(args: &CheckArgs) -> Result<Option<(AuthMode, Secret)>, String> {
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
pub fn read_stdin_secret() -> Result<Secret, String> {
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
