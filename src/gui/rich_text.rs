//! The inline Markdown of hint texts (`docs/hint-style.md`): code spans (`svc_api`), emphasis
//! (*My settings > Generate API-Key*), strong text, and links to Automation Anywhere's own pages.
//!
//! Written by hand rather than with a Markdown crate because hint texts quote what servers send:
//! here nothing can become an image, raw HTML, a heading or a link to an arbitrary address. A link
//! is clickable only when it points (https) at Automation Anywhere's documentation or community;
//! any other link syntax is shown as the text it is. Each run of text is one label, so screen
//! readers (and the window tests) read whole sentences.

use eframe::egui;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Ui};

/// Hosts a hint may link to.
const LINK_HOSTS: &[&str] = &["docs.automationanywhere.com", "community.automationanywhere.com"];

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text {
        text: String,
        code: bool,
        strong: bool,
        em: bool,
    },
    Link {
        text: String,
        url: String,
    },
}

fn allowed_link(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    LINK_HOSTS.contains(&host) && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Split `text` into spans.
pub fn parse(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Span> = Vec::new();
    let mut buf = String::new();
    let (mut strong, mut em) = (false, false);
    let flush = |buf: &mut String, out: &mut Vec<Span>, strong: bool, em: bool| {
        if !buf.is_empty() {
            out.push(Span::Text {
                text: std::mem::take(buf),
                code: false,
                strong,
                em,
            });
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A backslash escapes ASCII punctuation (CommonMark); elsewhere it is a character.
        if c == '\\' && chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) {
            buf.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&x| x == '`').count();
            if let Some(close) = find_backtick_run(&chars, i + run, run) {
                flush(&mut buf, &mut out, strong, em);
                let mut code: String = chars[i + run..close].iter().collect();
                code = code.replace('\n', " ");
                if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') && code.trim() != "" {
                    code = code[1..code.len() - 1].to_string();
                }
                out.push(Span::Text {
                    text: code,
                    code: true,
                    strong,
                    em,
                });
                i = close + run;
            } else {
                buf.extend(std::iter::repeat_n('`', run));
                i += run;
            }
            continue;
        }
        if c == '*' {
            let double = chars.get(i + 1) == Some(&'*');
            let marker = if double { 2 } else { 1 };
            let active = if double { strong } else { em };
            let next = chars.get(i + marker).copied();
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let can_open = next.is_some_and(|n| !n.is_whitespace()) && has_closer(&chars, i + marker, marker);
            let can_close = prev.is_some_and(|p| !p.is_whitespace());
            if (active && can_close) || (!active && can_open) {
                flush(&mut buf, &mut out, strong, em);
                if double {
                    strong = !strong;
                } else {
                    em = !em;
                }
                i += marker;
                continue;
            }
        }
        if c == '['
            && let Some((label, url, end)) = inline_link(&chars, i)
            && allowed_link(&url)
        {
            flush(&mut buf, &mut out, strong, em);
            out.push(Span::Link { text: label, url });
            i = end;
            continue;
        }
        if c == '<'
            && let Some(close) = chars[i + 1..].iter().position(|&x| x == '>' || x == '<' || x == ' ')
            && chars[i + 1 + close] == '>'
        {
            let url: String = chars[i + 1..i + 1 + close].iter().collect();
            if allowed_link(&url) {
                flush(&mut buf, &mut out, strong, em);
                out.push(Span::Link { text: url.clone(), url });
                i += close + 2;
                continue;
            }
        }
        buf.push(c);
        i += 1;
    }
    flush(&mut buf, &mut out, strong, em);
    out
}

fn find_backtick_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let r = chars[j..].iter().take_while(|&&x| x == '`').count();
            if r == run {
                return Some(j);
            }
            j += r;
        } else {
            j += 1;
        }
    }
    None
}

/// A closing `*` (or `**`) later in the text, after a non-space.
fn has_closer(chars: &[char], from: usize, marker: usize) -> bool {
    let mut j = from + 1;
    while j < chars.len() {
        if chars[j] == '`' {
            // Emphasis markers inside a code span do not count.
            let run = chars[j..].iter().take_while(|&&x| x == '`').count();
            match find_backtick_run(chars, j + run, run) {
                Some(close) => j = close + run,
                None => j += run,
            }
            continue;
        }
        let is_marker = if marker == 2 {
            chars[j] == '*' && chars.get(j + 1) == Some(&'*')
        } else {
            chars[j] == '*' && chars.get(j + 1) != Some(&'*') && chars[j - 1] != '*'
        };
        if is_marker && !chars[j - 1].is_whitespace() {
            return true;
        }
        j += 1;
    }
    false
}

/// `[label](url)` starting at `at`: (label, url, index after it).
fn inline_link(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let close = at + 1 + chars[at + 1..].iter().position(|&x| x == ']' || x == '\n')?;
    if chars[close] != ']' || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 2 + chars[close + 2..].iter().position(|&x| x == ')' || x == '\n')?;
    if chars[end] != ')' {
        return None;
    }
    Some((
        chars[at + 1..close].iter().collect(),
        chars[close + 2..end].iter().collect(),
        end + 1,
    ))
}

/// The text without its markers, as a screen reader or a plain-text view reads it.
pub fn plain(text: &str) -> String {
    parse(text)
        .into_iter()
        .map(|s| match s {
            Span::Text { text, .. } | Span::Link { text, .. } => text,
        })
        .collect()
}

/// How a piece of rich text looks.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub size: f32,
    pub color: Color32,
    pub strong: bool,
}

impl Look {
    pub fn body(ui: &Ui) -> Self {
        Self {
            size: egui::TextStyle::Body.resolve(ui.style()).size,
            color: ui.visuals().text_color(),
            strong: false,
        }
    }
}

fn format_for(ui: &Ui, look: Look, code: bool, strong: bool, em: bool) -> TextFormat {
    // The lean font set has no bold face: strong text takes the strong text colour (unless the
    // whole text has a colour of its own).
    let color = if strong && !look.strong {
        ui.visuals().strong_text_color()
    } else {
        look.color
    };
    let mut f = if code {
        TextFormat {
            font_id: FontId::monospace(look.size * 0.92),
            color,
            background: ui.visuals().code_bg_color,
            ..Default::default()
        }
    } else {
        TextFormat {
            font_id: FontId::proportional(look.size),
            color,
            ..Default::default()
        }
    };
    f.italics = em;
    f
}

/// One label's worth of text (no link), e.g. a title.
pub fn job(ui: &Ui, text: &str, look: Look) -> LayoutJob {
    let mut job = LayoutJob::default();
    for span in parse(text) {
        let (t, code, strong, em) = match span {
            Span::Text { text, code, strong, em } => (text, code, strong, em),
            Span::Link { text, .. } => (text, false, false, false),
        };
        job.append(&t, 0.0, format_for(ui, look, code, strong, em));
    }
    job
}

/// Show Markdown text: paragraphs and lines as written, inline spans styled, allowed links
/// clickable.
pub fn show(ui: &mut Ui, text: &str, look: Look) {
    let spans = parse(text);
    if !spans.iter().any(|s| matches!(s, Span::Link { .. })) {
        ui.add(egui::Label::new(job(ui, text, look)).wrap().selectable(true));
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        let mut run = LayoutJob::default();
        let flush = |ui: &mut Ui, run: &mut LayoutJob| {
            if !run.is_empty() {
                ui.add(egui::Label::new(std::mem::take(run)).wrap().selectable(true));
            }
        };
        for span in spans {
            match span {
                Span::Text { text, code, strong, em } => {
                    run.append(&text, 0.0, format_for(ui, look, code, strong, em));
                }
                Span::Link { text, url } => {
                    flush(ui, &mut run);
                    ui.hyperlink_to(egui::RichText::new(text).size(look.size), url);
                }
            }
        }
        flush(ui, &mut run);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str, code: bool, strong: bool, em: bool) -> Span {
        Span::Text {
            text: text.into(),
            code,
            strong,
            em,
        }
    }

    #[test]
    fn code_spans_and_emphasis() {
        assert_eq!(
            parse("Sign in as `svc_api` and open *My settings > Generate API-Key*."),
            vec![
                t("Sign in as ", false, false, false),
                t("svc_api", true, false, false),
                t(" and open ", false, false, false),
                t("My settings > Generate API-Key", false, false, true),
                t(".", false, false, false),
            ]
        );
        assert_eq!(
            plain("The account `svc_demo_api` is **disabled**"),
            "The account svc_demo_api is disabled"
        );
        // Underscores in names are not emphasis; lone stars and unclosed backticks stay.
        assert_eq!(plain("svc_demo_api, 2 * 3, a ` tick"), "svc_demo_api, 2 * 3, a ` tick");
        assert_eq!(plain("``a ` b``"), "a ` b");
        assert_eq!(plain("`DOMAIN\\user`"), "DOMAIN\\user");
        assert_eq!(plain("DOMAIN\\user and \\*not em\\*"), "DOMAIN\\user and *not em*");
    }

    #[test]
    fn only_automation_anywhere_links_are_links() {
        let docs = "https://docs.automationanywhere.com/bundle/x.html";
        assert_eq!(
            parse(&format!("See [the docs]({docs}).")),
            vec![
                t("See ", false, false, false),
                Span::Link {
                    text: "the docs".into(),
                    url: docs.into()
                },
                t(".", false, false, false),
            ]
        );
        // A server's text cannot make a link (or an image, or HTML) of anything else.
        for hostile in [
            "[click](https://evil.example/)",
            "![x](https://docs.automationanywhere.com.evil.example/a.png)",
            "<http://docs.automationanywhere.com/>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
        ] {
            assert!(
                parse(hostile).iter().all(|s| matches!(s, Span::Text { .. })),
                "{hostile}"
            );
            assert_eq!(plain(hostile), hostile);
        }
    }
}
