//! Text output of `check`: each step with its status and duration, the verdict (the same words
//! as the window and the Markdown report: [`crate::verdict`]), then the hints, most likely cause
//! first, with the fix.

use crate::diagnose::{Hint, Severity};
use crate::transcript::{StepStatus, Transcript};
use std::fmt::Write;

pub fn render(t: &Transcript, hints: &[Hint]) -> String {
    render_check(t, hints, None)
}

/// [`render`] with the target the check was given: its required capabilities and its API key's
/// expiry join the account's lines.
pub fn render_check(t: &Transcript, hints: &[Hint], target: Option<&crate::plan::Target>) -> String {
    // Addresses, step errors and notes quote the input and the server: one line each, escaped
    // (hints are escaped where they are made).
    use crate::sanitize::for_display as shown;
    let mut out = String::new();
    let v = crate::verdict::verdict(t.outcome, hints);
    let first_failed = t.failed_step().map(|s| s.name);
    let _ = writeln!(
        out,
        "Control Room: {}",
        shown(t.base_url.as_deref().unwrap_or(t.input_url.as_str()))
    );
    for s in &t.steps {
        let mark = match s.status {
            StepStatus::Ok => "ok  ",
            StepStatus::Failed => "FAIL",
            StepStatus::Skipped => " -  ",
            StepStatus::Pending | StepStatus::Running => " .. ",
        };
        let mut line = format!("  [{mark}] {:<13}", s.name.title());
        if s.status != StepStatus::Skipped {
            let _ = write!(line, "{:>8.0} ms", s.duration_ms);
        }
        if let Some(r) = &s.response {
            let _ = write!(line, "  HTTP {} {}", r.status, r.reason);
        }
        // Plain words (the verdict's for the step it is about); the raw error text is in the
        // JSON report. An unexpected answer is already said by its status.
        if crate::verdict::is_about_step(&v, hints, s.name, first_failed) {
            let _ = write!(line, "  {}", v.kind.word());
        } else if !(matches!(s.error, Some(crate::transcript::StepError::Answer { .. })) && s.response.is_some())
            && let Some(p) = crate::verdict::step_problem(s)
        {
            let _ = write!(line, "  {p}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
        for n in &s.notes {
            let _ = writeln!(out, "         {}", shown(n));
        }
    }
    let _ = writeln!(
        out,
        "\n{}: {}",
        v.kind.short().to_uppercase(),
        crate::verdict::plain(&v.headline)
    );
    if let Some(c) = &v.caveat {
        let _ = writeln!(out, "  But: {}", crate::verdict::plain(c));
    }
    if let Some(c) = v.credentials_note() {
        let _ = writeln!(out, "  {c}");
    }
    if let Some(step) = &v.first_step {
        let _ = writeln!(out, "  First step: {}", crate::verdict::plain(step));
    }
    if let Some(a) = &t.account {
        // What the account can do, in the window's words (`crate::capabilities`).
        let require = target.map(|t| t.require.as_slice()).unwrap_or(&[]);
        let caps = crate::capabilities::Capabilities::from_account(a, &t.probes, require);
        let _ = writeln!(out, "\nAccount: {}", shown(a.username.as_deref().unwrap_or("-")));
        let mut lines = caps.lines();
        if let Some(k) = target.and_then(|tg| crate::capabilities::key_expiry_words(tg, t.started_at)) {
            lines.push(("API key".into(), k));
        }
        for (k, v) in lines {
            let _ = writeln!(out, "  {:<12} {}", shown(&k), shown(&v));
        }
    }
    out.push_str(&hints_text(hints));
    // Everything above is escaped where it was made; this pass keeps a terminal safe whatever a
    // later change forgets (it leaves escaped text as it is).
    crate::sanitize::for_display_multiline(&out).into_owned()
}

/// The hints as `check` and `explain` print them: most likely cause first, each with its fix,
/// evidence and id.
pub(super) fn hints_text(hints: &[Hint]) -> String {
    let mut out = String::new();
    for (i, h) in hints.iter().enumerate() {
        let lead = if i == 0 && h.severity != Severity::Info {
            "Most likely cause: "
        } else {
            ""
        };
        let _ = writeln!(out, "\n{lead}[{}] {}", h.severity.as_str(), h.title);
        if !h.detail.is_empty() {
            let _ = writeln!(out, "{}", indent(&h.detail));
        }
        if !h.fix.is_empty() {
            let _ = writeln!(out, "  What to do:\n{}", indent(&h.fix));
        }
        if let Some(e) = &h.evidence {
            let _ = writeln!(out, "  Evidence: {}", crate::sanitize::for_display(e));
        }
        if let Some(l) = h.link {
            let _ = writeln!(out, "  More: {l}");
        }
        let _ = writeln!(out, "  ({})", h.id);
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// A plain text table, columns padded to the widest cell.
pub(super) fn table<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> String {
    // Cells quote files and servers: one line each, escaped (a line break would fake a row).
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|r| r.clone().map(|c| crate::sanitize::for_display(&c).into_owned()))
        .collect();
    let rows = rows.as_slice();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::HintId;
    use crate::transcript::{Outcome, RecordedResponse, StepError, StepName, StepRecord};

    fn transcript(outcome: Outcome, status: u16, reason: &str) -> Transcript {
        let mut auth = StepRecord::new(StepName::Authenticate);
        auth.status = StepStatus::Failed;
        auth.response = Some(RecordedResponse {
            status,
            reason: reason.into(),
            ..Default::default()
        });
        auth.error = Some(StepError::Answer {
            detail: format!("the login was refused (HTTP {status})"),
        });
        Transcript {
            started_at: time::OffsetDateTime::UNIX_EPOCH,
            input_url: "https://cr.example.com".into(),
            base_url: Some("https://cr.example.com".into()),
            steps: vec![auth, StepRecord::skipped(StepName::Validate)],
            outcome,
            connect: None,
            token: None,
            account: None,
            login_attempts: 1,
            token_valid: None,
            token_received_at: None,
            probes: Vec::new(),
        }
    }

    /// A 429 and a gateway's 502 read as what they are, in the verdict's words; the engine's
    /// "the login was refused" never reaches the text.
    #[test]
    fn a_rate_limit_and_a_bad_gateway_are_not_refused_credentials() {
        for (outcome, status, reason, id, first) in [
            (
                Outcome::Rejected,
                429,
                "Too Many Requests",
                HintId::HttpRateLimited,
                "INCOMPLETE: ",
            ),
            (
                Outcome::Unreachable,
                502,
                "Bad Gateway",
                HintId::HttpServerError,
                "SERVER PROBLEM: ",
            ),
        ] {
            let hint = Hint::new(id, Severity::Error, "Title").fix("1. Wait.\n2. Then.");
            let text = render(&transcript(outcome, status, reason), &[hint]);
            assert!(text.contains(&format!("\n{first}Title\n")), "{text}");
            assert!(text.contains("First step: Wait."), "{text}");
            assert!(text.contains("Most likely cause: [error] Title"), "{text}");
            for wrong in ["REFUSED", "login was refused", "did not accept"] {
                assert!(!text.contains(wrong), "{wrong} in\n{text}");
            }
        }
        let hint = Hint::new(HintId::AuthBadCredentials, Severity::Error, "Not accepted");
        let text = render(&transcript(Outcome::Rejected, 401, "Unauthorized"), &[hint]);
        assert!(text.contains("\nREFUSED: Not accepted\n"), "{text}");
        assert!(text.contains("HTTP 401 Unauthorized  Credentials refused"), "{text}");
    }
}
