//! A hostile Control Room for the leak tests: it speaks the login API, and echoes every secret it
//! receives back in every form ([`super::secret_forms::forms`]) in its answers' bodies and
//! headers, and the token it issues in `Set-Cookie`, `X-Authorization` and its own bodies, the way
//! real servers, WAFs and proxies were seen to do (issue 13, D3). Plain HTTP on 127.0.0.1, std
//! threads (usable from sync and async tests), one request per connection.

use super::secret_forms::forms;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct LeakyControlRoom {
    pub url: String,
    /// Every token issued, in order.
    pub tokens: Arc<Mutex<Vec<String>>>,
    /// Every secret received in a login body.
    pub received: Arc<Mutex<Vec<String>>>,
}

impl LeakyControlRoom {
    /// Accepts `user` with `secret` (as API key or password); refuses anything else.
    pub fn start(user: &str, secret: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let tokens = Arc::new(Mutex::new(Vec::new()));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (user, secret) = (user.to_string(), secret.to_string());
        let (t, r) = (tokens.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (user, secret, t, r) = (user.clone(), secret.clone(), t.clone(), r.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &user, &secret, &t, &r);
                });
            }
        });
        Self { url, tokens, received }
    }

    pub fn tokens(&self) -> Vec<String> {
        self.tokens.lock().unwrap().clone()
    }
}

/// A JWT-shaped token with a random signature (so every token is new).
pub fn random_token() -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut sig = [0u8; 48];
    getrandom::fill(&mut sig).expect("random");
    let mut sub = [0u8; 6];
    getrandom::fill(&mut sub).expect("random");
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS512"}"#),
        URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"{}","clientType":"WEB","multipleLogin":false,"iat":{now},"exp":{}}}"#,
            u64::from_le_bytes([sub[0], sub[1], sub[2], sub[3], sub[4], sub[5], 0, 0]),
            now + 1200
        )),
        URL_SAFE_NO_PAD.encode(sig)
    )
}

/// Header-safe forms (visible ASCII) of `value`, as `X-Echo-N` headers.
fn echo_headers(prefix: &str, value: &str) -> Vec<(String, String)> {
    forms(value)
        .into_iter()
        .filter(|(_, f)| f.bytes().all(|b| (0x20..0x7f).contains(&b)))
        .enumerate()
        .map(|(i, (_, f))| (format!("X-Echo-{prefix}-{i}"), f))
        .collect()
}

/// Every form of `value` as a JSON object (each form once more JSON-escaped by serialisation).
fn echo_json(value: &str) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (i, (name, f)) in forms(value).into_iter().enumerate() {
        m.insert(format!("{i} {name}"), f.into());
    }
    serde_json::Value::Object(m)
}

fn serve(
    stream: TcpStream,
    user: &str,
    secret: &str,
    tokens: &Mutex<Vec<String>>,
    received: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    let mut xauth = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            } else if k.eq_ignore_ascii_case("x-authorization") {
                xauth = v.trim().to_string();
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body).to_string();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let mut headers: Vec<(String, String)> = Vec::new();
    let (status, ctype, answer) = match (method, path) {
        ("POST", "/v2/authentication") => {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let given = v
                .get("apiKey")
                .or_else(|| v.get("password"))
                .and_then(|s| s.as_str())
                .unwrap_or_default()
                .to_string();
            received.lock().unwrap().push(given.clone());
            headers.extend(echo_headers("secret", &given));
            if v.get("username").and_then(|s| s.as_str()) == Some(user) && given == secret {
                let token = random_token();
                tokens.lock().unwrap().push(token.clone());
                let enc: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
                headers.push(("Set-Cookie".into(), format!("AA_SESSION={token}; Path=/; HttpOnly")));
                headers.push(("Set-Cookie".into(), format!("AA_SESSION_ENC={enc}; Path=/")));
                headers.push(("X-Authorization".into(), token.clone()));
                headers.extend(echo_headers("token", &token));
                let answer = serde_json::json!({
                    "token": token,
                    "user": {"id": 31, "username": user, "email": format!("{given}@example.com"),
                             "domain": null, "firstName": given, "lastName": token,
                             "roles": [{"name": "AAE_Basic"}, {"name": given}],
                             "licenseFeatures": ["RUNTIME", token], "disabled": false},
                    "echo": echo_json(&given),
                    "tokenEcho": echo_json(&token),
                });
                ("200 OK", "application/json", answer.to_string())
            } else {
                let answer = serde_json::json!({
                    "code": "UM1110",
                    "details": format!("received {given}"),
                    "message": format!("Either your username or your password is incorrect: {given}"),
                    "echo": echo_json(&given),
                });
                ("401 Unauthorized", "application/json", answer.to_string())
            }
        }
        ("GET", "/v1/authentication/token") => {
            let token = target
                .split_once("token=")
                .and_then(|(_, t)| {
                    url::form_urlencoded::parse(format!("t={t}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                })
                .unwrap_or(xauth.clone());
            headers.push(("Set-Cookie".into(), format!("AA_SESSION={token}; Path=/")));
            headers.extend(echo_headers("token", &token));
            let answer = serde_json::json!({"valid": true, "echo": echo_json(&token), "raw": token});
            ("200 OK", "application/json", answer.to_string())
        }
        ("POST", "/v1/authentication/logout") => {
            headers.extend(echo_headers("token", &xauth));
            ("204 No Content", "", String::new())
        }
        _ => (
            "404 Not Found",
            "text/html",
            format!("<html><body>Not found: {}</body></html>", body.replace('<', "&lt;")),
        ),
    };
    let mut head = format!("HTTP/1.1 {status}\r\n");
    if !ctype.is_empty() {
        head.push_str(&format!("Content-Type: {ctype}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    ));
    let mut out = stream;
    out.write_all(head.as_bytes())?;
    out.write_all(answer.as_bytes())?;
    out.flush()
}
