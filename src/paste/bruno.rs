//! Bruno `.bru` requests: blocks `name { … }` of `key: value` lines (`meta`, `get`/`post`/…,
//! `headers`, `auth:*`, `body:form-urlencoded`, `vars`) or of text (`body:json`, `body:text`).
//! Several files pasted or dropped together are read one after the other; a Bruno environment
//! (`vars { … }`) among them resolves `{{variables}}`.

use super::vars::{self, Vars};
use super::{RawPaste, RawRequest, fields, push_request};

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "options", "head"];

struct Block<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut current: Option<Block<'_>> = None;
    for line in text.lines() {
        let trimmed_end = line.trim_end();
        match &mut current {
            Some(b) => {
                if trimmed_end == "}" || trimmed_end == "]" {
                    out.push(current.take().expect("open block"));
                } else {
                    b.lines.push(line);
                }
            }
            None => {
                if let Some(name) = trimmed_end.strip_suffix('{').or_else(|| trimmed_end.strip_suffix('[')) {
                    let name = name.trim();
                    if !name.is_empty()
                        && !line.starts_with(' ')
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
                    {
                        current = Some(Block {
                            name,
                            lines: Vec::new(),
                        });
                    }
                }
            }
        }
        if out.len() > 400 {
            break;
        }
    }
    out
}

/// `key: value` lines (disabled `~key` ones left out).
fn dict(b: &Block<'_>) -> Vec<(String, String)> {
    b.lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('~'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// A text block's content, its two-space indent removed.
fn text(b: &Block<'_>) -> String {
    b.lines
        .iter()
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// A Bruno environment file (`environments/NAME.bru`: a `vars { … }` block and a `vars:secret [ … ]`
/// list of names whose values Bruno keeps out of the file), for importing a profile from it
/// (`profiles::environments`). Not a request file.
pub(crate) fn environment(t: &str) -> Option<super::Environment> {
    let all = blocks(t);
    if all.iter().any(|b| METHODS.contains(&b.name)) || !all.iter().any(|b| b.name == "vars" || b.name == "vars:secret")
    {
        return None;
    }
    let mut variables = Vec::new();
    for b in &all {
        match b.name {
            "vars" => {
                for (k, v) in dict(b) {
                    variables.push(super::EnvironmentVariable::new(k, v, false));
                }
            }
            "vars:secret" => {
                for name in b
                    .lines
                    .iter()
                    .map(|l| l.trim().trim_end_matches(',').trim())
                    .filter(|l| !l.is_empty() && !l.starts_with('~'))
                {
                    variables.push(super::EnvironmentVariable::new(name.to_string(), String::new(), true));
                }
            }
            _ => {}
        }
    }
    variables.truncate(200);
    Some(super::Environment {
        tool: super::EnvironmentTool::Bruno,
        name: None,
        variables,
    })
}

pub(crate) fn read(t: &str) -> Option<RawPaste> {
    let all = blocks(t);
    if !all.iter().any(|b| METHODS.contains(&b.name)) {
        return None;
    }
    let mut defined = Vars::new();
    let mut p = RawPaste::default();
    for b in all
        .iter()
        .filter(|b| b.name == "vars" || b.name.starts_with("vars:pre-request"))
    {
        for (k, v) in dict(b) {
            if let Some(kind) = fields::secret_field(&k)
                && !vars::is_reference(&v)
            {
                p.secrets.push((kind, v.clone()));
            }
            defined.insert(k, v);
        }
    }
    // One request per method block, with the blocks that follow it up to the next one.
    let mut current: Option<RawRequest> = None;
    let mut name = String::new();
    let mut unresolved = Vec::new();
    for b in &all {
        if b.name == "meta" {
            name = dict(b)
                .into_iter()
                .find(|(k, _)| k == "name")
                .map(|(_, v)| v)
                .unwrap_or_default();
            continue;
        }
        if METHODS.contains(&b.name) {
            if let Some(mut r) = current.take() {
                r.unresolved = std::mem::take(&mut unresolved);
                push_request(&mut p.requests, r);
            }
            let d = dict(b);
            let url = d
                .iter()
                .find(|(k, _)| k == "url")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            current = Some(RawRequest {
                origin: if name.is_empty() {
                    "Bruno request".into()
                } else {
                    format!("Bruno: {name}")
                },
                method: Some(b.name.to_ascii_uppercase()),
                url: vars::resolve(&url, &defined, &mut unresolved),
                ..Default::default()
            });
            continue;
        }
        let Some(r) = current.as_mut() else { continue };
        let mut res = |s: &str| vars::resolve(s, &defined, &mut unresolved);
        match b.name {
            "headers" => r.headers.extend(dict(b).into_iter().map(|(k, v)| (k, res(&v)))),
            "body:json" => {
                r.body = Some(res(&text(b)));
                r.implied_content_type = Some("application/json".into());
            }
            "body:text" | "body:xml" => {
                r.body = Some(res(&text(b)));
                r.implied_content_type = Some("text/plain".into());
            }
            "body:form-urlencoded" => {
                let f = dict(b);
                r.body = Some(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(f.iter().map(|(k, v)| (k.clone(), res(v))))
                        .finish(),
                );
                r.implied_content_type = Some("application/x-www-form-urlencoded".into());
            }
            "auth:bearer" => {
                if let Some((_, t)) = dict(b).into_iter().find(|(k, _)| k == "token") {
                    r.headers.push(("Authorization".into(), format!("Bearer {}", res(&t))));
                }
            }
            "auth:basic" => {
                let d = dict(b);
                let get = |n: &str| {
                    d.iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                r.basic = Some((res(&get("username")), res(&get("password"))));
            }
            "auth:apikey" => {
                let d = dict(b);
                let get = |n: &str| {
                    d.iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                let (k, v) = (get("key"), res(&get("value")));
                if get("placement") == "queryparams" {
                    let sep = if r.url.contains('?') { '&' } else { '?' };
                    r.url = format!("{}{sep}{k}={v}", r.url);
                } else {
                    r.headers.push((k, v));
                }
            }
            "params:query" => {
                // Bruno also keeps the query in the url line; nothing to add.
            }
            _ => {}
        }
    }
    if let Some(mut r) = current.take() {
        r.unresolved = unresolved;
        push_request(&mut p.requests, r);
    }
    (!p.requests.is_empty()).then_some(p)
}
