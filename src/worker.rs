//! The worker: runs checks on the tokio runtime, off the UI thread. The window starts one with a
//! plan and gets its events through a callback; the command line runs one to the end.

use crate::diagnose::{self, Hint};
use crate::engine::{self, CancelHandle, Event};
use crate::plan::Plan;
use crate::transcript::Transcript;
use std::sync::Arc;

/// A finished check: the transcript and its diagnosis.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub transcript: Transcript,
    pub hints: Vec<Hint>,
}

/// What a running check reports, in order: progress, then exactly one `Finished` or `Lost`.
#[derive(Debug)]
pub enum CheckEvent {
    Progress(Event),
    Finished(Box<CheckResult>),
    /// The check's task ended without a result (it panicked, or the runtime shut down).
    Lost,
}

/// Sends `Lost` when dropped before the result was sent: the last word of a task that died.
struct LastWord<F: Fn(CheckEvent)> {
    send: Arc<F>,
    done: bool,
}

impl<F: Fn(CheckEvent)> Drop for LastWord<F> {
    fn drop(&mut self) {
        if !self.done {
            (self.send)(CheckEvent::Lost);
        }
    }
}

/// Start a check on the runtime. `send` gets every event, on the runtime's threads (the window
/// forwards them to its channel and wakes the UI). Returns the handle that cancels it.
pub fn spawn_check(
    rt: &tokio::runtime::Handle,
    plan: Plan,
    send: impl Fn(CheckEvent) + Send + Sync + 'static,
) -> CancelHandle {
    spawn_check_prepared(rt, plan, |p| p, send)
}

/// [`spawn_check`], with `prepare` run first on the blocking pool (a keyring read, which must not
/// run on the UI thread nor hold an async worker): it may complete the plan, e.g. put a saved
/// profile's proxy credentials back into its proxy address.
pub fn spawn_check_prepared(
    rt: &tokio::runtime::Handle,
    plan: Plan,
    prepare: impl FnOnce(Plan) -> Plan + Send + 'static,
    send: impl Fn(CheckEvent) + Send + Sync + 'static,
) -> CancelHandle {
    let (cancel, token) = engine::cancel_pair();
    let send = Arc::new(send);
    rt.spawn(async move {
        let mut last_word = LastWord {
            send: send.clone(),
            done: false,
        };
        let Ok(plan) = tokio::task::spawn_blocking(move || prepare(plan)).await else {
            // `prepare` panicked: the check is lost (the last word says so).
            return;
        };
        let progress = send.clone();
        let transcript = engine::run_check(&plan, token, move |e| progress(CheckEvent::Progress(e))).await;
        let hints = diagnose::diagnose(&plan, &transcript);
        last_word.done = true;
        send(CheckEvent::Finished(Box::new(CheckResult { transcript, hints })));
    });
    cancel
}

/// Run a check to the end on the current runtime (CLI, tests).
pub async fn check(plan: &Plan, cancel: engine::CancelToken) -> CheckResult {
    let transcript = engine::run_check(plan, cancel, |_| {}).await;
    let hints = diagnose::diagnose(plan, &transcript);
    CheckResult { transcript, hints }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{AuthMode, CheckOptions, Target};
    use crate::secret::Secret;
    use crate::transcript::StepName;
    use std::time::Duration;

    #[test]
    fn a_check_whose_task_goes_away_says_lost() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        // Accepts the connection (the OS backlog) and never answers: the login hangs.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
        let url = format!("http://{}", silent.local_addr().expect("addr"));
        let plan = Plan::new(
            Target::new(url, AuthMode::ApiKey, "svc", CheckOptions::default()),
            Secret::new("0123456789012345678901234567890123456789"),
        );
        let (tx, rx) = std::sync::mpsc::channel();
        let _cancel = spawn_check(rt.handle(), plan, move |e| {
            let _ = tx.send(e);
        });
        loop {
            match rx.recv_timeout(Duration::from_secs(10)).expect("an event") {
                CheckEvent::Progress(Event::StepStarted(StepName::Authenticate)) => break,
                CheckEvent::Progress(_) => {}
                other => panic!("the check ended early: {other:?}"),
            }
        }
        // The runtime shuts down under the running check (the window closing, or a panic).
        drop(rt);
        let rest: Vec<CheckEvent> = rx.try_iter().collect();
        assert!(matches!(rest.last(), Some(CheckEvent::Lost)), "{rest:?}");
        assert!(!rest.iter().any(|e| matches!(e, CheckEvent::Finished(_))));
    }
}
