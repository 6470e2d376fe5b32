//! curl command lines: POSIX shells (split by `shell-words`, `\` continuations) and Windows `cmd`
//! (`^` escapes and continuations, then the C runtime's rules for quotes and backslashes, which
//! is how `curl.exe` receives its arguments). The answer pasted after the command, if any, is read
//! too (`curl -i` or `-v` output, or a body alone).

use super::{InputKind, RawPaste, RawRequest, answer};

/// `curl …` at the start of the text (after a shell prompt), as a request and maybe its answer.
pub(crate) fn read(text: &str) -> Option<(InputKind, RawPaste)> {
    let start = command_start(text)?;
    let cmd_text = &text[start..];
    let prompt = &text[..start];
    let windows = is_cmd(cmd_text)
        || prompt.contains(":\\")
        || cmd_text.get(..8).is_some_and(|w| w.eq_ignore_ascii_case("curl.exe"));
    let (words, end, kind) = if windows {
        let (w, end) = split_cmd(cmd_text);
        (w, end, InputKind::CurlCmd)
    } else {
        let end = posix_end(cmd_text);
        let joined = cmd_text[..end].replace("`\r\n", " ").replace("`\n", " ");
        match shell_words::split(&joined) {
            Ok(w) => (w, end, InputKind::Curl),
            // Unbalanced quotes for a POSIX shell: an apostrophe in a Windows command line.
            Err(_) => {
                let (w, end) = split_cmd(cmd_text);
                (w, end, InputKind::CurlCmd)
            }
        }
    };
    let first = words.first()?.to_ascii_lowercase();
    if !(first == "curl" || first == "curl.exe" || first.ends_with("/curl") || first.ends_with("\\curl.exe")) {
        return None;
    }
    let request = parse_args(&words[1..]);
    let mut paste = RawPaste::default();
    paste.requests.push(request);
    let after = start + end;
    if let Some(a) = super::answer_start(text, after)
        && let Some(ans) = answer::read_answer(&text[a..], "the answer pasted after the command")
    {
        paste.answers.push((Some(0), ans));
    }
    Some((kind, paste))
}

/// Where `curl` starts: the first line's first word, after a prompt (`$ `, `> `, `PS C:\x> `,
/// `C:\Users\x>`).
fn command_start(text: &str) -> Option<usize> {
    let lead = text.len() - text.trim_start().len();
    let t = &text[lead..];
    let first_line = t.lines().next().unwrap_or("");
    let lower = first_line.to_ascii_lowercase();
    let at = lower.find("curl")?;
    let before = &first_line[..at];
    let prompt = before.trim();
    let ok = prompt.is_empty()
        || prompt == "$"
        || prompt == "#"
        || prompt == ">"
        || prompt == "%"
        || (prompt.ends_with('>') && (prompt.starts_with("PS ") || prompt.contains(":\\")));
    ok.then_some(lead + at)
}

/// A command line written for Windows `cmd`: `^` continuations or escapes, `curl.exe`.
fn is_cmd(t: &str) -> bool {
    t.contains("^\n") || t.contains("^\r\n") || t.contains("^\"") || t.contains(" ^{") || t.contains("\"^{")
}

/// The end (byte offset) of a POSIX command: the first line break outside quotes that is not a
/// `\` (or PowerShell's backtick) continuation.
fn posix_end(t: &str) -> usize {
    let b = t.as_bytes();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if single {
            if c == b'\'' {
                single = false;
            }
        } else if c == b'\\' || (c == b'`' && !double) {
            i += 1; // the next byte is escaped (a line break: a continuation)
            if b.get(i) == Some(&b'\r') {
                i += 1;
            }
        } else if double {
            if c == b'"' {
                double = false;
            }
        } else if c == b'\'' {
            single = true;
        } else if c == b'"' {
            double = true;
        } else if c == b'\n' {
            return i;
        }
        i += 1;
    }
    t.len()
}

/// Split a Windows `cmd` command line: cmd's own layer (`^` escapes the next character outside
/// quotes, `^` + line break continues the line, a line break ends the command), then the C
/// runtime's (`CommandLineToArgvW`): quotes group, `\"` is a quote, backslashes before a quote are
/// halved, `""` inside quotes is a quote. Returns the words and where the command ended.
pub(crate) fn split_cmd(t: &str) -> (Vec<String>, usize) {
    // cmd's layer.
    let mut line = String::new();
    let mut in_q = false;
    let mut end = t.len();
    let mut it = t.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '^' if !in_q => match it.next() {
                Some((_, '\r')) if it.peek().map(|(_, c)| *c) == Some('\n') => {
                    it.next();
                }
                Some((_, '\r')) => {}
                Some((_, '\n')) => {}
                Some((_, n)) => line.push(n),
                None => {}
            },
            '"' => {
                in_q = !in_q;
                line.push('"');
            }
            '\n' if !in_q => {
                end = i;
                break;
            }
            '\r' if !in_q => {}
            c => line.push(c),
        }
    }
    (crt_split(&line), end)
}

/// The C runtime's argument splitting (what `curl.exe` sees).
fn crt_split(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut in_q = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let mut n = 0;
            while i < chars.len() && chars[i] == '\\' {
                n += 1;
                i += 1;
            }
            if chars.get(i) == Some(&'"') {
                cur.extend(std::iter::repeat_n('\\', n / 2));
                if n % 2 == 1 {
                    cur.push('"');
                    i += 1;
                }
                // An even count leaves the quote to the branch below.
            } else {
                cur.extend(std::iter::repeat_n('\\', n));
            }
            have = true;
            continue;
        }
        if c == '"' {
            if in_q && chars.get(i + 1) == Some(&'"') {
                cur.push('"');
                i += 2;
                continue;
            }
            in_q = !in_q;
            have = true;
        } else if c.is_whitespace() && !in_q {
            if have {
                args.push(std::mem::take(&mut cur));
                have = false;
            }
        } else {
            cur.push(c);
            have = true;
        }
        i += 1;
    }
    if have {
        args.push(cur);
    }
    args
}

/// Options of curl that take a value (the ones this reading does not use are skipped with it).
const WITH_VALUE: &[&str] = &[
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-o",
    "--output",
    "-w",
    "--write-out",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-K",
    "--config",
    "--cacert",
    "--capath",
    "-E",
    "--cert",
    "--key",
    "--cert-type",
    "--key-type",
    "-c",
    "--cookie-jar",
    "-T",
    "--upload-file",
    "-r",
    "--range",
    "-C",
    "--continue-at",
    "--resolve",
    "--connect-to",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "-z",
    "--time-cond",
    "--interface",
    "--dns-servers",
    "--limit-rate",
    "-y",
    "--speed-time",
    "-Y",
    "--speed-limit",
    "--pinnedpubkey",
    "--proxy-cacert",
    "--noproxy",
    "--stderr",
    "--trace",
    "--trace-ascii",
    "-D",
    "--dump-header",
    "--max-redirs",
    "--unix-socket",
    "--ciphers",
    "--tls-max",
    "--proto",
    "--proto-redir",
    "--expect100-timeout",
];

fn parse_args(args: &[String]) -> RawRequest {
    let mut r = RawRequest {
        origin: "curl".into(),
        ..Default::default()
    };
    let mut data: Vec<String> = Vec::new();
    let mut json = false;
    let mut get = false;
    let mut head = false;
    let mut form = false;
    let mut proxy_user: Option<String> = None;
    let mut i = 0;
    let next = |i: &mut usize| -> Option<String> {
        *i += 1;
        args.get(*i).cloned()
    };
    while i < args.len() {
        let a = args[i].as_str();
        // `--opt=value` is also accepted by curl for long options.
        let (name, inline): (&str, Option<String>) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a, None),
        };
        let value = |i: &mut usize| inline.clone().or_else(|| next(i));
        match name {
            "-X" | "--request" => r.method = value(&mut i),
            "-H" | "--header" => {
                if let Some(h) = value(&mut i)
                    && !h.starts_with('@')
                {
                    match h.split_once(':') {
                        Some((k, v)) => r.headers.push((k.trim().to_string(), v.trim().to_string())),
                        None => r
                            .headers
                            .push((h.trim().trim_end_matches(';').to_string(), String::new())),
                    }
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--data-urlencode" => {
                if let Some(d) = value(&mut i) {
                    data.push(d);
                }
            }
            "--json" => {
                if let Some(d) = value(&mut i) {
                    data.push(d);
                    json = true;
                }
            }
            "-F" | "--form" | "--form-string" => {
                if let Some(d) = value(&mut i) {
                    data.push(d);
                    form = true;
                }
            }
            "-u" | "--user" => {
                if let Some(u) = value(&mut i) {
                    let (user, pass) = u.split_once(':').unwrap_or((u.as_str(), ""));
                    r.basic = Some((user.to_string(), pass.to_string()));
                }
            }
            "-x" | "--proxy" => r.proxy = value(&mut i),
            "-U" | "--proxy-user" => proxy_user = value(&mut i),
            "--oauth2-bearer" => {
                if let Some(t) = value(&mut i) {
                    r.headers.push(("Authorization".into(), format!("Bearer {t}")));
                }
            }
            "-b" | "--cookie" => {
                if let Some(c) = value(&mut i) {
                    r.headers.push(("Cookie".into(), c));
                }
            }
            "--url" => {
                if let Some(u) = value(&mut i) {
                    r.url = u;
                }
            }
            "-G" | "--get" => get = true,
            "-I" | "--head" => head = true,
            n if WITH_VALUE.contains(&n) => {
                let _ = value(&mut i);
            }
            n if n.starts_with("--") => {} // a flag without a value (--compressed, --insecure, …)
            n if n.starts_with('-') && n.len() > 1 => {
                // Combined short options: `-sS`, `-sSL`, `-XPOST`, `-sX POST`, `-HAccept:x`.
                let letters: Vec<char> = n[1..].chars().collect();
                for (k, l) in letters.iter().enumerate() {
                    let rest: String = letters[k + 1..].iter().collect();
                    let takes = matches!(
                        l,
                        'X' | 'H' | 'd' | 'u' | 'x' | 'U' | 'b' | 'F' | 'o' | 'A' | 'e' | 'm' | 'w'
                    );
                    if !takes {
                        match l {
                            'G' => get = true,
                            'I' => head = true,
                            _ => {}
                        }
                        continue;
                    }
                    let v = if rest.is_empty() { next(&mut i) } else { Some(rest) };
                    if let Some(v) = v {
                        match l {
                            'X' => r.method = Some(v),
                            'H' => {
                                if let Some((hk, hv)) = v.split_once(':') {
                                    r.headers.push((hk.trim().to_string(), hv.trim().to_string()));
                                }
                            }
                            'd' => data.push(v),
                            'F' => {
                                data.push(v);
                                form = true;
                            }
                            'u' => {
                                let (user, pass) = v.split_once(':').unwrap_or((v.as_str(), ""));
                                r.basic = Some((user.to_string(), pass.to_string()));
                            }
                            'x' => r.proxy = Some(v),
                            'U' => proxy_user = Some(v),
                            'b' => r.headers.push(("Cookie".into(), v)),
                            _ => {}
                        }
                    }
                    break;
                }
            }
            _ => {
                if r.url.is_empty() {
                    r.url = a.to_string();
                }
            }
        }
        i += 1;
    }
    if let (Some(p), Some(u)) = (&r.proxy, proxy_user) {
        // Keep the proxy's credentials with it: they are masked like any userinfo.
        r.proxy = Some(match p.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{u}@{rest}"),
            None => format!("{u}@{p}"),
        });
    }
    if !data.is_empty() {
        if get {
            let q = data.join("&");
            let sep = if r.url.contains('?') { '&' } else { '?' };
            r.url = format!("{}{sep}{q}", r.url);
        } else {
            r.body = Some(data.join("&"));
            r.implied_content_type = Some(
                if json {
                    "application/json"
                } else if form {
                    "multipart/form-data"
                } else {
                    "application/x-www-form-urlencoded"
                }
                .into(),
            );
            if json && !r.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("accept")) {
                r.headers.push(("Accept".into(), "application/json".into()));
            }
        }
    }
    if head {
        r.method = Some("HEAD".into());
    } else if get && r.method.is_none() {
        r.method = Some("GET".into());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        split_cmd(s).0
    }

    #[test]
    fn crt_rules() {
        assert_eq!(words(r#"a "b c" d"#), ["a", "b c", "d"]);
        assert_eq!(words(r#"a \"b\" c"#), ["a", "\"b\"", "c"]);
        assert_eq!(words(r#""{\"apiKey\":\"k\"}""#), [r#"{"apiKey":"k"}"#]);
        assert_eq!(words(r#"a\\\\"b c" d"#), [r"a\\b c", "d"]);
        assert_eq!(words(r#""a ""quoted"" b""#), ["a \"quoted\" b"]);
        assert_eq!(words(r"C:\path\x.pem"), [r"C:\path\x.pem"]);
    }

    #[test]
    fn cmd_carets_and_continuations() {
        // Chrome's "Copy as cURL (cmd)".
        let t = "curl ^\"https://cr.example.com/v2/authentication^\" ^\n  -H ^\"content-type: application/json^\" ^\n  --data-raw ^\"^{^\\^\"username^\\^\":^\\^\"svc^\\^\"^}^\"\n{\"code\":\"UM1110\"}";
        let (w, end) = split_cmd(t);
        assert_eq!(w[1], "https://cr.example.com/v2/authentication");
        assert_eq!(w[5], "{\"username\":\"svc\"}");
        assert!(t[end..].trim_start().starts_with("{\"code\""));
    }

    #[test]
    fn posix_end_respects_quotes_and_continuations() {
        let t = "curl -d '{\n \"a\": 1\n}' \\\n -H 'x: y'\nHTTP/1.1 200 OK";
        let end = posix_end(t);
        assert_eq!(&t[end..], "\nHTTP/1.1 200 OK");
        assert_eq!(posix_end("curl \"unterminated\n"), "curl \"unterminated\n".len());
    }

    #[test]
    fn short_options_combined() {
        let args: Vec<String> = [
            "-sSXPOST",
            "https://h/v2/authentication",
            "-HContent-Type: application/json",
            "-uuser:pw",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let r = parse_args(&args);
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.url, "https://h/v2/authentication");
        assert_eq!(r.headers[0].0, "Content-Type");
        assert_eq!(r.basic, Some(("user".into(), "pw".into())));
    }
}
