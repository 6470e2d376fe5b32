//! The redactor: a list of what to hide and a search that finds it in any text, in the text
//! itself and in each layer of unescaping of it, then replaces each find in the original text.
//! Kept apart from the encodings it searches for (`unescape`, `forms`) so the matching rules
//! (earliest and longest wins, markers never searched again, short values only standing alone)
//! read in one place.

use super::forms::{base64_forms, escaped_forms};
use super::unescape::{HTML, JSON, Layer, PERCENT, variants};
use super::{secret_marker, token_marker};
use std::fmt;

/// Below this many bytes a secret is hidden only where it stands alone (a whole JSON string, a
/// whole header value): hiding every `ab` in free text would hide ordinary words instead.
pub(super) const MIN_FREE_TEXT_BYTES: usize = 3;
/// A base64 run that encodes at least this many bytes of a secret (inside a longer base64 text)
/// is hidden; shorter runs are too likely to be something else.
pub(super) const MIN_BASE64_CORE_BYTES: usize = 6;
/// A JWT's payload or signature alone is hidden when at least this long.
const MIN_TOKEN_PART_CHARS: usize = 8;
/// How many layers of escaping are undone (a key echoed in JSON inside a JSON log inside an HTML
/// page is three).
const MAX_DECODE_LAYERS: usize = 5;

/// What to hide in a text, with the marker to put in its place.
#[derive(Clone, Default)]
pub struct Redactor {
    items: Vec<Item>,
}

#[derive(Clone)]
struct Item {
    pattern: Pattern,
    marker: String,
}

#[derive(Clone)]
enum Pattern {
    /// The value's bytes (a space may also be a form-encoded `+`), searched in the text and in
    /// each layer of unescaping of it; with the value's own variants, should it hold something
    /// that looks like an escape (`%41`, `&amp;`, `\"`), which unescaping the text decodes too.
    Value(Vec<Vec<u8>>),
    /// A short value: only as a whole JSON string (`"…"`, the quotes kept) or as the whole text.
    Standalone(Vec<u8>),
    /// A fixed text (base64 forms), searched like [`Pattern::Value`].
    Literal(Vec<u8>),
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} items)", self.items.len())
    }
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hide a key or password (and its trimmed form) in every form.
    pub fn add_secret(&mut self, value: &str) {
        let marker = secret_marker(value);
        self.add(value, &marker);
        let trimmed = value.trim();
        if trimmed != value {
            self.add(trimmed, &marker);
        }
    }

    /// Hide a token in every form, and a JWT's payload and signature on their own too (either
    /// alone lets someone rebuild or replay it; the header is the same for every token).
    pub fn add_token(&mut self, value: &str) {
        let marker = token_marker(value);
        self.add(value, &marker);
        let parts: Vec<&str> = value.split('.').collect();
        if parts.len() == 3 {
            for part in &parts[1..] {
                if part.chars().count() >= MIN_TOKEN_PART_CHARS {
                    self.add(part, &marker);
                }
            }
        }
    }

    fn add(&mut self, value: &str, marker: &str) {
        if value.is_empty() {
            return;
        }
        if value.trim().len() < MIN_FREE_TEXT_BYTES {
            self.push(Pattern::Standalone(value.as_bytes().to_vec()), marker);
            return;
        }
        self.push(Pattern::Value(variants(value.as_bytes())), marker);
        for lit in base64_forms(value.as_bytes()).into_iter().chain(escaped_forms(value)) {
            self.push(Pattern::Literal(lit.into_bytes()), marker);
        }
    }

    fn push(&mut self, pattern: Pattern, marker: &str) {
        self.items.push(Item {
            pattern,
            marker: marker.to_string(),
        });
    }

    /// `text` with every form of every secret replaced by its marker.
    pub fn redact(&self, text: &str) -> String {
        if self.items.is_empty() || text.is_empty() {
            return text.to_string();
        }
        // All matches of all items, in the text and in each layer of unescaping of it (mapped back
        // to the text), then the earliest (longest on a tie) wins: a marker is never searched
        // again, and a value inside another is replaced whole.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let original = Layer::of(text.as_bytes());
        let mut search = |layer: &Layer, is_original: bool| {
            for (i, item) in self.items.iter().enumerate() {
                for (a, b) in item.pattern.find_all(&layer.bytes, is_original) {
                    found.push((layer.start(a), layer.end(b - 1), i));
                }
            }
        };
        search(&original, true);
        // One kind of escaping undone alone (a form whose last `\` meets the `"` after it is still
        // found in its HTML- or URL-decoded text), then all kinds at once, layer after layer.
        for kinds in [JSON, PERCENT, HTML] {
            if let Some(l) = original.decoded_only(kinds) {
                search(&l, false);
            }
        }
        let mut layer = original.decoded();
        for _ in 0..MAX_DECODE_LAYERS {
            let Some(l) = layer else { break };
            search(&l, false);
            layer = l.decoded();
        }
        if found.is_empty() {
            return text.to_string();
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end, i) in found {
            let (start, end) = (floor_boundary(text, start), ceil_boundary(text, end));
            if start < at {
                continue;
            }
            out.push_str(&text[at..start]);
            out.push_str(&self.items[i].marker);
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl Pattern {
    /// Byte ranges of the matches in `text`, possibly overlapping.
    fn find_all(&self, text: &[u8], original: bool) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        match self {
            Pattern::Literal(lit) => {
                let mut from = 0;
                while let Some(at) = find(&text[from..], lit) {
                    out.push((from + at, from + at + lit.len()));
                    from += at + 1;
                }
            }
            Pattern::Value(variants) => {
                for value in variants {
                    let first = value[0];
                    for start in 0..text.len() {
                        let b = text[start];
                        if (b == first || (first == b' ' && b == b'+')) && matches_at(text, start, value) {
                            out.push((start, start + value.len()));
                        }
                    }
                }
            }
            // Short values only in the request and answer as recorded, never in decoded layers
            // (where any `"x"` may be an artefact of unescaping).
            Pattern::Standalone(value) if original => {
                if text.len() == value.len() && matches_at(text, 0, value) {
                    out.push((0, text.len()));
                }
                for (start, end) in json_strings(text) {
                    let decoded: Option<String> = std::str::from_utf8(&text[start - 1..end + 1])
                        .ok()
                        .and_then(|q| serde_json::from_str(q).ok());
                    if decoded.is_some_and(|d| d.as_bytes() == value.as_slice()) {
                        out.push((start, end));
                    }
                }
            }
            Pattern::Standalone(_) => {}
        }
        out
    }
}

/// The contents (between the quotes) of the JSON strings in `text`, read from its start as JSON
/// would be, so `","` between two strings is not taken for one.
fn json_strings(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < text.len() && text[j] != b'"' {
            j += if text[j] == b'\\' { 2 } else { 1 };
        }
        if j >= text.len() {
            break;
        }
        out.push((start, j));
        i = j + 1;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| hay[i] == first && &hay[i + 1..i + needle.len()] == rest)
}

/// `value` at `start`, where a space may also be written `+` (application/x-www-form-urlencoded).
fn matches_at(text: &[u8], start: usize, value: &[u8]) -> bool {
    let Some(window) = text.get(start..start + value.len()) else {
        return false;
    };
    window
        .iter()
        .zip(value)
        .all(|(t, v)| t == v || (*v == b' ' && *t == b'+'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    // Regression (found by the diagnosis property test): a `\` just before a JSON-escaped-twice
    // secret made the unescaping read `\b` and miss the secret.
    #[test]
    fn a_stray_backslash_before_an_escaped_secret_does_not_hide_it() {
        let secret = r"b\A!aaaa!!!a";
        let mut r = Redactor::new();
        r.add_secret(secret);
        let twice = json_twice(secret);
        let text = format!("body \\{twice}\\\"");
        let out = r.redact(&text);
        assert!(!out.contains("aaaa"), "{out}");
    }

    fn json_twice(s: &str) -> String {
        let once = serde_json::to_string(s).unwrap();
        let once = &once[1..once.len() - 1];
        let twice = serde_json::to_string(once).unwrap();
        twice[1..twice.len() - 1].to_string()
    }

    #[test]
    fn redactor_hides_raw_escaped_and_url_encoded_forms() {
        let mut r = Redactor::new();
        r.add_secret("ab\\cd\"ef");
        r.add_token("eyJhbGciOiJSUzUxMiJ9.abc.def+/=");
        let body = r#"{"apiKey":"ab\\cd\"ef"} token=eyJhbGciOiJSUzUxMiJ9.abc.def%2B%2F%3D"#;
        let out = r.redact(body);
        assert!(!out.contains("ab\\\\cd"), "{out}");
        assert!(!out.contains("abc.def"), "{out}");
        assert!(out.contains("<redacted token eyJh…"));
    }

    // Issue 13, D3: each form a real server or proxy was seen to echo.
    #[test]
    fn redactor_hides_every_form_seen_in_the_audit() {
        let key = r#"K\q"7 %&<Tz/Rw2]Lp8"#;
        let mut r = Redactor::new();
        r.add_secret(key);
        let cases = [
            ("json", r#"{"echo":"K\\q\"7 %&<Tz\/Rw2]Lp8"}"#.to_string()),
            (
                "json twice",
                r#"{"log":"{\"k\":\"K\\\\q\\\"7 %&<Tz/Rw2]Lp8\"}"}"#.to_string(),
            ),
            ("html", "<p>K\\q&quot;7 %&amp;&lt;Tz/Rw2]Lp8</p>".to_string()),
            ("html numeric", "K&#92;q&#x22;7&#32;%&#38;&#60;Tz/Rw2]Lp8".to_string()),
            ("rfc 3986", "c=K%5Cq%227%20%25%26%3CTz%2FRw2%5DLp8;".to_string()),
            ("rfc 3986 lower", "c=K%5cq%227%20%25%26%3cTz%2fRw2%5dLp8;".to_string()),
            ("form", "apiKey=K%5Cq%227+%25%26%3CTz%2FRw2%5DLp8&x=1".to_string()),
            (
                "url twice",
                "K%255Cq%25227%2520%2525%2526%253CTz%252FRw2%255DLp8".to_string(),
            ),
            ("base64", base64::engine::general_purpose::STANDARD.encode(key)),
            (
                "base64 url",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key),
            ),
            (
                "basic auth",
                format!(
                    "Authorization: Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("svc:{key}"))
                ),
            ),
        ];
        for (name, text) in cases {
            let out = r.redact(&text);
            assert!(out.contains("<redacted: 19 chars>"), "{name}: {out}");
            assert!(!out.contains("Tz"), "{name}: {out}");
        }
    }

    #[test]
    fn d3_short_secrets_are_hidden_where_they_stand_alone() {
        let mut r = Redactor::new();
        r.add_secret("x");
        let body = r#"{"username":"alex","password":"x"}"#;
        assert_eq!(
            r.redact(body),
            r#"{"username":"alex","password":"<redacted: 1 chars>"}"#
        );
        assert_eq!(r.redact("x"), "<redacted: 1 chars>");
        // Ordinary words are left alone.
        assert_eq!(r.redact("max exit"), "max exit");
        let mut r = Redactor::new();
        r.add_secret("\"");
        assert_eq!(
            r.redact(r#"{"password":"\""}"#),
            r#"{"password":"<redacted: 1 chars>"}"#
        );
    }

    #[test]
    fn a_token_header_alone_is_no_secret_but_its_parts_are() {
        let mut r = Redactor::new();
        let tok = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxMiJ9.c2lnbmF0dXJlLWJ5dGVz";
        r.add_token(tok);
        let out = r.redact("sig=c2lnbmF0dXJlLWJ5dGVz claims=eyJzdWIiOiIxMiJ9 alg=eyJhbGciOiJSUzUxMiJ9");
        assert!(!out.contains("c2lnbmF0"), "{out}");
        assert!(!out.contains("eyJzdWIi"), "{out}");
        assert!(out.contains("eyJhbGciOiJSUzUxMiJ9"), "{out}");
    }

    #[test]
    fn a_marker_is_never_redacted_again() {
        let mut r = Redactor::new();
        r.add_secret("redacted");
        r.add_secret("chars>");
        let out = r.redact("a redacted b");
        assert_eq!(out, "a <redacted: 8 chars> b");
    }
}
