//! The report as Markdown for a support ticket or an email, from the same data as the JSON
//! report (`docs/report.md`): outcome, target, steps, each request and response (already redacted),
//! hints with the most likely cause first, account, connection, tool version and time.
//! [`save_report`] writes both files atomically (the window calls it with the path from its
//! save dialog, off the UI thread); [`escape`] keeps server text inert.

use crate::diagnose::{Hint, Severity};
use crate::report::{Report, ReportRequest, ReportResponse, ReportStep};
use crate::transcript::{AccountSummary, ConnectInfo, StepStatus, TokenInfo};
use std::collections::BTreeMap;
use std::fmt::Write;

mod escape;
mod save;

use escape::{cell, code, fenced, in_table, prose};
pub use save::{SaveReportError, check_report_path, default_file_stem, report_paths, save_report};

/// Bodies longer than this are cut in the Markdown (the JSON report keeps them whole).
pub const BODY_LIMIT: usize = 4000;

fn outcome_sentence(outcome: &str) -> (&'static str, &'static str) {
    match outcome {
        "ok" => ("OK", "The credentials work: the token was issued and is valid."),
        "rejected" => (
            "Rejected",
            "The Control Room itself answered, and the check did not pass.",
        ),
        "unreachable" => (
            "Unreachable",
            "The Control Room API could not be reached, or something else answered.",
        ),
        "invalid_input" => ("Cannot test", "The input cannot be used as it is."),
        "cancelled" => ("Cancelled", "The check was stopped before it finished."),
        _ => ("Unknown", ""),
    }
}

// Every string a server, a certificate or a file chose is hostile here (issue 13, D5): a
// Markdown viewer must show it as text, never as HTML, a link, an image, a heading or a table.
// Values are code spans ([`code`]) or fenced blocks ([`fenced`]); prose that mixes our words with
// theirs (hint texts, step errors) goes through [`prose`], which escapes everything that could
// start markup and keeps only code spans and emphasis, which cannot. The whole document then goes
// through the terminal sanitiser, so `cat report.md` cannot drive a terminal either.

/// Pretty JSON when the body is JSON, cut to [`BODY_LIMIT`] characters.
fn body_text(body: &str) -> (String, &'static str, Option<usize>) {
    let (text, lang) = match serde_json::from_str::<serde_json::Value>(body.trim()) {
        Ok(v) if !body.trim().is_empty() => (serde_json::to_string_pretty(&v).unwrap_or_else(|_| body.into()), "json"),
        _ if body.trim_start().starts_with('<') => (body.to_string(), "html"),
        _ => (body.to_string(), "text"),
    };
    let total = text.chars().count();
    if total > BODY_LIMIT {
        let cut: String = text.chars().take(BODY_LIMIT).collect();
        (cut, lang, Some(total - BODY_LIMIT))
    } else {
        (text, lang, None)
    }
}

/// "0.4 ms", "12 ms", "1530 ms".
fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

fn status_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "✔ ok",
        StepStatus::Failed => "✖ failed",
        StepStatus::Skipped => "– skipped",
        StepStatus::Pending => "pending",
        StepStatus::Running => "running",
    }
}

fn step_title(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The report as Markdown: one section after the other, each written by its own function.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    summary(&mut out, r);
    diagnosis(&mut out, &r.hints);
    steps(&mut out, &r.steps);
    if let Some(c) = &r.connect {
        connection(&mut out, c);
    }
    if let Some(a) = &r.account {
        account(&mut out, &a.summary);
        capabilities(&mut out, &a.capabilities, r.target.key_expiry.as_deref());
    }
    if let Some(t) = &r.token {
        token(&mut out, t);
    }
    exchanges(&mut out, &r.steps);
    let _ = writeln!(
        out,
        "---\nReport written by aa-conntest {} (schema `{}`), {}.",
        r.tool_version,
        r.schema,
        crate::profiles::now_rfc3339()
    );
    // Bodies and headers are shown as they came: no control character reaches a terminal that
    // prints the file.
    crate::sanitize::for_display_multiline(&out).into_owned()
}

/// The headline, the target and when it was tested.
fn summary(out: &mut String, r: &Report) {
    let target = r.target.base_url.as_deref().unwrap_or(r.target.input_url.as_str());
    verdict(out, r);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Control Room | {} |", in_table(&code(target)));
    if r.target.base_url.as_deref() != Some(r.target.input_url.trim()) {
        let _ = writeln!(out, "| URL as typed | {} |", in_table(&code(&r.target.input_url)));
    }
    let _ = writeln!(
        out,
        "| Signed in with | {} for user {} |",
        match r.target.auth {
            crate::plan::AuthMode::ApiKey => "an API key",
            crate::plan::AuthMode::Password => "a password",
        },
        in_table(&code(&r.target.username))
    );
    let _ = writeln!(out, "| Outcome | `{}` |", r.outcome);
    let _ = writeln!(out, "| Tested at | {} |", cell(&r.started_at));
    let _ = writeln!(out, "| Tool | aa-conntest {} |", cell(r.tool_version));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "_Secrets are not in this report: API keys, passwords and tokens are replaced by a marker._\n"
    );
}

/// The verdict: the same words as the window and `check`'s text output ([`crate::verdict`]).
fn verdict(out: &mut String, r: &Report) {
    let Some(outcome) = crate::verdict::outcome_from_str(r.outcome) else {
        let (word, sentence) = outcome_sentence(r.outcome);
        let _ = writeln!(out, "# Control Room connection test: {word}\n");
        let _ = writeln!(out, "**{word}.** {sentence}\n");
        return;
    };
    let v = crate::verdict::verdict(outcome, &r.hints);
    // The headline and the first step quote the hints, which may quote the server: escaped as
    // the diagnosis below is.
    let one_line = |s: &str| prose(s.replace(['\r', '\n'], " ").trim());
    let _ = writeln!(out, "# Control Room connection test: {}\n", v.kind.short());
    let _ = writeln!(out, "**{}.** {}\n", v.kind.word(), one_line(&v.headline));
    if let Some(c) = &v.caveat {
        let _ = writeln!(out, "But: {}\n", one_line(c));
    }
    if let Some(c) = v.credentials_note() {
        let _ = writeln!(out, "{c}\n");
    }
    if let Some(step) = &v.first_step {
        let _ = writeln!(out, "**First step:** {}\n", one_line(step));
    }
}

/// The hints, most likely cause first.
fn diagnosis(out: &mut String, hints: &[Hint]) {
    if hints.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Diagnosis\n");
    for (i, h) in hints.iter().enumerate() {
        let lead = if i == 0 && h.severity != Severity::Info {
            "Most likely cause: "
        } else {
            ""
        };
        let title = prose(&h.title.replace(['\r', '\n'], " "));
        let _ = writeln!(out, "### {lead}{} ({})\n", title.trim(), h.severity.as_str());
        if !h.detail.is_empty() {
            let _ = writeln!(out, "{}\n", prose(h.detail.trim()));
        }
        if !h.fix.is_empty() {
            let _ = writeln!(out, "**What to do:**\n\n{}\n", prose(h.fix.trim()));
        }
        if let Some(e) = &h.evidence {
            let _ = writeln!(out, "**Evidence:** {}\n", code(e));
        }
        let mut tail = format!("Hint `{}`", h.id);
        if let Some(s) = h.step {
            let _ = write!(tail, " · step {s}");
        }
        if let Some(l) = h.link {
            let _ = write!(tail, " · <{l}>");
        }
        let _ = writeln!(out, "{tail}\n");
    }
}

/// One table row per step.
fn steps(out: &mut String, steps: &[ReportStep]) {
    let _ = writeln!(out, "## Steps\n");
    let _ = writeln!(
        out,
        "| Step | Status | Duration | HTTP | Detail |\n|---|---|---:|---|---|"
    );
    for s in steps {
        let duration = if s.status == StepStatus::Skipped {
            String::new()
        } else {
            ms(s.duration_ms)
        };
        let http = s.response.as_ref().map(|x| x.status.to_string()).unwrap_or_default();
        let mut detail = s.error.clone().unwrap_or_default();
        for n in &s.notes {
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            detail.push_str(n);
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            step_title(s.name),
            status_word(s.status),
            duration,
            http,
            cell(&detail)
        );
    }
    let _ = writeln!(out);
}

/// Where the check connected, how long each phase took, and the certificates.
fn connection(out: &mut String, c: &ConnectInfo) {
    let _ = writeln!(out, "## Connection\n");
    let _ = writeln!(out, "- Host: {} port {}", code(&c.host), c.port);
    if !c.addresses.is_empty() {
        let _ = writeln!(out, "- Resolved to: {}", cell(&c.addresses.join(", ")));
    }
    if let Some(a) = &c.connected_to {
        let _ = writeln!(out, "- Connected to: {}", cell(a));
    }
    if let Some(p) = &c.proxy {
        let _ = writeln!(out, "- Proxy: {}", code(p));
    }
    let timing = [("DNS", c.dns_ms), ("TCP", c.tcp_ms), ("TLS", c.tls_ms)]
        .iter()
        .filter_map(|(n, v)| v.map(|v| format!("{n} {}", ms(v))))
        .collect::<Vec<_>>();
    if !timing.is_empty() {
        let _ = writeln!(out, "- Timings: {}", timing.join(", "));
    }
    if let Some(v) = &c.tls_version {
        let _ = writeln!(
            out,
            "- TLS: {}{}",
            cell(v),
            c.cipher
                .as_deref()
                .map(|x| format!(", {}", cell(x)))
                .unwrap_or_default()
        );
    }
    for (i, cert) in c.certificates.iter().enumerate() {
        let _ = writeln!(
            out,
            "- Certificate {}: subject {}, issuer {}{}{}{}",
            i + 1,
            code(&cert.subject),
            code(&cert.issuer),
            cert.not_after
                .as_deref()
                .map(|x| format!(", valid until {}", cell(x)))
                .unwrap_or_default(),
            if cert.sans.is_empty() {
                String::new()
            } else {
                format!(", names {}", cell(&cert.sans.join(", ")))
            },
            if cert.self_signed { " (self-signed)" } else { "" }
        );
    }
    let _ = writeln!(out);
}

/// Who the account is, from the login answer.
fn account(out: &mut String, a: &AccountSummary) {
    let _ = writeln!(out, "## Account\n");
    let mut line = |label: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            let _ = writeln!(out, "- {label}: {}", code(v));
        }
    };
    line("Username", &a.username);
    line("User id", &a.id);
    line("Email", &a.email);
    line("Domain", &a.domain);
    let name = match (&a.first_name, &a.last_name) {
        (None, None) => None,
        (f, l) => Some(
            format!("{} {}", f.as_deref().unwrap_or(""), l.as_deref().unwrap_or(""))
                .trim()
                .to_string(),
        ),
    };
    line("Name", &name);
    line("Tenant", &a.tenant);
    line("Token expires", &a.token_expires_at);
    if !a.roles.is_empty() {
        let _ = writeln!(out, "- Roles: {}", cell(&a.roles.join(", ")));
    }
    if !a.license_features.is_empty() {
        let _ = writeln!(out, "- Licences: {}", cell(&a.license_features.join(", ")));
    }
    if let Some(d) = a.disabled {
        let _ = writeln!(out, "- Disabled: {}", if d { "yes" } else { "no" });
    }
    if let Some(m) = a.multiple_login {
        let _ = writeln!(out, "- Multiple login: {}", if m { "yes" } else { "no" });
    }
    let _ = writeln!(out);
}

/// What the account can do, in the window's words (`crate::capabilities`): roles and licences,
/// permissions by resource type, the probes' answers, the profile's requirements, the key's expiry.
fn capabilities(out: &mut String, c: &crate::capabilities::Capabilities, key_expiry: Option<&str>) {
    let _ = writeln!(out, "### What the account can do\n");
    let mut lines = c.lines();
    if let Some(k) = key_expiry {
        lines.push(("API key".into(), k.to_string()));
    }
    for (label, text) in lines {
        let _ = writeln!(
            out,
            "- **{}**: {}",
            prose(&label),
            prose(&text.replace(['\r', '\n'], " "))
        );
    }
    let _ = writeln!(out);
}

/// What the token says about itself (never the token).
fn token(out: &mut String, t: &TokenInfo) {
    let _ = writeln!(out, "## Token\n");
    let _ = writeln!(
        out,
        "- {} ({} characters){}",
        if t.is_jwt { "A JWT" } else { "Not a JWT" },
        t.length,
        t.alg
            .as_deref()
            .map(|a| format!(", signed with {}", cell(a)))
            .unwrap_or_default()
    );
    for (label, v) in [("Issued at", t.iat), ("Expires at", t.exp)] {
        if let Some(secs) = v {
            let when = time::OffsetDateTime::from_unix_timestamp(secs)
                .ok()
                .and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_else(|| secs.to_string());
            let _ = writeln!(out, "- {label}: {when}");
        }
    }
    let _ = writeln!(out);
}

/// Each step's request and response, as recorded (already redacted).
fn exchanges(out: &mut String, steps: &[ReportStep]) {
    let with_http: Vec<&ReportStep> = steps
        .iter()
        .filter(|s| s.request.is_some() || s.response.is_some())
        .collect();
    if with_http.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Requests and responses\n");
    for s in with_http {
        let _ = writeln!(out, "### {}\n", step_title(s.name));
        if let Some(req) = &s.request {
            request(out, req);
        }
        if let Some(res) = &s.response {
            response(out, s.duration_ms, res);
        }
    }
}

fn request(out: &mut String, req: &ReportRequest) {
    let _ = writeln!(out, "**Request:** {}\n", code(&format!("{} {}", req.method, req.url)));
    headers(out, &req.headers);
    if let Some(b) = req.body.as_deref().filter(|b| !b.is_empty()) {
        body(out, b);
    }
}

fn response(out: &mut String, duration_ms: f64, res: &ReportResponse) {
    let _ = writeln!(
        out,
        "**Response:** HTTP {}{}{}\n",
        res.status,
        if duration_ms > 0.0 {
            format!(" after {}", ms(duration_ms))
        } else {
            String::new()
        },
        if res.truncated {
            " (the body was longer than the read limit and was cut)"
        } else {
            ""
        }
    );
    headers(out, &res.headers);
    if !res.body.is_empty() {
        body(out, &res.body);
    }
}

fn headers(out: &mut String, headers: &BTreeMap<String, String>) {
    if !headers.is_empty() {
        let h: String = headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        fenced(out, "http", &h);
        let _ = writeln!(out);
    }
}

fn body(out: &mut String, b: &str) {
    let (text, lang, cut) = body_text(b);
    fenced(out, lang, &text);
    if let Some(n) = cut {
        let _ = writeln!(out, "_{n} more characters cut; the JSON report has the whole body._");
    }
    let _ = writeln!(out);
}
