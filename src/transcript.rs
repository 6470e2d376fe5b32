//! What a check did: one record per step, with the (redacted) request, the response, timings and
//! the typed error. The transcript is the only input of the diagnosis besides the plan.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum StepName {
    Preflight,
    Connect,
    Authenticate,
    Validate,
    Logout,
}

impl StepName {
    pub const ALL: [StepName; 5] = [
        StepName::Preflight,
        StepName::Connect,
        StepName::Authenticate,
        StepName::Validate,
        StepName::Logout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepName::Preflight => "preflight",
            StepName::Connect => "connect",
            StepName::Authenticate => "authenticate",
            StepName::Validate => "validate",
            StepName::Logout => "logout",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            StepName::Preflight => "Preflight",
            StepName::Connect => "Connect",
            StepName::Authenticate => "Authenticate",
            StepName::Validate => "Validate",
            StepName::Logout => "Logout",
        }
    }
}

impl fmt::Display for StepName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Pending,
    Running,
    Ok,
    Failed,
    Skipped,
}

/// Phases of one HTTP call, like `curl -w`. `None` where a phase did not happen (e.g. a reused connection).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    pub dns_ms: Option<f64>,
    pub connect_ms: Option<f64>,
    pub tls_ms: Option<f64>,
    pub ttfb_ms: Option<f64>,
    pub body_ms: Option<f64>,
    pub total_ms: f64,
    pub reused: Option<bool>,
}

/// A request as it was sent, with every secret replaced by a redaction marker.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// A response as it came back (body capped, tokens redacted).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub reason: String,
    pub http_version: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
    /// Bytes actually read.
    pub body_bytes: usize,
    /// The body was not valid UTF-8 (it is shown with replacement characters).
    pub invalid_utf8: bool,
}

impl RecordedResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.body.trim()).ok()
    }

    /// The Control Room's error shape: `{"code": "...", "details": ..., "message": "..."}`.
    pub fn control_room_error(&self) -> Option<ControlRoomError> {
        let v = self.json()?;
        let obj = v.as_object()?;
        let code = obj.get("code").and_then(|c| c.as_str()).map(str::to_string);
        let message = obj.get("message").and_then(|c| c.as_str()).map(str::to_string);
        if code.is_none() && message.is_none() {
            return None;
        }
        let details = match obj.get("details") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        Some(ControlRoomError { code, message, details })
    }

    /// The answer is the Control Room's own: its JSON error shape with an Automation Anywhere error
    /// code (`{"code": "UM1110", "message": …}`), not HTML. A gateway's `{"message": "Forbidden"}`,
    /// a block page or a proxy's error page are not. This decides the exit code (docs/cli.md).
    pub fn from_control_room(&self) -> bool {
        if self.looks_like_html() {
            return false;
        }
        let Some(v) = self.json() else { return false };
        let Some(o) = v.as_object() else { return false };
        let code = o
            .get("code")
            .and_then(|c| c.as_str())
            .is_some_and(|c| !c.trim().is_empty());
        code && (o.contains_key("message") || o.contains_key("details"))
    }

    pub fn looks_like_html(&self) -> bool {
        let ct = self.content_type().to_ascii_lowercase();
        if ct.contains("html") {
            return true;
        }
        let head: String = self
            .body
            .trim_start()
            .chars()
            .take(200)
            .collect::<String>()
            .to_ascii_lowercase();
        head.starts_with("<!doctype html")
            || head.starts_with("<html")
            || head.contains("<head")
            || head.contains("<body")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlRoomError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub details: Option<String>,
}

/// Why a step could not complete. Turned into words by the diagnosis, not here; its `Display` is a
/// short sentence a person can read (shown beside the step), never a library's error text. The raw
/// text of the failure, for support, is [`StepError::technical`] ("technical details").
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepError {
    #[error("the input cannot be used: {reason}")]
    Input { reason: String },
    /// `detail`: the resolver's own message (technical).
    #[error("the host name {host} could not be found")]
    Dns { host: String, detail: String },
    #[error("{}", if addr.is_empty() { "the connection was refused".to_string() } else { format!("the connection to {addr} was refused") })]
    Refused { addr: String },
    #[error("no answer within {secs} s ({phase})")]
    Timeout { phase: String, secs: f64 },
    /// The connection was reset (TCP RST, `EPIPE`) or closed without an answer: something on the way
    /// cut the line. `detail`: the raw error (technical).
    #[error("the connection was {} {}", if *orderly { "closed" } else { "cut" }, phase.words())]
    Reset {
        phase: ResetPhase,
        /// Closed in an orderly way (FIN, end of stream) rather than reset (RST).
        #[serde(default)]
        orderly: bool,
        detail: String,
    },
    /// No route to the address (`ENETUNREACH`, `EHOSTUNREACH`, network down, or this computer's own
    /// firewall refusing to send). `reason`: in words; `detail`: the raw error (technical).
    #[error("no network path to {}: {reason}", if addr.is_empty() { "the server" } else { addr.as_str() })]
    Unreachable {
        addr: String,
        reason: String,
        detail: String,
    },
    /// `reason`: the verifier's or the handshake's error in words (one mapping, `engine::tls::explain`);
    /// `detail`: the TLS library's own error (technical).
    #[error("{reason}")]
    Tls {
        kind: TlsFailure,
        reason: String,
        detail: String,
    },
    /// `detail` is in words (no raw error text).
    #[error("proxy failure: {detail}")]
    Proxy { detail: String },
    /// `detail`: the HTTP parser's error (technical).
    #[error("the server did not answer in HTTP")]
    Protocol { detail: String },
    /// Any other failure of the network. `reason`: in words; `detail`: the raw error (technical).
    #[error("the connection failed: {reason}")]
    Network { reason: String, detail: String },
    /// `detail` is in words (no raw error text).
    #[error("the CA file could not be used: {detail}")]
    CaFile { detail: String },
    #[error("cancelled")]
    Cancelled,
    /// The server answered, but not with what the step needs (status, body); details are in the response.
    #[error("{detail}")]
    Answer { detail: String },
}

impl StepError {
    /// The raw error text behind the words (a library's or the operating system's), for the
    /// "technical details" of the window and the report (`steps[].error_detail`). Never shown as
    /// the explanation.
    pub fn technical(&self) -> Option<&str> {
        match self {
            StepError::Dns { detail, .. }
            | StepError::Reset { detail, .. }
            | StepError::Unreachable { detail, .. }
            | StepError::Tls { detail, .. }
            | StepError::Protocol { detail }
            | StepError::Network { detail, .. } => Some(detail.as_str()).filter(|d| !d.trim().is_empty()),
            _ => None,
        }
    }
}

/// When a connection was cut, in the order a call goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetPhase {
    /// While the TCP connection was being opened (or right after it was accepted).
    Connect,
    /// While the proxy tunnel was being opened.
    Proxy,
    /// During the TLS handshake.
    TlsHandshake,
    /// While the request was being sent.
    Sending,
    /// After the request was sent, before any answer came back.
    AfterRequest,
    /// While the answer was being read.
    ReadingAnswer,
}

impl ResetPhase {
    /// Words for the phase, e.g. "during the TLS handshake".
    pub fn words(self) -> &'static str {
        match self {
            ResetPhase::Connect => "while the connection was being opened",
            ResetPhase::Proxy => "while the proxy was opening the tunnel",
            ResetPhase::TlsHandshake => "during the TLS handshake",
            ResetPhase::Sending => "while the request was being sent",
            ResetPhase::AfterRequest => "after the request was sent, before any answer",
            ResetPhase::ReadingAnswer => "while the answer was being read",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsFailure {
    Untrusted,
    Expired,
    NameMismatch,
    Handshake,
    /// The certificate is not the one pinned by its SHA-256 fingerprint.
    PinMismatch,
}

/// Facts learnt by the connect step.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConnectInfo {
    pub host: String,
    pub port: u16,
    pub addresses: Vec<String>,
    pub connected_to: Option<String>,
    pub proxy: Option<String>,
    pub tls_version: Option<String>,
    pub cipher: Option<String>,
    pub alpn: Option<String>,
    pub certificates: Vec<CertificateInfo>,
    /// Whether the certificate chain was trusted; `None` for plain HTTP.
    pub trusted: Option<bool>,
    /// Why it was not trusted, in words (also recorded when "accept invalid certificates" let it through).
    pub trust_error: Option<String>,
    /// The verifier's raw error behind `trust_error` (technical details).
    pub trust_error_detail: Option<String>,
    /// How the certificate came to be trusted: `system` (the OS trust store), `ca_file` (signed by a CA
    /// of the CA file), `ca_file_exact` (the CA file holds this very certificate), `pin` (its SHA-256
    /// fingerprint is pinned), `insecure` (certificate checks were off). `None` when not trusted.
    pub trusted_by: Option<String>,
    /// With pinned fingerprints: whether the certificate matched one (`None` without pins).
    pub pin_matched: Option<bool>,
    /// The certificate was not trusted only because nothing this computer trusts vouches for it
    /// (self-signed, a private authority), and is otherwise fine (dates, host name): trusting
    /// exactly this certificate by its SHA-256 would let the check through. The window offers
    /// "Trust this certificate" on it (`engine::tls::pin_would_trust`). Not in the report.
    #[serde(skip)]
    pub pinnable: bool,
    /// After a failed TLS handshake: the port answered a plain-HTTP request (https typed or
    /// assumed for a server that speaks http there).
    pub speaks_plain_http: Option<bool>,
    pub dns_ms: Option<f64>,
    pub tcp_ms: Option<f64>,
    pub tls_ms: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    pub self_signed: bool,
    /// The certificate says it is a certificate authority (`basicConstraints CA:TRUE`), as
    /// `openssl req -x509` makes a self-signed server certificate.
    pub is_ca: bool,
    /// SHA-256 of the certificate (DER), upper-case hex in pairs separated by colons, as browsers
    /// show it: what `--pin-sha256` takes.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRecord {
    pub name: StepName,
    pub status: StepStatus,
    pub duration_ms: f64,
    pub timings: Option<Timings>,
    pub request: Option<RecordedRequest>,
    pub response: Option<RecordedResponse>,
    pub error: Option<StepError>,
    /// Short facts worth showing with the step ("via proxy", "resolved to 2 addresses").
    pub notes: Vec<String>,
}

impl StepRecord {
    pub fn new(name: StepName) -> Self {
        Self {
            name,
            status: StepStatus::Pending,
            duration_ms: 0.0,
            timings: None,
            request: None,
            response: None,
            error: None,
            notes: Vec::new(),
        }
    }

    pub fn skipped(name: StepName) -> Self {
        Self {
            status: StepStatus::Skipped,
            ..Self::new(name)
        }
    }
}

/// How a check ended. Serialised as in the report and the history (`ok`, `rejected`,
/// `unreachable`, `invalid_input`, `cancelled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Rejected,
    Unreachable,
    InvalidInput,
    Cancelled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Unreachable => "unreachable",
            Outcome::InvalidInput => "invalid_input",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// `outcome == "ok"`: compares with the stable string of the report and the history.
impl PartialEq<&str> for Outcome {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Claims of the token that came back (decoded locally, signature not checked).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TokenInfo {
    pub is_jwt: bool,
    pub length: usize,
    pub alg: Option<String>,
    pub claims: Option<serde_json::Value>,
    pub iat: Option<i64>,
    pub exp: Option<i64>,
}

/// Who the account is, from the login answer and the token's claims (no secret in it).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccountSummary {
    pub username: Option<String>,
    pub id: Option<String>,
    pub email: Option<String>,
    pub domain: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub roles: Vec<String>,
    pub license_features: Vec<String>,
    /// What the account may do, from the login answer's `permissions`: resource type -> actions
    /// (empty when the answer lists none, as most do).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub permissions: std::collections::BTreeMap<String, Vec<String>>,
    pub disabled: Option<bool>,
    pub tenant: Option<String>,
    pub multiple_login: Option<bool>,
    pub token_expires_at: Option<String>,
    /// The login answer's account-setup flags (`passwordSet`, `questionsSet`, `emailVerified`):
    /// `false` means the first sign-in in the web interface is not finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_set: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions_set: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

impl AccountSummary {
    /// Whether the account may read the licence details (`GET /v2/license/details`): the built-in
    /// administrator role, or a permission about licences (INFERRED, docs/control-room-api.md).
    pub fn may_view_license(&self) -> bool {
        self.roles.iter().any(|r| r.eq_ignore_ascii_case("AAE_Admin"))
            || self.permissions.iter().any(|(resource, actions)| {
                resource.to_ascii_lowercase().contains("license")
                    || actions.iter().any(|a| a.to_ascii_lowercase().contains("license"))
            })
    }
}

/// An extra call the engine made (never a login attempt on an account): to explain a failure, or a
/// capability probe (`src/engine/probes.rs`: a read-only call with the token just issued, asked
/// with `check --probes` or a profile's option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbePurpose {
    /// After a 404 for `/v2/authentication`: `POST /v1/authentication` with `{}` (no username, so no
    /// account's failure count), to tell an Enterprise 11.x Control Room from something else.
    V1Login,
    /// `GET /v2/license/details`: after a login that worked and a later call the Control Room failed
    /// (only when the account may read it), to see whether the licence is in fail-safe; and as a
    /// capability probe ("may view the licence").
    LicenseDetails,
    /// Capability probe: `POST /v2/devices/list` (one item).
    ListDevices,
    /// Capability probe: `POST /v2/repository/workspaces/public/files/list` (one item).
    ListPublicFiles,
    /// Capability probe: `POST /v1/schedule/automations/list` (one item).
    ListSchedules,
}

impl ProbePurpose {
    /// The capability probes, in the order they are asked.
    pub const CAPABILITY: [ProbePurpose; 4] = [
        ProbePurpose::LicenseDetails,
        ProbePurpose::ListDevices,
        ProbePurpose::ListPublicFiles,
        ProbePurpose::ListSchedules,
    ];
}

/// What a capability probe's answer says about the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeAnswer {
    /// 2xx: the account may.
    Allowed,
    /// 403: the Control Room refused the operation to this account.
    NotAllowed,
    /// 404: this Control Room does not have the call.
    NotHere,
    /// Anything else (no answer, 401, 5xx, …): it says nothing about the permission.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    pub purpose: ProbePurpose,
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
    pub error: Option<StepError>,
}

impl Probe {
    /// What the answer says: 2xx allowed, 403 not allowed, 404 not on this Control Room.
    pub fn answer(&self) -> ProbeAnswer {
        match (&self.error, self.response.as_ref().map(|r| r.status)) {
            (None, Some(200..=299)) => ProbeAnswer::Allowed,
            (_, Some(403)) => ProbeAnswer::NotAllowed,
            (_, Some(404)) => ProbeAnswer::NotHere,
            _ => ProbeAnswer::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub started_at: time::OffsetDateTime,
    pub input_url: String,
    pub base_url: Option<String>,
    pub steps: Vec<StepRecord>,
    pub outcome: Outcome,
    pub connect: Option<ConnectInfo>,
    pub token: Option<TokenInfo>,
    pub account: Option<AccountSummary>,
    /// How many login requests were sent (never more than one).
    pub login_attempts: u32,
    /// Set when the validate call answered `{"valid": ...}`.
    pub token_valid: Option<bool>,
    /// This computer's clock when the token arrived (unix seconds), to judge clock skew.
    pub token_received_at: Option<i64>,
    /// Extra calls made to explain a failure (see [`ProbePurpose`]).
    pub probes: Vec<Probe>,
}

impl Transcript {
    pub fn step(&self, name: StepName) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.name == name)
    }

    pub fn failed_step(&self) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.status == StepStatus::Failed)
    }

    /// How long the check took: the sum of its steps, in milliseconds.
    pub fn duration_ms(&self) -> f64 {
        self.steps.iter().map(|s| s.duration_ms).sum()
    }

    pub fn probe(&self, purpose: ProbePurpose) -> Option<&Probe> {
        self.probes.iter().find(|p| p.purpose == purpose)
    }
}
