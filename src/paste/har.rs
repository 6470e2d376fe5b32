//! HAR files (HTTP Archive 1.2: browser developer tools, Postman, Insomnia, Fiddler): each
//! entry's request and its response. A browser's HAR holds every page asset too, so only the
//! calls of the API are read when there are any.

use super::{RawAnswer, RawPaste, RawRequest, push_request};
use base64::Engine;
use serde_json::Value;

pub(crate) fn read(docs: &[Value]) -> Option<RawPaste> {
    let entries = docs.iter().find_map(|d| d.get("log")?.get("entries")?.as_array())?;
    let api = |e: &&Value| {
        e.pointer("/request/url").and_then(Value::as_str).is_some_and(|u| {
            u.contains("/authentication") || u.contains("/v1/") || u.contains("/v2/") || u.contains("/v3/")
        })
    };
    let chosen: Vec<&Value> = if entries.iter().any(|e| api(&e)) {
        entries.iter().filter(api).collect()
    } else {
        entries.iter().collect()
    };
    let mut p = RawPaste::default();
    for e in chosen {
        let Some(req) = e.get("request") else { continue };
        let headers = pairs(req.get("headers"), "name", "value")
            .into_iter()
            .filter(|(k, _)| {
                !k.starts_with(':') && !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("host")
            })
            .collect();
        let post = req.get("postData");
        let body = post
            .and_then(|p| p.get("text"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                // Form posts may come as params only.
                let params = pairs(post.and_then(|p| p.get("params")), "name", "value");
                (!params.is_empty()).then(|| {
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                        .finish()
                })
            });
        let r = RawRequest {
            origin: format!("HAR entry {}", p.requests.len() + 1),
            method: req.get("method").and_then(Value::as_str).map(str::to_string),
            url: req.get("url").and_then(Value::as_str).unwrap_or("").to_string(),
            headers,
            body,
            implied_content_type: post
                .and_then(|p| p.get("mimeType"))
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(str::to_string),
            ..Default::default()
        };
        if !push_request(&mut p.requests, r) {
            break;
        }
        let index = p.requests.len() - 1;
        if let Some(res) = e.get("response")
            && let Some(status) = res
                .get("status")
                .and_then(Value::as_u64)
                .filter(|s| (100..600).contains(s))
        {
            let content = res.get("content");
            let text = content
                .and_then(|c| c.get("text"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let body = if content.and_then(|c| c.get("encoding")).and_then(Value::as_str) == Some("base64") {
                base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            } else {
                text.to_string()
            };
            p.answers.push((
                Some(index),
                RawAnswer {
                    origin: format!("HAR entry {} (answer)", index + 1),
                    status: Some(status as u16),
                    reason: res.get("statusText").and_then(Value::as_str).unwrap_or("").to_string(),
                    headers: pairs(res.get("headers"), "name", "value"),
                    body,
                },
            ));
        }
    }
    (!p.requests.is_empty()).then_some(p)
}

/// `[{"name": …, "value": …}]` as pairs.
pub(crate) fn pairs(v: Option<&Value>, key: &str, value: &str) -> Vec<(String, String)> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .take(100)
                .filter(|h| {
                    h.get("disabled").and_then(Value::as_bool) != Some(true)
                        && h.get("enabled").and_then(Value::as_bool) != Some(false)
                })
                .filter_map(|h| {
                    Some((
                        h.get(key)?.as_str()?.to_string(),
                        match h.get(value) {
                            Some(Value::String(s)) => s.clone(),
                            Some(Value::Null) | None => String::new(),
                            Some(other) => other.to_string(),
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}
