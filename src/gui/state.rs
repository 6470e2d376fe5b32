//! The window's state: the form, the running (or last) check, the selection, the status line,
//! the demo and the profiles sidebar. Views read it and push [`Command`](super::Command)s; only
//! [`super::update`] changes it.

use super::demo_picker::DemoState;
use super::profiles_panel::ProfilesState;
use crate::diagnose::{Hint, Severity};
use crate::engine::CancelHandle;
use crate::plan::{Plan, Target};
use crate::secret::Secret;
use crate::transcript::{Outcome, StepError, StepName, StepRecord, StepStatus};
use crate::worker::CheckResult;
use std::fmt;
use std::time::{Duration, Instant};

/// Everything the window shows. Views read it; [`super::update`] is the only code that changes it.
pub struct State {
    pub(crate) form: FormState,
    /// The running or last check.
    pub(crate) run: Option<Run>,
    /// The step the user picked; `None` follows the run (failed or running step).
    pub(crate) selected_step: Option<StepName>,
    /// Show bodies as raw text instead of foldable JSON.
    pub(crate) raw_bodies: bool,
    pub(crate) status: Status,
    /// `--demo`: the demo Control Room and its picker.
    pub(crate) demo: Option<DemoState>,
    /// A file dialog (CA file, report) is open; another one is not opened meanwhile.
    pub(crate) file_dialog_open: bool,
    /// The last text a copy button put on the clipboard (never a secret).
    pub(crate) last_copy: Option<String>,
    pub(crate) profiles: ProfilesState,
    pub(crate) about: super::about::AboutState,
    pub(crate) paste: super::paste::PasteState,
    /// The clock times are shown with (fixed in tests and image snapshots).
    pub(crate) clock: crate::local_time::Clock,
    /// A check just finished: give the keyboard focus back to Test connection.
    pub(crate) focus_test: bool,
}

impl State {
    /// The result on screen belongs to other settings than the form's: the form was edited, a
    /// profile loaded, New pressed or the demo reset since that check started.
    pub fn result_is_stale(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.plan.target != self.form.checked_target() || r.plan.secret.expose() != self.form.secret)
    }

    /// A check runs and was not cancelled: what Cancel and Esc act on.
    pub fn is_running(&self) -> bool {
        self.run.as_ref().is_some_and(Run::is_running)
    }

    /// The step the panes show: the user's pick, else the run's default.
    pub fn shown_step(&self) -> StepName {
        self.selected_step
            .or_else(|| self.run.as_ref().map(Run::default_selection))
            .unwrap_or(StepName::Authenticate)
    }
}

/// The form: what to test (a [`Target`], edited in place by the form's widgets) and the secret.
/// It can be filled from outside (a profile, the demo). The secret is kept only in memory: never
/// persisted, never printed (`Debug` hides it).
#[derive(Clone, Default, PartialEq)]
pub struct FormState {
    pub target: Target,
    pub secret: String,
    /// Show what the user typed in the secret field (the field only; nothing else is ever unmasked).
    pub show_secret: bool,
}

impl fmt::Debug for FormState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormState")
            .field("target", &self.target)
            .field("secret", &crate::secret::secret_marker(&self.secret))
            .finish()
    }
}

impl FormState {
    /// A target's settings, with no secret (a profile's secret comes later, from the keyring).
    pub fn from_target(target: Target) -> Self {
        Self {
            target,
            ..Default::default()
        }
    }

    /// Fill the form from a plan (the demo's cases).
    pub fn from_plan(plan: &Plan) -> Self {
        Self {
            secret: plan.secret.expose().to_string(),
            ..Self::from_target(plan.target.clone())
        }
    }

    /// The target as a check uses it: fields as typed (the engine's preflight trims and reports),
    /// blank options as unset.
    pub fn checked_target(&self) -> Target {
        Target {
            options: self.target.options.normalised(),
            ..self.target.clone()
        }
    }

    /// The plan the form describes.
    pub fn to_plan(&self) -> Plan {
        Plan::new(self.checked_target(), Secret::new(self.secret.clone()))
    }

    /// What may be remembered between runs: everything but the secret, and no credentials
    /// written into the Control Room or proxy address (`http://user:password@proxy:3128`).
    pub fn saved(&self) -> SavedForm {
        let mut t = self.checked_target();
        t.url = without_userinfo(&t.url);
        t.options.proxy = t.options.proxy.as_deref().map(without_userinfo);
        t
    }

    pub fn from_saved(s: &SavedForm) -> Self {
        Self::from_target(s.clone())
    }

    /// Nothing typed yet (no URL, username or secret).
    pub fn is_blank(&self) -> bool {
        self.target.url.trim().is_empty() && self.target.username.is_empty() && self.secret.is_empty()
    }
}

/// `address` without the `user:password@` part, if it has one.
fn without_userinfo(address: &str) -> String {
    let Some(at) = address.rfind('@') else {
        return address.to_string();
    };
    let start = address.find("://").map_or(0, |i| i + 3);
    // Only an `@` before the path is userinfo.
    let host_end = address[start..]
        .find(['/', '?', '#'])
        .map_or(address.len(), |i| start + i);
    if at < start || at >= host_end {
        return address.to_string();
    }
    format!("{}{}", &address[..start], &address[at + 1..])
}

/// The non-secret part of the form, persisted with the window: a [`Target`] has no secret field.
pub type SavedForm = Target;

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

/// Which check a background message belongs to (a new check can start while a cancelled one
/// still winds down; the old one's last messages are then ignored).
pub type RunId = u64;

/// Where a check is.
pub enum RunPhase {
    /// The worker runs it.
    Running { cancel: CancelHandle },
    /// Cancel was pressed at `at`; the worker is stopping (nothing more is sent).
    Cancelling { at: Instant },
    /// The result arrived at `at` (`cancelled_at`: Cancel was pressed before it).
    Finished {
        result: Box<CheckResult>,
        at: Instant,
        cancelled_at: Option<Instant>,
    },
    /// The worker went away without a result.
    Lost { cancelled_at: Option<Instant> },
}

/// A check that is running or has run.
pub struct Run {
    pub id: RunId,
    pub plan: Plan,
    pub started: Instant,
    pub steps: Vec<StepView>,
    pub phase: RunPhase,
}

impl Run {
    pub fn new(id: RunId, plan: Plan, cancel: CancelHandle) -> Self {
        Self {
            id,
            plan,
            started: Instant::now(),
            steps: StepName::ALL.iter().map(|n| StepView::new(*n)).collect(),
            phase: RunPhase::Running { cancel },
        }
    }

    /// Running and not cancelled: what Cancel and Esc act on.
    pub fn is_running(&self) -> bool {
        matches!(self.phase, RunPhase::Running { .. })
    }

    /// When Cancel was pressed, if it was.
    pub fn cancelled_at(&self) -> Option<Instant> {
        match &self.phase {
            RunPhase::Running { .. } => None,
            RunPhase::Cancelling { at } => Some(*at),
            RunPhase::Finished { cancelled_at, .. } | RunPhase::Lost { cancelled_at, .. } => *cancelled_at,
        }
    }

    pub fn was_cancelled(&self) -> bool {
        self.cancelled_at().is_some()
    }

    pub fn is_lost(&self) -> bool {
        matches!(self.phase, RunPhase::Lost { .. })
    }

    pub fn result(&self) -> Option<&CheckResult> {
        match &self.phase {
            RunPhase::Finished { result, .. } => Some(result),
            _ => None,
        }
    }

    /// Cancel: tell the worker, and note when.
    pub fn cancel(&mut self) {
        if let RunPhase::Running { cancel } = &self.phase {
            cancel.cancel();
            self.phase = RunPhase::Cancelling { at: Instant::now() };
        }
    }

    /// The worker's result arrived.
    pub fn finish(&mut self, result: Box<CheckResult>) {
        for rec in &result.transcript.steps {
            if let Some(v) = self.step_mut(rec.name) {
                v.set_record(rec.clone());
            }
        }
        let cancelled_at = self.cancelled_at();
        self.phase = RunPhase::Finished {
            result,
            at: Instant::now(),
            cancelled_at,
        };
    }

    /// The worker went away without a result.
    pub fn lose(&mut self) {
        self.phase = RunPhase::Lost {
            cancelled_at: self.cancelled_at(),
        };
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

    /// The outcome (`Cancelled` as soon as Cancel is pressed).
    pub fn outcome(&self) -> Option<Outcome> {
        if self.was_cancelled() {
            return Some(Outcome::Cancelled);
        }
        self.result().map(|r| r.transcript.outcome)
    }

    /// The verdict once the check ended (cancelled included).
    pub fn verdict(&self) -> Option<crate::verdict::Verdict> {
        if self.was_cancelled() {
            return Some(crate::verdict::verdict(Outcome::Cancelled, self.hints()));
        }
        self.result()
            .map(|r| crate::verdict::verdict(r.transcript.outcome, &r.hints))
    }

    pub fn hints(&self) -> &[Hint] {
        self.result().map(|r| r.hints.as_slice()).unwrap_or(&[])
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

    /// How long it ran: until the result, else until Cancel, else until now.
    pub fn elapsed(&self) -> Duration {
        let end = match &self.phase {
            RunPhase::Running { .. } => Instant::now(),
            RunPhase::Cancelling { at } => *at,
            RunPhase::Finished { at, .. } => *at,
            RunPhase::Lost { cancelled_at, .. } => cancelled_at.unwrap_or_else(Instant::now),
        };
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
    /// Neither: a check that could not finish, the form needs a change.
    Warn,
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
    pub fn warn(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            kind: StatusKind::Warn,
        }
    }
    /// The status for a verdict's tone.
    pub fn for_tone(tone: crate::verdict::Tone, text: impl Into<String>) -> Self {
        match tone {
            crate::verdict::Tone::Good => Self::good(text),
            crate::verdict::Tone::Bad => Self::bad(text),
            crate::verdict::Tone::Caution => Self::warn(text),
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

    use crate::plan::AuthMode;

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

    /// eframe's storage in memory.
    struct Mem(std::collections::HashMap<String, String>);

    impl eframe::Storage for Mem {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.into(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    /// The form as version 0.1 remembered it (eframe's RON), with made-up values.
    const V0_1_SAVED_FORM: &str = include_str!("../../tests/fixtures/v0.1/saved-form.ron");

    #[test]
    fn the_form_remembered_by_version_0_1_is_restored_and_stored_the_same_way() {
        let key = "aa-conntest.form";
        let mut storage = Mem([(key.to_string(), V0_1_SAVED_FORM.trim_end().to_string())].into());
        let saved: SavedForm = eframe::get_value(&storage, key).expect("readable");
        let f = FormState::from_saved(&saved);
        let t = &f.target;
        assert_eq!(t.url, "https://cr.example.com/#/login");
        assert_eq!(t.auth, AuthMode::Password);
        assert_eq!(t.username, "jdoe");
        assert!(f.secret.is_empty());
        let o = &t.options;
        assert_eq!(o.timeout_secs, 7.5);
        assert!(o.multiple_login && o.logout && !o.insecure);
        assert_eq!(
            o.ca_file.as_deref(),
            Some(std::path::Path::new("/etc/ssl/example-root-ca.pem"))
        );
        assert_eq!(o.proxy.as_deref(), Some("http://proxy.example.test:3128"));
        eframe::set_value(&mut storage, key, &f.saved());
        // "Accept invalid certificates" is a per-run switch, never remembered (issue 13, D1).
        assert_eq!(
            storage.0[key],
            V0_1_SAVED_FORM.trim_end().replace(",insecure:false", "")
        );
    }

    #[test]
    fn plan_round_trip() {
        let mut f = FormState {
            secret: "k".into(),
            ..Default::default()
        };
        f.target.url = "cr.example.com".into();
        f.target.username = "svc".into();
        f.target.options.ca_file = Some("  ".into());
        f.target.options.proxy = Some(" http://proxy:3128".into());
        let p = f.to_plan();
        assert_eq!(p.target.options.ca_file, None);
        assert_eq!(p.target.options.proxy.as_deref(), Some("http://proxy:3128"));
        let back = FormState::from_plan(&p);
        assert_eq!(back.secret, "k");
        assert_eq!(back.target.url, f.target.url);
    }
}

#[cfg(test)]
mod userinfo_tests {
    use super::without_userinfo;

    #[test]
    fn credentials_in_addresses_are_never_remembered() {
        assert_eq!(without_userinfo("http://alice:s3cret@proxy:3128"), "http://proxy:3128");
        assert_eq!(without_userinfo("alice:p@ss@proxy:3128"), "proxy:3128");
        assert_eq!(
            without_userinfo("https://u:p@cr.example.com/#/login"),
            "https://cr.example.com/#/login"
        );
        assert_eq!(
            without_userinfo("https://cr.example.com/#/a@b"),
            "https://cr.example.com/#/a@b"
        );
        assert_eq!(without_userinfo("proxy.corp:8080"), "proxy.corp:8080");
    }
}
