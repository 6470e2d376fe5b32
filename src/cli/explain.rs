//! `aa-conntest explain [FILE|-]…`: read a pasted request or answer (curl, PowerShell, HTTP, HAR,
//! Postman, Bruno, Insomnia, an error body…), say what is wrong with it before anything is sent,
//! and with `--run` test it the right way (the normal check, filled from the paste). Exit codes
//! as `check` (docs/cli.md): 0 nothing wrong found, 1 and 2 as the diagnosed cause, 3 unreadable.

use super::args::OptionArgs;
use super::exit::{CliError, Exit};
use crate::diagnose::Severity;
use crate::paste::{self, Explanation, MAX_PASTE_BYTES};
use crate::plan::CheckOptions;
use crate::transcript::Outcome;
use clap::Args;
use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The paste: one or more files read as one (a Postman collection and its environment), or
    /// `-` (the default) for standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the explanation as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Then test it the right way: fill a check from the paste (address without its path,
    /// username, sign-in mode, the secret kept in memory only) and run it.
    #[arg(long)]
    pub run: bool,
    /// With --run: also save the check's report as JSON and Markdown.
    #[arg(long, value_name = "PATH", requires = "run")]
    pub save_report: Option<PathBuf>,
    #[command(flatten)]
    pub options: OptionArgs,
}

pub fn run(args: ExplainArgs) -> Result<Exit, CliError> {
    let text = read_input(&args.files).map_err(|m| CliError::InvalidInput(format!("aa-conntest explain: {m}")))?;
    let explanation = paste::explain(&text).map_err(|e| CliError::InvalidInput(format!("aa-conntest explain: {e}")))?;
    drop(text);
    if !args.run {
        if args.json {
            println!("{}", explanation.to_json_value());
        } else {
            print!("{}", render(&explanation));
        }
        return Ok(exit_of(&explanation));
    }
    let fill = explanation
        .fill
        .clone()
        .map_err(|why| CliError::InvalidInput(format!("aa-conntest explain --run: cannot test: {why}")))?;
    let plan = fill.plan(args.options.apply(CheckOptions::default()));
    if !args.json {
        print!("{}", render(&explanation));
        println!(
            "\nTesting it the right way: {} as {} with the {} from {}.\n",
            fill.url,
            if fill.username.is_empty() {
                "(no username)"
            } else {
                fill.username.as_str()
            },
            plan.target.auth.secret_label(),
            fill.secret_from.as_deref().unwrap_or("(nowhere: none in the paste)")
        );
    }
    let result = super::check::run_plan(&plan)?;
    let report = crate::report::build(&plan, &result.transcript, &result.hints);
    if args.json {
        let out = serde_json::json!({
            "explanation": explanation.to_json_value(),
            "report": serde_json::from_str::<serde_json::Value>(&report.to_json()).unwrap_or_default(),
        });
        println!("{out}");
    } else {
        print!("{}", super::text::render(&result.transcript, &result.hints));
    }
    if let Some(path) = &args.save_report {
        super::check::save_report(path, &report);
    }
    Ok(Exit::Checked(result.transcript.outcome))
}

fn exit_of(e: &Explanation) -> Exit {
    Exit::Checked(match e.exit_code() {
        0 => Outcome::Ok,
        2 => Outcome::Unreachable,
        _ => Outcome::Rejected,
    })
}

/// All files one after the other (each at most the paste limit), or standard input.
fn read_input(files: &[PathBuf]) -> Result<String, String> {
    let stdin = files.is_empty() || files.iter().any(|f| f.as_os_str() == "-");
    let mut out = String::new();
    let mut read_one = |name: &str, r: &mut dyn Read| -> Result<(), String> {
        let mut buf = Vec::new();
        r.take(MAX_PASTE_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read {name}: {e}"))?;
        if buf.len() + out.len() > MAX_PASTE_BYTES {
            return Err(format!("{name}: {}", paste::Unreadable::TooLarge));
        }
        let text = String::from_utf8(buf).map_err(|_| format!("{name} is not text (UTF-8)"))?;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
        Ok(())
    };
    if stdin {
        read_one("standard input", &mut std::io::stdin())?;
    }
    for f in files.iter().filter(|f| f.as_os_str() != "-") {
        let name = f.display().to_string();
        let meta = std::fs::metadata(f).map_err(|e| format!("cannot read {name}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{name} is not a file"));
        }
        let mut file = std::fs::File::open(f).map_err(|e| format!("cannot read {name}: {e}"))?;
        read_one(&name, &mut file)?;
    }
    Ok(out)
}

/// The explanation as text: what was read, then the hints as `check` prints them.
pub fn render(e: &Explanation) -> String {
    let p = &e.paste;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Read as: {} ({} request{}, {} answer{})",
        p.kind.describe(),
        p.requests.len(),
        if p.requests.len() == 1 { "" } else { "s" },
        p.answers.len(),
        if p.answers.len() == 1 { "" } else { "s" }
    );
    for (i, r) in p.requests.iter().enumerate().take(10) {
        let _ = writeln!(
            out,
            "  request {}: {} ({})",
            i + 1,
            r.line(),
            crate::sanitize::for_display(&r.origin)
        );
    }
    for a in p.answers.iter().take(5) {
        let status = a
            .status
            .map(|s| format!("{s} {}", a.reason))
            .unwrap_or_else(|| "no status line".into());
        let _ = writeln!(
            out,
            "  answer: {} {}",
            status.trim(),
            paste::quote_for_text(&a.body, 100)
        );
    }
    let secrets: Vec<String> = p
        .secrets
        .iter()
        .filter(|s| !s.facts.reference)
        .map(|s| format!("{} ({} characters)", s.kind.describe(), s.facts.chars))
        .collect();
    if !secrets.is_empty() {
        let _ = writeln!(out, "  secrets found, masked everywhere: {}", secrets.join(", "));
    }
    let verdict = match e.exit_code() {
        0 if e.hints.iter().any(|h| h.severity == Severity::Warning) => {
            "NOTHING BLOCKING FOUND: the paste looks right, with the warnings below."
        }
        0 => "NOTHING WRONG FOUND in the paste.",
        2 => "NOT THE API: something else than the Control Room's API answered, or would.",
        _ => "WRONG: the Control Room refused this, or would.",
    };
    let _ = writeln!(out, "\n{verdict}");
    out.push_str(&super::text::hints_text(&e.hints));
    match &e.fill {
        Ok(_) => {
            let _ = writeln!(
                out,
                "\nTo test it the right way: aa-conntest explain --run (same input)."
            );
        }
        Err(why) => {
            let _ = writeln!(out, "\nCannot test it from the paste alone: {why}.");
        }
    }
    // The paste is outside text: whatever of it is quoted above reaches the terminal escaped.
    crate::sanitize::for_display_multiline(&out).into_owned()
}
