//! The literals credentials are written in: quoted strings (PowerShell's escapes, doubled
//! quotes, curly quotes from documents, interpolation), here-strings and `@{ … }` hashtables.

use super::Parser;
use super::value::Val;

impl Parser {
    pub(super) fn single_quoted(&mut self) -> String {
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

    pub(super) fn double_quoted(&mut self) -> Val {
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

    pub(super) fn here_string(&mut self) -> Val {
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
    pub(super) fn table(&mut self) -> Val {
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
}
