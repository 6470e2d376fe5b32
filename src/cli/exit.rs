//! Exit codes, in one place (the contract is in docs/cli.md). Every command returns
//! `Result<Exit, CliError>`; [`code`] turns either into the process exit code, and [`super::main`]
//! prints the error once (as ripgrep's `main`/`try_main` and xh's `error_reporting` do).

use crate::transcript::Outcome;

/// The credentials work (`check`), or the command did what it was asked.
pub const SUCCESS: i32 = 0;
/// `check`: the Control Room answered and refused.
pub const REFUSED: i32 = 1;
/// `profiles`: the operation failed (a file, the keyring, a name conflict).
pub const FAILED: i32 = 1;
/// `check`: the Control Room API could not be reached, or something else answered.
pub const UNREACHABLE: i32 = 2;
/// What the program needs could not start (the async runtime, the window, a listening port).
pub const CANNOT_START: i32 = 2;
/// Unusable input: a usage error, a missing or empty secret, an unknown profile or scenario.
pub const INVALID_INPUT: i32 = 3;
/// `check --fail-on-expiring DAYS`: the check passed, and the API key expires within DAYS.
pub const KEY_EXPIRING: i32 = 4;
/// The check was cancelled (Ctrl-C), as a shell reports an interrupted program.
pub const CANCELLED: i32 = 130;

/// The exit code of a finished check.
pub fn for_outcome(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Ok => SUCCESS,
        Outcome::Rejected => REFUSED,
        Outcome::Unreachable => UNREACHABLE,
        Outcome::InvalidInput => INVALID_INPUT,
        Outcome::Cancelled => CANCELLED,
    }
}

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It did what it was asked.
    Done,
    /// It ran checks; this is the outcome of the one (or the worst of several) that ran.
    Checked(Outcome),
    /// The check passed, but the API key expires within the days of `--fail-on-expiring`.
    KeyExpiring,
}

/// How bad an exit code is: an expiring key (4) is worse than success and better than any failed
/// check; the others by their number.
fn severity(code: i32) -> i32 {
    match code {
        SUCCESS => 0,
        KEY_EXPIRING => 1,
        other => other.saturating_add(1),
    }
}

impl Exit {
    /// The worse of two results (`check --all-profiles` exits with the worst).
    pub fn worst(self, other: Exit) -> Exit {
        if severity(code(&Ok(other))) > severity(code(&Ok(self))) {
            other
        } else {
            self
        }
    }
}

/// A command that could not do its job. The message is the whole line printed on stderr.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Unusable input (a usage error, a missing secret, an unknown profile).
    #[error("{0}")]
    InvalidInput(String),
    /// The operation failed (a file, the keyring, a conflict).
    #[error("{0}")]
    Failed(String),
    /// What the program needs could not start.
    #[error("{0}")]
    CannotStart(String),
    /// Bad arguments: clap words them (and prints them in colour).
    #[error(transparent)]
    Usage(#[from] clap::Error),
}

impl CliError {
    /// The same error, its words after `prefix: ` (the command that failed).
    pub fn context(self, prefix: &str) -> Self {
        match self {
            CliError::InvalidInput(m) => CliError::InvalidInput(format!("{prefix}: {m}")),
            CliError::Failed(m) => CliError::Failed(format!("{prefix}: {m}")),
            CliError::CannotStart(m) => CliError::CannotStart(format!("{prefix}: {m}")),
            CliError::Usage(e) => CliError::Usage(e),
        }
    }

    /// Say it on stderr (once: [`super::main`] is the only caller).
    pub fn print(&self) {
        match self {
            CliError::Usage(e) => {
                let _ = e.print();
            }
            // Error messages quote files and servers: no control character reaches the terminal.
            other => eprintln!("{}", crate::sanitize::for_display_multiline(&other.to_string())),
        }
    }
}

/// The process exit code of a command's result.
pub fn code(result: &Result<Exit, CliError>) -> i32 {
    match result {
        Ok(Exit::Done) => SUCCESS,
        Ok(Exit::Checked(outcome)) => for_outcome(*outcome),
        Ok(Exit::KeyExpiring) => KEY_EXPIRING,
        Err(CliError::InvalidInput(_) | CliError::Usage(_)) => INVALID_INPUT,
        Err(CliError::Failed(_)) => FAILED,
        Err(CliError::CannotStart(_)) => CANNOT_START,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_codes() {
        let checked = |o| code(&Ok(Exit::Checked(o)));
        assert_eq!(checked(Outcome::Ok), 0);
        assert_eq!(checked(Outcome::Rejected), 1);
        assert_eq!(checked(Outcome::Unreachable), 2);
        assert_eq!(checked(Outcome::InvalidInput), 3);
        assert_eq!(checked(Outcome::Cancelled), 130);
        assert_eq!(code(&Ok(Exit::Done)), 0);
        assert_eq!(code(&Err(CliError::Failed("x".into()))), 1);
        assert_eq!(code(&Err(CliError::CannotStart("x".into()))), 2);
        assert_eq!(code(&Err(CliError::InvalidInput("x".into()))), 3);
    }

    #[test]
    fn the_worst_outcome_wins() {
        let all = [Outcome::Ok, Outcome::Cancelled, Outcome::Rejected].map(Exit::Checked);
        let worst = all.into_iter().fold(Exit::Done, Exit::worst);
        assert_eq!(worst, Exit::Checked(Outcome::Cancelled));
        assert_eq!(Exit::Done.worst(Exit::Checked(Outcome::Ok)), Exit::Done);
        // An expiring key is worse than a pass, better than any failure.
        assert_eq!(Exit::Done.worst(Exit::KeyExpiring), Exit::KeyExpiring);
        assert_eq!(code(&Ok(Exit::KeyExpiring)), 4);
        for o in [
            Outcome::Rejected,
            Outcome::Unreachable,
            Outcome::InvalidInput,
            Outcome::Cancelled,
        ] {
            assert_eq!(Exit::KeyExpiring.worst(Exit::Checked(o)), Exit::Checked(o));
            assert_eq!(Exit::Checked(o).worst(Exit::KeyExpiring), Exit::Checked(o));
        }
    }
}
