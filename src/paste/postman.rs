//! Postman collections (format v2.1, also v2.0) and environments. `{{variables}}` are resolved
//! from the environment (which wins, as in Postman) and the collection's variables; those nothing
//! defines are named. Auth set on the collection or a folder is inherited by the requests below it.

use super::har::pairs;
use super::vars::{self, Vars};
use super::{MAX_DEPTH, RawPaste, RawRequest, SecretKind, fields, push_request};
use serde_json::Value;

fn is_collection(d: &Value) -> bool {
    let schema = d.pointer("/info/schema").and_then(Value::as_str).unwrap_or("");
    schema.contains("getpostman.com") || (d.get("info").is_some() && d.get("item").is_some_and(Value::is_array))
}

fn is_environment(d: &Value) -> bool {
    d.get("values").is_some_and(Value::is_array)
        && (d.get("_postman_variable_scope").is_some() || d.get("name").is_some() || d.get("id").is_some())
}

pub(crate) fn read(docs: &[Value]) -> Option<RawPaste> {
    let collection = docs.iter().find(|d| is_collection(d))?;
    let mut defined = Vars::new();
    let mut secrets = Vec::new();
    let mut note = |k: &str, v: &str, marked_secret: bool, defined: &mut Vars| {
        if (marked_secret || fields::secret_field(k).is_some()) && !v.trim().is_empty() && !vars::is_reference(v.trim())
        {
            let kind = fields::secret_field(k).unwrap_or(SecretKind::Other);
            secrets.push((kind, v.to_string()));
        }
        defined.insert(k.to_string(), v.to_string());
    };
    for v in collection
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(200)
    {
        if let (Some(k), Some(val)) = (v.get("key").and_then(Value::as_str), value_str(v.get("value"))) {
            note(
                k,
                &val,
                v.get("type").and_then(Value::as_str) == Some("secret"),
                &mut defined,
            );
        }
    }
    // The environment overrides the collection's variables.
    for env in docs.iter().filter(|d| is_environment(d)) {
        for (k, val, marked_secret) in environment_values(env) {
            note(&k, &val, marked_secret, &mut defined);
        }
    }
    let mut p = RawPaste {
        secrets,
        ..Default::default()
    };
    let auth = collection.get("auth");
    walk(collection.get("item"), "", auth, &defined, &mut p, 0);
    (!p.requests.is_empty()).then_some(p)
}

/// The enabled variables of a Postman environment: `(key, value, marked secret)` (`"type":
/// "secret"`). At most 200.
fn environment_values(env: &Value) -> Vec<(String, String, bool)> {
    env.get("values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(200)
        .filter(|v| v.get("enabled").and_then(Value::as_bool) != Some(false))
        .filter_map(|v| {
            let k = v.get("key").and_then(Value::as_str)?;
            let val = value_str(v.get("value"))?;
            Some((
                k.to_string(),
                val,
                v.get("type").and_then(Value::as_str) == Some("secret"),
            ))
        })
        .collect()
}

/// A Postman environment file (not a collection): its name and variables, for importing a profile
/// from it (`profiles::environments`).
pub(crate) fn environment(d: &Value) -> Option<super::Environment> {
    if is_collection(d) || !is_environment(d) {
        return None;
    }
    Some(super::Environment {
        tool: super::EnvironmentTool::Postman,
        name: d.get("name").and_then(Value::as_str).map(str::to_string),
        variables: environment_values(d)
            .into_iter()
            .map(|(key, value, marked)| super::EnvironmentVariable::new(key, value, marked))
            .collect(),
    })
}

fn value_str(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        other => Some(other.to_string()),
    }
}

fn walk(items: Option<&Value>, path: &str, auth: Option<&Value>, defined: &Vars, p: &mut RawPaste, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for item in items.and_then(Value::as_array).into_iter().flatten() {
        let name = item.get("name").and_then(Value::as_str).unwrap_or("(unnamed)");
        let here = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path} / {name}")
        };
        let own_auth = item
            .get("auth")
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("inherit"));
        let auth = own_auth.or(auth);
        if let Some(children) = item.get("item") {
            walk(Some(children), &here, auth, defined, p, depth + 1);
        } else if let Some(req) = item.get("request") {
            let r = request(req, &here, auth, defined);
            if !push_request(&mut p.requests, r) {
                return;
            }
        }
    }
}

fn request(req: &Value, name: &str, inherited_auth: Option<&Value>, defined: &Vars) -> RawRequest {
    let mut unresolved = Vec::new();
    let mut res = |s: &str| vars::resolve(s, defined, &mut unresolved);
    let mut r = RawRequest {
        origin: format!("Postman: {name}"),
        ..Default::default()
    };
    if let Some(u) = req.as_str() {
        r.url = res(u);
        r.unresolved = unresolved;
        return r;
    }
    r.method = req.get("method").and_then(Value::as_str).map(str::to_string);
    r.url = res(&url_of(req.get("url")));
    r.headers = pairs(req.get("header"), "key", "value")
        .into_iter()
        .map(|(k, v)| (res(&k), res(&v)))
        .collect();
    if let Some(body) = req.get("body") {
        match body.get("mode").and_then(Value::as_str) {
            Some("raw") => {
                let raw = body.get("raw").and_then(Value::as_str).unwrap_or("");
                r.body = Some(res(raw));
                let lang = body
                    .pointer("/options/raw/language")
                    .and_then(Value::as_str)
                    .unwrap_or("text");
                r.implied_content_type = Some(
                    if lang == "json" {
                        "application/json"
                    } else {
                        "text/plain"
                    }
                    .into(),
                );
            }
            Some("urlencoded") => {
                let f = pairs(body.get("urlencoded"), "key", "value");
                r.body = Some(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(f.iter().map(|(k, v)| (res(k), res(v))))
                        .finish(),
                );
                r.implied_content_type = Some("application/x-www-form-urlencoded".into());
            }
            Some("formdata") => {
                let f = pairs(body.get("formdata"), "key", "value");
                r.body = Some(
                    f.iter()
                        .map(|(k, v)| format!("{}={}", res(k), res(v)))
                        .collect::<Vec<_>>()
                        .join("&"),
                );
                r.implied_content_type = Some("multipart/form-data".into());
            }
            _ => {}
        }
    }
    let auth = req
        .get("auth")
        .filter(|a| a.get("type").and_then(Value::as_str) != Some("inherit"))
        .or(inherited_auth);
    if let Some(a) = auth {
        apply_auth(a, &mut r, &mut res);
    }
    r.unresolved = unresolved;
    r
}

/// A v2.1 `url`: a string, or `{raw, protocol, host, port, path, query}` (raw preferred).
fn url_of(u: Option<&Value>) -> String {
    let Some(u) = u else { return String::new() };
    if let Some(s) = u.as_str() {
        return s.to_string();
    }
    if let Some(raw) = u.get("raw").and_then(Value::as_str) {
        return raw.to_string();
    }
    let join = |v: Option<&Value>, sep: &str| match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(sep),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let mut s = String::new();
    if let Some(p) = u.get("protocol").and_then(Value::as_str) {
        s.push_str(p);
        s.push_str("://");
    }
    s.push_str(&join(u.get("host"), "."));
    if let Some(port) = u.get("port").and_then(Value::as_str) {
        s.push(':');
        s.push_str(port);
    }
    let path = join(u.get("path"), "/");
    if !path.is_empty() {
        s.push('/');
        s.push_str(path.trim_start_matches('/'));
    }
    let q = pairs(u.get("query"), "key", "value");
    if !q.is_empty() {
        s.push('?');
        s.push_str(&q.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
    }
    s
}

/// Postman's auth helpers, as the headers (or query) they send.
fn apply_auth(a: &Value, r: &mut RawRequest, res: &mut impl FnMut(&str) -> String) {
    let ty = a.get("type").and_then(Value::as_str).unwrap_or("");
    let get = |name: &str| -> Option<String> {
        let list = a.get(ty)?;
        // v2.1: [{key, value}]; v2.0: {key: value}.
        match list {
            Value::Array(items) => items
                .iter()
                .find(|i| i.get("key").and_then(Value::as_str) == Some(name))
                .and_then(|i| value_str(i.get("value"))),
            Value::Object(m) => value_str(m.get(name)),
            _ => None,
        }
    };
    match ty {
        "bearer" => {
            if let Some(t) = get("token") {
                r.headers.push(("Authorization".into(), format!("Bearer {}", res(&t))));
            }
        }
        "basic" => {
            let user = get("username").map(|u| res(&u)).unwrap_or_default();
            let pass = get("password").map(|p| res(&p)).unwrap_or_default();
            r.basic = Some((user, pass));
        }
        "apikey" => {
            let key = get("key").map(|k| res(&k)).unwrap_or_else(|| "X-Authorization".into());
            let value = get("value").map(|v| res(&v)).unwrap_or_default();
            if get("in").as_deref() == Some("query") {
                let sep = if r.url.contains('?') { '&' } else { '?' };
                let enc: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
                r.url = format!("{}{sep}{key}={enc}", r.url);
            } else {
                r.headers.push((key, value));
            }
        }
        _ => {}
    }
}
