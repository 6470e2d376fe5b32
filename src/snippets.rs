//! "Copy as curl" and "Copy as PowerShell": a recorded request turned into a command a person can
//! paste into a terminal. Secrets are never written: the API key, the password and the token
//! become environment variable references (`$AA_API_KEY`, `$env:AA_API_KEY`, ...), and the first
//! line of the snippet says so.
//!
//! The input is a [`RecordedRequest`], which the engine has already redacted; the snippet is built
//! from its structure (the JSON body's `apiKey` / `password` fields, the `X-Authorization` header,
//! the `token` query parameter) and any redaction marker left elsewhere is replaced as well, so a
//! snippet holds no secret even if the request did.

use crate::transcript::RecordedRequest;

/// Which secret a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretVar {
    ApiKey,
    Password,
    Token,
}

impl SecretVar {
    pub fn name(self) -> &'static str {
        match self {
            SecretVar::ApiKey => "AA_API_KEY",
            SecretVar::Password => "AA_PASSWORD",
            SecretVar::Token => "AA_TOKEN",
        }
    }

    fn from_field(field: &str) -> Option<Self> {
        match field {
            "apiKey" => Some(SecretVar::ApiKey),
            "password" => Some(SecretVar::Password),
            "token" => Some(SecretVar::Token),
            _ => None,
        }
    }
}

/// A piece of a value: literal text, or a reference to a secret.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Var(SecretVar),
}

type Parts = Vec<Part>;

fn text(s: impl Into<String>) -> Parts {
    vec![Part::Text(s.into())]
}

/// Split a text at redaction markers (`<redacted: 40 chars>`, `<redacted token eyJh…, 812 chars>`,
/// and their URL-encoded forms), replacing each with `default_var` (or the token for token markers).
fn split_markers(s: &str, default_var: SecretVar) -> Parts {
    let mut parts = Vec::new();
    let mut rest = s;
    loop {
        let plain = rest.find("<redacted");
        let encoded = rest.find("%3Credacted");
        let (start, end_pat) = match (plain, encoded) {
            (Some(p), Some(e)) if e < p => (e, "%3E"),
            (Some(p), _) => (p, ">"),
            (None, Some(e)) => (e, "%3E"),
            (None, None) => break,
        };
        let Some(len) = rest[start..].find(end_pat) else {
            break;
        };
        let end = start + len + end_pat.len();
        let marker = &rest[start..end];
        let var = if marker.contains("token") {
            SecretVar::Token
        } else {
            default_var
        };
        if start > 0 {
            parts.push(Part::Text(rest[..start].to_string()));
        }
        parts.push(Part::Var(var));
        rest = &rest[end..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    parts
}

/// The variables a snippet refers to, in a stable order.
fn vars_of<'a>(all: impl IntoIterator<Item = &'a Parts>) -> Vec<SecretVar> {
    let mut out = Vec::new();
    for parts in all {
        for p in parts {
            if let Part::Var(v) = p
                && !out.contains(v)
            {
                out.push(*v);
            }
        }
    }
    out.sort_by_key(|v| *v as u8);
    out
}

/// The request broken into parts, secrets as variables.
struct Shape {
    method: String,
    url: Parts,
    headers: Vec<(String, Parts)>,
    body: Option<Body>,
}

enum Body {
    /// A flat JSON object: key -> (JSON literal or secret).
    Object(Vec<(String, JsonLeaf)>),
    /// Anything else: raw text with markers replaced.
    Raw(Parts),
}

enum JsonLeaf {
    /// A JSON value written as JSON (`"svc_api"`, `true`, `3`).
    Json(serde_json::Value),
    Var(SecretVar),
}

fn default_secret_var(req: &RecordedRequest) -> SecretVar {
    let body = req.body.as_deref().unwrap_or("");
    if body.contains("\"password\"") {
        SecretVar::Password
    } else {
        SecretVar::ApiKey
    }
}

fn shape(req: &RecordedRequest) -> Shape {
    let default_var = default_secret_var(req);
    let url = match url::Url::parse(&req.url) {
        Ok(u) if u.query_pairs().any(|(k, _)| k == "token") => {
            let mut base = u.clone();
            base.set_query(None);
            let mut parts = text(base.to_string());
            let mut first = true;
            for (k, v) in u.query_pairs() {
                let sep = if first { "?" } else { "&" };
                first = false;
                let key: String = url::form_urlencoded::byte_serialize(k.as_bytes()).collect();
                parts.push(Part::Text(format!("{sep}{key}=")));
                if k == "token" {
                    parts.push(Part::Var(SecretVar::Token));
                } else {
                    parts.extend(split_markers(
                        &url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>(),
                        default_var,
                    ));
                }
            }
            parts
        }
        _ => split_markers(&req.url, default_var),
    };
    let headers = req
        .headers
        .iter()
        .map(|(k, v)| {
            let value = if k.eq_ignore_ascii_case("x-authorization") || k.eq_ignore_ascii_case("authorization") {
                vec![Part::Var(SecretVar::Token)]
            } else {
                split_markers(v, default_var)
            };
            (k.clone(), value)
        })
        .collect();
    let body = req
        .body
        .as_ref()
        .map(|b| match serde_json::from_str::<serde_json::Value>(b) {
            Ok(serde_json::Value::Object(map)) if map.values().all(|v| !v.is_object() && !v.is_array()) => {
                Body::Object(
                    map.into_iter()
                        .map(|(k, v)| {
                            let leaf = match (SecretVar::from_field(&k), &v) {
                                (Some(var), _) => JsonLeaf::Var(var),
                                (None, serde_json::Value::String(s)) if s.contains("<redacted") => {
                                    JsonLeaf::Var(default_var)
                                }
                                _ => JsonLeaf::Json(v),
                            };
                            (k, leaf)
                        })
                        .collect(),
                )
            }
            _ => Body::Raw(split_markers(b, default_var)),
        });
    Shape {
        method: req.method.clone(),
        url,
        headers,
        body,
    }
}

fn note_line(comment: &str, vars: &[SecretVar], ps: bool) -> String {
    if vars.is_empty() {
        return format!("{comment} No secret in this request.");
    }
    let names: Vec<String> = vars
        .iter()
        .map(|v| {
            if ps {
                format!("$env:{}", v.name())
            } else {
                format!("${}", v.name())
            }
        })
        .collect();
    let token_note = if vars.contains(&SecretVar::Token) {
        " (AA_TOKEN is the token of the login answer)"
    } else {
        ""
    };
    format!(
        "{comment} Secrets are not included: set {} first{token_note}.",
        names.join(", ")
    )
}

// ---- curl (POSIX shell) ----

/// Escape for a double-quoted POSIX shell string.
fn sh_dq(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn sh_parts(parts: &Parts) -> String {
    let mut out = String::from("\"");
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(&sh_dq(t)),
            Part::Var(v) => {
                out.push_str("${");
                out.push_str(v.name());
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

fn body_parts(body: &Body) -> Parts {
    match body {
        Body::Raw(p) => p.clone(),
        Body::Object(fields) => {
            // Written by hand so the secret can sit inside the JSON string as a variable.
            let mut parts = vec![Part::Text("{".into())];
            for (i, (k, leaf)) in fields.iter().enumerate() {
                let key = serde_json::to_string(k).unwrap_or_default();
                let sep = if i > 0 { "," } else { "" };
                match leaf {
                    JsonLeaf::Json(v) => parts.push(Part::Text(format!("{sep}{key}:{v}"))),
                    JsonLeaf::Var(var) => {
                        parts.push(Part::Text(format!("{sep}{key}:\"")));
                        parts.push(Part::Var(*var));
                        parts.push(Part::Text("\"".into()));
                    }
                }
            }
            parts.push(Part::Text("}".into()));
            parts
        }
    }
}

/// The request as a `curl` command for a POSIX shell (bash, zsh).
pub fn curl(req: &RecordedRequest) -> String {
    let s = shape(req);
    let body = s.body.as_ref().map(body_parts);
    let mut all: Vec<&Parts> = vec![&s.url];
    all.extend(s.headers.iter().map(|(_, v)| v));
    if let Some(b) = &body {
        all.push(b);
    }
    let vars = vars_of(all);
    let mut lines = vec![note_line("#", &vars, false)];
    let mut cmd = format!("curl -sS -i -X {} {}", s.method, sh_parts(&s.url));
    for (k, v) in &s.headers {
        let mut hv = text(format!("{k}: "));
        hv.extend(v.iter().cloned());
        cmd.push_str(" \\\n  -H ");
        cmd.push_str(&sh_parts(&hv));
    }
    if let Some(b) = &body {
        cmd.push_str(" \\\n  --data-raw ");
        cmd.push_str(&sh_parts(b));
    }
    lines.push(cmd);
    lines.join("\n")
}

// ---- PowerShell ----

fn ps_sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A PowerShell expression for the parts: `'text' + $env:AA_TOKEN`.
fn ps_parts(parts: &Parts) -> String {
    let items: Vec<String> = parts
        .iter()
        .filter(|p| !matches!(p, Part::Text(t) if t.is_empty()))
        .map(|p| match p {
            Part::Text(t) => ps_sq(t),
            Part::Var(v) => format!("$env:{}", v.name()),
        })
        .collect();
    match items.len() {
        0 => "''".into(),
        1 => items.into_iter().next().unwrap_or_default(),
        _ => format!("({})", items.join(" + ")),
    }
}

fn ps_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "$null".into(),
        serde_json::Value::Bool(true) => "$true".into(),
        serde_json::Value::Bool(false) => "$false".into(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => ps_sq(s),
        other => ps_sq(&other.to_string()),
    }
}

/// The request as a PowerShell `Invoke-WebRequest` command (Windows PowerShell 5.1 and 7).
pub fn powershell(req: &RecordedRequest) -> String {
    let s = shape(req);
    let mut all: Vec<&Parts> = vec![&s.url];
    all.extend(s.headers.iter().map(|(_, v)| v));
    let raw_body = match &s.body {
        Some(Body::Raw(p)) => Some(p.clone()),
        _ => None,
    };
    let object_body = match &s.body {
        Some(Body::Object(f)) => Some(f),
        _ => None,
    };
    let object_parts: Vec<Parts> = object_body
        .map(|f| {
            f.iter()
                .filter_map(|(_, l)| match l {
                    JsonLeaf::Var(v) => Some(vec![Part::Var(*v)]),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    all.extend(object_parts.iter());
    if let Some(b) = &raw_body {
        all.push(b);
    }
    let vars = vars_of(all);

    let mut lines = vec![note_line("#", &vars, true)];
    let mut content_type = None;
    let headers: Vec<String> = s
        .headers
        .iter()
        .filter(|(k, v)| {
            if k.eq_ignore_ascii_case("content-type") {
                content_type = Some(ps_parts(v));
                false
            } else {
                true
            }
        })
        .map(|(k, v)| format!("{} = {}", ps_sq(k), ps_parts(v)))
        .collect();
    if !headers.is_empty() {
        lines.push(format!("$headers = @{{ {} }}", headers.join("; ")));
    }
    let mut body_arg = String::new();
    if let Some(fields) = object_body {
        let items: Vec<String> = fields
            .iter()
            .map(|(k, leaf)| {
                let v = match leaf {
                    JsonLeaf::Json(v) => ps_json(v),
                    JsonLeaf::Var(var) => format!("$env:{}", var.name()),
                };
                format!("{} = {v}", ps_sq(k))
            })
            .collect();
        lines.push(format!(
            "$body = [ordered]@{{ {} }} | ConvertTo-Json -Compress",
            items.join("; ")
        ));
        body_arg = " -Body $body".into();
    } else if let Some(b) = &raw_body {
        lines.push(format!("$body = {}", ps_parts(b)));
        body_arg = " -Body $body".into();
    }
    let method = {
        let m = s.method.to_ascii_lowercase();
        let mut c = m.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => "Get".into(),
        }
    };
    let mut cmd = format!(
        "Invoke-WebRequest -UseBasicParsing -Method {method} -Uri {}",
        ps_parts(&s.url)
    );
    if !headers.is_empty() {
        cmd.push_str(" -Headers $headers");
    }
    if let Some(ct) = content_type {
        cmd.push_str(&format!(" -ContentType {ct}"));
    }
    cmd.push_str(&body_arg);
    lines.push(cmd);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Redactor;

    const KEY: &str = "Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO";
    const TOKEN: &str = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl-_x";

    /// Requests recorded the way the engine records them: built with the real secret, then redacted.
    fn recorded(secret_field: &str) -> Vec<RecordedRequest> {
        let mut r = Redactor::new();
        r.add_secret(KEY);
        r.add_token(TOKEN);
        let body = serde_json::json!({"username": "ACME\\svc_api", secret_field: KEY}).to_string();
        let mut validate = url::Url::parse("https://cr.example.com/v1/authentication/token").unwrap();
        validate.query_pairs_mut().append_pair("token", TOKEN);
        vec![
            RecordedRequest {
                method: "POST".into(),
                url: "https://cr.example.com/v2/authentication".into(),
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("Accept".into(), "application/json".into()),
                ],
                body: Some(r.redact(&body)),
            },
            RecordedRequest {
                method: "GET".into(),
                url: r.redact(validate.as_str()),
                headers: vec![("X-Authorization".into(), r.redact(TOKEN))],
                body: None,
            },
            RecordedRequest {
                method: "POST".into(),
                url: "https://cr.example.com/v1/authentication/logout".into(),
                headers: vec![("X-Authorization".into(), r.redact(TOKEN))],
                body: None,
            },
        ]
    }

    fn assert_clean(s: &str) {
        assert!(!s.contains("Vie;Z"), "secret in snippet:\n{s}");
        assert!(!s.contains("eyJzdWIi"), "token in snippet:\n{s}");
        assert!(!s.contains("c2lnbmF0dXJl"), "token in snippet:\n{s}");
        assert!(!s.contains("redacted"), "marker left in snippet:\n{s}");
    }

    #[test]
    fn curl_uses_variables_never_values() {
        let reqs = recorded("apiKey");
        let login = curl(&reqs[0]);
        assert_clean(&login);
        assert!(
            login.starts_with("# Secrets are not included: set $AA_API_KEY first."),
            "{login}"
        );
        assert!(login.contains("\\\"apiKey\\\":\\\"${AA_API_KEY}\\\""), "{login}");
        assert!(login.contains("ACME\\\\\\\\svc_api"), "{login}");
        let validate = curl(&reqs[1]);
        assert_clean(&validate);
        assert!(validate.contains("token=${AA_TOKEN}"), "{validate}");
        assert!(validate.contains("X-Authorization: ${AA_TOKEN}"), "{validate}");
        assert_clean(&curl(&reqs[2]));

        let pw = curl(&recorded("password")[0]);
        assert_clean(&pw);
        assert!(pw.contains("${AA_PASSWORD}"), "{pw}");
    }

    #[test]
    fn powershell_uses_env_references_never_values() {
        let reqs = recorded("apiKey");
        let login = powershell(&reqs[0]);
        assert_clean(&login);
        assert!(
            login.starts_with("# Secrets are not included: set $env:AA_API_KEY first."),
            "{login}"
        );
        assert!(login.contains("'apiKey' = $env:AA_API_KEY"), "{login}");
        assert!(login.contains("'username' = 'ACME\\svc_api'"), "{login}");
        assert!(login.contains("-ContentType 'application/json'"), "{login}");
        let validate = powershell(&reqs[1]);
        assert_clean(&validate);
        assert!(validate.contains("$env:AA_TOKEN"), "{validate}");
        let pw = powershell(&recorded("password")[0]);
        assert_clean(&pw);
        assert!(pw.contains("$env:AA_PASSWORD"), "{pw}");
    }

    #[test]
    fn a_marker_anywhere_becomes_a_variable() {
        let req = RecordedRequest {
            method: "POST".into(),
            url: "https://cr.example.com/x".into(),
            headers: vec![],
            body: Some("not json <redacted: 40 chars> end".into()),
        };
        let c = curl(&req);
        assert_clean(&c);
        assert!(c.contains("not json ${AA_API_KEY} end"), "{c}");
        let p = powershell(&req);
        assert_clean(&p);
        assert!(p.contains("('not json ' + $env:AA_API_KEY + ' end')"), "{p}");
    }

    #[test]
    fn no_secret_no_note_about_variables() {
        let req = RecordedRequest {
            method: "GET".into(),
            url: "https://cr.example.com/".into(),
            headers: vec![],
            body: None,
        };
        assert!(curl(&req).starts_with("# No secret"));
    }
}
