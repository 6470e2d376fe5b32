//! Servers the field meets and the demo does not play: certificates made the way on-premises guides
//! make them, sockets that reset, a gateway in front of the Control Room, a strict Control Room
//! behind a proxy that strips a header. Each is a real listener on 127.0.0.1.

use super::tls::{Ca, Leaf};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const BIN: &str = env!("CARGO_BIN_EXE_aa-conntest");

/// A self-signed server certificate as `openssl req -x509 -newkey rsa:2048 -nodes -subj '/CN=host'
/// -addext 'subjectAltName=…'` makes it: `basicConstraints CA:TRUE`, subject = issuer. Returns the
/// leaf (for the server) and its PEM (for the CA file).
pub fn openssl_style(names: &[&str]) -> (Leaf, String) {
    let mut params = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        },
        cert.pem(),
    )
}

/// [`openssl_style`], expired a year ago.
pub fn openssl_style_expired(names: &[&str]) -> (Leaf, String) {
    let mut params = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        },
        cert.pem(),
    )
}

/// A TLS server that presents `chain` but signs the handshake with another key (an impostor that
/// copied a certificate): only the handshake signature can tell.
pub async fn serve_with_wrong_key(
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> u16 {
    #[derive(Debug)]
    struct Always(std::sync::Arc<rustls::sign::CertifiedKey>);
    impl rustls::server::ResolvesServerCert for Always {
        fn resolve(&self, _: rustls::server::ClientHello<'_>) -> Option<std::sync::Arc<rustls::sign::CertifiedKey>> {
            Some(self.0.clone())
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let signer = provider.key_provider.load_private_key(key).unwrap();
    let certified = rustls::sign::CertifiedKey::new(chain, signer);
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(std::sync::Arc::new(Always(std::sync::Arc::new(certified))));
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(s).await;
            });
        }
    });
    port
}

/// A leaf re-signed by a TLS-inspecting proxy's authority (its name in the issuer, as Zscaler does).
pub fn inspected(names: &[&str]) -> (Leaf, Ca) {
    let ca = super::tls::ca("Zscaler Intermediate Root CA");
    (super::tls::leaf(Some(&ca), names, false), ca)
}

/// SHA-256 of the leaf's DER, `AB:CD:…`.
pub fn fingerprint(leaf: &Leaf) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(leaf.chain[0].as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// When a resetting listener cuts the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// RST as soon as the connection is accepted (before the client says anything).
    AtAccept,
    /// RST once the client sent its first bytes (a TLS ClientHello, or an HTTP request head).
    AfterFirstBytes,
    /// RST once a whole HTTP request (head and body) arrived, before any answer.
    AfterRequest,
    /// An orderly close (FIN) once a whole HTTP request arrived, before any answer.
    CloseAfterRequest,
}

async fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = match tokio::time::timeout(Duration::from_secs(5), s.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => return buf,
        };
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return buf;
            }
        }
    }
}

/// A firewall that accepts connections and cuts them at `cut`. Returns the port and the task.
pub async fn resetting(cut: Cut) -> (u16, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                match cut {
                    Cut::AtAccept => {}
                    Cut::AfterFirstBytes => {
                        let mut b = [0u8; 512];
                        let _ = tokio::time::timeout(Duration::from_secs(5), s.read(&mut b)).await;
                    }
                    Cut::AfterRequest | Cut::CloseAfterRequest => {
                        read_request(&mut s).await;
                    }
                }
                if cut == Cut::CloseAfterRequest {
                    let _ = s.shutdown().await;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                } else {
                    let _ = s.set_zero_linger();
                }
                drop(s);
            });
        }
    });
    (port, task)
}

/// An HTTP/1.1 server that answers each request with the first route whose `METHOD /path` prefix
/// matches the request line (`"POST /v2/authentication"`), else 404.
pub async fn fake_http(routes: Vec<(&'static str, String)>) -> (u16, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let routes = std::sync::Arc::new(routes);
    let task = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let routes = routes.clone();
            tokio::spawn(async move {
                loop {
                    let req = read_request(&mut s).await;
                    if req.is_empty() {
                        return;
                    }
                    let line = String::from_utf8_lossy(&req).lines().next().unwrap_or("").to_string();
                    let answer = routes
                        .iter()
                        .find(|(prefix, _)| line.starts_with(prefix))
                        .map(|(_, a)| a.clone())
                        .unwrap_or_else(|| response(404, "text/plain", "not found"));
                    if s.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, task)
}

/// A whole HTTP/1.1 response.
pub fn response(status: u16, content_type: &str, body: &str) -> String {
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        _ => "Status",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A JWT-shaped token issued `offset` seconds from now (negative: in the past).
pub fn token(offset: i64) -> String {
    use base64::Engine;
    let e = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + offset;
    format!(
        "{}.{}.c2lnbmF0dXJl",
        e(serde_json::json!({"alg": "RS512"})),
        e(serde_json::json!({"sub": "12", "iat": now, "exp": now + 1200, "iss": "AutomationAnywhere"}))
    )
}

/// A login answer with `token`.
pub fn login_ok(token: &str) -> String {
    response(
        200,
        "application/json",
        &format!(r#"{{"token":"{token}","user":{{"id":12,"username":"svc_field"}}}}"#),
    )
}

pub const UM1117: &str =
    r#"{"code":"UM1117","details":null,"message":"Access token expected in the 'X-Authorization' header"}"#;

/// Run `aa-conntest check` (API key from an environment variable) off the async runtime, so the
/// test's servers keep serving. Returns the exit code, stdout and stderr.
pub async fn cli_check(args: Vec<String>, key: &str) -> (i32, String, String) {
    let key = key.to_string();
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(BIN)
            .arg("check")
            .args(&args)
            .env("AA_FIELD_KEY", key)
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .output()
            .expect("aa-conntest runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .expect("the check process")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
