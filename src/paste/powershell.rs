//! PowerShell snippets that call the API with `Invoke-RestMethod` / `Invoke-WebRequest` (`irm`,
//! `iwr`): enough of the language to follow what such snippets do. Variables holding strings and
//! hashtables, `@{ … }` headers (also built with `.Add()`), bodies piped to `ConvertTo-Json`,
//! here-strings, backtick continuations, splatting (`@params`), and the answer PowerShell printed
//! after the script (`Invoke-RestMethod : {"code": …}`).
//!
//! A hashtable given to `-Body` without `ConvertTo-Json` is sent form-encoded, and a POST without
//! `-ContentType` says `application/x-www-form-urlencoded` in Windows PowerShell 5.1: both are
//! read that way, since they are the mistakes such snippets make ([F4], reference §1.3).

use super::{RawPaste, RawRequest, answer, push_request};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    Table(Vec<(String, Val)>),
    Num(String),
    Bool(bool),
    Null,
    /// A JSON text made by `ConvertTo-Json`.
    Json(String),
    /// A reference that cannot be followed (`$env:AA_API_KEY`, `Read-Host`, an answer's `.token`).
    Ref(String),
}

impl Val {
    fn text(&self) -> String {
        match self {
            Val::Str(s) | Val::Json(s) | Val::Num(s) | Val::Ref(s) => s.clone(),
            Val::Bool(b) => if *b { "True" } else { "False" }.into(),
            Val::Null => String::new(),
            Val::Table(t) => t
                .iter()
                .map(|(k, v)| format!("{k}={}", v.text()))
                .collect::<Vec<_>>()
                .join("&"),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Val::Str(s) | Val::Ref(s) => serde_json::Value::String(s.clone()),
            Val::Json(s) => serde_json::from_str(s).unwrap_or(serde_json::Value::String(s.clone())),
            Val::Num(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::String(n.clone())),
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Null => serde_json::Value::Null,
            Val::Table(t) => serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), v.json())).collect()),
        }
    }
}

const INVOKE: &[&str] = &["invoke-restmethod", "invoke-webrequest", "irm", "iwr"];

pub(crate) fn read(text: &str) -> Option<RawPaste> {
    let lower = text.to_ascii_lowercase();
    let mentions = INVOKE[..2].iter().any(|c| lower.contains(c))
        || lower.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("irm ") || t.starts_with("iwr ") || t.contains("= irm ") || t.contains("= iwr ")
        });
    if !mentions {
        return None;
    }
    let (script, answer_text) = split_answer(text);
    let mut p = Parser {
        c: script.chars().take(256 * 1024).collect(),
        i: 0,
        vars: HashMap::new(),
        requests: Vec::new(),
        steps: 0,
    };
    p.run();
    if p.requests.is_empty() {
        return None;
    }
    let mut out = RawPaste::default();
    for r in p.requests {
        push_request(&mut out.requests, r);
    }
    if let Some(a) = answer_text.and_then(|t| answer::read_answer(t, "the answer pasted after the script")) {
        out.answers.push((Some(out.requests.len() - 1), a));
    }
    Some(out)
}

/// The script, and the answer printed after it: an error record (`Invoke-RestMethod : …`), a
/// status line, or a body after the last call.
fn split_answer(text: &str) -> (&str, Option<&str>) {
    let mut offset = 0;
    let mut last_call_end = 0;
    let mut in_here = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim().to_ascii_lowercase();
        if t.ends_with("@\"") || t.ends_with("@'") {
            in_here = true;
        } else if t.starts_with("\"@") || t.starts_with("'@") {
            in_here = false;
        } else if !in_here {
            let is_record = t.starts_with("invoke-restmethod :") || t.starts_with("invoke-webrequest :");
            if is_record
                || (last_call_end > 0
                    && offset >= last_call_end
                    && answer::starts_answer(&t)
                    && !t.starts_with('{')
                    && !t.starts_with('['))
            {
                return (&text[..offset], Some(&text[offset..]));
            }
            if last_call_end > 0 && offset >= last_call_end && (t.starts_with('{') || t.starts_with('[')) {
                return (&text[..offset], Some(&text[offset..]));
            }
            // A call, and the lines that continue it (a backtick, or a line of parameters).
            let continues = last_call_end == offset && (line.trim_end().ends_with('`') || t.starts_with('-'));
            if INVOKE.iter().any(|c| t.contains(c)) || continues {
                last_call_end = offset + line.len();
            }
        }
        offset += line.len();
    }
    (text, None)
}

struct Parser {
    c: Vec<char>,
    i: usize,
    vars: HashMap<String, Val>,
    requests: Vec<RawRequest>,
    /// Bounds the work on hostile input.
    steps: usize,
}

impl Parser {
    /// The characters `a..b`, clamped to the text (never out of range on hostile input).
    fn slice(&self, a: usize, b: usize) -> String {
        let n = self.c.len();
        self.c
            .get(a.min(n)..b.min(n).max(a.min(n)))
            .unwrap_or(&[])
            .iter()
            .collect()
    }

    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.c.get(self.i + n).copied()
    }

    fn starts_with_ci(&self, s: &str) -> bool {
        let n = s.chars().count();
        self.c
            .get(self.i..self.i + n)
            .is_some_and(|w| w.iter().collect::<String>().eq_ignore_ascii_case(s))
    }

    /// Spaces, tabs, comments and backtick continuations; line breaks too when `lines`.
    fn skip_ws(&mut self, lines: bool) {
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' || c == '\r' || (lines && (c == '\n' || c == ';')) {
                self.i += 1;
            } else if c == '`' && matches!(self.peek_at(1), Some('\n') | Some('\r')) {
                self.i += 2;
                if self.peek() == Some('\n') {
                    self.i += 1;
                }
            } else if c == '<' && self.peek_at(1) == Some('#') {
                while self.peek().is_some() && !(self.peek() == Some('#') && self.peek_at(1) == Some('>')) {
                    self.i += 1;
                }
                self.i += 2;
            } else if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn at_statement_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some('\n') | Some(';') | Some('|') | Some(')') | Some('}')
        )
    }

    fn run(&mut self) {
        while self.i < self.c.len() {
            self.steps += 1;
            if self.steps > 20_000 {
                return;
            }
            let before = self.i;
            self.skip_ws(true);
            self.statement();
            // Whatever is left of the statement.
            while !matches!(self.peek(), None | Some('\n') | Some(';')) {
                self.i += 1;
            }
            if self.i == before {
                self.i += 1;
            }
        }
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
        {
            // `$x.token` and `$x.Add(`: stop before a dot followed by a method or property.
            if self.peek() == Some('.') {
                break;
            }
            self.i += 1;
        }
        self.slice(start, self.i)
    }

    fn statement(&mut self) {
        if self.peek() == Some('$') {
            let save = self.i;
            self.i += 1;
            let name = if self.peek() == Some('{') {
                self.i += 1;
                let n: String = self
                    .c
                    .get(self.i..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| **c != '}')
                    .collect();
                self.i += n.chars().count() + 1;
                n
            } else {
                self.ident()
            }
            .to_ascii_lowercase();
            self.skip_ws(false);
            // $h.Add("k", v) / $h["k"] = v / $h.k = v
            if self.peek() == Some('.') && self.starts_with_ci(".add(") {
                self.i += 5;
                self.skip_ws(true);
                let k = self.primary().text();
                self.skip_ws(true);
                if self.peek() == Some(',') {
                    self.i += 1;
                }
                self.skip_ws(true);
                let v = self.expr();
                self.set_key(&name, k, v);
                return;
            }
            if self.peek() == Some('[')
                || (self.peek() == Some('.') && self.peek_at(1).is_some_and(char::is_alphabetic))
            {
                let key = if self.peek() == Some('[') {
                    self.i += 1;
                    let k = self.primary().text();
                    while self.peek().is_some_and(|c| c != ']' && c != '\n') {
                        self.i += 1;
                    }
                    self.i += 1;
                    k
                } else {
                    self.i += 1;
                    self.ident()
                };
                self.skip_ws(false);
                if self.peek() == Some('=') && self.peek_at(1) != Some('=') {
                    self.i += 1;
                    self.skip_ws(false);
                    let v = self.expr();
                    self.set_key(&name, key, v);
                }
                return;
            }
            if self.peek() == Some('=') && self.peek_at(1) != Some('=') {
                self.i += 1;
                self.skip_ws(false);
                let v = self.expr();
                self.vars.insert(name, v);
                return;
            }
            self.i = save;
        }
        let _ = self.expr();
    }

    fn set_key(&mut self, var: &str, key: String, v: Val) {
        let entry = self.vars.entry(var.to_string()).or_insert(Val::Table(Vec::new()));
        if let Val::Table(t) = entry {
            t.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
            t.push((key, v));
        }
    }

    /// An expression and the pipeline after it.
    fn expr(&mut self) -> Val {
        let mut v = self.primary();
        loop {
            self.skip_ws(false);
            if self.peek() == Some('|') && self.peek_at(1) != Some('|') {
                self.i += 1;
                self.skip_ws(true);
                v = self.command(Some(v));
            } else if self.peek() == Some('+') {
                // String concatenation: 'a' + $env:X + 'b'.
                self.i += 1;
                self.skip_ws(true);
                let next = self.primary();
                v = Val::Str(format!("{}{}", v.text(), next.text()));
            } else {
                return v;
            }
        }
    }

    fn primary(&mut self) -> Val {
        self.steps += 1;
        if self.steps > 20_000 {
            self.i = self.c.len();
            return Val::Null;
        }
        self.skip_ws(false);
        let Some(c) = self.peek() else { return Val::Null };
        match c {
            '\'' => Val::Str(self.single_quoted()),
            '"' => self.double_quoted(),
            '@' if self.peek_at(1) == Some('{') => {
                self.i += 2;
                self.table()
            }
            '@' if matches!(self.peek_at(1), Some('"') | Some('\'')) => self.here_string(),
            '@' => {
                // Splatting: @params.
                self.i += 1;
                let name = self.ident().to_ascii_lowercase();
                Val::Ref(format!("@{name}"))
            }
            '[' => {
                // A type: [ordered], [PSCustomObject], [string]…
                while self.peek().is_some_and(|c| c != ']' && c != '\n') {
                    self.i += 1;
                }
                self.i += 1;
                self.primary()
            }
            '(' => {
                self.i += 1;
                self.skip_ws(true);
                let v = self.expr();
                self.skip_ws(true);
                if self.peek() == Some(')') {
                    self.i += 1;
                }
                if self.peek() == Some('.') {
                    self.i += 1;
                    let prop = self.ident();
                    return Val::Ref(format!("(…).{prop}"));
                }
                v
            }
            '$' => {
                self.i += 1;
                let name = if self.peek() == Some('{') {
                    self.i += 1;
                    let n: String = self
                        .c
                        .get(self.i..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|c| **c != '}')
                        .collect();
                    self.i += n.chars().count() + 1;
                    n
                } else {
                    self.ident()
                };
                let lower = name.to_ascii_lowercase();
                let v = match lower.as_str() {
                    "true" => Val::Bool(true),
                    "false" => Val::Bool(false),
                    "null" => Val::Null,
                    _ => self.vars.get(&lower).cloned().unwrap_or(Val::Ref(format!("${name}"))),
                };
                if self.peek() == Some('.') && self.peek_at(1).is_some_and(char::is_alphabetic) {
                    self.i += 1;
                    let prop = self.ident();
                    if let Val::Table(t) = &v
                        && let Some((_, pv)) = t.iter().find(|(k, _)| k.eq_ignore_ascii_case(&prop))
                    {
                        return pv.clone();
                    }
                    return Val::Ref(format!("${name}.{prop}"));
                }
                v
            }
            c if c.is_ascii_digit() => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                    self.i += 1;
                }
                Val::Num(self.slice(start, self.i))
            }
            c if c.is_alphabetic() => self.command(None),
            _ => {
                self.i += 1;
                Val::Null
            }
        }
    }

    fn single_quoted(&mut self) -> String {
        self.i += 1;
        let mut s = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\'' || c == '\u{2019}' || c == '\u{2018}' {
                if self.peek() == Some('\'') {
                    s.push('\'');
                    self.i += 1;
                    continue;
                }
                break;
            }
            s.push(c);
        }
        s
    }

    fn double_quoted(&mut self) -> Val {
        self.i += 1;
        let mut s = String::new();
        let mut refs = false;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                '"' | '\u{201C}' | '\u{201D}' => {
                    if self.peek() == Some('"') {
                        s.push('"');
                        self.i += 1;
                        continue;
                    }
                    break;
                }
                '`' => {
                    let n = self.peek().unwrap_or('`');
                    self.i += 1;
                    s.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        other => other,
                    });
                }
                '$' if self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || c == '{' || c == '(' || c == '_') =>
                {
                    let v = self.interpolated();
                    if matches!(v, Val::Ref(_)) {
                        refs = true;
                    }
                    s.push_str(&v.text());
                }
                c => s.push(c),
            }
        }
        if refs && s.starts_with('$') && !s.contains(' ') {
            Val::Ref(s)
        } else {
            Val::Str(s)
        }
    }

    /// `$name`, `${name}`, `$($expr)` inside a double-quoted string.
    fn interpolated(&mut self) -> Val {
        match self.peek() {
            Some('(') => {
                self.i += 1;
                let v = self.expr();
                while self.peek().is_some_and(|c| c != ')' && c != '"') {
                    self.i += 1;
                }
                if self.peek() == Some(')') {
                    self.i += 1;
                }
                v
            }
            Some('{') => {
                self.i += 1;
                let n: String = self
                    .c
                    .get(self.i..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| **c != '}')
                    .collect();
                self.i += n.chars().count() + 1;
                self.vars
                    .get(&n.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or(Val::Ref(format!("${{{n}}}")))
            }
            _ => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    self.i += 1;
                }
                let n: String = self.slice(start, self.i);
                self.vars
                    .get(&n.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or(Val::Ref(format!("${n}")))
            }
        }
    }

    fn here_string(&mut self) -> Val {
        let q = self.peek_at(1).unwrap_or('"');
        self.i += 2;
        while self.peek().is_some_and(|c| c != '\n') {
            self.i += 1;
        }
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                None => break,
                Some('\n') if self.peek_at(1) == Some(q) && self.peek_at(2) == Some('@') => {
                    let s: String = self.slice(start, self.i);
                    self.i += 3;
                    return self.expand(s, q == '"');
                }
                Some(c) if c == q && self.i == start && self.peek_at(1) == Some('@') => {
                    self.i += 2;
                    return Val::Str(String::new());
                }
                _ => self.i += 1,
            }
        }
        let s: String = self.slice(start, self.c.len());
        self.expand(s, q == '"')
    }

    /// Variables inside an expandable here-string.
    fn expand(&self, s: String, expandable: bool) -> Val {
        if !expandable || !s.contains('$') {
            return Val::Str(s.trim_end_matches('\r').to_string());
        }
        let mut out = String::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '$' && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == ':') {
                    j += 1;
                }
                let n: String = chars[start..j].iter().collect();
                match self.vars.get(&n.to_ascii_lowercase()) {
                    Some(v) => out.push_str(&v.text()),
                    None => out.push_str(&format!("${n}")),
                }
                i = j;
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        Val::Str(out.trim_end_matches('\r').to_string())
    }

    /// `@{ key = value; 'k2' = v2 }` (after `@{`).
    fn table(&mut self) -> Val {
        let mut t = Vec::new();
        loop {
            self.skip_ws(true);
            match self.peek() {
                None => break,
                Some('}') => {
                    self.i += 1;
                    break;
                }
                _ => {}
            }
            let key = match self.peek() {
                Some('\'') => self.single_quoted(),
                Some('"') => self.double_quoted().text(),
                _ => {
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| !c.is_whitespace() && c != '=' && c != '}' && c != ';')
                    {
                        self.i += 1;
                    }
                    self.slice(start, self.i)
                }
            };
            self.skip_ws(false);
            if self.peek() != Some('=') {
                // Not a table entry: skip to the next line.
                while self.peek().is_some_and(|c| c != '\n' && c != '}') {
                    self.i += 1;
                }
                continue;
            }
            self.i += 1;
            self.skip_ws(false);
            let v = self.expr();
            if t.len() < 100 {
                t.push((key, v));
            }
        }
        Val::Table(t)
    }

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
    fn command(&mut self, input: Option<Val>) -> Val {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtables_convertto_json_and_add() {
        let t = r#"$cr = "https://cr.example.com"
$body = @{
    username = 'svc_api'
    apiKey   = "k1"
} | ConvertTo-Json
$headers = @{}
$headers.Add("Accept", "application/json")
$r = Invoke-RestMethod -Uri "$cr/v2/authentication" -Method Post `
    -Body $body -ContentType 'application/json' -Headers $headers
"#;
        let p = read(t).unwrap();
        let r = &p.requests[0];
        assert_eq!(r.url, "https://cr.example.com/v2/authentication");
        assert_eq!(r.method.as_deref(), Some("Post"));
        let b: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(b["apiKey"], "k1");
        assert!(
            r.headers
                .contains(&("Content-Type".to_string(), "application/json".to_string()))
        );
        assert!(
            r.headers
                .contains(&("Accept".to_string(), "application/json".to_string()))
        );
    }

    #[test]
    fn a_table_body_is_form_encoded_and_splatting_works() {
        let t = "$p = @{ Uri = 'https://cr/v2/authentication'; Method = 'POST'; Body = @{ username='u'; password='p w' } }\nInvoke-RestMethod @p";
        let p = read(t).unwrap();
        let r = &p.requests[0];
        assert_eq!(r.body.as_deref(), Some("username=u&password=p+w"));
        assert_eq!(
            r.implied_content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
    }

    #[test]
    fn the_error_record_after_the_script_is_the_answer() {
        let t = "Invoke-RestMethod -Uri https://cr/v2/authentication -Method Post -Body '{\"username\":\"u\",\"apiKey\":\"k\"}' -ContentType 'application/json'\nInvoke-RestMethod : {\"code\":\"UM1110\",\"details\":\"\",\"message\":\"Either your username or your password is incorrect\"}\nAt line:1 char:1\n+ Invoke-RestMethod -Uri https://cr/v2/authentication\n";
        let p = read(t).unwrap();
        assert_eq!(p.requests.len(), 1);
        assert!(p.answers[0].1.body.contains("UM1110"), "{:?}", p.answers);
    }
}
