//! Undoing escapes (JSON, URL, HTML), one layer at a time, while remembering where each byte
//! came from: a secret found in an unescaped text is then replaced in the original text.

use super::redactor::MIN_FREE_TEXT_BYTES;

/// A text after some layers of unescaping, with where each byte came from in the original text
/// (`None`: the original itself).
pub(super) struct Layer<'a> {
    pub(super) bytes: std::borrow::Cow<'a, [u8]>,
    spans: Option<Vec<(u32, u32)>>,
}

impl<'a> Layer<'a> {
    pub(super) fn of(text: &'a [u8]) -> Self {
        Self {
            bytes: std::borrow::Cow::Borrowed(text),
            spans: None,
        }
    }

    pub(super) fn start(&self, i: usize) -> usize {
        self.spans.as_ref().map_or(i, |s| s[i].0 as usize)
    }

    pub(super) fn end(&self, i: usize) -> usize {
        self.spans.as_ref().map_or(i + 1, |s| s[i].1 as usize)
    }

    /// One layer of JSON (`\"`, `\\`, `\/`, `\n`…, `\uXXXX`), URL (`%XX`) and HTML (`&quot;`,
    /// `&#34;`, `&#x22;`…) unescaping, all at once; `None` when there is nothing to undo.
    pub(super) fn decoded(&self) -> Option<Layer<'static>> {
        self.decoded_only(JSON | PERCENT | HTML)
    }

    /// One layer of unescaping of the kinds in `kinds` only.
    pub(super) fn decoded_only(&self, kinds: u8) -> Option<Layer<'static>> {
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

pub(super) const JSON: u8 = 1;
pub(super) const PERCENT: u8 = 2;
pub(super) const HTML: u8 = 4;

/// The value, and what unescaping a text that holds it may turn it into: each layer of
/// unescaping the text also decodes whatever in the value looks like an escape of another kind
/// (a literal `%41` in a JSON-escaped key becomes `A`). At most 32 variants.
pub(super) fn variants(value: &[u8]) -> Vec<Vec<u8>> {
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
