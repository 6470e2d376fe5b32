//! Every form of a secret, and a scanner that finds any of them in a text (issue 16).
//!
//! Written independently of `aa_conntest::secret::Redactor` (same idea, separate code), so a gap in
//! the redactor is not mirrored here. The forms: raw; JSON-escaped (`serde_json`, with `\/`, with
//! every non-ASCII character as `\uXXXX`, and escaped twice); URL-encoded
//! (application/x-www-form-urlencoded, RFC 3986 `%XX` upper and lower case, and encoded twice);
//! HTML-escaped (named and numeric entities); base64 (standard and URL-safe, padded and not, and
//! the runs that encode the secret inside a longer base64 text at the two other alignments).
//! The scanner also finds any 12-byte window of any of those forms, so a token's payload or
//! signature alone, or a secret cut in half, is found too.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use std::collections::HashMap;

/// Partial forms are searched as windows of this many bytes.
pub const WINDOW: usize = 12;

/// The names of the forms [`forms`] returns, in order (for counting what a suite covers).
pub const FORM_NAMES: [&str; 18] = [
    "raw",
    "json",
    "json with \\/",
    "json ascii (\\uXXXX)",
    "json twice",
    "form-urlencoded",
    "rfc3986 %XX",
    "rfc3986 %xx",
    "url-encoded twice",
    "html named",
    "html numeric",
    "base64",
    "base64 unpadded",
    "base64url",
    "base64url unpadded",
    "base64 inside a longer text (2 alignments)",
    "base64url inside a longer text (2 alignments)",
    "json of form-urlencoded (+ and %)",
];

/// Every form of `secret`, named.
pub fn forms(secret: &str) -> Vec<(&'static str, String)> {
    let json = json(secret);
    let mut out = vec![
        (FORM_NAMES[0], secret.to_string()),
        (FORM_NAMES[1], json.clone()),
        (FORM_NAMES[2], json.replace('/', "\\/")),
        (FORM_NAMES[3], json_ascii(secret)),
        (FORM_NAMES[4], self::json(&json)),
        (
            FORM_NAMES[5],
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        ),
        (FORM_NAMES[6], rfc3986(secret, true)),
        (FORM_NAMES[7], rfc3986(secret, false)),
        (FORM_NAMES[8], rfc3986(&rfc3986(secret, true), true)),
        (FORM_NAMES[9], html_named(secret)),
        (FORM_NAMES[10], html_numeric(secret)),
        (FORM_NAMES[11], STANDARD.encode(secret)),
        (FORM_NAMES[12], STANDARD_NO_PAD.encode(secret)),
        (FORM_NAMES[13], URL_SAFE.encode(secret)),
        (FORM_NAMES[14], URL_SAFE_NO_PAD.encode(secret)),
    ];
    // Inside a longer base64 text the secret starts at offset 1 or 2 of a 3-byte group: the
    // groups that lie wholly inside it are encoded the same whatever surrounds them.
    for (name, engine) in [(FORM_NAMES[15], &STANDARD_NO_PAD), (FORM_NAMES[16], &URL_SAFE_NO_PAD)] {
        for skip in 1..3 {
            let rest = &secret.as_bytes()[skip.min(secret.len())..];
            let whole = rest.len() / 3 * 3;
            if whole >= 6 {
                out.push((name, engine.encode(&rest[..whole])));
            }
        }
    }
    out.push((
        FORM_NAMES[17],
        self::json(&url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>()),
    ));
    out
}

fn json(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap();
    q[1..q.len() - 1].to_string()
}

fn json_ascii(s: &str) -> String {
    let mut out = String::new();
    for c in json(s).chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

fn rfc3986(s: &str, upper: bool) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

fn html_named(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn html_numeric(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("&#{};", c as u32)
            }
        })
        .collect()
}

/// Searches texts for every form of a set of secrets, whole or as any [`WINDOW`]-byte window.
pub struct LeakScanner {
    /// Forms shorter than a window, searched whole: (secret name, form name, text).
    short: Vec<(String, &'static str, Vec<u8>)>,
    windows: HashMap<Vec<u8>, (String, &'static str)>,
    secrets: usize,
}

impl LeakScanner {
    /// `secrets`: (what it is, its value). Empty values are ignored.
    pub fn new<'a>(secrets: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut s = Self {
            short: Vec::new(),
            windows: HashMap::new(),
            secrets: 0,
        };
        for (what, value) in secrets {
            s.add(what, value);
        }
        s
    }

    pub fn add(&mut self, what: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        self.secrets += 1;
        for (form, text) in forms(value) {
            let bytes = text.into_bytes();
            if bytes.len() < WINDOW {
                self.short.push((what.to_string(), form, bytes));
            } else {
                for w in bytes.windows(WINDOW) {
                    self.windows
                        .entry(w.to_vec())
                        .or_insert_with(|| (what.to_string(), form));
                }
            }
        }
    }

    /// How many secrets are searched for.
    pub fn secrets(&self) -> usize {
        self.secrets
    }

    /// Every hit in `text`, as "SECRET (FORM) in CHANNEL: …context…".
    pub fn scan(&self, channel: &str, text: &[u8]) -> Vec<String> {
        let mut hits = Vec::new();
        let context = |at: usize, len: usize| {
            let from = at.saturating_sub(24);
            let to = (at + len + 24).min(text.len());
            String::from_utf8_lossy(&text[from..to]).into_owned()
        };
        for (what, form, needle) in &self.short {
            if let Some(at) = text.windows(needle.len()).position(|w| w == needle.as_slice()) {
                hits.push(format!("{what} ({form}) in {channel}: …{}…", context(at, needle.len())));
            }
        }
        if text.len() >= WINDOW {
            for (at, w) in text.windows(WINDOW).enumerate() {
                if let Some((what, form)) = self.windows.get(w) {
                    hits.push(format!("{what} ({form}, part) in {channel}: …{}…", context(at, WINDOW)));
                    break;
                }
            }
        }
        hits
    }

    pub fn scan_str(&self, channel: &str, text: &str) -> Vec<String> {
        self.scan(channel, text.as_bytes())
    }

    /// Every file under `root`, each as its own channel.
    pub fn scan_dir(&self, root: &std::path::Path) -> (usize, Vec<String>) {
        let mut hits = Vec::new();
        let mut files = 0;
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                match e.file_type() {
                    Ok(t) if t.is_dir() => stack.push(p),
                    Ok(t) if t.is_file() => {
                        files += 1;
                        if let Ok(bytes) = std::fs::read(&p) {
                            hits.extend(self.scan(&format!("file {}", p.display()), &bytes));
                        }
                    }
                    _ => {}
                }
            }
        }
        (files, hits)
    }
}

/// `text` with every redaction marker replaced by a character no form contains, so a marker's
/// own words (`redacted`, a length, a token's first 4 characters) are never taken for a leak.
pub fn without_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<redacted") {
        out.push_str(&rest[..at]);
        out.push('\u{1}');
        rest = match rest[at..].find('>') {
            Some(end) => &rest[at + end + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Secrets with the characters that break naive escaping: `\`, `"`, `%`, `&`, `<` and spaces.
pub const HOSTILE_API_KEY: &str = r#"Kx\"7 %41&amp;<b>pQ/+=z~Lm9;Tr2]Wd8{Hs4!"#;
pub const HOSTILE_PASSWORD: &str = r#"p@ss \"w0rd\" 100% <&> ok"#;

#[test]
fn every_form_is_found_and_a_clean_text_has_none() {
    let s = LeakScanner::new([("key", HOSTILE_API_KEY)]);
    for (form, text) in forms(HOSTILE_API_KEY) {
        let hay = format!("prefix {text} suffix");
        assert!(!s.scan_str("t", &hay).is_empty(), "{form}: {text}");
        // Half of it is still found (a window).
        if text.len() >= 2 * WINDOW {
            let half = &text.as_bytes()[text.len() / 2 - WINDOW / 2..];
            assert!(!s.scan("t", half).is_empty(), "{form} (half)");
        }
    }
    assert!(s.scan_str("t", "nothing secret <redacted: 40 chars> here").is_empty());
    // Inside a longer base64 text (Basic auth) at any alignment.
    for prefix in ["", "u:", "us:", "usr:"] {
        let b = STANDARD.encode(format!("{prefix}{HOSTILE_API_KEY}"));
        assert!(!s.scan_str("t", &b).is_empty(), "{prefix}");
    }
}
