//! Secrets (API keys, passwords, tokens) travel in [`Secret`], which never prints its value.
//!
//! Everything that is shown, logged or saved goes through a [`Redactor`] or a redaction marker,
//! which keeps only what helps a diagnosis: the length, and for tokens their first 4 characters.
//!
//! A server, a proxy or an error message may echo a secret in another form than it was sent, so
//! the redactor finds every form of it: raw; JSON-escaped (`\"`, `\\`, `\/`, `\uXXXX`);
//! URL-encoded (form `+` and RFC 3986 `%XX`, upper or lower case);
//! HTML-escaped (named and numeric entities); any mix and nesting of those (each layer of
//! escaping is undone in turn, up to five); and base64 (standard and URL-safe, with or without
//! padding, also inside a longer base64 text such as `Basic user:password`).

use crate::transcript::{AccountSummary, StepError, Transcript};
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// A secret value. `Debug` and `Display` show a redaction marker, never the value.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The real value, for the one place that must send it (the request builder).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Length in characters (what a user counts when comparing with "40 characters").
    pub fn char_len(&self) -> usize {
        self.expose().chars().count()
    }

    /// The marker shown in place of a key or password.
    pub fn marker(&self) -> String {
        secret_marker(self.expose())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.marker())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.marker())
    }
}

impl Default for Secret {
    fn default() -> Self {
        Self::new(String::new())
    }
}

/// Marker for a key or password: only its length.
pub fn secret_marker(value: &str) -> String {
    format!("<redacted: {} chars>", value.chars().count())
}

/// Marker for a token: its first 4 characters (`eyJh` says "a JWT") and its length.
pub fn token_marker(token: &str) -> String {
    let head: String = token.chars().take(4).collect();
    format!("<redacted token {head}…, {} chars>", token.chars().count())
}

impl Redactor {
    /// A copy of `t` with every recorded text redacted: requests, answers, errors, notes, the
    /// account summary and the token's claims. The engine records redacted copies already; the
    /// diagnosis, which quotes server text cut to a length, redacts once more before quoting, so a
    /// cut can never leave part of a secret behind.
    pub fn redact_transcript(&self, t: &Transcript) -> Transcript {
        let mut t = t.clone();
        for step in &mut t.steps {
            if let Some(q) = &mut step.request {
                q.url = self.redact(&q.url);
                self.redact_headers(&mut q.headers);
                q.body = q.body.as_deref().map(|b| self.redact(b));
            }
            if let Some(r) = &mut step.response {
                self.redact_headers(&mut r.headers);
                r.body = self.redact(&r.body);
            }
            if let Some(e) = &mut step.error {
                self.redact_error(e);
            }
            for n in &mut step.notes {
                *n = self.redact(n);
            }
        }
        if let Some(a) = &mut t.account {
            self.redact_account(a);
        }
        if let Some(claims) = t.token.as_mut().and_then(|tok| tok.claims.as_mut()) {
            self.redact_json(claims);
        }
        t
    }

    pub fn redact_headers(&self, headers: &mut [(String, String)]) {
        for (_, v) in headers {
            *v = self.redact(v);
        }
    }

    /// The account summary is read from the login answer, which a hostile server may fill with
    /// what it was sent.
    pub fn redact_account(&self, a: &mut AccountSummary) {
        for v in [
            &mut a.username,
            &mut a.id,
            &mut a.email,
            &mut a.domain,
            &mut a.first_name,
            &mut a.last_name,
            &mut a.tenant,
            &mut a.token_expires_at,
        ]
        .into_iter()
        .flatten()
        {
            *v = self.redact(v);
        }
        for v in a.roles.iter_mut().chain(a.license_features.iter_mut()) {
            *v = self.redact(v);
        }
        let permissions = std::mem::take(&mut a.permissions);
        for (resource, mut actions) in permissions {
            for v in &mut actions {
                *v = self.redact(v);
            }
            a.permissions.insert(self.redact(&resource), actions);
        }
    }

    /// Every string (and key) in a JSON value.
    pub fn redact_json(&self, v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => *s = self.redact(s),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| self.redact_json(x)),
            serde_json::Value::Object(o) => {
                let old = std::mem::take(o);
                for (k, mut x) in old {
                    self.redact_json(&mut x);
                    o.insert(self.redact(&k), x);
                }
            }
            _ => {}
        }
    }

    fn redact_error(&self, e: &mut StepError) {
        let texts: Vec<&mut String> = match e {
            StepError::Input { reason } => vec![reason],
            StepError::Dns { host, detail } => vec![host, detail],
            StepError::Refused { addr } => vec![addr],
            StepError::Timeout { phase, .. } => vec![phase],
            StepError::Unreachable { addr, reason, detail } => vec![addr, reason, detail],
            StepError::Tls { reason, detail, .. } | StepError::Network { reason, detail } => vec![reason, detail],
            StepError::Reset { detail, .. }
            | StepError::Proxy { detail }
            | StepError::Protocol { detail }
            | StepError::CaFile { detail }
            | StepError::Answer { detail } => vec![detail],
            StepError::Cancelled => vec![],
        };
        for t in texts {
            *t = self.redact(t);
        }
    }
}

/// Below this many bytes a secret is hidden only where it stands alone (a whole JSON string, a
/// whole header value): hiding every `ab` in free text would hide ordinary words instead.
const MIN_FREE_TEXT_BYTES: usize = 3;
/// A base64 run that encodes at least this many bytes of a secret (inside a longer base64 text)
/// is hidden; shorter runs are too likely to be something else.
const MIN_BASE64_CORE_BYTES: usize = 6;
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

/// A text after some layers of unescaping, with where each byte came from in the original text
/// (`None`: the original itself).
struct Layer<'a> {
    bytes: std::borrow::Cow<'a, [u8]>,
    spans: Option<Vec<(u32, u32)>>,
}

impl<'a> Layer<'a> {
    fn of(text: &'a [u8]) -> Self {
        Self {
            bytes: std::borrow::Cow::Borrowed(text),
            spans: None,
        }
    }

    fn start(&self, i: usize) -> usize {
        self.spans.as_ref().map_or(i, |s| s[i].0 as usize)
    }

    fn end(&self, i: usize) -> usize {
        self.spans.as_ref().map_or(i + 1, |s| s[i].1 as usize)
    }

    /// One layer of JSON (`\"`, `\\`, `\/`, `\n`…, `\uXXXX`), URL (`%XX`) and HTML (`&quot;`,
    /// `&#34;`, `&#x22;`…) unescaping, all at once; `None` when there is nothing to undo.
    fn decoded(&self) -> Option<Layer<'static>> {
        self.decoded_only(JSON | PERCENT | HTML)
    }

    /// One layer of unescaping of the kinds in `kinds` only.
    fn decoded_only(&self, kinds: u8) -> Option<Layer<'static>> {
        let b = &self.bytes;
        // Offsets are kept as u32; texts that large are not unescaped (bodies are capped at 1 MiB).
        if b.len() >= u32::MAX as usize || !b.iter().any(|c| matches!(c, b'\\' | b'%' | b'&')) {
            return None;
        }
        let mut bytes = Vec::with_capacity(b.len());
        let mut spans = Vec::with_capacity(b.len());
        let mut changed = false;
        let mut i = 0;
        while i < b.len() {
            let (decoded, used) = match b[i] {
                b'\\' if kinds & JSON != 0 => json_escape(&b[i..]),
                b'%' if kinds & PERCENT != 0 => percent_escape(&b[i..]),
                b'&' if kinds & HTML != 0 => html_escape(&b[i..]),
                _ => (None, 1),
            };
            match decoded {
                Some(decoded_bytes) => {
                    changed = true;
                    let span = (self.start(i) as u32, self.end(i + used - 1) as u32);
                    for byte in decoded_bytes {
                        bytes.push(byte);
                        spans.push(span);
                    }
                    i += used;
                }
                None => {
                    bytes.push(b[i]);
                    spans.push((self.start(i) as u32, self.end(i) as u32));
                    i += 1;
                }
            }
        }
        changed.then_some(Layer {
            bytes: std::borrow::Cow::Owned(bytes),
            spans: Some(spans),
        })
    }
}

const JSON: u8 = 1;
const PERCENT: u8 = 2;
const HTML: u8 = 4;

/// The value, and what unescaping a text that holds it may turn it into: each layer of
/// unescaping the text also decodes whatever in the value looks like an escape of another kind
/// (a literal `%41` in a JSON-escaped key becomes `A`). At most 32 variants.
fn variants(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![value.to_vec()];
    let mut i = 0;
    while i < out.len() && out.len() < 32 {
        let current = out[i].clone();
        let layer = Layer::of(&current);
        for kinds in 1..=(JSON | PERCENT | HTML) {
            if let Some(d) = layer.decoded_only(kinds)
                && String::from_utf8_lossy(&d.bytes).trim().len() >= MIN_FREE_TEXT_BYTES
                && !out.iter().any(|o| o.as_slice() == &*d.bytes)
            {
                out.push(d.bytes.into_owned());
            }
        }
        i += 1;
    }
    out
}

fn hex(bytes: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(bytes).ok()?;
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

fn utf8(c: char) -> Vec<u8> {
    c.to_string().into_bytes()
}

/// A JSON escape at the start of `b`: the bytes it stands for and how many it used.
fn json_escape(b: &[u8]) -> (Option<Vec<u8>>, usize) {
    let simple = match b.get(1) {
        Some(b'"') => Some(b'"'),
        Some(b'\\') => Some(b'\\'),
        Some(b'/') => Some(b'/'),
        Some(b'n') => Some(b'\n'),
        Some(b'r') => Some(b'\r'),
        Some(b't') => Some(b'\t'),
        Some(b'b') => Some(8),
        Some(b'f') => Some(12),
        _ => None,
    };
    if let Some(c) = simple {
        return (Some(vec![c]), 2);
    }
    if b.get(1) != Some(&b'u') {
        return (None, 1);
    }
    let Some(u) = b.get(2..6).and_then(hex) else {
        return (None, 1);
    };
    if (0xD800..0xDC00).contains(&u)
        && b.get(6..8) == Some(b"\\u")
        && let Some(lo) = b.get(8..12).and_then(hex)
        && (0xDC00..0xE000).contains(&lo)
    {
        let c = char::from_u32(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        return (c.map(utf8), 12);
    }
    (char::from_u32(u).map(utf8), 6)
}

fn percent_escape(b: &[u8]) -> (Option<Vec<u8>>, usize) {
    match b.get(1..3).and_then(hex) {
        Some(v) => (Some(vec![v as u8]), 3),
        None => (None, 1),
    }
}

fn html_escape(b: &[u8]) -> (Option<Vec<u8>>, usize) {
    let Some(semi) = b.iter().take(12).position(|c| *c == b';') else {
        return (None, 1);
    };
    let name = &b[1..semi];
    let c = match name {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        b"nbsp" => Some('\u{a0}'),
        [b'#', b'x' | b'X', h @ ..] => hex(h).and_then(char::from_u32),
        [b'#', d @ ..] if !d.is_empty() && d.iter().all(u8::is_ascii_digit) => std::str::from_utf8(d)
            .ok()
            .and_then(|d| d.parse::<u32>().ok())
            .and_then(char::from_u32),
        _ => None,
    };
    match c {
        Some(c) => (Some(utf8(c)), semi + 1),
        None => (None, 1),
    }
}

/// The base64 texts that betray `value`: its whole encoding (standard and URL-safe, padded or
/// not), and the runs that encode it inside a longer base64 text at each of the 3 alignments.
fn base64_forms(value: &[u8]) -> Vec<String> {
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
fn escaped_forms(value: &str) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO");
        assert!(!format!("{s:?}").contains("Vie;Z"));
        assert!(!format!("{s}").contains("Vie;Z"));
        assert!(format!("{s}").contains("40 chars"));
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
    fn short_secrets_are_hidden_where_they_stand_alone() {
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
