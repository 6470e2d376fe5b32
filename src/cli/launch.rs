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
        if args.json {
            let line = serde_json::json!({
                "url": url,
                "api_key_user": {"username": demo::API_KEY_USER, "api_key": demo::API_KEY},
                "password_user": {"username": demo::PASSWORD_USER, "password": demo::PASSWORD},
                "scenario": scenario.id(),
                "ca_file": server.ca_file().map(|p| p.display().to_string()),
            });
            println!("{line}");
        }
        println!("Demo Control Room listening at {url} (scenario: {})", scenario.id());
        println!("  API key user:  {}  key: {}", demo::API_KEY_USER, demo::API_KEY);
        println!("  Password user: {}  password: {}", demo::PASSWORD_USER, demo::PASSWORD);
        if let Some(ca) = server.ca_file() {
            println!("  CA certificate (for --ca-file): {}", ca.display());
        }
        println!("These are demo credentials, not secrets. Press Ctrl-C to stop.");
        use std::io::Write;
        let _ = std::io::stdout().flush();
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
