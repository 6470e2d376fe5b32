//! A real local HTTP server (std only, a thread per connection) whose answers a test writes as
//! raw bytes: a hostile Control Room can send anything, including what a well-behaved HTTP
//! library would refuse to produce (control characters in a reason phrase, a 70 kB header).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// When its head was read.
    pub at: std::time::Instant,
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Answer = dyn Fn(&Request) -> Vec<u8> + Send + Sync;

pub struct Scripted {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl Scripted {
    /// Serve `answer` for every request on 127.0.0.1 until the test process ends.
    pub fn start(answer: impl Fn(&Request) -> Vec<u8> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer: Arc<Answer> = Arc::new(answer);
        let seen = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (answer, seen) = (answer.clone(), seen.clone());
                std::thread::spawn(move || serve(conn, answer.as_ref(), &seen));
            }
        });
        Self { port, requests }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(conn: TcpStream, answer: &Answer, seen: &Mutex<Vec<Request>>) {
    let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(30)));
    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
    let mut out = conn;
    loop {
        let mut line = String::new();
        // The connect probe opens and closes without a request.
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let mut req = Request {
            at: std::time::Instant::now(),
            method: parts.next().unwrap_or_default().to_string(),
            path: parts.next().unwrap_or_default().to_string(),
            headers: Vec::new(),
            body: String::new(),
        };
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                req.headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let len: usize = req.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = vec![0u8; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        req.body = String::from_utf8_lossy(&body).into_owned();
        let bytes = answer(&req);
        seen.lock().unwrap().push(req);
        if out.write_all(&bytes).is_err() || out.flush().is_err() {
            return;
        }
    }
}

/// A whole HTTP/1.1 response: status line (reason as given), headers, a Content-Length, body.
pub fn response(status: u16, reason: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// `response` with `Content-Type: application/json`.
pub fn json(status: u16, body: &serde_json::Value) -> Vec<u8> {
    response(
        status,
        reason(status),
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// What a forwarding proxy in front of a Control Room answers to an absolute-form request
/// (`GET http://host/path`): a login with a token, a valid token, a logout; the path is read
/// past the scheme and host.
pub fn control_room_through_proxy(r: &Request) -> Vec<u8> {
    let path = r
        .path
        .split("://")
        .nth(1)
        .and_then(|p| p.find('/').map(|i| &p[i..]))
        .unwrap_or(&r.path);
    if path.starts_with("/v2/authentication") {
        json(
            200,
            &serde_json::json!({"token": crate::support::jwt_for_tests(), "user": {"username": "svc_api"}}),
        )
    } else if path.starts_with("/v1/authentication/token") {
        json(200, &serde_json::json!({"valid": true}))
    } else {
        response(204, "No Content", &[], "")
    }
}
