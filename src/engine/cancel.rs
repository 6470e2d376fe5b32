//! Cancelling a running check: the UI (or Ctrl-C) holds a [`CancelHandle`], the engine a [`CancelToken`]
//! that every network wait races against.

use tokio::sync::watch;

/// Held by whoever may cancel.
#[derive(Debug)]
pub struct CancelHandle(watch::Sender<bool>);

/// Held by the engine.
#[derive(Debug, Clone)]
pub struct CancelToken(Option<watch::Receiver<bool>>);

pub fn cancel_pair() -> (CancelHandle, CancelToken) {
    let (tx, rx) = watch::channel(false);
    (CancelHandle(tx), CancelToken(Some(rx)))
}

impl CancelHandle {
    pub fn cancel(&self) {
        // Nobody listening means the check is already over, which is fine.
        let _ = self.0.send(true);
    }
}

impl CancelToken {
    /// A token that is never cancelled (CLI runs without Ctrl-C handling, tests).
    pub fn never() -> Self {
        Self(None)
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Resolves when cancelled; never resolves for [`CancelToken::never`] or a dropped handle.
    pub async fn cancelled(&self) {
        match &self.0 {
            Some(rx) => {
                let mut rx = rx.clone();
                if rx.wait_for(|c| *c).await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending::<()>().await,
        }
    }
}
