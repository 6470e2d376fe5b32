//! Corporate proxies: a working CONNECT proxy, one that wants credentials (407), and one that is
//! not there. The connect step must go through the proxy the login will use, and say so (issue 6).

use crate::support;

use aa_conntest::engine::{CancelToken, run_check};
use aa_conntest::transcript::{Outcome, StepError, StepName};
use std::sync::{Arc, Mutex};
use support::tls;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "Vie;Z:IvtAhY0-1RAD[SWl{NU7baRLYEeIYUJSKO";

/// A CONNECT proxy on loopback. With `require_auth`, every tunnel request gets 407.
pub(crate) async fn proxy(require_auth: bool) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut b = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut b).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(b[0]);
                }
                let line = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                log.lock().unwrap().push(line.clone());
                if require_auth {
                    let _ = client
                        .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n")
                        .await;
                    return;
                }
                let target = line.split_whitespace().nth(1).unwrap_or_default().to_string();
                let Ok(mut upstream) = TcpStream::connect(target.replace("localhost", "127.0.0.1")).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (port, seen)
}

#[tokio::test]
async fn check_goes_through_a_connect_proxy_and_says_so() {
    let ca = tls::ca("Acme Private Root CA");
    let port = tls::serve(tls::leaf(Some(&ca), &["localhost"], false)).await;
    let ca_file = support::write_temp(&ca.pem);
    let (proxy_port, seen) = proxy(false).await;
    let mut plan = support::api_key_plan(&format!("https://localhost:{port}"), "svc", KEY);
    plan.target.options.ca_file = Some(ca_file.path().to_path_buf());
    plan.target.options.proxy = Some(format!("http://127.0.0.1:{proxy_port}"));
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    assert_eq!(t.outcome, Outcome::Ok, "{:?}", t.steps);
    assert_eq!(
        t.connect.as_ref().unwrap().proxy.as_deref(),
        Some(format!("http://127.0.0.1:{proxy_port}").as_str())
    );
    let seen = seen.lock().unwrap();
    // One tunnel for the probe, one for the login (reused by validate and logout).
    assert!(
        seen.iter().all(|l| l.starts_with(&format!("CONNECT localhost:{port}"))),
        "{seen:?}"
    );
    assert_eq!(seen.len(), 2, "{seen:?}");
}

// A proxy that wants credentials the user did not give (HTTP 407).
#[tokio::test]
async fn proxy_asking_for_credentials_is_a_proxy_failure() {
    let (proxy_port, _) = proxy(true).await;
    let mut plan = support::api_key_plan("https://cr.example.test", "svc", KEY);
    plan.target.options.proxy = Some(format!("127.0.0.1:{proxy_port}"));
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    assert_eq!(t.outcome, Outcome::Unreachable);
    match &t.step(StepName::Connect).unwrap().error {
        Some(StepError::Proxy { detail }) => assert!(detail.contains("requires authentication"), "{detail}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(t.login_attempts, 0);
}

#[tokio::test]
async fn proxy_that_is_not_there_is_a_proxy_failure() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut plan = support::api_key_plan("https://cr.example.test", "svc", KEY);
    plan.target.options.proxy = Some(format!("http://127.0.0.1:{closed}"));
    let t = run_check(&plan, CancelToken::never(), |_| {}).await;
    match &t.step(StepName::Connect).unwrap().error {
        Some(StepError::Proxy { detail }) => assert!(detail.contains("refused"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

// The proxy's password, in any form, is in nothing the check records or reports (searched in the
// serialised report and each step as written, not in their `{:?}` form).
#[tokio::test]
async fn proxy_credentials_never_reach_the_transcript() {
    use support::secret_forms::{LeakScanner, without_markers};
    let (proxy_port, _) = proxy(true).await;
    let mut plan = support::api_key_plan("https://cr.example.test", "svc", KEY);
    plan.target.options.proxy = Some(format!("http://alice:pr0xy-s3cret%25%26@127.0.0.1:{proxy_port}"));
    let r = aa_conntest::worker::check(&plan, CancelToken::never()).await;
    assert_eq!(r.transcript.outcome, Outcome::Unreachable);
    let report = aa_conntest::report::build(&plan, &r.transcript, &r.hints);
    let mut texts = vec![report.to_json(), aa_conntest::report_markdown::render(&report)];
    texts.extend(r.transcript.steps.iter().map(|s| serde_json::to_string(s).unwrap()));
    let scanner = LeakScanner::new([("the proxy password", "pr0xy-s3cret%&")]);
    let hits: Vec<String> = texts
        .iter()
        .flat_map(|t| scanner.scan_str("the check's records", &without_markers(t)))
        .collect();
    assert!(hits.is_empty(), "{hits:?}");
    assert!(
        texts[0].contains(&format!("127.0.0.1:{proxy_port}")),
        "the proxy is named, without credentials"
    );
}
