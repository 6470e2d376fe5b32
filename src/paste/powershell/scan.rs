//! Moving through the script one character at a time, bounded: the input is pasted and may be
//! hostile, so every look-ahead is clamped to the text.

use super::Parser;

impl Parser {
    /// The characters `a..b`, clamped to the text (never out of range on hostile input).
    pub(super) fn slice(&self, a: usize, b: usize) -> String {
        let n = self.c.len();
        self.c
            .get(a.min(n)..b.min(n).max(a.min(n)))
            .unwrap_or(&[])
            .iter()
            .collect()
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    pub(super) fn peek_at(&self, n: usize) -> Option<char> {
        self.c.get(self.i + n).copied()
    }

    pub(super) fn starts_with_ci(&self, s: &str) -> bool {
        let n = s.chars().count();
        self.c
            .get(self.i..self.i + n)
            .is_some_and(|w| w.iter().collect::<String>().eq_ignore_ascii_case(s))
    }

    /// Spaces, tabs, comments and backtick continuations; line breaks too when `lines`.
    pub(super) fn skip_ws(&mut self, lines: bool) {
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

    pub(super) fn at_statement_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some('\n') | Some(';') | Some('|') | Some(')') | Some('}')
        )
    }

    pub(super) fn ident(&mut self) -> String {
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
}
