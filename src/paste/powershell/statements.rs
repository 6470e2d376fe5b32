//! Statements and expressions: assignments (also to a hashtable's key), pipelines and string
//! concatenation, the ways a snippet builds the URL, the headers and the body before the call.

use super::Parser;
use super::value::Val;

impl Parser {
    pub(super) fn run(&mut self) {
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
    pub(super) fn expr(&mut self) -> Val {
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

    pub(super) fn primary(&mut self) -> Val {
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
}
