//! The engine: a [`Plan`] goes through a fixed ladder of steps (preflight, connect, authenticate,
//! validate, logout) and comes out as a [`Transcript`]. Plain Rust and tokio; it knows nothing of
//! the window. The ladder stops at the first step that makes the rest meaningless.

mod account;
pub mod ca_file;
mod cancel;
mod certs;
mod connect;
pub mod http;
mod ladder;
mod phases;
mod preflight;
pub mod probes;
mod proxy;
mod resolver;
pub mod tls;
mod words;

pub use cancel::{CancelHandle, CancelToken, cancel_pair};
pub use proxy::check_address as check_proxy_address;

use crate::plan::Plan;
use crate::transcript::{Outcome, StepName, StepRecord, Transcript};

/// What the engine reports while it runs, for live progress.
#[derive(Debug, Clone)]
pub enum Event {
    StepStarted(StepName),
    StepFinished(Box<StepRecord>),
}

/// Run a check. `on_event` is called as each step starts and ends.
pub async fn run_check(plan: &Plan, cancel: CancelToken, mut on_event: impl FnMut(Event) + Send) -> Transcript {
    let mut t = Transcript {
        started_at: time::OffsetDateTime::now_utc(),
        // Never a `user:password@` part: the transcript feeds reports, history and the window.
        input_url: crate::target_url::strip_userinfo(&plan.target.url),
        base_url: None,
        steps: Vec::new(),
        outcome: Outcome::InvalidInput,
        connect: None,
        token: None,
        account: None,
        login_attempts: 0,
        token_valid: None,
        token_received_at: None,
        probes: Vec::new(),
    };
    let mut ladder = ladder::Ladder {
        t: &mut t,
        on_event: &mut on_event,
        cancel: &cancel,
    };
    let outcome = ladder.run(plan).await;
    t.outcome = outcome;
    // Steps that never ran are shown as skipped.
    for name in StepName::ALL {
        if t.step(name).is_none() {
            t.steps.push(StepRecord::skipped(name));
        }
    }
    t.steps.sort_by_key(|s| s.name);
    t
}
