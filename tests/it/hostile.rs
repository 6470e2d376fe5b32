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
    plan.target.options.timeout_secs = TIMEOUT_SECS;
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

/// A server that sends a 100 MB body.
async fn huge_body_server() -> u16 {
    raw_server(|mut s| async move {
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
    .await
}

async fn check_huge_body() {
    let port = huge_body_server().await;
    let (t, _) = check(port).await;
    let resp = t.step(StepName::Authenticate).unwrap().response.as_ref().unwrap();
    assert!(resp.truncated);
    assert_eq!(resp.body_bytes, BODY_CAP);
}

#[tokio::test]
async fn body_of_100_mb_is_capped() {
    check_huge_body().await;
}

const MEMORY_CHILD_ENV: &str = "AA_CONNTEST_TEST_MEMORY_CHILD";

/// This process' peak resident memory (`VmHWM`) in kB, from `/proc/self/status`.
fn peak_rss_kb() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM line in /proc/self/status")?;
    line.split_whitespace()
        .nth(1)
        .ok_or_else(|| format!("no value in {line:?}"))?
        .parse()
        .map_err(|e| format!("{line:?}: {e}"))
}

/// Not a test on its own: the child process of the memory test, so the peak it reports is the
/// check's own and not that of the other tests running in parallel in the parent.
#[test]
#[ignore = "needs its parent test: the child process of body_of_100_mb_keeps_memory_bounded"]
fn memory_child_checks_a_100_mb_body() {
    if std::env::var_os(MEMORY_CHILD_ENV).is_none() {
        return;
    }
    let before = peak_rss_kb().expect("peak before");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(check_huge_body());
    let after = peak_rss_kb().expect("peak after");
    println!("AA_PEAK_RSS_KB before={before} after={after}");
}

// Had the 100 MB been buffered, the child's peak would have grown by far more than this.
#[cfg(target_os = "linux")]
#[test]
fn body_of_100_mb_keeps_memory_bounded() {
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "hostile::memory_child_checks_a_100_mb_body",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MEMORY_CHILD_ENV, "1")
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("AA_PEAK_RSS_KB ").map(|(_, v)| v))
        .unwrap_or_else(|| panic!("the child reported no peak:\n{stdout}"));
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line:?}"))
    };
    let (before, after) = (field("before="), field("after="));
    assert!(before > 1024, "a real measurement: {line}");
    let grew_mb = (after - before) / 1024;
    eprintln!("peak memory of the check of a 100 MB body: +{grew_mb} MB ({line})");
    assert!(
        grew_mb < 40,
        "the check of a 100 MB body grew the peak by {grew_mb} MB ({line})"
    );
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

/// 64 MiB of zeros, gzip-compressed to 64 KB (made with Python's `gzip.compress(..., mtime=0)`).
const GZIP_BOMB: &[u8] = include_bytes!("data/gzip-bomb-64MiB-zeros.gz");

#[test]
fn the_gzip_bomb_is_real_gzip_that_inflates_far_beyond_the_body_cap() {
    use std::io::Read;
    assert_eq!(&GZIP_BOMB[..2], &[0x1f, 0x8b], "gzip magic");
    let mut inflated = 0usize;
    let mut d = flate2::read::GzDecoder::new(GZIP_BOMB);
    let mut buf = vec![0u8; 64 * 1024];
    // Only as far as needed: past 8 times the cap.
    while inflated <= 8 * BODY_CAP {
        let n = d.read(&mut buf).expect("valid gzip");
        assert!(n > 0, "inflates to only {inflated} bytes");
        inflated += n;
    }
    assert!(GZIP_BOMB.len() < BODY_CAP / 8);
}

// We never ask for compression, so a gzip bomb is read as the opaque bytes that were sent (64 KB),
// never inflated (64 MiB).
#[tokio::test]
async fn gzip_bomb_is_not_inflated() {
    let port = raw_server(|mut s| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            GZIP_BOMB.len()
        );
        let _ = s.write_all(head.as_bytes()).await;
        let _ = s.write_all(GZIP_BOMB).await;
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
    let resp = step.response.as_ref().unwrap();
    assert_eq!(
        resp.body_bytes,
        GZIP_BOMB.len(),
        "exactly the compressed bytes were read"
    );
    assert!(!resp.truncated, "not inflated up to the cap");
    assert!(resp.invalid_utf8, "kept as the binary it is");
    assert!(
        resp.body.starts_with('\u{1f}'),
        "{:?}",
        resp.body.chars().take(8).collect::<String>()
    );
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
    plan.target.options.timeout_secs = TIMEOUT_SECS;
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
    plan.target.options.timeout_secs = 20.0;
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
