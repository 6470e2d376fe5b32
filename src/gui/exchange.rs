//! Request and response side by side for the selected step: method, URL, headers, body (JSON
//! foldable), status line with timings, copy buttons. Everything shown here comes from the
//! transcript, which is already redacted: no secret can appear. While a step runs, the request
//! pane shows what is being sent (built from the plan, secrets masked) and the response pane how
//! long the answer may still take. A step's problem is said in the verdict's words; the raw error
//! text is under "Technical details".

use eframe::egui;

use super::command::Command;
use super::json_view;
use super::plain_words;
use super::rich_text::{self, Look};
use super::state::{Run, StepView, fmt_ms};
use super::theme;
use crate::local_time::Clock;
use crate::plan::Plan;
use crate::snippets;
use crate::transcript::{ConnectInfo, RecordedRequest, RecordedResponse, StepName, StepStatus, Timings};
use egui::{CollapsingHeader, Id, RichText, ScrollArea, Ui};

/// Bodies longer than this are shown cut (the copy button still copies them whole).
const SHOW_BODY_CHARS: usize = 200_000;

/// The smallest useful height of the panes (about eight lines).
pub const MIN_HEIGHT: f32 = 170.0;

pub fn show(ui: &mut Ui, run: Option<&Run>, selected: StepName, raw: bool, clock: &Clock, cmds: &mut Vec<Command>) {
    let Some(run) = run else {
        ui.centered_and_justified(|ui| {
            ui.weak("The request sent and the answer received will appear here.");
        });
        return;
    };
    let Some(view) = run.step(selected) else {
        return;
    };
    let connect = run.result().and_then(|r| r.transcript.connect.as_ref());
    let half = (ui.available_width() / 2.0).max(200.0);
    let left = egui::Panel::left("request_pane")
        .resizable(true)
        .default_size(half)
        .size_range(180.0..=(ui.available_width() - 180.0).max(200.0))
        .frame(pane_frame(false))
        .show(ui, |ui| {
            ScrollArea::both()
                .id_salt("request_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| request_pane(ui, run, view, raw, cmds));
        });
    super::splitter::vertical_grip(ui, left.response.rect.right(), left.response.rect.y_range());
    egui::CentralPanel::default().frame(pane_frame(true)).show(ui, |ui| {
        ScrollArea::both()
            .id_salt("response_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| response_pane(ui, run, view, connect, &raw, clock, cmds));
    });
}

/// Both panes get the same margins so their headings line up.
fn pane_frame(right: bool) -> egui::Frame {
    egui::Frame::new().inner_margin(egui::Margin {
        left: if right { 10 } else { 2 },
        right: if right { 2 } else { 10 },
        top: 4,
        bottom: 4,
    })
}

fn request_pane(ui: &mut Ui, run: &Run, view: &StepView, raw: bool, cmds: &mut Vec<Command>) {
    let recorded = view.record.as_ref().and_then(|r| r.request.as_ref());
    // In flight: what is being sent, from the plan (the engine records it when the step ends).
    let preview = match recorded {
        None if view.status == StepStatus::Running && !run.was_cancelled() => request_preview(&run.plan, view.name),
        _ => None,
    };
    let req = recorded.or(preview.as_ref());
    ui.horizontal(|ui| {
        ui.heading("Request");
        if let Some(req) = req {
            if ui
                .small_button("Copy as curl")
                .on_hover_text(
                    "A curl command for bash or zsh; secrets are written as $AA_API_KEY, $AA_PASSWORD, $AA_TOKEN",
                )
                .clicked()
            {
                cmds.push(Command::Copy(snippets::curl(req), "curl command"));
            }
            if ui
                .small_button("Copy as PowerShell")
                .on_hover_text(
                    "A PowerShell command; secrets are written as $env:AA_API_KEY, $env:AA_PASSWORD, $env:AA_TOKEN",
                )
                .clicked()
            {
                cmds.push(Command::Copy(snippets::powershell(req), "PowerShell command"));
            }
            let mut shown_raw = raw;
            ui.checkbox(&mut shown_raw, "Raw text")
                .on_hover_text("Show bodies as plain text instead of a foldable tree");
            if shown_raw != raw {
                cmds.push(Command::ShowRawBodies(shown_raw));
            }
        }
    });
    match req {
        Some(req) => {
            if preview.is_some() {
                ui.label(RichText::new("Being sent now (secrets masked):").color(theme::info(ui)));
            } else {
                ui.weak("Copied commands hold no secret: they refer to environment variables instead.");
            }
            ui.add_space(4.0);
            let json = match &preview {
                Some(p) => p.body.as_deref().and_then(|b| serde_json::from_str(b).ok()),
                None => view.request_json.clone(),
            };
            request_details(ui, req, json.as_ref(), &raw);
        }
        None => step_facts(ui, view),
    }
}

/// The request a step sends, as the engine will record it: the plan's address, the masked secret
/// or token.
pub fn request_preview(plan: &Plan, step: StepName) -> Option<RecordedRequest> {
    let base = crate::target_url::normalise(&plan.target.url).ok()?.base;
    let token = "<redacted token>".to_string();
    Some(match step {
        StepName::Authenticate => {
            let mut body = serde_json::Map::new();
            body.insert("username".into(), plan.target.username.trim().into());
            body.insert(
                plan.target.auth.body_field().into(),
                crate::secret::secret_marker(plan.secret.expose().trim()).into(),
            );
            if plan.target.options.multiple_login {
                body.insert("multipleLogin".into(), true.into());
            }
            RecordedRequest {
                method: "POST".into(),
                url: format!("{base}/v2/authentication"),
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("Accept".into(), "application/json".into()),
                ],
                body: Some(serde_json::Value::Object(body).to_string()),
            }
        }
        StepName::Validate => RecordedRequest {
            method: "GET".into(),
            url: format!("{base}/v1/authentication/token?token={token}"),
            headers: vec![
                ("X-Authorization".into(), token),
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
        },
        StepName::Logout => RecordedRequest {
            method: "POST".into(),
            url: format!("{base}/v1/authentication/logout"),
            headers: vec![("X-Authorization".into(), token)],
            body: None,
        },
        StepName::Preflight | StepName::Connect => return None,
    })
}

fn request_details(ui: &mut Ui, req: &RecordedRequest, json: Option<&serde_json::Value>, raw: &bool) {
    ui.add(
        egui::Label::new(
            RichText::new(format!("{} {}", req.method, req.url))
                .monospace()
                .strong(),
        )
        .selectable(true)
        .wrap(),
    );
    CollapsingHeader::new(format!("Request headers ({})", req.headers.len()))
        .id_salt("req_headers")
        .default_open(true)
        .show(ui, |ui| headers(ui, "req_headers_grid", &req.headers));
    if let Some(body) = &req.body {
        ui.label(RichText::new("Request body").strong());
        body_view(ui, ui.scope_id().with("req_body"), body, json, raw);
    }
}

fn response_pane(
    ui: &mut Ui,
    run: &Run,
    view: &StepView,
    connect: Option<&ConnectInfo>,
    raw: &bool,
    clock: &Clock,
    cmds: &mut Vec<Command>,
) {
    let rec = view.record.as_ref();
    let resp = rec.and_then(|r| r.response.as_ref());
    ui.horizontal(|ui| {
        ui.heading("Response");
        if let Some(resp) = resp
            && ui
                .small_button("Copy response")
                .on_hover_text("Copy the status line, headers and body (tokens stay masked)")
                .clicked()
        {
            cmds.push(Command::Copy(response_text(resp), "response"));
        }
    });
    if view.status == StepStatus::Running && rec.is_none() {
        waiting(ui, run, view);
        return;
    }
    if let Some(resp) = resp {
        status_line(ui, resp);
    }
    if let Some(t) = rec.and_then(|r| r.timings.as_ref())
        && view.name != StepName::Connect
    {
        ui.weak(timings_text(t));
    }
    if let Some(err) = rec.and_then(|r| r.error.as_ref()) {
        let (words, tone) = problem_words(run, view);
        let words = clock.localise_utc_stamps(&words);
        ui.horizontal_wrapped(|ui| {
            theme::icon(ui, theme::Icon::Error, 14.0);
            let look = Look {
                color: super::verdict_card::tone_color(ui, tone),
                ..Look::body(ui)
            };
            ui.add(
                egui::Label::new(rich_text::job(ui, &words, look))
                    .wrap()
                    .selectable(true),
            );
        });
        plain_words::technical_details(ui, ("step_error", view.name), |ui| {
            plain_words::raw_text(ui, &err.to_string());
        });
    }
    if let Some(resp) = resp {
        if resp.truncated {
            ui.colored_label(
                theme::warn(ui),
                format!(
                    "The body was longer than the limit; the first {} bytes are shown.",
                    resp.body_bytes
                ),
            );
        }
        CollapsingHeader::new(format!("Response headers ({})", resp.headers.len()))
            .id_salt("resp_headers")
            .default_open(false)
            .show(ui, |ui| headers(ui, "resp_headers_grid", &resp.headers));
        ui.label(RichText::new("Response body").strong());
        if resp.body.is_empty() {
            ui.weak("(empty)");
        } else {
            body_view(
                ui,
                ui.scope_id().with("resp_body"),
                &resp.body,
                view.response_json.as_ref(),
                raw,
            );
        }
    } else if view.name == StepName::Connect {
        if let Some(info) = connect {
            connect_facts(ui, info, clock);
        }
    } else if view.status == StepStatus::Skipped {
        ui.weak("This step did not run.");
    } else if view.status == StepStatus::Pending {
        ui.weak("Not started yet.");
    }
}

fn status_line(ui: &mut Ui, resp: &RecordedResponse) {
    let color = match resp.status {
        200..=299 => theme::ok(ui),
        300..=399 => theme::warn(ui),
        _ => theme::error(ui),
    };
    let mut text = format!("{} {}", resp.status, resp.reason);
    if !resp.http_version.is_empty() {
        text.push_str(&format!(" · {}", resp.http_version));
    }
    ui.label(RichText::new(text).monospace().strong().size(15.0).color(color));
}

fn timings_text(t: &Timings) -> String {
    let mut parts = Vec::new();
    for (name, v) in [
        ("DNS", t.dns_ms),
        ("connect", t.connect_ms),
        ("TLS", t.tls_ms),
        ("first byte", t.ttfb_ms),
        ("body", t.body_ms),
    ] {
        if let Some(ms) = v {
            parts.push(format!("{name} {}", fmt_ms(ms)));
        }
    }
    parts.push(format!("total {}", fmt_ms(t.total_ms)));
    match t.reused {
        Some(true) => parts.push("connection reused".into()),
        Some(false) => parts.push("new connection".into()),
        None => {}
    }
    parts.join(" · ")
}

fn headers(ui: &mut Ui, id: &str, headers: &[(String, String)]) {
    if headers.is_empty() {
        ui.weak("(none)");
        return;
    }
    egui::Grid::new(id).num_columns(2).striped(true).show(ui, |ui| {
        for (k, v) in headers {
            ui.label(RichText::new(k).monospace().strong());
            ui.add(egui::Label::new(RichText::new(v).monospace()).selectable(true).wrap());
            ui.end_row();
        }
    });
}

fn body_view(ui: &mut Ui, id: Id, body: &str, json: Option<&serde_json::Value>, raw: &bool) {
    match json {
        Some(v) if !*raw => json_view::show(ui, id, v),
        Some(v) => {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_else(|_| body.to_string());
            raw_text(ui, &pretty);
        }
        None => raw_text(ui, body),
    }
}

fn raw_text(ui: &mut Ui, text: &str) {
    let shown = if text.len() > SHOW_BODY_CHARS {
        let mut end = SHOW_BODY_CHARS;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    ui.add(
        egui::Label::new(RichText::new(shown).monospace())
            .selectable(true)
            .wrap(),
    );
    if shown.len() < text.len() {
        ui.weak(format!(
            "… {} more characters (use Copy response)",
            text.len() - shown.len()
        ));
    }
}

/// The answer is awaited: how long it may still take.
fn waiting(ui: &mut Ui, run: &Run, view: &StepView) {
    if run.was_cancelled() {
        ui.weak("Cancelled: nothing more is sent.");
        return;
    }
    let timeout = run.plan.target.options.timeout_secs.max(0.0);
    let waited = view.started.map(|s| s.elapsed().as_secs_f64()).unwrap_or(0.0);
    let left = (timeout - waited).max(0.0).ceil();
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Spinner::new().size(14.0));
        ui.label(format!(
            "Waiting for the answer… {} s so far; the step gives up in {left:.0} s (timeout {} s).",
            waited.floor(),
            fmt_secs(timeout)
        ));
    });
    // The countdown moves once a second; the spinner repaints anyway while it is on screen.
    ui.ctx().request_repaint_after(std::time::Duration::from_millis(250));
}

fn fmt_secs(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

/// What went wrong in this step, in the verdict's words when it is the step the verdict is about.
fn problem_words(run: &Run, view: &StepView) -> (String, crate::verdict::Tone) {
    let hints = run.hints();
    let first_failed = run
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .map(|s| s.name);
    if let Some(v) = run.verdict()
        && crate::verdict::is_about_step(&v, hints, view.name, first_failed)
    {
        return (format!("{}: {}", v.kind.word(), v.headline), v.kind.tone());
    }
    // Another step's problem: its own hint, else plain words for the error.
    if let Some(h) = hints
        .iter()
        .find(|h| h.step == Some(view.name) && h.severity != crate::diagnose::Severity::Info)
    {
        return (h.title.clone(), crate::verdict::Tone::Caution);
    }
    let words = view
        .record
        .as_ref()
        .and_then(|r| crate::verdict::step_problem(r))
        .unwrap_or_default();
    (words, crate::verdict::Tone::Caution)
}

/// Preflight and Connect send no HTTP request: show what they found.
fn step_facts(ui: &mut Ui, view: &StepView) {
    ui.weak(match (view.name, view.status) {
        (StepName::Preflight, _) => "Checked locally; nothing was sent.",
        (StepName::Connect, _) => "Name lookup, connection and certificate check; no HTTP request.",
        (_, StepStatus::Pending) => "Not started yet.",
        (_, StepStatus::Skipped) => "This step did not run, so nothing was sent.",
        _ => "No request was sent in this step.",
    });
    if let Some(rec) = &view.record {
        for note in &rec.notes {
            ui.label(format!("• {note}"));
        }
    }
}

fn connect_facts(ui: &mut Ui, info: &ConnectInfo, clock: &Clock) {
    egui::Grid::new("connect_facts")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(RichText::new(k).strong());
                ui.add(egui::Label::new(v).selectable(true).wrap());
                ui.end_row();
            };
            row("Host", format!("{}:{}", info.host, info.port));
            if !info.addresses.is_empty() {
                row("Addresses", info.addresses.join(", "));
            }
            if let Some(a) = &info.connected_to {
                row("Connected to", a.clone());
            }
            if let Some(p) = &info.proxy {
                row("Proxy", p.clone());
            }
            let timing: Vec<String> = [("DNS", info.dns_ms), ("TCP", info.tcp_ms), ("TLS", info.tls_ms)]
                .iter()
                .filter_map(|(n, v)| v.map(|ms| format!("{n} {}", fmt_ms(ms))))
                .collect();
            if !timing.is_empty() {
                row("Timings", timing.join(" · "));
            }
            if let Some(v) = &info.tls_version {
                row("TLS", format!("{v} {}", info.cipher.clone().unwrap_or_default()));
            }
        });
    for (i, c) in info.certificates.iter().enumerate() {
        let title = if i == 0 {
            "Server certificate".to_string()
        } else {
            format!("Chain certificate {i}")
        };
        CollapsingHeader::new(title)
            .id_salt(("cert", i))
            .default_open(i == 0)
            .show(ui, |ui| {
                egui::Grid::new(("cert_grid", i)).num_columns(2).show(ui, |ui| {
                    let mut row = |k: &str, v: String| {
                        ui.label(RichText::new(k).strong());
                        ui.add(egui::Label::new(v).selectable(true).wrap());
                        ui.end_row();
                    };
                    row("Subject", c.subject.clone());
                    row("Issuer", c.issuer.clone());
                    if !c.sans.is_empty() {
                        row("Names", c.sans.join(", "));
                    }
                    let when = |t: Option<&str>| t.map(|t| clock.rfc3339_local(t)).unwrap_or_else(|| "?".into());
                    row(
                        "Valid",
                        format!(
                            "from {} to {}",
                            when(c.not_before.as_deref()),
                            when(c.not_after.as_deref())
                        ),
                    );
                    if c.self_signed {
                        row("Note", "self-signed".into());
                    }
                });
            });
    }
}

fn response_text(resp: &RecordedResponse) -> String {
    let mut s = format!("{} {} {}\n", resp.http_version, resp.status, resp.reason);
    for (k, v) in &resp.headers {
        s.push_str(&format!("{k}: {v}\n"));
    }
    s.push('\n');
    s.push_str(&resp.body);
    s
}
