//! Markdown that stays inert: every text from outside (server answers, certificate names,
//! imported names) is escaped or fenced, so a Markdown viewer renders no HTML, no heading and no
//! link a server chose (issue 13, D5).

use std::fmt::Write;

/// Markdown for a table cell: one line, pipes escaped (GFM needs `\|` even inside code spans;
/// backslashes are left alone so code spans such as `DOMAIN\user` show as typed).
pub(super) fn in_table(markdown: &str) -> String {
    markdown
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
        .trim()
        .to_string()
}

/// Outside text as inert Markdown on one line, usable in a table cell.
pub(super) fn cell(text: &str) -> String {
    in_table(&prose(&text.replace(['\r', '\n'], " ")))
}

/// Outside (or mixed) text as inert Markdown, line by line: code spans closed on their line are
/// kept (nothing inside one is markup), an unclosed backtick is escaped; elsewhere every
/// character that could start HTML, an entity, a link, an image, a table or a block (`<`, `>`,
/// `&`, `[`, `]`, `!`, `|`, `#`, `\`, a leading `-`, `+`, `=`, `~`) is backslash-escaped, and
/// `://`, `www.` and `@` are broken so no viewer turns them into a link.
pub(super) fn prose(text: &str) -> String {
    text.split('\n').map(prose_line).collect::<Vec<_>>().join("\n")
}

pub(super) fn prose_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|c| **c == '`').count();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut line_start = true;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let n = run_at(i);
            // The closing run: the next run of exactly n backticks on this line.
            let mut j = i + n;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let m = run_at(j);
                    if m == n {
                        close = Some(j);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(j) => {
                    out.extend(&chars[i..j + n]);
                    i = j + n;
                }
                None => {
                    for _ in 0..n {
                        out.push_str("\\`");
                    }
                    i += n;
                }
            }
            line_start = false;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '<' | '>' | '&' | '[' | ']' | '!' | '|' | '#' | '\\' | '@' => true,
            '-' | '+' | '=' | '~' | '*' | '_' => line_start,
            ':' => next == Some('/') && chars.get(i + 2) == Some(&'/'),
            '.' => i >= 3 && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www"),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        if !(line_start && c == ' ') {
            line_start = false;
        }
        i += 1;
    }
    out
}

/// Inline code that survives backticks in the text.
pub(super) fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let longest = longest_backtick_run(&text);
    let fence = "`".repeat(longest + 1);
    if longest > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

pub(super) fn longest_backtick_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        if c == '`' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// A fenced block whose fence is longer than any backtick run inside.
pub(super) fn fenced(out: &mut String, lang: &str, body: &str) {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    let _ = writeln!(out, "{fence}{lang}\n{}\n{fence}", body.trim_end_matches('\n'));
}
