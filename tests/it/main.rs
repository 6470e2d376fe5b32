//! The integration tests: one binary (linking the whole app once), one module per area.

mod profiles_support;
mod support;
mod ui_support;

mod about;
mod admins_cli;
mod admins_probes;
mod check_demo;
mod cli;
mod cli_scheduled;
mod demo_server;
mod field_truth;
mod fuzz_props;
mod hints_real;
mod hostile;
mod hostile_deadlines;
mod hostile_files;
mod hostile_markdown;
mod hostile_terminal;
mod hostile_ui;
mod keyring_secret_service;
mod leak_audit;
mod paste_cli;
mod paste_corpus;
mod profiles_report;
mod profiles_secrets;
mod profiles_store;
mod profiles_transfer;
mod proxy;
#[cfg(feature = "snapshot")]
mod snapshots;
mod tls_truth;
mod trust_pin;
mod ui_admins;
mod ui_files;
mod ui_guards;
mod ui_paste;
mod ui_profiles;
mod ui_trust;
mod ui_verdict;
mod ui_window;
