//! The worker: runs checks on the tokio runtime, off the UI thread. The UI sends a plan and
//! drains events each frame; the worker wakes the UI (a repaint) after each event.

use crate::diagnose::{self, Hint};
use crate::engine::{self, CancelHandle, Event};
use crate::plan::Plan;
use crate::transcript::Transcript;
use std::sync::Arc;
use std::sync::mpsc;

/// A finished check: the transcript and its diagnosis.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub transcript: Transcript,
    pub hints: Vec<Hint>,
}

#[derive(Debug)]
pub enum CheckEvent {
    Progress(Event),
    Finished(Box<CheckResult>),
}

/// Called after each event, from the worker thread (the UI passes `ctx.request_repaint`).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A running check: drain `events`, and `cancel()` to stop it.
pub struct RunningCheck {
    pub events: mpsc::Receiver<CheckEvent>,
    cancel: CancelHandle,
}

impl RunningCheck {
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

/// Start a check on the runtime.
pub fn spawn_check(rt: &tokio::runtime::Handle, plan: Plan, wake: Wake) -> RunningCheck {
    let (tx, rx) = mpsc::channel();
    let (cancel, token) = engine::cancel_pair();
    rt.spawn(async move {
        let progress_tx = tx.clone();
        let progress_wake = wake.clone();
        let transcript = engine::run_check(&plan, token, move |e| {
            let _ = progress_tx.send(CheckEvent::Progress(e));
            progress_wake();
        })
        .await;
        let hints = diagnose::diagnose(&plan, &transcript);
        let _ = tx.send(CheckEvent::Finished(Box::new(CheckResult { transcript, hints })));
        wake();
    });
    RunningCheck { events: rx, cancel }
}

/// Run a check to the end on the current runtime (CLI, tests).
pub async fn check(plan: &Plan, cancel: engine::CancelToken) -> CheckResult {
    let transcript = engine::run_check(plan, cancel, |_| {}).await;
    let hints = diagnose::diagnose(plan, &transcript);
    CheckResult { transcript, hints }
}
