//! Shared by the profiles and keyring tests: a tiny local Control Room (std only), a CLI runner
//! with isolated directories, a recursive file scan, and the gate for real-keyring tests.
#![allow(dead_code)]

use base64::Engine;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

/// Real-keyring tests are `#[ignore = "needs …"]`: a plain `cargo test` reports them as ignored,
/// and `scripts/test.sh` runs them with `--include-ignored` against a throwaway gnome-keyring in its
/// own D-Bus session (marked by `AA_CONNTEST_TEST_HOME`). Run any other way they fail with the
/// reason, rather than pass without testing: a developer's own keyring is used only when asked
/// with `AA_CONNTEST_KEYRING_TESTS=1`.
pub fn require_real_keyring(test: &str) {
    let wanted = std::env::var_os("AA_CONNTEST_TEST_HOME").is_some()
        || std::env::var("AA_CONNTEST_KEYRING_TESTS").is_ok_and(|v| v == "1");
    assert!(
        wanted,
        "{test} needs a Secret Service: run `bash scripts/test.sh` (a throwaway keyring), or set \
         AA_CONNTEST_KEYRING_TESTS=1 to use this session's own keyring"
    );
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "{test} needs a D-Bus session with a Secret Service (DBUS_SESSION_BUS_ADDRESS is unset)"
    );
}

/// A unique keyring service name for one test.
pub fn throwaway_service(test: &str) -> String {
    format!("aa-conntest-test-{test}-{}", aa_conntest::profiles::new_id())
}

/// A scratch home for a CLI child: its own HOME (so the OS config/data/cache directories are
/// inside it), no XDG overrides, and a throwaway keyring service.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub service: String,
    /// Set the AA_CONNTEST_*_DIR overrides (otherwise the `directories` defaults under HOME).
    pub use_overrides: bool,
    pub extra_env: Vec<(String, String)>,
}

impl Sandbox {
    pub fn new(test: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Self {
            dir,
            service: throwaway_service(test),
            use_overrides: true,
            extra_env: Vec::new(),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_aa-conntest"));
        c.args(args)
            .env("HOME", self.home())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env("AA_CONNTEST_KEYRING_SERVICE", &self.service);
        if self.use_overrides {
            c.env("AA_CONNTEST_CONFIG_DIR", self.config_dir())
                .env("AA_CONNTEST_DATA_DIR", self.data_dir())
                .env("AA_CONNTEST_CACHE_DIR", self.cache_dir());
        } else {
            c.env_remove("AA_CONNTEST_CONFIG_DIR")
                .env_remove("AA_CONNTEST_DATA_DIR")
                .env_remove("AA_CONNTEST_CACHE_DIR");
        }
        for (k, v) in &self.extra_env {
            c.env(k, v);
        }
        c
    }

    /// Run the CLI with `stdin` as standard input.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn aa-conntest");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().expect("wait aa-conntest")
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file under `root` (recursively) whose bytes contain `needle`.
pub fn files_containing(root: &Path, needle: &str) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file()
                && let Ok(bytes) = std::fs::read(&p)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                hits.push(p);
            }
        }
    }
    hits
}

/// Number of regular files under `root`.
pub fn count_files(root: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => n += 1,
                _ => {}
            }
        }
    }
    n
}

/// A minimal Control Room: v2 login (API key or password), validate, logout. Plain HTTP on
/// 127.0.0.1, one thread per connection, `Connection: close`.
pub struct MiniControlRoom {
    pub url: String,
    pub username: String,
    pub secret: String,
    pub token: String,
    /// Raw bodies of the login requests received.
    pub logins: Arc<Mutex<Vec<String>>>,
}

fn b64(v: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
}

impl MiniControlRoom {
    pub fn start(username: &str, secret: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS512"}"#),
            b64(&format!(
                r#"{{"sub":"7","clientType":"WEB","tenantUuid":"t-1","iat":{now},"exp":{}}}"#,
                now + 1200
            )),
            b64("signature-bytes-of-the-mini-control-room")
        );
        let logins = Arc::new(Mutex::new(Vec::new()));
        let (user, sec, tok, log) = (username.to_string(), secret.to_string(), token.clone(), logins.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (user, sec, tok, log) = (user.clone(), sec.clone(), tok.clone(), log.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &user, &sec, &tok, &log);
                });
            }
        });
        Self {
            url,
            username: username.to_string(),
            secret: secret.to_string(),
            token,
            logins,
        }
    }

    pub fn login_count(&self) -> usize {
        self.logins.lock().unwrap().len()
    }
}

fn serve(stream: TcpStream, user: &str, secret: &str, token: &str, logins: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body).to_string();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let (status, answer) = match (method, path) {
        ("POST", "/v2/authentication") => {
            logins.lock().unwrap().push(body.clone());
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let given = v.get("apiKey").or_else(|| v.get("password")).and_then(|s| s.as_str());
            if v.get("username").and_then(|s| s.as_str()) == Some(user) && given == Some(secret) {
                (
                    "200 OK",
                    serde_json::json!({
                        "token": token,
                        "user": {"id": 7, "username": user, "email": "svc@example.com", "domain": "",
                                 "roles": [{"name": "AAE_Basic"}], "disabled": false}
                    })
                    .to_string(),
                )
            } else {
                (
                    "401 Unauthorized",
                    r#"{"code":"UM1110","details":"","message":"Invalid credentials."}"#.to_string(),
                )
            }
        }
        ("GET", "/v1/authentication/token") => ("200 OK", r#"{"valid":true}"#.to_string()),
        ("POST", "/v1/authentication/logout") => ("204 No Content", String::new()),
        _ => (
            "404 Not Found",
            r#"{"code":"not.found","message":"Not found"}"#.to_string(),
        ),
    };
    let mut out = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    );
    out.write_all(head.as_bytes())?;
    out.write_all(answer.as_bytes())?;
    out.flush()
}
