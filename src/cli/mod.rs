//! The command line: `check` headless, `demo-server`, and the window when no command is given.

mod args;
mod check;
mod launch;
mod text;

pub use args::{CheckArgs, Cli, Command, DemoServerArgs, OptionArgs};
pub use check::{read_stdin_secret, run_plan, secret_from_flags};
pub use text::render as render_text;

use clap::Parser;

/// Exit code for unusable input (docs/cli.md), also used for usage errors.
pub const EXIT_INVALID_INPUT: i32 = 3;

/// Parse the arguments, run, and return the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_INVALID_INPUT } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check::run(args),
        Some(Command::DemoServer(args)) => launch::demo_server(args),
        Some(Command::Profiles(args)) => crate::profiles::cli::run(args),
        None => launch::window(cli.demo),
    }
}

/// The tokio runtime of a command-line run: two workers are plenty for one check.
pub(crate) fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
