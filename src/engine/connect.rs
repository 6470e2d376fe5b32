//! The connect step: DNS lookup, TCP connect and TLS handshake, each timed, done by hand so each
//! failure is told apart (a firewall that drops is not a DNS typo) and the certificate is seen
//! even when it is not trusted. Through a proxy, the tunnel is opened with CONNECT first.

use super::cancel::CancelToken;
use super::proxy::ProxyChoice;
use super::tls::{self, Trust};
use super::words;
use crate::plan::CheckOptions;
use crate::transcript::{ConnectInfo, ResetPhase, StepError, TlsFailure};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct ConnectTarget<'a> {
    pub host: &'a str,
    pub port: u16,
    pub https: bool,
    pub proxy: Option<&'a ProxyChoice>,
    /// The check's TLS setup (https only); the HTTP client uses the same one afterwards.
    pub trust: Option<&'a Trust>,
}

/// Run the probe. On failure the partial facts are returned with the error.
pub async fn probe(
    target: &ConnectTarget<'_>,
    options: &CheckOptions,
    cancel: &CancelToken,
) -> (ConnectInfo, Option<StepError>) {
    let mut info = ConnectInfo {
        host: target.host.to_string(),
        port: target.port,
        ..Default::default()
    };
    let timeout = options.timeout();
    let deadline = Instant::now() + timeout;
    let result = tokio::select! {
        r = run(target, options, &mut info, deadline) => r,
        _ = cancel.cancelled() => Err(StepError::Cancelled),
    };
    (info, result.err())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn left(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

async fn run(
    target: &ConnectTarget<'_>,
    options: &CheckOptions,
    info: &mut ConnectInfo,
    deadline: Instant,
) -> Result<(), StepError> {
    let secs = options.timeout().as_secs_f64();
    let timeout_err = |phase: &str| StepError::Timeout {
        phase: phase.to_string(),
        secs,
    };

    // Through a proxy the name is resolved by the proxy; we resolve and reach the proxy itself.
    let (dial_host, dial_port) = match target.proxy {
        Some(p) => {
            info.proxy = Some(p.display());
            (
                p.url
                    .host_str()
                    .unwrap_or_default()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string(),
                p.url.port_or_known_default().unwrap_or(8080),
            )
        }
        None => (
            target.host.trim_start_matches('[').trim_end_matches(']').to_string(),
            target.port,
        ),
    };

    let t = Instant::now();
    // On a thread of its own: a stuck system resolver must not hold the process (see resolver).
    let addrs: Vec<SocketAddr> = match tokio::time::timeout(
        left(deadline),
        super::resolver::lookup(&dial_host, dial_port, Some(deadline)),
    )
    .await
    {
        Err(_) => return Err(timeout_err("dns")),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::TimedOut => return Err(timeout_err("dns")),
        Ok(Err(e)) => {
            info.dns_ms = Some(ms(t));
            let detail = e.to_string();
            return Err(match target.proxy {
                Some(p) => StepError::Proxy {
                    detail: format!(
                        "the proxy {} could not be found (its host name does not resolve)",
                        p.display()
                    ),
                },
                None => StepError::Dns {
                    host: dial_host.clone(),
                    detail,
                },
            });
        }
        Ok(Ok(a)) => a,
    };
    info.dns_ms = Some(ms(t));
    info.addresses = addrs.iter().map(|a| a.ip().to_string()).collect();
    if addrs.is_empty() {
        return Err(StepError::Dns {
            host: dial_host,
            detail: "no address found".into(),
        });
    }

    let t = Instant::now();
    let mut last_err = None;
    let mut stream = None;
    for addr in &addrs {
        match tokio::time::timeout(left(deadline), TcpStream::connect(addr)).await {
            Err(_) => {
                last_err = Some(timeout_err("connect"));
                break;
            }
            Ok(Ok(s)) => {
                info.connected_to = Some(addr.to_string());
                stream = Some(s);
                break;
            }
            Ok(Err(e)) => {
                last_err = Some(match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => StepError::Refused { addr: addr.to_string() },
                    std::io::ErrorKind::TimedOut => timeout_err("connect"),
                    _ => words::io_error(&e, &addr.to_string(), ResetPhase::Connect, format!("{addr}: {e}")),
                })
            }
        }
    }
    info.tcp_ms = Some(ms(t));
    let mut stream = match stream {
        Some(s) => s,
        None => {
            let err = last_err.unwrap_or(StepError::Network {
                reason: "no address could be reached".into(),
                detail: String::new(),
            });
            return Err(match (target.proxy, err) {
                (Some(p), StepError::Refused { addr }) => StepError::Proxy {
                    detail: format!("the proxy {} refused the connection ({addr})", p.display()),
                },
                (Some(p), StepError::Timeout { .. }) => StepError::Proxy {
                    detail: format!("the proxy {} did not answer in time", p.display()),
                },
                (Some(p), StepError::Reset { .. }) => StepError::Proxy {
                    detail: format!("the proxy {} cut the connection", p.display()),
                },
                (_, e) => e,
            });
        }
    };
    let _ = stream.set_nodelay(true);

    // For https the proxy opens a tunnel (CONNECT); plain http requests go to the proxy as they are.
    if let Some(p) = target.proxy.filter(|_| target.https) {
        tokio::time::timeout(left(deadline), open_tunnel(&mut stream, p, target.host, target.port))
            .await
            .map_err(|_| StepError::Proxy {
                detail: format!("the proxy {} did not answer the tunnel request in time", p.display()),
            })??;
    }

    if !target.https {
        return Ok(());
    }
    let Some(trust) = target.trust else {
        return Err(StepError::Tls {
            kind: TlsFailure::Handshake,
            reason: "the secure connection could not be prepared".into(),
            detail: "no TLS configuration".into(),
        });
    };
    let host = target.host.trim_start_matches('[').trim_end_matches(']').to_string();
    let server_name = rustls::pki_types::ServerName::try_from(host).map_err(|e| StepError::Tls {
        kind: TlsFailure::Handshake,
        reason: "the host name cannot be used for a secure connection".into(),
        detail: e.to_string(),
    })?;
    let connector = tokio_rustls::TlsConnector::from(trust.config.clone());
    let t = Instant::now();
    let outcome = tokio::time::timeout(left(deadline), connector.connect(server_name.clone(), stream)).await;
    info.tls_ms = Some(ms(t));
    if let Ok(p) = trust.presented.lock() {
        info.certificates = p.chain.iter().map(super::certs::describe).collect();
        info.trusted = p.verdict.as_ref().map(Result::is_ok);
        info.trusted_by = match &p.verdict {
            Some(Ok(by)) => Some(by.as_str().to_string()),
            Some(Err(_)) if options.insecure => Some("insecure".to_string()),
            _ => None,
        };
        info.pin_matched = p.pin_matched;
        if let Some(Err(e)) = &p.verdict {
            info.trust_error = Some(tls::explain(e, info.certificates.first()).1);
            info.trust_error_detail = Some(e.to_string());
            info.pinnable = p
                .chain
                .first()
                .is_some_and(|leaf| tls::pin_would_trust(e, leaf, &server_name, rustls::pki_types::UnixTime::now()));
        }
    }
    match outcome {
        Err(_) => Err(timeout_err("tls")),
        Ok(Ok(tls_stream)) => {
            let (_, conn) = tls_stream.get_ref();
            info.tls_version = conn.protocol_version().map(|v| format!("{v:?}").replace('_', "."));
            info.cipher = conn.negotiated_cipher_suite().map(|c| format!("{:?}", c.suite()));
            info.alpn = conn.alpn_protocol().map(|a| String::from_utf8_lossy(a).into_owned());
            Ok(())
        }
        Ok(Err(e)) => {
            let err = tls_error(
                &e,
                info.certificates.first(),
                info.connected_to.as_deref().unwrap_or(""),
            );
            if matches!(
                err,
                StepError::Tls {
                    kind: TlsFailure::Handshake,
                    ..
                }
            ) && target.proxy.is_none()
            {
                info.speaks_plain_http =
                    Some(speaks_plain_http(info.connected_to.as_deref(), target.host, deadline).await);
            }
            Err(err)
        }
    }
}

/// Ask the port for a plain-HTTP answer (a short HEAD): tells "https typed for an http server"
/// from other handshake failures.
async fn speaks_plain_http(addr: Option<&str>, host: &str, deadline: Instant) -> bool {
    let Some(addr) = addr else { return false };
    let probe = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        s.write_all(format!("HEAD / HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
            .await
            .ok()?;
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.ok()?;
        Some(&buf == b"HTTP/")
    };
    let budget = left(deadline).min(Duration::from_secs(2));
    tokio::time::timeout(budget, probe)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}

/// A failed handshake: a TLS error in words, or a connection cut during the handshake (a firewall,
/// an inspecting proxy, a server that closes without a word).
fn tls_error(e: &std::io::Error, leaf: Option<&crate::transcript::CertificateInfo>, addr: &str) -> StepError {
    if let Some(r) = tls::find_rustls_error(e) {
        let (kind, reason) = tls::explain(r, leaf);
        return StepError::Tls {
            kind,
            reason,
            detail: r.to_string(),
        };
    }
    words::io_error(
        e,
        addr,
        ResetPhase::TlsHandshake,
        format!("during the TLS handshake: {e}"),
    )
}

async fn open_tunnel(stream: &mut TcpStream, proxy: &ProxyChoice, host: &str, port: u16) -> Result<(), StepError> {
    use base64::Engine;
    let mut req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if !proxy.url.username().is_empty() {
        let user = percent_decode(proxy.url.username());
        let pass = proxy.url.password().map(percent_decode).unwrap_or_default();
        let cred = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        req.push_str(&format!("Proxy-Authorization: Basic {cred}\r\n"));
    }
    req.push_str("\r\n");
    let io_err = |e: std::io::Error| StepError::Proxy {
        detail: format!(
            "the proxy {} cut the connection ({})",
            proxy.display(),
            words::io_words(&e)
        ),
    };
    stream.write_all(req.as_bytes()).await.map_err(io_err)?;
    // Read the answer's head only; the tunnel starts right after it.
    let mut head = Vec::with_capacity(512);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.map_err(io_err)?;
        if n == 0 {
            return Err(StepError::Proxy {
                detail: format!(
                    "the proxy {} closed the connection without answering the tunnel request",
                    proxy.display()
                ),
            });
        }
        head.push(byte[0]);
        if head.len() > 16 * 1024 {
            return Err(StepError::Proxy {
                detail: format!("the proxy {} sent an answer too long to be a proxy's", proxy.display()),
            });
        }
    }
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or_default().to_string();
    let code: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    match code {
        200..=299 => Ok(()),
        407 => Err(StepError::Proxy {
            detail: format!(
                "the proxy {} requires authentication (\"{status_line}\")",
                proxy.display()
            ),
        }),
        0 => Err(StepError::Proxy {
            detail: format!("{} did not answer like a proxy", proxy.display()),
        }),
        _ => Err(StepError::Proxy {
            detail: format!(
                "the proxy {} refused the tunnel to {host}:{port} (\"{status_line}\")",
                proxy.display()
            ),
        }),
    }
}

/// RFC 3986 percent-decoding of a URL's user or password (a `+` stays a `+`, as reqwest sends it).
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
