//! The encoded forms of a secret that unescaping the text cannot find, searched as literals:
//! base64 (which no layer undoes) and the escaped forms a stray escape character would hide.

use super::redactor::{MIN_BASE64_CORE_BYTES, MIN_FREE_TEXT_BYTES};
use base64::Engine;

/// The base64 texts that betray `value`: its whole encoding (standard and URL-safe, padded or
/// not), and the runs that encode it inside a longer base64 text at each of the 3 alignments.
pub(super) fn base64_forms(value: &[u8]) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let mut out = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        push(engine.encode(value));
    }
    for skip in 0..3 {
        let Some(rest) = value.get(skip..) else { continue };
        let whole = rest.len() / 3 * 3;
        if whole >= MIN_BASE64_CORE_BYTES {
            push(STANDARD_NO_PAD.encode(&rest[..whole]));
            push(URL_SAFE_NO_PAD.encode(&rest[..whole]));
        }
    }
    out
}

/// The value escaped as servers echo it, one to three times over (JSON, RFC 3986 and HTML), as
/// literals. Unescaping the text finds most of these already, but a stray escape character just
/// before the value (a `\` before `b\\A…`) makes the decoder read `\b` and miss the rest.
pub(super) fn escaped_forms(value: &str) -> Vec<String> {
    fn json(s: &str) -> String {
        let quoted = serde_json::to_string(s).unwrap_or_default();
        quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
    }
    fn percent(s: &str, upper: bool) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    }
    fn html(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |f: String| {
        if f != value && f.len() >= MIN_FREE_TEXT_BYTES && !out.contains(&f) {
            out.push(f);
        }
    };
    let (mut j, mut pu, mut pl) = (value.to_string(), value.to_string(), value.to_string());
    for _ in 0..3 {
        j = json(&j);
        push(j.clone());
        push(j.replace('/', "\\/"));
        pu = percent(&pu, true);
        push(pu.clone());
        pl = percent(&pl, false);
        push(pl.clone());
    }
    push(html(value));
    push(html(&json(value)));
    push(json(&html(value)));
    out
}
