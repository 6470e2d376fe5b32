//! Small text helpers: shortening, quoting a response, reading an HTML page, dates and durations.
//! All of them are total: any input gives a string, never a panic.

use crate::transcript::{ControlRoomError, RecordedResponse};
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max).collect::<String>())
    } else {
        s.to_string()
    }
}

/// `1. a\n2. b`.
pub(crate) fn numbered(steps: &[String]) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {s}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collapse runs of whitespace (HTML text, multi-line bodies) into single spaces.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `401 Unauthorized`.
pub(crate) fn status_line(r: &RecordedResponse) -> String {
    let reason = r.reason.trim();
    if reason.is_empty() {
        r.status.to_string()
    } else {
        format!("{} {}", r.status, reason)
    }
}

/// The Control Room error as quoted evidence: `401 Unauthorized, code UM1110: "Either …"`.
pub(crate) fn cr_error_evidence(r: &RecordedResponse, e: &ControlRoomError) -> String {
    let mut out = status_line(r);
    if let Some(code) = &e.code {
        out.push_str(&format!(", code {}", shorten(code, 80)));
    }
    if let Some(m) = &e.message {
        out.push_str(&format!(": \"{}\"", shorten(&squash(m), 200)));
    }
    if let Some(d) = &e.details {
        out.push_str(&format!(" (details: \"{}\")", shorten(&squash(d), 200)));
    }
    out
}

/// Status plus the start of the body (or the page title for HTML).
pub(crate) fn response_evidence(r: &RecordedResponse) -> String {
    let mut out = status_line(r);
    let ct = r.content_type();
    if !ct.is_empty() {
        out.push_str(&format!(", Content-Type {}", shorten(ct, 60)));
    }
    if let Some(title) = html_title(&r.body) {
        out.push_str(&format!(", page title \"{}\"", shorten(&title, 100)));
    } else if !r.body.trim().is_empty() {
        out.push_str(&format!(", body \"{}\"", shorten(&squash(&r.body), 160)));
    } else {
        out.push_str(", empty body");
    }
    if r.truncated {
        out.push_str(" (body cut at the size limit)");
    }
    out
}

/// The `<title>` of an HTML page, if any.
pub(crate) fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = squash(body.get(open_end..close)?);
    if title.is_empty() {
        None
    } else {
        Some(decode_entities(&title))
    }
}

/// The visible text of an HTML page (tags, scripts and styles removed), squashed.
pub(crate) fn html_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len().min(64 * 1024));
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let lower = body.to_ascii_lowercase();
    let mut i = 0;
    let bytes = body.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            match lower[i..].find(end) {
                Some(p) => {
                    i += p + end.len();
                    skip_until = None;
                    continue;
                }
                None => break,
            }
        }
        let c = bytes[i];
        if c == b'<' {
            if lower[i..].starts_with("<script") {
                skip_until = Some("</script>");
            } else if lower[i..].starts_with("<style") {
                skip_until = Some("</style>");
            }
            in_tag = true;
            out.push(' ');
        } else if c == b'>' && in_tag {
            in_tag = false;
        } else if !in_tag {
            // Copy the whole character starting here.
            if let Some(ch) = body[i..].chars().next() {
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
        // Move to the next character boundary (tags are ASCII, but be safe with multibyte text).
        while i < bytes.len() && !body.is_char_boundary(i) {
            i += 1;
        }
    }
    decode_entities(&squash(&out))
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

/// `2026-11-27 14:20:00 UTC`.
pub(crate) fn fmt_unix(secs: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => {
            let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
            t.format(&f).unwrap_or_else(|_| secs.to_string())
        }
        Err(_) => format!("{secs} (unix time)"),
    }
}

/// A duration in words: `45 seconds`, `12 minutes`, `3 hours`, `5 days`.
pub(crate) fn fmt_span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (n, unit) = if s < 120 {
        (s, "second")
    } else if s < 2 * 3600 {
        (s / 60, "minute")
    } else if s < 2 * 86400 {
        (s / 3600, "hour")
    } else {
        (s / 86400, "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// Parse a date as certificates, HTTP headers and the engine may write it. `None` when unknown.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc2822) {
        return Some(t.unix_timestamp());
    }
    parse_loose(s)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Nov  6 08:49:37 1994 GMT` (OpenSSL), `1994-11-06 08:49:37 UTC`,
/// `1994-11-06T08:49:37Z` without seconds fraction rules, ...: pick the numbers and the month name.
fn parse_loose(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = s.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut year = None;
    let mut month = None;
    let mut day = None;
    let mut hms = None;
    for w in &words {
        let w = w.trim_end_matches(['z', 'Z']);
        if let Some(m) = MONTHS.iter().position(|m| w.starts_with(m)) {
            month = Some(m as u8 + 1);
        } else if w.contains(':') {
            let mut it = w
                .split(':')
                .map(|p| p.split('.').next().unwrap_or("0").parse::<u8>().ok());
            let h = it.next().flatten()?;
            let mi = it.next().flatten()?;
            let se = it.next().flatten().unwrap_or(0);
            hms = Some((h, mi, se));
        } else if w.contains('-') && w.len() >= 8 {
            // 1994-11-06 (optionally followed by T08:49:37)
            let (date, time_part) = w.split_once('t').unwrap_or((w, ""));
            let mut it = date.split('-').map(|p| p.parse::<i32>().ok());
            year = it.next().flatten();
            month = it.next().flatten().and_then(|m| u8::try_from(m).ok());
            day = it.next().flatten().and_then(|d| u8::try_from(d).ok());
            if !time_part.is_empty() {
                let mut it = time_part
                    .split(':')
                    .map(|p| p.split('.').next().unwrap_or("0").parse::<u8>().ok());
                if let (Some(Some(h)), Some(Some(mi))) = (it.next(), it.next()) {
                    hms = Some((h, mi, it.next().flatten().unwrap_or(0)));
                }
            }
        } else if let Ok(n) = w.parse::<i32>() {
            if n > 31 {
                year = Some(n);
            } else if day.is_none() {
                day = Some(u8::try_from(n).ok()?);
            }
        }
    }
    let month = time::Month::try_from(month?).ok()?;
    let date = time::Date::from_calendar_date(year?, month, day?).ok()?;
    let (h, mi, se) = hms.unwrap_or((0, 0, 0));
    let t = time::Time::from_hms(h, mi, se).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc().unix_timestamp())
}

/// Replace anything shaped like a JWT (`eyJ…` with two dots) by a token marker.
pub(crate) fn scrub_tokens(s: &str) -> String {
    if !s.contains("eyJ") {
        return s.to_string();
    }
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '=' || c == '+' || c == '/';
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("eyJ") {
        out.push_str(&rest[..pos]);
        let cand = &rest[pos..];
        // `eyJ` are base64 characters themselves, so the run is at least 3 bytes long.
        let end = cand.find(|c: char| !(is_b64(c) || c == '.')).unwrap_or(cand.len());
        let tok = &cand[..end];
        if tok.matches('.').count() >= 2 || tok.len() > 24 {
            out.push_str(&crate::secret::token_marker(tok));
        } else {
            out.push_str(tok);
        }
        rest = &cand[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_usual_shapes() {
        let want = 784111777; // 1994-11-06 08:49:37 UTC
        assert_eq!(parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(want));
        assert_eq!(parse_date("1994-11-06T08:49:37Z"), Some(want));
        assert_eq!(parse_date("Nov  6 08:49:37 1994 GMT"), Some(want));
        assert_eq!(parse_date("1994-11-06 08:49:37 UTC"), Some(want));
        assert_eq!(parse_date("784111777"), Some(want));
        assert_eq!(parse_date("not a date"), None);
        assert_eq!(parse_date("99:99:99 -- 40"), None);
    }

    #[test]
    fn html_title_and_text() {
        let page = "<html><head><title> Website  blocked </title><style>p{}</style></head><body><p>Zscaler &amp; co</p><script>var a='<b>';</script></body></html>";
        assert_eq!(html_title(page).as_deref(), Some("Website blocked"));
        assert_eq!(html_text(page), "Website blocked Zscaler & co");
        assert_eq!(html_text("héllo <b>wörld</b> <unclosed"), "héllo wörld");
    }

    #[test]
    fn tokens_are_scrubbed() {
        let s = "token eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.sig-part_x and eyJ alone";
        let out = scrub_tokens(s);
        assert!(!out.contains("eyJzdWIi"), "{out}");
        assert!(out.contains("eyJ alone"), "{out}");
        assert_eq!(scrub_tokens("eyJ"), "eyJ");
        assert_eq!(scrub_tokens("xeyJ.a"), "xeyJ.a");
    }

    #[test]
    fn spans() {
        assert_eq!(fmt_span(1), "1 second");
        assert_eq!(fmt_span(-600), "10 minutes");
        assert_eq!(fmt_span(3 * 86400 + 5), "3 days");
        assert_eq!(fmt_unix(0), "1970-01-01 00:00:00 UTC");
        assert!(fmt_unix(i64::MAX).contains("unix"));
    }
}
