//! `check --all-profiles --junit FILE`: the outcomes as a JUnit XML file, the format CI servers
//! (Jenkins, GitLab, Azure DevOps, GitHub test reporters) read. One `<testcase>` per profile: a
//! working profile passes; a failed check is a `<failure>` whose message is the most likely
//! cause's title and whose text is the check's text output; a profile that was not tested (no
//! secret here, or a secret refused before) is `<skipped>`. Built only from the redacted
//! transcript, the hints and our own words: it cannot hold a secret.

use std::fmt::Write;

/// How one profile ended.
pub enum CaseResult {
    Passed,
    /// `kind`: the outcome word (`rejected`, `unreachable`, …); `message`: one line; `text`: more.
    Failed {
        kind: String,
        message: String,
        text: String,
    },
    Skipped {
        message: String,
    },
}

/// One test case: a profile.
pub struct Case {
    pub name: String,
    /// The Control Room address, as the class name (CI servers group cases by it).
    pub classname: String,
    pub seconds: f64,
    pub result: CaseResult,
}

/// Text as XML 1.0 character data or an attribute value. Characters XML 1.0 cannot carry at
/// all (control characters other than tab, line feed and carriage return; U+FFFE, U+FFFF) are
/// written as a visible `\xNN` / `\u{…}` instead of being dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // In attributes, a raw line break would be normalised to a space by the reader.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The whole file: one `<testsuites>` with one `<testsuite>`.
pub fn render(suite: &str, timestamp: &str, hostname: &str, cases: &[Case]) -> String {
    let count = |f: fn(&CaseResult) -> bool| cases.iter().filter(|c| f(&c.result)).count();
    let failures = count(|r| matches!(r, CaseResult::Failed { .. }));
    let skipped = count(|r| matches!(r, CaseResult::Skipped { .. }));
    let time: f64 = cases.iter().map(|c| c.seconds).sum();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{time:.3}\">",
        escape(suite),
        cases.len()
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{time:.3}\" timestamp=\"{}\" hostname=\"{}\">",
        escape(suite),
        cases.len(),
        escape(timestamp),
        escape(hostname)
    );
    for c in cases {
        let _ = write!(
            x,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(&c.name),
            escape(&c.classname),
            c.seconds
        );
        match &c.result {
            CaseResult::Passed => x.push_str("/>\n"),
            CaseResult::Failed { kind, message, text } => {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    escape(message),
                    escape(kind),
                    escape(text)
                );
            }
            CaseResult::Skipped { message } => {
                let _ = writeln!(
                    x,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape(message)
                );
            }
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_control_characters_cannot_break_the_file() {
        assert_eq!(
            escape("a<b>&\"c\"'d'\n\u{1b}[31m\u{0}\u{FFFE}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;\\x1b[31m\\x00\\u{fffe}"
        );
        assert_eq!(escape("Prod · svc"), "Prod · svc");
    }

    #[test]
    fn counts_add_up() {
        let case = |name: &str, result| Case {
            name: name.into(),
            classname: "https://cr".into(),
            seconds: 0.5,
            result,
        };
        let x = render(
            "s",
            "2026-11-27T14:00:00Z",
            "h",
            &[
                case("a", CaseResult::Passed),
                case(
                    "b",
                    CaseResult::Failed {
                        kind: "rejected".into(),
                        message: "m".into(),
                        text: "t".into(),
                    },
                ),
                case("c", CaseResult::Skipped { message: "why".into() }),
            ],
        );
        assert!(
            x.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\""),
            "{x}"
        );
    }
}
