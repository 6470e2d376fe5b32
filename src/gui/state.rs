//! The window's state: the form, the running (or last) check, the selection. Views read it and
//! send [`Command`]s; only [`super::App`] changes it.

use crate::diagnose::{Hint, Severity};
use crate::plan::{AuthMode, CheckOptions, DEFAULT_TIMEOUT_SECS, Plan};
use crate::secret::Secret;
use crate::transcript::{Outcome, StepError, StepName, StepRecord, StepStatus};
use crate::worker::{CheckResult, RunningCheck};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a view asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    RunCheck,
    Cancel,
    SelectStep(StepName),
    /// Open the file dialog for the CA file (off the UI thread).
    BrowseCaFile,
    /// Put a text on the clipboard; the second field says what it is, for the status line.
    Copy(String, &'static str),
    /// Save the report of the last check (file dialog off the UI thread).
    SaveReport,
    /// `--demo`: run one of the demo's common mistakes.
    RunDemoCase(usize),
    /// `--demo`: back to the healthy server and the working login.
    DemoReset,
    /// The profiles sidebar.
    Profiles(super::profiles_panel::ProfilesCmd),
}

/// The form. It can be filled from outside (a profile, the demo) by setting its public fields.
/// The secret is kept only in memory: never persisted, never printed (`Debug` hides it).
#[derive(Clone, PartialEq)]
pub struct FormState {
    pub url: String,
    pub auth: AuthMode,
    pub username: String,
    pub secret: String,
    /// Show what the user typed in the secret field (the field only; nothing else is ever unmasked).
    pub show_secret: bool,
    pub timeout_secs: f64,
    pub multiple_login: bool,
    pub logout: bool,
    pub ca_file: String,
    pub proxy: String,
    pub insecure: bool,
}

impl Default for FormState {
    fn default() -> Self {
        Self::from_options(String::new(), AuthMode::ApiKey, String::new(), &CheckOptions::default())
    }
}

impl fmt::Debug for FormState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormState")
            .field("url", &self.url)
            .field("auth", &self.auth)
            .field("username", &self.username)
            .field("secret", &crate::secret::secret_marker(&self.secret))
            .field("options", &self.options())
            .finish()
    }
}

impl FormState {
    pub fn from_options(url: String, auth: AuthMode, username: String, o: &CheckOptions) -> Self {
        Self {
            url,
            auth,
            username,
            secret: String::new(),
            show_secret: false,
            timeout_secs: o.timeout_secs,
            multiple_login: o.multiple_login,
            logout: o.logout,
            ca_file: o.ca_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            proxy: o.proxy.clone().unwrap_or_default(),
            insecure: o.insecure,
        }
    }

    /// Fill the form from a plan (the demo's cases, a profile).
    pub fn from_plan(plan: &Plan) -> Self {
        let mut f = Self::from_options(plan.input_url.clone(), plan.auth, plan.username.clone(), &plan.options);
        f.secret = plan.secret.expose().to_string();
        f
    }

    pub fn options(&self) -> CheckOptions {
        let ca = self.ca_file.trim();
        let proxy = self.proxy.trim();
        CheckOptions {
            timeout_secs: if self.timeout_secs.is_finite() && self.timeout_secs > 0.0 {
                self.timeout_secs
            } else {
                DEFAULT_TIMEOUT_SECS
            },
            multiple_login: self.multiple_login,
            logout: self.logout,
            ca_file: (!ca.is_empty()).then(|| PathBuf::from(ca)),
            proxy: (!proxy.is_empty()).then(|| proxy.to_string()),
            insecure: self.insecure,
            // The form has no pins yet ("Trust this certificate" comes with the profile rework).
            pin_sha256: Vec::new(),
        }
    }

    /// The plan the form describes (fields as typed: the engine's preflight trims and reports).
    pub fn to_plan(&self) -> Plan {
        Plan {
            input_url: self.url.clone(),
            username: self.username.clone(),
            auth: self.auth,
            secret: Secret::new(self.secret.clone()),
            options: self.options(),
        }
    }

    /// What may be remembered between runs: everything but the secret.
    pub fn saved(&self) -> SavedForm {
        SavedForm {
            url: self.url.clone(),
            auth: self.auth,
            username: self.username.clone(),
            options: self.options(),
        }
    }

    pub fn from_saved(s: &SavedForm) -> Self {
        Self::from_options(s.url.clone(), s.auth, s.username.clone(), &s.options)
    }
}

/// The non-secret part of the form, persisted with the window (no secret field exists here).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedForm {
    pub url: String,
    pub auth: AuthMode,
    pub username: String,
    pub options: CheckOptions,
}

/// One rung of the ladder as the window shows it.
#[derive(Debug, Clone)]
pub struct StepView {
    pub name: StepName,
    pub status: StepStatus,
    pub started: Option<Instant>,
    pub record: Option<Box<StepRecord>>,
    /// Parsed bodies, computed once when the record arrives (not every frame).
    pub request_json: Option<serde_json::Value>,
    pub response_json: Option<serde_json::Value>,
}

impl StepView {
    pub fn new(name: StepName) -> Self {
        Self {
            name,
            status: StepStatus::Pending,
            started: None,
            record: None,
            request_json: None,
            response_json: None,
        }
    }

    pub fn set_record(&mut self, rec: StepRecord) {
        self.status = rec.status;
        self.request_json = rec
            .request
            .as_ref()
            .and_then(|r| r.body.as_deref())
            .and_then(parse_json);
        self.response_json = rec.response.as_ref().and_then(|r| parse_json(&r.body));
        self.record = Some(Box::new(rec));
    }

    pub fn was_cancelled(&self) -> bool {
        self.record
            .as_ref()
            .is_some_and(|r| matches!(r.error, Some(StepError::Cancelled)))
    }

    pub fn duration(&self) -> Option<Duration> {
        match (&self.record, self.started) {
            (Some(r), _) if r.status != StepStatus::Skipped => Some(Duration::from_secs_f64(r.duration_ms / 1000.0)),
            (None, Some(s)) if self.status == StepStatus::Running => Some(s.elapsed()),
            _ => None,
        }
    }
}

fn parse_json(text: &str) -> Option<serde_json::Value> {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str(t).ok()
}

/// A check that is running or has run.
pub struct Run {
    pub plan: Plan,
    pub started: Instant,
    pub steps: Vec<StepView>,
    /// `Some` while the worker may still send events.
    pub check: Option<RunningCheck>,
    pub cancelled_at: Option<Instant>,
    pub finished_at: Option<Instant>,
    pub result: Option<CheckResult>,
    /// The worker went away without a result.
    pub lost: bool,
}

impl Run {
    pub fn new(plan: Plan, check: RunningCheck) -> Self {
        Self {
            plan,
            started: Instant::now(),
            steps: StepName::ALL.iter().map(|n| StepView::new(*n)).collect(),
            check: Some(check),
            cancelled_at: None,
            finished_at: None,
            result: None,
            lost: false,
        }
    }

    /// Running and not cancelled: what Cancel and Esc act on.
    pub fn is_running(&self) -> bool {
        self.check.is_some() && self.cancelled_at.is_none()
    }

    pub fn step(&self, name: StepName) -> Option<&StepView> {
        self.steps.iter().find(|s| s.name == name)
    }

    pub fn step_mut(&mut self, name: StepName) -> Option<&mut StepView> {
        self.steps.iter_mut().find(|s| s.name == name)
    }

    pub fn running_step(&self) -> Option<StepName> {
        self.steps
            .iter()
            .find(|s| s.status == StepStatus::Running)
            .map(|s| s.name)
    }

    pub fn outcome(&self) -> Option<Outcome> {
        if self.cancelled_at.is_some() {
            return Some(Outcome::Cancelled);
        }
        self.result.as_ref().map(|r| r.transcript.outcome)
    }

    pub fn hints(&self) -> &[Hint] {
        self.result.as_ref().map(|r| r.hints.as_slice()).unwrap_or(&[])
    }

    /// The step the panes show when the user has not picked one: the failed step, else the
    /// last step that sent a request, else the running one.
    pub fn default_selection(&self) -> StepName {
        if let Some(s) = self.steps.iter().find(|s| s.status == StepStatus::Failed) {
            return s.name;
        }
        if let Some(s) = self.running_step() {
            return s;
        }
        if let Some(s) = self
            .steps
            .iter()
            .find(|s| s.name == StepName::Authenticate && s.record.as_ref().is_some_and(|r| r.request.is_some()))
        {
            return s.name;
        }
        self.steps
            .iter()
            .rev()
            .find(|s| s.record.is_some() && s.status != StepStatus::Skipped)
            .map(|s| s.name)
            .unwrap_or(StepName::Preflight)
    }

    pub fn elapsed(&self) -> Duration {
        let end = self.finished_at.or(self.cancelled_at).unwrap_or_else(Instant::now);
        end.saturating_duration_since(self.started)
    }
}

/// The first hint that is not merely informative: shown as "Most likely cause".
pub fn most_likely(hints: &[Hint]) -> Option<usize> {
    hints.iter().position(|h| h.severity != Severity::Info)
}

/// A short message for the status line, with how it should look.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Normal,
    Good,
    Bad,
}

impl Status {
    pub fn normal(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: StatusKind::Normal,
        }
    }
    pub fn good(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: StatusKind::Good,
        }
    }
    pub fn bad(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: StatusKind::Bad,
        }
    }
}

pub fn fmt_ms(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.0} s", ms / 1000.0)
    } else if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn fmt_duration(d: Duration) -> String {
    fmt_ms(d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_saved_form_has_none() {
        let f = FormState {
            secret: "hunter2-very-secret".into(),
            ..Default::default()
        };
        assert!(!format!("{f:?}").contains("hunter2"));
        let saved = serde_json::to_string(&f.saved()).unwrap();
        assert!(!saved.contains("hunter2"), "{saved}");
    }

    #[test]
    fn plan_round_trip() {
        let f = FormState {
            url: "cr.example.com".into(),
            username: "svc".into(),
            secret: "k".into(),
            ca_file: "  ".into(),
            proxy: "http://proxy:3128".into(),
            ..Default::default()
        };
        let p = f.to_plan();
        assert_eq!(p.options.ca_file, None);
        assert_eq!(p.options.proxy.as_deref(), Some("http://proxy:3128"));
        let back = FormState::from_plan(&p);
        assert_eq!(back.secret, "k");
        assert_eq!(back.url, f.url);
    }
}
