//! Starting the window and the demo server.

use super::args::DemoServerArgs;
use super::exit::{CliError, Exit};
use crate::demo::{self, DemoOptions, DemoServer, Scenario};

/// `aa-conntest demo-server`: run the demo Control Room in the foreground until Ctrl-C.
pub fn demo_server(args: DemoServerArgs) -> Result<Exit, CliError> {
    let Some(scenario) = Scenario::from_id(&args.scenario) else {
        let ids: Vec<_> = Scenario::ALL.iter().map(|s| s.id()).collect();
        return Err(CliError::InvalidInput(format!(
            "demo-server: unknown scenario \"{}\"; one of: {}",
            args.scenario,
            ids.join(", ")
        )));
    };
    let rt = super::runtime().map_err(|e| CliError::CannotStart(format!("demo-server: cannot start: {e}")))?;
    rt.block_on(async {
        let server = DemoServer::start(DemoOptions {
            port: args.port,
            tls: args.tls,
            scenario,
        })
        .await
        .map_err(|e| CliError::CannotStart(format!("demo-server: cannot listen on port {}: {e}", args.port)))?;
        let url = server.url();
        // Written with errors ignored: a script that reads the first line and closes the pipe
        // (`demo-server --json | head -1`) must not kill the server (println! panics on EPIPE).
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        if args.json {
            let line = serde_json::json!({
                "url": url,
                "api_key_user": {"username": demo::API_KEY_USER, "api_key": demo::API_KEY},
                "password_user": {"username": demo::PASSWORD_USER, "password": demo::PASSWORD},
                "scenario": scenario.id(),
                "ca_file": server.ca_file().map(|p| p.display().to_string()),
            });
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "Demo Control Room listening at {url} (scenario: {})",
            scenario.id()
        );
        let _ = writeln!(out, "  API key user:  {}  key: {}", demo::API_KEY_USER, demo::API_KEY);
        let _ = writeln!(
            out,
            "  Password user: {}  password: {}",
            demo::PASSWORD_USER,
            demo::PASSWORD
        );
        if let Some(ca) = server.ca_file() {
            let _ = writeln!(out, "  CA certificate (for --ca-file): {}", ca.display());
        }
        let _ = writeln!(out, "These are demo credentials, not secrets. Press Ctrl-C to stop.");
        let _ = out.flush();
        drop(out);
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
        Ok(Exit::Done)
    })
}

/// The window (no command given).
pub fn window(demo: bool) -> Result<Exit, CliError> {
    crate::gui::run(demo)
        .map(|()| Exit::Done)
        .map_err(|e| CliError::CannotStart(format!("aa-conntest: {e}")))
}
