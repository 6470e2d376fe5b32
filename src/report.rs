//! The report of docs/report.md: what `check --json` prints and "Save report" writes.
//! Built only from the transcript (already redacted) and the hints, so it cannot hold a secret.

use crate::diagnose::Hint;
use crate::plan::{AuthMode, Plan};
use crate::transcript::{AccountSummary, ConnectInfo, StepRecord, TokenInfo, Transcript};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "aa-conntest.report/1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool_version: &'static str,
    pub started_at: String,
    pub target: Target,
    pub outcome: &'static str,
    pub steps: Vec<ReportStep>,
    pub hints: Vec<Hint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<ReportAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect: Option<ConnectInfo>,
    /// Extra calls made to explain a failure (`v1_login`, `license_details`); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ReportProbe>,
}

/// `account`: the login answer's summary, and what the account can do in words.
#[derive(Debug, Clone, Serialize)]
pub struct ReportAccount {
    #[serde(flatten)]
    pub summary: AccountSummary,
    /// Roles, licences and permissions in words, the capability probes and the required
    /// capabilities (docs/capabilities.md).
    pub capabilities: crate::capabilities::Capabilities,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportProbe {
    pub purpose: crate::transcript::ProbePurpose,
    /// Capability probes: `allowed`, `not_allowed`, `not_here` or `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<crate::transcript::ProbeAnswer>,
    pub request: ReportRequest,
    pub response: Option<ReportResponse>,
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub input_url: String,
    pub base_url: Option<String>,
    pub auth: AuthMode,
    pub username: String,
    /// The API key's expiry kept with the profile (`2026-03-01`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_expires: Option<String>,
    /// The same in words at the time of the check: "expires in 9 days (2026-03-01)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_expiry: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportStep {
    pub name: &'static str,
    pub status: crate::transcript::StepStatus,
    pub duration_ms: f64,
    pub timings: Option<crate::transcript::Timings>,
    pub request: Option<ReportRequest>,
    pub response: Option<ReportResponse>,
    /// The step's error in words.
    pub error: Option<String>,
    /// The raw error behind the words (the TLS library's or the operating system's text), for support:
    /// the "technical details". Absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportRequest {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub truncated: bool,
}

fn header_map(headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (k, v) in headers {
        map.entry(k.to_ascii_lowercase())
            .and_modify(|old: &mut String| {
                old.push_str(", ");
                old.push_str(v)
            })
            .or_insert_with(|| v.clone());
    }
    map
}

fn request(r: &crate::transcript::RecordedRequest) -> ReportRequest {
    ReportRequest {
        method: r.method.clone(),
        url: r.url.clone(),
        headers: header_map(&r.headers),
        body: r.body.clone(),
    }
}

fn response(r: &crate::transcript::RecordedResponse) -> ReportResponse {
    ReportResponse {
        status: r.status,
        headers: header_map(&r.headers),
        body: r.body.clone(),
        truncated: r.truncated,
    }
}

fn step(s: &StepRecord) -> ReportStep {
    ReportStep {
        name: s.name.as_str(),
        status: s.status,
        duration_ms: (s.duration_ms * 10.0).round() / 10.0,
        timings: s.timings.clone(),
        request: s.request.as_ref().map(request),
        response: s.response.as_ref().map(response),
        error: s.error.as_ref().map(|e| e.to_string()),
        error_detail: s.error.as_ref().and_then(|e| e.technical()).map(str::to_string),
        notes: s.notes.clone(),
    }
}

pub fn build(plan: &Plan, t: &Transcript, hints: &[Hint]) -> Report {
    Report {
        schema: SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        started_at: t
            .started_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        target: Target {
            // A report is saved and shared: never a user name or password typed into the address.
            input_url: crate::profiles::model::split_userinfo(&t.input_url).0,
            base_url: t.base_url.clone(),
            auth: plan.target.auth,
            username: plan.target.username.trim().to_string(),
            key_expires: plan
                .target
                .key_expires
                .as_deref()
                .filter(|_| plan.target.auth == AuthMode::ApiKey)
                .map(|k| crate::key_expiry::normalise(k).unwrap_or_else(|_| k.trim().to_string())),
            key_expiry: crate::capabilities::key_expiry_words(&plan.target, t.started_at),
        },
        outcome: t.outcome.as_str(),
        steps: t.steps.iter().map(step).collect(),
        hints: hints.to_vec(),
        account: t.account.clone().map(|summary| ReportAccount {
            capabilities: crate::capabilities::Capabilities::from_account(&summary, &t.probes, &plan.target.require),
            summary,
        }),
        token: t.token.clone(),
        connect: t.connect.clone(),
        probes: t
            .probes
            .iter()
            .map(|p| ReportProbe {
                purpose: p.purpose,
                answer: crate::capabilities::probe_question(p.purpose).map(|_| p.answer()),
                request: request(&p.request),
                response: p.response.as_ref().map(response),
                error: p.error.as_ref().map(|e| e.to_string()),
                error_detail: p.error.as_ref().and_then(|e| e.technical()).map(str::to_string),
            })
            .collect(),
    }
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"report could not be written: {e}\"}}"))
    }
}
