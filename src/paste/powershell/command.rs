//! Commands: the `Invoke-RestMethod` / `Invoke-WebRequest` call becomes a request, read as
//! PowerShell would send it (a hashtable body form-encoded, the form type implied without
//! `-ContentType`); the few other commands snippets pipe through pass their value on.

use super::value::Val;
use super::{INVOKE, Parser};
use crate::paste::{RawRequest, push_request};

impl Parser {
    /// A command's argument: a bare word (`Post`, `https://…`) is a string, not a command.
    fn argument(&mut self) -> Val {
        match self.peek() {
            Some(c) if c.is_alphanumeric() || c == '/' || c == '.' => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| !c.is_whitespace() && !matches!(c, ';' | '|' | ')' | '}' | ','))
                {
                    self.i += 1;
                }
                Val::Str(self.slice(start, self.i))
            }
            _ => self.primary(),
        }
    }

    /// A command and its arguments; `input` is what the pipeline gives it.
    pub(super) fn command(&mut self, input: Option<Val>) -> Val {
        let name = self.ident();
        let lower = name.to_ascii_lowercase();
        let mut named: Vec<(String, Val)> = Vec::new();
        let mut positional: Vec<Val> = Vec::new();
        loop {
            self.skip_ws(false);
            if self.at_statement_end() {
                break;
            }
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(char::is_alphabetic) {
                self.i += 1;
                let p = self.ident().to_ascii_lowercase();
                self.skip_ws(false);
                let p = p.trim_end_matches(':').to_string();
                let is_switch = matches!(
                    p.as_str(),
                    "usebasicparsing"
                        | "compress"
                        | "skipcertificatecheck"
                        | "usedefaultcredentials"
                        | "allowunencryptedauthentication"
                        | "disablekeepalive"
                );
                if is_switch
                    || self.at_statement_end()
                    || (self.peek() == Some('-') && self.peek_at(1).is_some_and(char::is_alphabetic))
                {
                    named.push((p, Val::Bool(true)));
                } else {
                    let v = self.argument();
                    named.push((p, v));
                }
            } else {
                let before = self.i;
                let v = self.argument();
                if let Val::Ref(r) = &v
                    && let Some(splat) = r.strip_prefix('@')
                    && let Some(Val::Table(t)) = self.vars.get(splat)
                {
                    for (k, v) in t.clone() {
                        named.push((k.to_ascii_lowercase(), v));
                    }
                } else {
                    positional.push(v);
                }
                if self.i == before {
                    self.i += 1;
                }
            }
        }
        let get = |names: &[&str]| -> Option<Val> {
            named
                .iter()
                .find(|(k, _)| {
                    names
                        .iter()
                        .any(|n| n.starts_with(k.as_str()) && k.len() >= 2 || k == n)
                })
                .map(|(_, v)| v.clone())
        };
        match lower.as_str() {
            "convertto-json" => {
                let v = get(&["inputobject"])
                    .or(input)
                    .or_else(|| positional.first().cloned())
                    .unwrap_or(Val::Null);
                Val::Json(v.json().to_string())
            }
            "convertfrom-json" | "out-string" | "write-output" => input.unwrap_or(Val::Null),
            "read-host" | "get-content" | "get-credential" => Val::Ref(format!("({name})")),
            c if INVOKE.contains(&c) => {
                let uri = get(&["uri", "url"]).or_else(|| positional.first().cloned());
                let method = get(&["method"]).map(|m| m.text());
                let body = get(&["body"]).or(input);
                let content_type = get(&["contenttype"]).map(|c| c.text());
                let headers = get(&["headers"]);
                let mut r = RawRequest {
                    origin: format!("PowerShell {name}"),
                    method,
                    url: uri.map(|u| u.text()).unwrap_or_default(),
                    ..Default::default()
                };
                if let Some(Val::Table(h)) = headers {
                    r.headers = h.iter().map(|(k, v)| (k.clone(), v.text())).collect();
                }
                if let Some(ct) = &content_type {
                    r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
                    r.headers.push(("Content-Type".into(), ct.clone()));
                }
                match body {
                    // A hashtable is sent form-encoded, not as JSON.
                    Some(Val::Table(t)) => {
                        r.body = Some(
                            url::form_urlencoded::Serializer::new(String::new())
                                .extend_pairs(t.iter().map(|(k, v)| (k.clone(), v.text())))
                                .finish(),
                        );
                    }
                    Some(Val::Null) | None => {}
                    Some(v) => r.body = Some(v.text()),
                }
                if r.body.is_some() && content_type.is_none() {
                    r.implied_content_type = Some("application/x-www-form-urlencoded".into());
                }
                if let Some(p) = get(&["proxy"]) {
                    r.proxy = Some(p.text());
                }
                if !r.url.is_empty() {
                    push_request(&mut self.requests, r);
                }
                Val::Ref("(the answer)".into())
            }
            _ => Val::Ref(name),
        }
    }
}
