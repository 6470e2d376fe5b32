//! Servers that try hard to break the client (issue 7): a huge body, a slow drip, a reset
//! mid-body, a redirect loop, invalid UTF-8, a gzip bomb, thousands of headers, garbage that is
//! not HTTP, and a TLS port that sends garbage. Each check must end with a clear failure, no
//! panic, within the timeout plus one second, with memory bounded.

use crate::support;

use aa_conntest::engine::http::BODY_CAP;
use aa_conntest::engine::{CancelToken, run_check};
use aa_conntest::transcript::{Outcome, StepError, StepName, Transcript};
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";
const TIMEOUT_SECS: f64 = 2.0;

/// A raw TCP server: `answer` runs for each connection that sends a request.
async fn raw_server<F, Fut>(answer: F) -> u16
where
    F: Fn(TcpStream) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                // The connect probe opens and closes without a request: nothing to answer.
                let mut peek = [0u8; 1];
                if sock.peek(&mut peek).await.unwrap_or(0) == 0 {
                    return;
                }
                read_head(&mut sock).await;
                answer(sock).await;
            });
        }
    });
    port
}

async fn read_head(sock: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut b = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut b).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&b[..n]),
        }
    }
}

async fn check(port: u16) -> (Transcript, Duration) {
    let mut plan = support::api_key_plan(&format!("http://127.0.0.1:{port}"), "svc", KEY);
    plan.options.timeout_secs = TIMEOUT_SECS;
    let start = Instant::now();
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    let took = start.elapsed();
    let limit = Duration::from_secs_f64(TIMEOUT_SECS) + support::time_limit(Duration::from_secs(1));
    assert!(took < limit, "took {took:?} (limit {limit:?})");
    assert_ne!(t.outcome, Outcome::Ok);
    (t, took)
}

fn login_error(t: &Transcript) -> Option<&StepError> {
    t.step(StepName::Authenticate)?.error.as_ref()
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn body_of_100_mb_is_capped_and_memory_stays_bounded() {
    let port = raw_server(|mut s| async move {
        let total: usize = 100 * 1024 * 1024;
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {total}\r\n\r\n<html>");
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 6;
        while sent < total {
            if s.write_all(&chunk).await.is_err() {
                return;
            }
            sent += chunk.len();
        }
    })
    .await;
    let (t, _) = check(port).await;
    let resp = t.step(StepName::Authenticate).unwrap().response.as_ref().unwrap();
    assert!(resp.truncated);
    assert_eq!(resp.body_bytes, BODY_CAP);
    // Had the 100 MB been buffered, the peak would be far above this.
    if cfg!(target_os = "linux") {
        assert!(peak_rss_kb() < 90 * 1024, "peak RSS {} kB", peak_rss_kb());
    }
}

#[tokio::test]
async fn slow_drip_of_one_byte_per_second_times_out() {
    let port = raw_server(|mut s| async move {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").await;
        for _ in 0..30 {
            if s.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let (t, _) = check(port).await;
    assert!(
        matches!(login_error(&t), Some(StepError::Timeout { .. })),
        "{:?}",
        login_error(&t)
    );
}

#[tokio::test]
async fn reset_mid_body_is_a_reset() {
    let port = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"tok")
            .await;
        let _ = s.set_zero_linger();
        drop(s);
    })
    .await;
    let (t, _) = check(port).await;
    assert!(
        matches!(login_error(&t), Some(StepError::Reset { .. })),
        "{:?}",
        login_error(&t)
    );
}

#[tokio::test]
async fn redirect_loop_is_reported_not_followed() {
    let port = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 302 Found\r\nLocation: /v2/authentication\r\nContent-Length: 0\r\n\r\n")
            .await;
    })
    .await;
    let (t, _) = check(port).await;
    assert_eq!(t.login_attempts, 1);
    assert_eq!(
        t.step(StepName::Authenticate)
            .unwrap()
            .response
            .as_ref()
            .unwrap()
            .status,
        302
    );
}

#[tokio::test]
async fn invalid_utf8_body_is_shown_not_fatal() {
    let port = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc")
            .await;
    })
    .await;
    let (t, _) = check(port).await;
    let resp = t.step(StepName::Authenticate).unwrap().response.as_ref().unwrap();
    assert!(resp.invalid_utf8);
    assert_eq!(t.outcome, Outcome::Unreachable);
}

// We never ask for compression, so a gzip "bomb" is read as opaque capped bytes, not inflated.
#[tokio::test]
async fn gzip_bomb_is_not_inflated() {
    let port = raw_server(|mut s| async move {
        let body = vec![0x1f_u8; 2 * 1024 * 1024];
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes()).await;
        let _ = s.write_all(&body).await;
    })
    .await;
    let (t, _) = check(port).await;
    let step = t.step(StepName::Authenticate).unwrap();
    let login = step.request.as_ref().unwrap();
    assert!(
        !login
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("accept-encoding"))
    );
    assert!(step.response.as_ref().unwrap().body_bytes <= BODY_CAP);
}

#[tokio::test]
async fn thousands_of_headers_are_refused_cleanly() {
    let port = raw_server(|mut s| async move {
        let mut head = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..5000 {
            head.push_str(&format!("X-Junk-{i}: {i}\r\n"));
        }
        head.push_str("Content-Length: 0\r\n\r\n");
        let _ = s.write_all(head.as_bytes()).await;
    })
    .await;
    let (t, _) = check(port).await;
    assert!(
        matches!(login_error(&t), Some(StepError::Protocol { .. })),
        "{:?}",
        login_error(&t)
    );
}

#[tokio::test]
async fn garbage_that_is_not_http_is_a_protocol_error() {
    let port = raw_server(|mut s| async move {
        let _ = s
            .write_all(b"\x00\x01SSH-2.0-OpenSSH_9.2\r\n garbage garbage\r\n\r\n")
            .await;
    })
    .await;
    let (t, _) = check(port).await;
    assert!(
        matches!(login_error(&t), Some(StepError::Protocol { .. })),
        "{:?}",
        login_error(&t)
    );
    assert_eq!(t.outcome, Outcome::Unreachable);
}

#[tokio::test]
async fn tls_port_sending_garbage_fails_the_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = s.write_all(&[0x42; 4096]).await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            });
        }
    });
    let mut plan = support::api_key_plan(&format!("https://localhost:{port}"), "svc", KEY);
    plan.options.timeout_secs = TIMEOUT_SECS;
    let start = Instant::now();
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    let limit = support::time_limit(Duration::from_secs(3));
    assert!(start.elapsed() < limit, "{:?} (limit {limit:?})", start.elapsed());
    assert!(
        matches!(
            t.step(StepName::Connect).unwrap().error,
            Some(StepError::Tls { .. }) | Some(StepError::Reset { .. })
        ),
        "{:?}",
        t.step(StepName::Connect)
    );
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let port = raw_server(|s| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(s);
    })
    .await;
    let (t, _) = check(port).await;
    assert!(
        matches!(login_error(&t), Some(StepError::Timeout { .. })),
        "{:?}",
        login_error(&t)
    );
    assert_eq!(t.outcome, Outcome::Unreachable);
}

#[tokio::test]
async fn cancel_stops_a_hanging_login_promptly() {
    let port = raw_server(|s| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(s);
    })
    .await;
    let mut plan = support::api_key_plan(&format!("http://127.0.0.1:{port}"), "svc", KEY);
    plan.options.timeout_secs = 20.0;
    let (handle, token) = aa_conntest::engine::cancel_pair();
    // Cancel once the login step is running (from the engine's own events), and note when.
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let mut started_tx = Some(started_tx);
    let cancelled_at = tokio::spawn(async move {
        let _ = started_rx.await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let at = Instant::now();
        handle.cancel();
        at
    });
    let t = run_check(&plan, token, move |e| {
        if matches!(e, aa_conntest::engine::Event::StepStarted(StepName::Authenticate))
            && let Some(tx) = started_tx.take()
        {
            let _ = tx.send(());
        }
    })
    .await;
    let ended = Instant::now();
    let cancelled_at = cancelled_at.await.unwrap();
    assert_eq!(t.outcome, Outcome::Cancelled);
    assert_eq!(login_error(&t), Some(&StepError::Cancelled));
    let took = ended - cancelled_at;
    let limit = support::time_limit(Duration::from_secs(1));
    assert!(took < limit, "ended {took:?} after the cancel (limit {limit:?})");
}
