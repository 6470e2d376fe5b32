//! A raw HTTP request as a proxy, Fiddler, Burp or a browser's "view source" shows it, and the
//! answer pasted after it. The request line and headers are read by `httparse` (what hyper uses);
//! a head it refuses (a typo in a header name, no HTTP version as in Postman's console) is read
//! leniently, line by line.

use super::{RawPaste, RawRequest, answer};

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

pub(crate) fn read_request(text: &str) -> Option<RawPaste> {
    let first = text.lines().next()?.trim();
    let mut parts = first.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next();
    if !METHODS.contains(&method.to_ascii_uppercase().as_str())
        || !(target.starts_with('/') || target.contains("://") || target.starts_with("{{"))
        || version.is_some_and(|v| !v.to_ascii_uppercase().starts_with("HTTP/"))
    {
        return None;
    }
    // The head ends at the first blank line; the body runs to the answer (`HTTP/1.1 …`), if any.
    let (head, rest) = split_blank(text);
    let answer_at = {
        let mut at = 0;
        let mut found = None;
        for line in rest.split_inclusive('\n') {
            let l = line.trim_start().to_ascii_lowercase();
            if l.starts_with("http/1") || l.starts_with("http/2") {
                found = Some(at + (line.len() - line.trim_start().len()));
                break;
            }
            at += line.len();
        }
        found
    };
    let (body, answer_text) = match answer_at {
        Some(a) => (&rest[..a], Some(&rest[a..])),
        None => (rest, None),
    };
    let mut headers = head_with_httparse(head).unwrap_or_else(|| head_leniently(head));
    let host = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone());
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("host") && !k.eq_ignore_ascii_case("content-length"));
    let url = if target.starts_with('/') {
        match &host {
            Some(h) => format!("https://{h}{target}"),
            None => target.to_string(),
        }
    } else {
        target.to_string()
    };
    let body = body.trim();
    let mut p = RawPaste::default();
    p.requests.push(RawRequest {
        origin: "the HTTP request".into(),
        method: Some(method.to_ascii_uppercase()),
        url,
        headers,
        body: (!body.is_empty()).then(|| body.to_string()),
        ..Default::default()
    });
    if let Some(a) = answer_text.and_then(|t| answer::read_answer(t, "the answer pasted after the request")) {
        p.answers.push((Some(0), a));
    }
    Some(p)
}

/// (head, rest) at the first blank line.
fn split_blank(text: &str) -> (&str, &str) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() && at > 0 {
            return (&text[..at], &text[at + line.len()..]);
        }
        at += line.len();
    }
    (text, "")
}

/// The headers, if `httparse` accepts the head (written with a version and CRLF for it).
fn head_with_httparse(head: &str) -> Option<Vec<(String, String)>> {
    let mut lines = head.lines();
    let first = lines.next()?.trim();
    let first = if first.split_whitespace().count() == 2 {
        format!("{first} HTTP/1.1")
    } else {
        first.to_string()
    };
    let mut normalised = first;
    normalised.push_str("\r\n");
    for l in lines {
        normalised.push_str(l.trim_end_matches('\r'));
        normalised.push_str("\r\n");
    }
    normalised.push_str("\r\n");
    let mut storage = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut storage);
    match req.parse(normalised.as_bytes()) {
        Ok(httparse::Status::Complete(_)) => Some(
            req.headers
                .iter()
                .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).trim().to_string()))
                .collect(),
        ),
        _ => None,
    }
}

fn head_leniently(head: &str) -> Vec<(String, String)> {
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .take(64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_body_and_answer() {
        let t = "POST /v2/authentication HTTP/1.1\nHost: cr.example.com\nContent-Type: application/json\n\n{\"username\":\"u\",\"apiKey\":\"k\"}\n\nHTTP/1.1 401 Unauthorized\nContent-Type: application/json\n\n{\"code\":\"UM1110\"}";
        let p = read_request(t).unwrap();
        let r = &p.requests[0];
        assert_eq!(r.url, "https://cr.example.com/v2/authentication");
        assert_eq!(r.body.as_deref(), Some("{\"username\":\"u\",\"apiKey\":\"k\"}"));
        assert_eq!(p.answers[0].1.status, Some(401));
        assert_eq!(p.answers[0].1.body, "{\"code\":\"UM1110\"}");
        // Postman's console: no version; a header name httparse refuses.
        let p = read_request("GET https://cr/v1/authentication/token?token=x\nX Bad: y\n").unwrap();
        assert_eq!(p.requests[0].headers, vec![("X Bad".to_string(), "y".to_string())]);
        assert!(read_request("hello world").is_none());
    }
}
