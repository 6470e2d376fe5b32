//! Phase timings of one HTTP call, like `curl -w`: reqwest has none built in, so a timed DNS
//! resolver and a timed connector layer report into a recorder shared by the check's client.
//! Calls of one check run one after another, so what the recorder saw during a call is that call's.
//! A call that neither resolved nor connected reused the previous connection.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
struct Seen {
    dns: Option<Duration>,
    /// Whole connector time: DNS + TCP connect + TLS handshake (+ proxy tunnel).
    connect: Option<Duration>,
}

#[derive(Debug, Clone, Default)]
pub struct PhaseRecorder(Arc<Mutex<Seen>>);

/// What one call's connection cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectionPhases {
    pub dns_ms: Option<f64>,
    /// TCP connect plus TLS handshake (reqwest's connector does both in one go).
    pub connect_ms: Option<f64>,
    pub reused: bool,
}

impl PhaseRecorder {
    pub fn reset(&self) {
        if let Ok(mut s) = self.0.lock() {
            *s = Seen::default();
        }
    }

    pub fn take(&self) -> ConnectionPhases {
        let seen = self.0.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        ConnectionPhases {
            dns_ms: seen.dns.map(ms),
            connect_ms: seen.connect.map(|c| ms(c.saturating_sub(seen.dns.unwrap_or_default()))),
            reused: seen.connect.is_none(),
        }
    }

    fn record_dns(&self, d: Duration) {
        if let Ok(mut s) = self.0.lock() {
            s.dns = Some(d);
        }
    }

    fn record_connect(&self, d: Duration) {
        if let Ok(mut s) = self.0.lock() {
            s.connect = Some(d);
        }
    }
}

/// The system resolver (as reqwest's default), timed.
pub struct TimedResolver(pub PhaseRecorder);

impl reqwest::dns::Resolve for TimedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let rec = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let t = Instant::now();
            // Not on the runtime's blocking pool: a stuck lookup must not hold the process at exit.
            let addrs: Vec<SocketAddr> = super::resolver::lookup(&host, 0, None).await?;
            rec.record_dns(t.elapsed());
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A tower layer around reqwest's connector that times each new connection.
#[derive(Clone)]
pub struct TimingLayer(pub PhaseRecorder);

impl<S> tower::Layer<S> for TimingLayer {
    type Service = Timing<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Timing {
            inner,
            rec: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Timing<S> {
    inner: S,
    rec: PhaseRecorder,
}

impl<S, Req> tower::Service<Req> for Timing<S>
where
    S: tower::Service<Req>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let rec = self.rec.clone();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let t = Instant::now();
            let out = fut.await;
            if out.is_ok() {
                rec.record_connect(t.elapsed());
            }
            out
        })
    }
}
