//! The server's mutable state, shared by the connection layer, the TLS certificate resolver and the
//! request handlers.

use super::ReceivedRequest;
use super::scenario::Scenario;
use super::tokens::TokenStore;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::watch;

/// Failed logins that disable an account: "by default, 3 failed logins set the user to Disabled"
/// ([F5], reference §4.3, §7.14).
pub(crate) const MAX_FAILED_LOGINS: u32 = 3;

/// Accounts and sessions.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    pub tokens: TokenStore,
    /// Consecutive failed logins per user id (a success resets the count).
    pub failures: HashMap<u64, u32>,
    pub disabled: HashSet<u64>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    scenario: Mutex<Scenario>,
    accounts: Mutex<Accounts>,
    log: Mutex<Vec<ReceivedRequest>>,
    login_attempts: AtomicUsize,
    /// Becomes `true` when the server shuts down (wakes slow handlers).
    pub shutdown: watch::Receiver<bool>,
}

/// Lock a mutex even if a panicking thread poisoned it: the data stay usable for a demo server.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(scenario: Scenario, shutdown: watch::Receiver<bool>) -> Self {
        Self {
            scenario: Mutex::new(scenario),
            accounts: Mutex::new(Accounts::default()),
            log: Mutex::new(Vec::new()),
            login_attempts: AtomicUsize::new(0),
            shutdown,
        }
    }

    pub fn scenario(&self) -> Scenario {
        *lock(&self.scenario)
    }

    pub fn set_scenario(&self, s: Scenario) {
        *lock(&self.scenario) = s;
    }

    pub fn accounts(&self) -> MutexGuard<'_, Accounts> {
        lock(&self.accounts)
    }

    pub fn record(&self, r: ReceivedRequest) {
        lock(&self.log).push(r);
    }

    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.log).clone()
    }

    pub fn count_login_attempt(&self) {
        self.login_attempts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn login_attempts(&self) -> usize {
        self.login_attempts.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        *lock(&self.accounts) = Accounts::default();
        lock(&self.log).clear();
        self.login_attempts.store(0, Ordering::Relaxed);
    }
}
