//! `check --profile NAME` and `check --all-profiles`: checks of saved profiles, through
//! [`profiles::check_saved`] (the same path as the window's "Test all"), recorded in the history.
//! A secret the Control Room refused before is not sent again until it changes (`--force` sends
//! it, and says what it risks); a profile without a secret on this computer is "not tested".

use super::args::CheckArgs;
use super::exit::{CliError, Exit};
use super::junit;
use super::profiles::{not_found, open_history, open_store, warn_all};
use crate::plan::AuthMode;
use crate::profiles::{
    self, Checked, History, NoSecret, NotTested, Profile, Refusals, SavedCheck, SecretFrom, StoreError, StoreWarning,
    secrets,
};
use crate::secret::Secret;
use crate::transcript::Outcome;
use serde_json::{Value, json};

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

/// How to give the secret of `p` on the command line.
fn how_to_give(p: &Profile) -> String {
    let flag = flag_word(p.target.auth);
    format!(
        "give it with --{flag}-stdin or --{flag}-env VAR, or save it with \
         `aa-conntest profiles set-secret \"{}\" --{flag}-stdin`",
        p.name
    )
}

/// The words for a profile without a secret: what, why, how to give it; the raw error last.
fn no_secret_words(p: &Profile, why: &NoSecret) -> String {
    let mut s = format!(
        "{} for \"{}\". {} To test it, {}.",
        why.headline(p.target.auth),
        p.name,
        why.why(),
        how_to_give(p)
    );
    if let Some(t) = why.technical() {
        s.push_str(&format!(" (Technical details: {t})"));
    }
    s
}

/// The words for a profile whose secret was refused before and is not sent again.
fn refused_words(p: &Profile, r: &Refusals) -> String {
    format!(
        "not sent for \"{}\": {} {} Change the {label} (`aa-conntest profiles set-secret \"{}\" --{flag}-stdin`), \
         or add --force to send this one anyway.",
        p.name,
        r.seen(p.target.auth, &p.target.username),
        r.risk(),
        p.name,
        label = p.target.auth.secret_label(),
        flag = flag_word(p.target.auth),
    )
}

/// With --force, before the login is sent: what it risks.
fn warn_forced(p: &Profile, history: Option<&History>, secret: &Secret) {
    let Some(h) = history else { return };
    if let Ok((_, Some(r))) = profiles::guard_state(h, p, secret) {
        eprintln!(
            "warning: --force: sending the login for \"{}\" although {} {}",
            p.name,
            lower_first(&r.seen(p.target.auth, &p.target.username)),
            r.risk()
        );
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The saved secret of `p` for `check --profile`, or the words for why there is none.
fn keyring_secret(p: &Profile) -> Result<Secret, String> {
    let secrets = secrets::open_default();
    profiles::read_secret(secrets.as_ref(), &p.id).map_err(|why| no_secret_words(p, &why))
}

/// The JSON of a profile that was not tested: report-shaped (schema, target, outcome), with
/// `outcome: "not_tested"`, no steps, no hints, and `not_tested` saying why.
fn not_tested_json(p: &Profile, why: &NotTested) -> Value {
    let mut detail = json!({
        "reason": why.reason(),
        "message": why.summary(p),
    });
    match why {
        NotTested::NoSecret(n) => {
            detail["why"] = json!(n.why());
            if let Some(t) = n.technical() {
                detail["technical"] = json!(t);
            }
        }
        NotTested::RefusedBefore(r) => {
            detail["refusals"] = json!(r.count);
            detail["last_refused_at"] = json!(r.last_at);
            detail["why"] = json!(format!("{} {}", r.seen(p.target.auth, &p.target.username), r.risk()));
        }
    }
    json!({
        "schema": crate::report::SCHEMA,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "started_at": profiles::now_rfc3339(),
        "profile": p.name,
        "target": {
            "input_url": p.target.url,
            "base_url": crate::target_url::normalise(&p.target.url).ok().map(|n| n.base),
            "auth": p.target.auth,
            "username": p.target.username.trim(),
        },
        "outcome": "not_tested",
        "not_tested": detail,
        "steps": [],
        "hints": [],
    })
}

/// The report of a check that ran, with the profile's name.
fn checked_json(p: &Profile, report: &crate::report::Report) -> Value {
    let mut v = serde_json::to_value(report).unwrap_or_else(|e| json!({"error": e.to_string()}));
    if let Some(o) = v.as_object_mut() {
        o.insert("profile".into(), json!(p.name));
    }
    v
}

/// `check --profile NAME`: the profile's settings (check options on the command line win), its
/// secret from the keyring (or from --api-key-env/…-stdin when given), and the result recorded.
/// A secret refused before is not sent (exit 1) unless --force.
pub fn check_profile(name: &str, args: &CheckArgs) -> Result<Exit, CliError> {
    let store = open_store().map_err(invalid)?;
    let mut profile = store
        .get_by_name(name)
        .cloned()
        .ok_or_else(|| invalid(not_found(name)))?;
    profile.target.options = args.options.apply(profile.target.options.clone());
    args.admin.apply(&mut profile.target);
    let secret = match super::secret_from_flags(args).map_err(invalid)? {
        Some((auth, s)) => {
            profile.target.auth = auth;
            s
        }
        None => keyring_secret(&profile).map_err(invalid)?,
    };
    let history = open_history();
    if args.force {
        warn_forced(&profile, history.as_ref(), &secret);
    }
    super::check::announce_network(&profile);
    if args.options.proxy.is_none() {
        // The proxy's password, kept in the keyring (issue 13, D4).
        profile.target.options.proxy =
            profiles::model::proxy_with_saved_credentials(secrets::open_default().as_ref(), &profile);
    }
    let rt = super::check_runtime()?;
    let (done, _) = super::check::until_ctrl_c(&rt, |cancel| {
        profiles::check_saved(
            &profile,
            SecretFrom::Given(secret),
            history.as_ref(),
            args.force,
            cancel,
        )
    });
    let checked = match done {
        SavedCheck::Checked(c) => c,
        SavedCheck::NotTested(why) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&not_tested_json(&profile, &why)).unwrap_or_default()
                );
            }
            let words = match &why {
                NotTested::RefusedBefore(r) => refused_words(&profile, r),
                NotTested::NoSecret(n) => no_secret_words(&profile, n),
            };
            eprintln!("aa-conntest check: {words}");
            // A secret refused before is still refused: the same exit code as the refusal.
            return Ok(Exit::Checked(match why {
                NotTested::RefusedBefore(_) => Outcome::Rejected,
                NotTested::NoSecret(_) => Outcome::InvalidInput,
            }));
        }
    };
    report_recorded(&checked.recorded);
    if let Some(why) = &checked.guard_off {
        eprintln!("warning: refused secrets cannot be remembered for this profile: {why}");
    }
    let Checked { plan, result, .. } = *checked;
    let report = crate::report::build(&plan, &result.transcript, &result.hints);
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!("Profile: {}", profile.name);
        print!(
            "{}",
            super::text::render_check(&result.transcript, &result.hints, Some(&plan.target))
        );
    }
    let saved = match &args.save_report {
        Some(path) => super::check::save_report(path, &report),
        None => Exit::Done,
    };
    let expiring = super::check::expiring_exit(args, &plan.target, result.transcript.outcome);
    Ok(Exit::Checked(result.transcript.outcome).worst(saved).worst(expiring))
}

/// How one profile of `--all-profiles` ended.
enum Row {
    Checked {
        report: Box<crate::report::Report>,
        text: String,
        seconds: f64,
        /// `--fail-on-expiring`: the check passed and the key expires within its days.
        expiring: bool,
    },
    NotTested(NotTested),
}

/// `check --all-profiles`: every profile in turn, one login attempt each, except those without a
/// secret here and those whose secret was refused before (unless --force); a table of outcomes
/// (or `--json`: an array of reports), `--junit FILE`. The exit code is the worst outcome of the
/// profiles tested; a profile not sent because its secret was refused before counts as refused
/// (1); profiles without a secret do not count, unless no profile could be tested at all (3).
/// Ctrl-C cancels the running check and stops.
pub fn check_all(args: &CheckArgs) -> Result<Exit, CliError> {
    let store = open_store().map_err(invalid)?;
    if store.list().is_empty() {
        return Err(invalid(
            "there are no saved profiles to test (`aa-conntest profiles add …`)",
        ));
    }
    let secrets = secrets::open_default();
    let availability = secrets.status();
    if let Some(msg) = availability.message_if_limited() {
        eprintln!("warning: {msg}");
        if let Some(t) = availability.technical() {
            eprintln!("  (technical details: {t})");
        }
    }
    if let Some(path) = &args.junit {
        // Before any login is sent: a file that cannot be written would waste them.
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if dir.is_some_and(|d| !d.is_dir()) || path.is_dir() {
            return Err(invalid(format!(
                "the JUnit file {} cannot be written there (no such directory, or it is a directory)",
                path.display()
            )));
        }
    }
    let history = open_history();
    let rt = super::check_runtime()?;
    let mut rows: Vec<(Profile, Row)> = Vec::new();
    // A report that could not be written makes the run fail too (exit 3 unless worse).
    let mut saving = Exit::Done;
    for p in store.list() {
        let mut profile = p.clone();
        profile.target.options = args.options.apply(profile.target.options.clone());
        args.admin.apply(&mut profile.target);
        let secret = if availability.is_persistent() {
            profiles::read_secret(secrets.as_ref(), &profile.id)
        } else {
            Err(NoSecret::NoKeyring(availability.clone()))
        };
        let secret = match secret {
            Ok(s) => s,
            Err(why) => {
                rows.push((profile, Row::NotTested(NotTested::NoSecret(why))));
                continue;
            }
        };
        if args.force {
            warn_forced(&profile, history.as_ref(), &secret);
        }
        super::check::announce_network(&profile);
        if args.options.proxy.is_none() {
            // The proxy's password, kept in the keyring beside the secret (issue 13, D4).
            profile.target.options.proxy = profiles::model::proxy_with_saved_credentials(secrets.as_ref(), &profile);
        }
        let (done, interrupted) = super::check::until_ctrl_c(&rt, |cancel| {
            profiles::check_saved(
                &profile,
                SecretFrom::Given(secret),
                history.as_ref(),
                args.force,
                cancel,
            )
        });
        let row = match done {
            SavedCheck::NotTested(why) => Row::NotTested(why),
            SavedCheck::Checked(c) => {
                report_recorded(&c.recorded);
                let t = &c.result.transcript;
                let report = crate::report::build(&c.plan, t, &c.result.hints);
                if let Some(dir) = &args.save_report {
                    let stem = crate::report_markdown::default_file_stem(&report);
                    let slug: String = profile
                        .name
                        .chars()
                        .map(|c| if c.is_alphanumeric() { c } else { '_' })
                        .collect();
                    saving = saving.worst(super::check::save_report(&dir.join(format!("{stem}-{slug}")), &report));
                }
                Row::Checked {
                    text: super::text::render_check(t, &c.result.hints, Some(&c.plan.target)),
                    seconds: t.duration_ms() / 1000.0,
                    expiring: super::check::expiring_exit(args, &c.plan.target, t.outcome) == Exit::KeyExpiring,
                    report: Box::new(report),
                }
            }
        };
        rows.push((profile, row));
        if interrupted {
            break;
        }
    }

    if args.json {
        let all: Vec<Value> = rows
            .iter()
            .map(|(p, row)| match row {
                Row::Checked { report, .. } => checked_json(p, report),
                Row::NotTested(why) => not_tested_json(p, why),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    } else {
        print_table(&rows);
    }
    for (p, row) in &rows {
        if let Row::NotTested(why) = row {
            let words = match why {
                NotTested::RefusedBefore(r) => refused_words(p, r),
                NotTested::NoSecret(n) => format!("not tested: {}", no_secret_words(p, n)),
            };
            eprintln!("{words}");
        }
    }
    if let Some(path) = &args.junit {
        write_junit(path, &rows)?;
    }

    let mut worst = None::<Exit>;
    for (_, row) in &rows {
        let code = match row {
            Row::Checked { expiring: true, .. } => Exit::KeyExpiring,
            Row::Checked { report, .. } => Exit::Checked(outcome_of(report.outcome)),
            Row::NotTested(NotTested::RefusedBefore(_)) => Exit::Checked(Outcome::Rejected),
            Row::NotTested(NotTested::NoSecret(_)) => continue,
        };
        worst = Some(worst.map_or(code, |w| w.worst(code)));
    }
    match worst {
        Some(w) => Ok(w.worst(saving)),
        None => Err(invalid(
            "no profile could be tested: none has a secret on this computer (see above)",
        )),
    }
}

fn outcome_of(s: &str) -> Outcome {
    [
        Outcome::Ok,
        Outcome::Rejected,
        Outcome::Unreachable,
        Outcome::InvalidInput,
        Outcome::Cancelled,
    ]
    .into_iter()
    .find(|o| o.as_str() == s)
    .unwrap_or(Outcome::InvalidInput)
}

fn print_table(rows: &[(Profile, Row)]) {
    let table: Vec<[String; 5]> = rows
        .iter()
        .map(|(p, row)| match row {
            Row::Checked { report, .. } => [
                p.name.clone(),
                report.outcome.to_string(),
                format!("{:.0} ms", report.steps.iter().map(|s| s.duration_ms).sum::<f64>()),
                report.target.base_url.clone().unwrap_or_else(|| p.target.url.clone()),
                report
                    .hints
                    .first()
                    .map(|h| format!("{} ({})", h.title, h.id))
                    .unwrap_or_default(),
            ],
            Row::NotTested(why) => [
                p.name.clone(),
                match why {
                    NotTested::NoSecret(_) => "not tested".to_string(),
                    NotTested::RefusedBefore(_) => "not sent".to_string(),
                },
                "-".to_string(),
                p.target.url.clone(),
                why.summary(p),
            ],
        })
        .collect();
    print!(
        "{}",
        super::text::table(&["PROFILE", "OUTCOME", "TIME", "CONTROL ROOM", "MAIN FINDING"], &table)
    );
    let tested = rows.iter().filter(|(_, r)| matches!(r, Row::Checked { .. })).count();
    let ok = table.iter().filter(|r| r[1] == "ok").count();
    let untested = rows
        .iter()
        .filter(|(_, r)| matches!(r, Row::NotTested(NotTested::NoSecret(_))))
        .count();
    let guarded = rows.len() - tested - untested;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut line = format!("\n{ok} of {} profile{} OK", rows.len(), plural(rows.len()));
    if untested > 0 {
        line.push_str(&format!("; {untested} not tested (no secret on this computer)"));
    }
    if guarded > 0 {
        line.push_str(&format!("; {guarded} not sent (refused before; --force sends it)"));
    }
    println!("{line}.");
}

fn write_junit(path: &std::path::Path, rows: &[(Profile, Row)]) -> Result<(), CliError> {
    let cases: Vec<junit::Case> = rows
        .iter()
        .map(|(p, row)| {
            let (classname, seconds, result) = match row {
                Row::Checked {
                    report,
                    text,
                    seconds,
                    expiring,
                } => {
                    let result = if *expiring {
                        junit::CaseResult::Failed {
                            kind: "key_expiring".into(),
                            message: report
                                .hints
                                .iter()
                                .find(|h| h.id == crate::diagnose::HintId::InputKeyExpiring)
                                .map(|h| h.title.clone())
                                .unwrap_or_else(|| "The API key is about to expire".into()),
                            text: text.clone(),
                        }
                    } else if report.outcome == Outcome::Ok.as_str() {
                        junit::CaseResult::Passed
                    } else {
                        junit::CaseResult::Failed {
                            kind: report.outcome.to_string(),
                            message: report
                                .hints
                                .first()
                                .map(|h| h.title.clone())
                                .unwrap_or_else(|| format!("outcome: {}", report.outcome)),
                            text: text.clone(),
                        }
                    };
                    (
                        report.target.base_url.clone().unwrap_or_else(|| p.target.url.clone()),
                        *seconds,
                        result,
                    )
                }
                Row::NotTested(why) => (
                    crate::target_url::normalise(&p.target.url)
                        .map(|n| n.base)
                        .unwrap_or_else(|_| p.target.url.clone()),
                    0.0,
                    junit::CaseResult::Skipped {
                        message: why.summary(p),
                    },
                ),
            };
            junit::Case {
                name: p.name.clone(),
                classname,
                seconds,
                result,
            }
        })
        .collect();
    let host = std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_else(|_| "localhost".into());
    let xml = junit::render(
        "aa-conntest check --all-profiles",
        &profiles::now_rfc3339(),
        &host,
        &cases,
    );
    profiles::write_atomically(path, xml.as_bytes()).map_err(|e| {
        CliError::Failed(format!(
            "aa-conntest check: the JUnit file {} could not be written: {e}",
            path.display()
        ))
    })?;
    eprintln!("JUnit results written to {}", path.display());
    Ok(())
}
