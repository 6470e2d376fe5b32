//! PowerShell snippets that call the API with `Invoke-RestMethod` / `Invoke-WebRequest` (`irm`,
//! `iwr`): enough of the language to follow what such snippets do. Variables holding strings and
//! hashtables, `@{ … }` headers (also built with `.Add()`), bodies piped to `ConvertTo-Json`,
//! here-strings, backtick continuations, splatting (`@params`), and the answer PowerShell printed
//! after the script (`Invoke-RestMethod : {"code": …}`).
//!
//! A hashtable given to `-Body` without `ConvertTo-Json` is sent form-encoded, and a POST without
//! `-ContentType` says `application/x-www-form-urlencoded` in Windows PowerShell 5.1: both are
//! read that way, since they are the mistakes such snippets make ([F4], reference §1.3).

//!
//! The reader is a small hand-written interpreter, split by what it reads: characters (`scan`),
//! statements and pipelines (`statements`), strings and hashtables (`literals`), commands and the
//! call itself (`command`), and the values they produce (`value`). This module finds the script
//! and the answer after it, and holds the reader's state.

mod command;
mod literals;
mod scan;
mod statements;
mod value;

use super::{RawPaste, RawRequest, answer, push_request};
use std::collections::HashMap;
use value::Val;

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
