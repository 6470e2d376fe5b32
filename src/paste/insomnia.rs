//! Insomnia exports (format 4, JSON): the requests and the environments, whose values resolve
//! `{{ _.name }}` (base environment first, sub-environments over it).

use super::har::pairs;
use super::vars::{self, Vars};
use super::{RawPaste, RawRequest, fields, push_request};
use serde_json::Value;

fn export_resources(docs: &[Value]) -> Option<&Vec<Value>> {
    let export = docs
        .iter()
        .find(|d| d.get("_type").and_then(Value::as_str) == Some("export") || d.get("__export_format").is_some())?;
    export.get("resources")?.as_array()
}

fn is_base(env: &Value) -> bool {
    env.get("parentId")
        .and_then(Value::as_str)
        .is_some_and(|p| p.starts_with("wrk_"))
}

/// The environments of an export, base environments (whose parent is the workspace) first.
fn environment_resources(resources: &[Value]) -> Vec<&Value> {
    let mut envs: Vec<&Value> = resources
        .iter()
        .filter(|r| r.get("_type").and_then(Value::as_str) == Some("environment"))
        .collect();
    envs.sort_by_key(|e| !is_base(e));
    envs
}

/// The text variables of one environment (objects and arrays are left out). At most 200.
fn environment_data(env: &Value) -> Vec<(String, String)> {
    env.get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|d| d.iter())
        .take(200)
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Object(_) | Value::Array(_) => None,
            other => Some((k.clone(), other.to_string())),
        })
        .collect()
}

/// The environments of an Insomnia export, for importing profiles from it
/// (`profiles::environments`): one per sub-environment, its variables over the base environment's
/// (as Insomnia resolves them); the base environment alone when there is no sub-environment.
pub(crate) fn environments(docs: &[Value]) -> Option<Vec<super::Environment>> {
    let resources = export_resources(docs)?;
    let envs = environment_resources(resources);
    if envs.is_empty() {
        return None;
    }
    let base: Vec<(String, String)> = envs
        .iter()
        .filter(|e| is_base(e))
        .flat_map(|e| environment_data(e))
        .collect();
    let subs: Vec<&&Value> = envs.iter().filter(|e| !is_base(e)).collect();
    let make = |name: Option<String>, data: Vec<(String, String)>| {
        let mut merged: Vec<(String, String)> = Vec::new();
        for (k, v) in data {
            match merged.iter_mut().find(|(mk, _)| *mk == k) {
                Some(slot) => slot.1 = v,
                None => merged.push((k, v)),
            }
        }
        super::Environment {
            tool: super::EnvironmentTool::Insomnia,
            name,
            variables: merged
                .into_iter()
                .map(|(k, v)| super::EnvironmentVariable::new(k, v, false))
                .collect(),
        }
    };
    let name = |e: &Value| e.get("name").and_then(Value::as_str).map(str::to_string);
    if subs.is_empty() {
        return Some(vec![make(envs.first().and_then(|e| name(e)), base)]);
    }
    Some(
        subs.iter()
            .take(50)
            .map(|e| make(name(e), base.iter().cloned().chain(environment_data(e)).collect()))
            .collect(),
    )
}

pub(crate) fn read(docs: &[Value]) -> Option<RawPaste> {
    let resources = export_resources(docs)?;
    let mut defined = Vars::new();
    let mut p = RawPaste::default();
    // Base environments first, then the others over them.
    for env in environment_resources(resources) {
        for (k, s) in environment_data(env) {
            if let Some(kind) = fields::secret_field(&k)
                && !s.trim().is_empty()
                && !vars::is_reference(s.trim())
            {
                p.secrets.push((kind, s.clone()));
            }
            defined.insert(k, s);
        }
    }
    for res in resources
        .iter()
        .filter(|r| r.get("_type").and_then(Value::as_str) == Some("request"))
    {
        let mut unresolved = Vec::new();
        let mut resolve = |s: &str| vars::resolve(s, &defined, &mut unresolved);
        let name = res.get("name").and_then(Value::as_str).unwrap_or("(unnamed)");
        let mut r = RawRequest {
            origin: format!("Insomnia: {name}"),
            method: res.get("method").and_then(Value::as_str).map(str::to_string),
            url: resolve(res.get("url").and_then(Value::as_str).unwrap_or("")),
            headers: pairs(res.get("headers"), "name", "value")
                .into_iter()
                .map(|(k, v)| (resolve(&k), resolve(&v)))
                .collect(),
            ..Default::default()
        };
        if let Some(body) = res.get("body") {
            let mime = body.get("mimeType").and_then(Value::as_str).unwrap_or("");
            if let Some(text) = body.get("text").and_then(Value::as_str) {
                r.body = Some(resolve(text));
            } else {
                let params = pairs(body.get("params"), "name", "value");
                if !params.is_empty() {
                    r.body = Some(
                        url::form_urlencoded::Serializer::new(String::new())
                            .extend_pairs(params.iter().map(|(k, v)| (resolve(k), resolve(v))))
                            .finish(),
                    );
                }
            }
            if !mime.is_empty() {
                r.implied_content_type = Some(mime.to_string());
            }
        }
        if let Some(a) = res
            .get("authentication")
            .filter(|a| a.get("disabled").and_then(Value::as_bool) != Some(true))
        {
            let s = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            match a.get("type").and_then(Value::as_str).unwrap_or("") {
                "bearer" => {
                    let prefix = a
                        .get("prefix")
                        .and_then(Value::as_str)
                        .filter(|p| !p.is_empty())
                        .unwrap_or("Bearer");
                    r.headers
                        .push(("Authorization".into(), format!("{prefix} {}", resolve(&s("token")))));
                }
                "basic" => r.basic = Some((resolve(&s("username")), resolve(&s("password")))),
                "apikey" => {
                    let (k, v) = (resolve(&s("key")), resolve(&s("value")));
                    if s("addTo") == "queryParams" {
                        let sep = if r.url.contains('?') { '&' } else { '?' };
                        r.url = format!("{}{sep}{k}={v}", r.url);
                    } else {
                        r.headers.push((k, v));
                    }
                }
                _ => {}
            }
        }
        r.unresolved = unresolved;
        if !push_request(&mut p.requests, r) {
            break;
        }
    }
    (!p.requests.is_empty()).then_some(p)
}
