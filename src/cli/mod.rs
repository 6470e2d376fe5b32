//! The command line: `check` headless, `profiles`, `demo-server`, and the window when no command
//! is given. Each command returns `Result<Exit, CliError>`; [`main`] prints the error once and
//! maps the result to the exit code ([`exit`]).

mod args;
mod check;
pub mod exit;
mod explain;
mod junit;
mod launch;
mod profiles;
mod profiles_transfer;
mod saved;
mod text;

pub use args::{CheckArgs, Cli, Command, DemoServerArgs, OptionArgs};
use check::{read_stdin_secret, secret_from_flags};
pub use exit::{CliError, Exit};
pub use explain::render as render_explanation;
pub use profiles::{AddArgs, ProfilesArgs, ProfilesCommand};
pub use text::render as render_text;

use clap::Parser;

/// Parse the arguments, run, and return the process exit code.
pub fn main() -> i32 {
    let result = try_main();
    if let Err(e) = &result {
        e.print();
    }
    // No crypto may run while the process exits (see `settle`).
    crate::engine::tls::settle(std::time::Duration::from_secs(2));
    exit::code(&result)
}

fn try_main() -> Result<Exit, CliError> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        // --help and --version are "errors" that go to stdout.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return Ok(Exit::Done);
        }
        Err(e) => return Err(e.into()),
    };
    match cli.command {
        Some(Command::Check(args)) => check::run(args),
        Some(Command::DemoServer(args)) => launch::demo_server(args),
        Some(Command::Profiles(args)) => profiles::run(args),
        Some(Command::Explain(args)) => explain::run(args),
        None => launch::window(cli.demo),
    }
}

/// The tokio runtime of a command-line run: two workers are plenty for one check.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// The runtime of `check`; the error says the program cannot start.
fn check_runtime() -> Result<tokio::runtime::Runtime, CliError> {
    runtime().map_err(|e| CliError::CannotStart(format!("aa-conntest: cannot start: {e}")))
}
