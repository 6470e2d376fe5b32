//! Command-line arguments (docs/cli.md). Secrets are never plain arguments: they would show in
//! the process list and the shell history.

use crate::plan::CheckOptions;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "aa-conntest",
    version = crate::build_info::LONG_VERSION,
    about = "Tests Automation Anywhere Control Room credentials and explains what is wrong"
)]
pub struct Cli {
    /// Open the window with the built-in demo Control Room running and selected.
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one check headless; print steps and hints; the exit code is the outcome
    /// (0 ok, 1 refused, 2 unreachable or not the API, 3 unusable input).
    Check(CheckArgs),
    /// Run the demo Control Room in the foreground.
    DemoServer(DemoServerArgs),
    /// Saved connection profiles: list, add, remove, export, import (secrets stay in the keyring).
    Profiles(super::profiles::ProfilesArgs),
    /// Explain a pasted request or answer (curl, PowerShell, HTTP, HAR, Postman, Bruno, Insomnia, an
    /// error body) before anything is sent; --run then tests it the right way. Exit code as check.
    Explain(super::explain::ExplainArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("saved").args(["profile", "all_profiles"])))]
// A flag's default value counts as given for `requires`; a group counts only what was typed.
#[command(group(clap::ArgGroup::new("all").args(["all_profiles"])))]
pub struct CheckArgs {
    /// Use a saved profile; its secret comes from the keyring (or from a secret flag, if given).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["url", "username", "all_profiles"])]
    pub profile: Option<String>,
    /// Test every saved profile in turn (one login attempt each); exit code = the worst outcome.
    #[arg(long, conflicts_with_all = ["url", "username", "secret"])]
    pub all_profiles: bool,
    /// With --profile or --all-profiles: send the login even for a profile whose secret the Control
    /// Room refused before (each refusal counts towards disabling the account: three in a row by
    /// default).
    #[arg(long, requires = "saved")]
    pub force: bool,
    /// With --all-profiles: also write the outcomes as a JUnit XML file (one test case per profile;
    /// not tested profiles are skipped; no secret in it).
    #[arg(long, value_name = "FILE", requires = "all")]
    pub junit: Option<PathBuf>,
    /// Also save the report as JSON and Markdown: a directory, or a file name (x.json and x.md).
    #[arg(long, value_name = "PATH")]
    pub save_report: Option<PathBuf>,
    /// Control Room URL, e.g. https://acme.my.automationanywhere.digital
    #[arg(long)]
    pub url: Option<String>,
    /// Control Room username.
    #[arg(long)]
    pub username: Option<String>,
    /// Read the API key from this environment variable.
    #[arg(long, value_name = "VAR", group = "secret")]
    pub api_key_env: Option<String>,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR", group = "secret")]
    pub password_env: Option<String>,
    /// Read the API key from standard input.
    #[arg(long, group = "secret")]
    pub api_key_stdin: bool,
    /// Read the password from standard input.
    #[arg(long, group = "secret")]
    pub password_stdin: bool,
    /// Print the JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 4) when the API key expires within DAYS (the profile's or --key-expires' date), for
    /// scheduled runs: the check itself passed, the key is about to stop working.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=9999))]
    pub fail_on_expiring: Option<u32>,
    #[command(flatten)]
    pub options: OptionArgs,
    #[command(flatten)]
    pub admin: AdminArgs,
}

/// What an admin keeps with a target: required capabilities and the key's expiry (`check` and
/// `profiles add`).
#[derive(Debug, Args, Clone, Default)]
pub struct AdminArgs {
    /// The account must be able to do this (repeatable): generate-api-key, view-licence, list-devices,
    /// read-repository, deploy-bots, view-schedules, manage-credentials. A check fails (exit 1,
    /// account.missing-permission) when the login answer or a probe shows it missing.
    #[arg(long = "require", value_name = "CAPABILITY", value_parser = crate::capabilities::parse_capability)]
    pub require: Vec<crate::capabilities::Capability>,
    /// When the API key expires: YYYY-MM-DD (the Users page's "API Key expiration"), or the day it was
    /// generated plus its duration in days ("2025-12-01 + 90").
    #[arg(long, value_name = "DATE", value_parser = crate::key_expiry::normalise)]
    pub key_expires: Option<String>,
    /// Warn this many days before the key expires (default 14).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=9999))]
    pub key_warn_days: Option<u32>,
}

impl AdminArgs {
    /// Apply the flags that were given on top of `target` (required capabilities are added).
    pub fn apply(&self, target: &mut crate::plan::Target) {
        for c in &self.require {
            if !target.require.contains(c) {
                target.require.push(*c);
            }
        }
        if let Some(d) = &self.key_expires {
            target.key_expires = Some(d.clone());
        }
        if let Some(w) = self.key_warn_days {
            target.key_warn_days = Some(w);
        }
    }
}

/// Options shared by `check` and `profiles add`.
#[derive(Debug, Args, Clone, Default)]
pub struct OptionArgs {
    /// Timeout of each network step, in seconds: 1 to 300 (default 15).
    #[arg(long, value_name = "SECS", value_parser = super::check::parse_timeout, allow_hyphen_values = true)]
    pub timeout: Option<f64>,
    /// Trust the certificates in this PEM file too.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Accept invalid certificates (only to confirm a certificate diagnosis).
    #[arg(long)]
    pub insecure: bool,
    /// Trust exactly the certificate with this SHA-256 fingerprint (of its DER; hex, with or without
    /// colons, any case); no other certificate is accepted (its dates and host name are still
    /// checked). May be repeated.
    #[arg(long = "pin-sha256", value_name = "HEX")]
    pub pin_sha256: Vec<String>,
    /// Proxy URL (default: the system's HTTPS_PROXY / NO_PROXY).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Ask for a multi-session token (multipleLogin: true).
    #[arg(long)]
    pub multiple_login: bool,
    /// Do not log out after the test.
    #[arg(long)]
    pub no_logout: bool,
    /// Ask the Control Room what the account may do: a few read-only calls with the token just issued
    /// (licence details, devices, the public workspace, schedules), each allowed / not allowed / not
    /// on this Control Room.
    #[arg(long, alias = "probe")]
    pub probes: bool,
}

impl OptionArgs {
    /// Apply the flags that were given on top of `base`.
    pub fn apply(&self, mut base: CheckOptions) -> CheckOptions {
        if let Some(t) = self.timeout {
            base.timeout_secs = t;
        }
        if let Some(c) = &self.ca_file {
            base.ca_file = Some(c.clone());
        }
        if self.insecure {
            base.insecure = true;
        }
        if !self.pin_sha256.is_empty() {
            base.pin_sha256 = self.pin_sha256.clone();
        }
        if let Some(p) = &self.proxy {
            base.proxy = Some(p.clone());
        }
        if self.multiple_login {
            base.multiple_login = true;
        }
        if self.no_logout {
            base.logout = false;
        }
        if self.probes {
            base.probes = true;
        }
        base
    }
}

#[derive(Debug, Args)]
pub struct DemoServerArgs {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Serve HTTPS with a self-signed certificate.
    #[arg(long)]
    pub tls: bool,
    /// Scenario to play (normal, block-page, ...).
    #[arg(long, default_value = "normal")]
    pub scenario: String,
    /// Print the URL and demo credentials as one JSON line first.
    #[arg(long)]
    pub json: bool,
}
