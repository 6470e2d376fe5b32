//! One HTTP call: send, read the answer up to the body cap, time it, and record a redacted copy.
//! Redirects are never followed (a redirected login POST must be reported, not replayed as a GET)
//! and nothing is retried.

use super::cancel::CancelToken;
use super::phases::{PhaseRecorder, TimedResolver, TimingLayer};
use super::proxy::ProxyChoice;
use super::tls;
use crate::plan::CheckOptions;
use crate::secret::Redactor;
use crate::transcript::{RecordedRequest, RecordedResponse, StepError, Timings, TlsFailure};
use std::time::{Duration, Instant};

/// Bodies are read up to this many bytes; the rest is dropped and the body marked truncated.
pub const BODY_CAP: usize = 1024 * 1024;

pub const USER_AGENT: &str = concat!("aa-conntest/", env!("CARGO_PKG_VERSION"));

/// Build the client for one check. One client per check, so the validate and logout calls reuse
/// the login's connection.
pub fn client(
    options: &CheckOptions,
    proxy: Option<&ProxyChoice>,
    phases: &PhaseRecorder,
) -> Result<reqwest::Client, StepError> {
    let timeout = options.timeout();
    let mut b = reqwest::Client::builder()
        .dns_resolver(std::sync::Arc::new(TimedResolver(phases.clone())))
        .connector_layer(TimingLayer(phases.clone()))
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .timeout(timeout)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .user_agent(USER_AGENT)
        .pool_idle_timeout(Duration::from_secs(30))
        .http1_only();
    if let Some(path) = options.ca_file.as_deref() {
        let bytes = super::ca_file::read_ca_file(path).map_err(|detail| StepError::CaFile { detail })?;
        let certs = reqwest::Certificate::from_pem_bundle(&bytes).map_err(|e| StepError::CaFile {
            detail: format!("{}: {e}", path.display()),
        })?;
        b = b.tls_certs_merge(certs);
    }
    if options.insecure {
        b = b.tls_danger_accept_invalid_certs(true);
    }
    b = match proxy {
        Some(p) => b.proxy(reqwest::Proxy::all(p.url.as_str()).map_err(|e| StepError::Proxy {
            detail: format!("{}: {e}", p.display()),
        })?),
        None => b.no_proxy(),
    };
    b.build().map_err(|e| StepError::Network {
        detail: describe_chain(&e),
    })
}

pub struct Call {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

pub struct CallResult {
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
    /// The raw body (unredacted, capped): the login answer carries the token the next steps need.
    pub raw_body: Option<Vec<u8>>,
    pub error: Option<StepError>,
    pub timings: Timings,
}

/// What every call of one check shares.
pub struct Session<'a> {
    pub client: &'a reqwest::Client,
    pub phases: &'a PhaseRecorder,
    pub redactor: &'a Redactor,
    pub cancel: &'a CancelToken,
    pub secs: f64,
}

pub async fn send(session: &Session<'_>, call: Call) -> CallResult {
    let Session {
        client,
        phases,
        redactor,
        cancel,
        secs,
    } = *session;
    phases.reset();
    let request = RecordedRequest {
        method: call.method.to_string(),
        url: redactor.redact(&call.url),
        headers: call
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), redactor.redact(v)))
            .collect(),
        body: call.body.as_ref().map(|b| redactor.redact(b)),
    };
    let mut rb = client.request(call.method.clone(), &call.url);
    for (k, v) in &call.headers {
        rb = rb.header(k, v);
    }
    if let Some(body) = call.body {
        rb = rb.body(body);
    }
    let start = Instant::now();
    let mut result = CallResult {
        request,
        response: None,
        raw_body: None,
        error: None,
        timings: Timings::default(),
    };

    let sent = tokio::select! {
        r = rb.send() => r,
        _ = cancel.cancelled() => {
            result.error = Some(StepError::Cancelled);
            result.timings.total_ms = ms(start);
            return result;
        }
    };
    let resp = match sent {
        Ok(r) => r,
        Err(e) => {
            result.error = Some(classify(&e, secs, "request", redactor));
            result.timings.total_ms = ms(start);
            return result;
        }
    };
    let ttfb = ms(start);
    let conn = phases.take();
    let status = resp.status();
    let mut recorded = RecordedResponse {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        http_version: format!("{:?}", resp.version()),
        headers: resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    redactor.redact(&String::from_utf8_lossy(v.as_bytes())),
                )
            })
            .collect(),
        ..Default::default()
    };

    let body_start = Instant::now();
    let mut body = Vec::new();
    let mut resp = resp;
    loop {
        let chunk = tokio::select! {
            c = resp.chunk() => c,
            _ = cancel.cancelled() => { result.error = Some(StepError::Cancelled); break; }
        };
        match chunk {
            Ok(Some(bytes)) => {
                let room = BODY_CAP - body.len();
                if bytes.len() > room {
                    body.extend_from_slice(&bytes[..room]);
                    recorded.truncated = true;
                    break;
                }
                body.extend_from_slice(&bytes);
            }
            Ok(None) => break,
            Err(e) => {
                result.error = Some(classify(&e, secs, "reading the answer", redactor));
                break;
            }
        }
    }
    recorded.body_bytes = body.len();
    let text = match std::str::from_utf8(&body) {
        Ok(s) => s.to_string(),
        Err(_) => {
            recorded.invalid_utf8 = true;
            String::from_utf8_lossy(&body).into_owned()
        }
    };
    recorded.body = redactor.redact(&text);
    result.timings = Timings {
        dns_ms: conn.dns_ms,
        connect_ms: conn.connect_ms,
        reused: Some(conn.reused),
        ttfb_ms: Some(ttfb),
        body_ms: Some(ms(body_start)),
        total_ms: ms(start),
        ..Default::default()
    };
    result.response = Some(recorded);
    result.raw_body = Some(body);
    result
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The error chain as text, without the URL (it may carry the token).
fn describe_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p: &String| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// Turn a reqwest error into the step error the diagnosis understands.
fn classify(e: &reqwest::Error, secs: f64, phase: &str, redactor: &Redactor) -> StepError {
    let detail = redactor.redact(&describe_chain(e));
    if e.is_timeout() {
        return StepError::Timeout {
            phase: phase.to_string(),
            secs,
        };
    }
    if let Some(r) = tls::find_rustls_error(e) {
        return StepError::Tls {
            kind: tls::classify(r),
            detail: r.to_string(),
        };
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return StepError::Refused { addr: detail },
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof => return StepError::Reset { detail },
                std::io::ErrorKind::TimedOut => {
                    return StepError::Timeout {
                        phase: phase.to_string(),
                        secs,
                    };
                }
                _ => {}
            }
        }
        cur = err.source();
    }
    let lower = detail.to_ascii_lowercase();
    if lower.contains("proxy") || lower.contains("tunnel") {
        return StepError::Proxy { detail };
    }
    if lower.contains("dns error") || lower.contains("failed to lookup") {
        return StepError::Dns {
            host: String::new(),
            detail,
        };
    }
    if lower.contains("connection closed before message completed")
        || lower.contains("connection reset")
        || lower.contains("incomplete message")
        || lower.contains("end of file")
    {
        return StepError::Reset { detail };
    }
    if lower.contains("invalid http")
        || lower.contains("invalid status")
        || lower.contains("invalid header")
        || lower.contains("message head is too large")
        || lower.contains("too many headers")
        || lower.contains("parse")
    {
        return StepError::Protocol { detail };
    }
    if lower.contains("tls") || lower.contains("certificate") {
        return StepError::Tls {
            kind: TlsFailure::Handshake,
            detail,
        };
    }
    StepError::Network { detail }
}
