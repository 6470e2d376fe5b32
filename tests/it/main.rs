//! The integration tests: one binary (linking the whole app once), one module per area.

mod profiles_support;
mod support;
mod ui_support;

mod check_demo;
mod cli;
mod demo_server;
mod fuzz_props;
mod hints_real;
mod hostile;
mod keyring_secret_service;
mod leak_audit;
mod profiles_report;
mod profiles_secrets;
mod profiles_store;
mod profiles_transfer;
mod proxy;
#[cfg(feature = "snapshot")]
mod snapshots;
mod tls_truth;
mod ui_profiles;
mod ui_verdict;
mod ui_window;
