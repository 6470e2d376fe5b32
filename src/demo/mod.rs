//! The demo Control Room: an embedded HTTP(S) server on loopback that speaks the Control Room's
//! authentication API as `docs/control-room-api.md` ("reference") describes it, and can switch to
//! [`Scenario`]s that reproduce the failures users meet. It serves `--demo`, `aa-conntest
//! demo-server`, the integration tests and the benchmarks.
//!
//! Layout: [`scenario`] (the catalogue of behaviours), `users` and `tokens` (accounts and
//! sessions), `routes` (the API), `front` (logging and the scenarios of things in front of the
//! Control Room), `conn` (the accept loop that can reset a connection or answer garbage), `tls`
//! (a throwaway CA and its certificates), [`cases`] (the "Try a common mistake" catalogue).
//!
//! Choices the reference does not settle (INFERRED; each is also commented where it is made):
//! - statuses of the quoted error bodies: UM1110 and UM1117 → 401, `generic.server.exception` → 500;
//! - `POST /v1/authentication` (and the v1 refresh) → 401 `{"code": "access.denied", "details": null,
//!   "message": "Access Denied"}` (the reference only has the phrase);
//! - a disabled account → 401 `UM1105` "User is disabled"; no API permission or licence → 403
//!   `UM1403` "The operation is not authorized"; both `apiKey` and `password` → 400
//!   `generic.bad.request`; an invalid token on refresh or logout → 401 `UM1118`;
//! - unknown paths under `/v1/`…`/v4/` → Spring Boot's JSON 404; other GETs → the web UI's HTML;
//!   other methods outside the API → nginx's HTML 405;
//! - usernames and secrets are compared exactly (case-sensitive, no trimming); three consecutive
//!   failures disable the account, a success resets the count;
//! - a login that is not multi-session ends the user's earlier single-session tokens only; a refresh
//!   ends the old token; logout of an invalid token is refused.

pub mod cases;
mod clock;
mod conn;
mod errors;
mod front;
mod pages;
mod probes;
mod routes;
pub mod scenario;
mod state;
mod tls;
mod tokens;
mod users;

pub use cases::{DemoCase, cases};
pub use scenario::Scenario;

use state::Shared;
use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The user who signs in with an API key.
pub const API_KEY_USER: &str = "svc_demo_api";
/// The demo API key: 40 characters with punctuation, like the real ones (reference §3.2), but made
/// up; no backslash, as keys from A360 .25 on have none.
pub const API_KEY: &str = "Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1#Ys5Ue";
/// The user who signs in with a password.
pub const PASSWORD_USER: &str = "demo_user";
pub const PASSWORD: &str = "Demo-Passw0rd!";

/// How to start the demo server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// 0 = any free port.
    pub port: u16,
    /// Serve HTTPS with a certificate from a throwaway CA (see [`DemoServer::ca_pem`]).
    pub tls: bool,
    pub scenario: Scenario,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            port: 0,
            tls: false,
            scenario: Scenario::Normal,
        }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names are lower case (HTTP/1 names are case-insensitive; hyper lower-cases them).
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
}

impl ReceivedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running demo Control Room. Dropping it stops it too; [`DemoServer::shutdown`] also waits.
pub struct DemoServer {
    shared: Arc<Shared>,
    local: SocketAddr,
    tls: bool,
    ca_pem: Option<String>,
    ca_file: Option<tempfile::NamedTempFile>,
    stop: watch::Sender<bool>,
    accept_task: JoinHandle<()>,
    serve_task: JoinHandle<()>,
}

impl std::fmt::Debug for DemoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoServer")
            .field("url", &self.url())
            .field("scenario", &self.scenario())
            .finish()
    }
}

impl DemoServer {
    /// Bind 127.0.0.1 (never another interface) and start serving. Must run inside a tokio runtime.
    pub async fn start(opts: DemoOptions) -> io::Result<DemoServer> {
        let tcp = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port)).await?;
        let local = tcp.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared::new(opts.scenario, stop_rx.clone()));

        let (acceptor, ca_pem, ca_file) = if opts.tls {
            let t = tls::setup(shared.clone())?;
            let mut file = tempfile::Builder::new()
                .prefix("aa-conntest-demo-ca-")
                .suffix(".pem")
                .tempfile()?;
            file.write_all(t.ca_pem.as_bytes())?;
            file.flush()?;
            (Some(t.acceptor), Some(t.ca_pem), Some(file))
        } else {
            (None, None, None)
        };

        let (listener, accept_task) = conn::start(tcp, acceptor)?;
        let app = routes::router(shared.clone());
        let mut stop_signal = stop_rx;
        let serve = axum::serve(listener, app.into_make_service_with_connect_info::<conn::ConnInfo>())
            .with_graceful_shutdown(async move {
                let _ = stop_signal.wait_for(|v| *v).await;
            });
        let serve_task = tokio::spawn(async move {
            // Our listener never fails, so serve only returns at shutdown.
            let _ = serve.await;
        });
        Ok(DemoServer {
            shared,
            local,
            tls: opts.tls,
            ca_pem,
            ca_file,
            stop,
            accept_task,
            serve_task,
        })
    }

    /// `http://127.0.0.1:PORT`, or with TLS `https://localhost:PORT` (the certificate names both).
    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.local.port())
        } else {
            format!("http://127.0.0.1:{}", self.local.port())
        }
    }

    pub fn port(&self) -> u16 {
        self.local.port()
    }

    /// With TLS: the PEM of the CA that signed the server certificate.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// With TLS: a file holding [`DemoServer::ca_pem`] (for `--ca-file` / `CheckOptions::ca_file`);
    /// it is deleted when the server is dropped.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_ref().map(|f| f.path())
    }

    pub fn is_tls(&self) -> bool {
        self.tls
    }

    pub fn set_scenario(&self, s: Scenario) {
        self.shared.set_scenario(s);
    }

    pub fn scenario(&self) -> Scenario {
        self.shared.scenario()
    }

    /// Every request the server got, in order (also those a scenario answered or cut).
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.shared.received()
    }

    /// POSTs to `/v2/authentication` so far.
    pub fn login_attempts(&self) -> usize {
        self.shared.login_attempts()
    }

    /// Forget tokens, failure counters, disabled accounts and the request log (not the scenario).
    pub fn reset_state(&self) {
        self.shared.reset();
    }

    /// Stop accepting, let open requests finish for a moment, then stop.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        self.accept_task.abort();
        if tokio::time::timeout(Duration::from_secs(2), &mut self.serve_task)
            .await
            .is_err()
        {
            self.serve_task.abort();
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.accept_task.abort();
    }
}
