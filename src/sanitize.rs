//! One sanitiser for every text from outside (a server's answer, a certificate, an imported file)
//! that reaches a terminal or a label: control characters, C1 controls, bidi overrides and other
//! invisible format characters are shown escaped, so they can neither drive a terminal (an ESC
//! sequence repainting "[ok] … OK" over the real result) nor reorder or hide what is shown.
//!
//! - C0 controls and DEL as `\x1b`; newline, carriage return and tab as `\n`, `\r`, `\t`
//!   ([`for_display`]: one line, for labels, table cells, evidence), or newline and tab kept as they
//!   are ([`for_display_multiline`]: for our own multi-line texts, e.g. a hint's steps).
//! - C1 controls (U+0080–U+009F; U+009B is a one-character CSI), bidi controls (U+202A–U+202E,
//!   U+2066–U+2069, U+200E, U+200F, U+061C), zero-width and other invisible format characters, and
//!   the Unicode line and paragraph separators as `U+202E`.
//!
//! A backslash is not escaped: `DOMAIN\user` must read as typed. JSON output does not go through
//! here (serde escapes control characters itself); text that is already safe comes back borrowed.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` safe for one line of a terminal or a label: every control character escaped, newlines
/// and tabs included.
pub fn for_display(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// `text` safe for a terminal, keeping its line breaks and tabs (a carriage return is escaped: it
/// would let a line overwrite itself).
pub fn for_display_multiline(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// Whether `c` is shown escaped by [`for_display`].
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Bidi controls, zero-width characters and other format characters that change or hide what is
/// shown without being visible themselves.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{061C}'                // Arabic letter mark (bidi)
        | '\u{115F}' | '\u{1160}'   // Hangul fillers (blank)
        | '\u{17B4}' | '\u{17B5}'   // Khmer inherent vowels (invisible)
        | '\u{180B}'..='\u{180F}'   // Mongolian variation selectors and vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, joiners, LRM, RLM
        | '\u{2028}' | '\u{2029}'   // line and paragraph separators
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, bidi isolates, deprecated format
        | '\u{3164}'                // Hangul filler
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{FEFF}'                // byte order mark / zero-width no-break space
        | '\u{FFA0}'                // halfwidth Hangul filler
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
        | '\u{1D173}'..='\u{1D17A}' // musical format characters
        | '\u{E0000}'..='\u{E007F}' // tags
        | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
    )
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_lines && (c == '\n' || c == '\t');
    let Some(first) = text.find(|c: char| is_unsafe(c) && !keep(c)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if !is_unsafe(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "U+{:04X}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_text_is_borrowed_as_is() {
        for s in [
            "",
            "Prod svc",
            "EXAMPLE\\jdoe",
            "héllo wörld – ok ✔",
            "日本語",
            "emoji 🎉",
        ] {
            assert!(matches!(for_display(s), Cow::Borrowed(b) if b == s), "{s}");
        }
    }

    #[test]
    fn terminal_controls_are_escaped() {
        let repaint = "\x1b[2K\r  [ok  ] Authenticate\x1b[32m OK\x1b[0m";
        assert_eq!(
            for_display(repaint),
            "\\x1b[2K\\r  [ok  ] Authenticate\\x1b[32m OK\\x1b[0m"
        );
        assert_eq!(for_display("a\u{9b}31mb"), "aU+009B31mb", "C1 CSI");
        assert_eq!(for_display("bell\x07 del\x7f nul\0"), "bell\\x07 del\\x7f nul\\x00");
        assert_eq!(
            for_display("osc \x1b]8;;http://evil\x1b\\"),
            "osc \\x1b]8;;http://evil\\x1b\\"
        );
    }

    #[test]
    fn bidi_and_invisible_characters_are_escaped() {
        assert_eq!(for_display("invoice\u{202E}fdp.exe"), "invoiceU+202Efdp.exe");
        assert_eq!(for_display("a\u{2066}b\u{2069}"), "aU+2066bU+2069");
        assert_eq!(for_display("zero\u{200B}width\u{FEFF}"), "zeroU+200BwidthU+FEFF");
        assert_eq!(for_display("line\u{2028}sep"), "lineU+2028sep");
        assert_eq!(for_display("tag\u{E0041}"), "tagU+E0041");
    }

    #[test]
    fn newlines_and_tabs_are_explicit() {
        assert_eq!(for_display("a\nb\tc\r\n"), "a\\nb\\tc\\r\\n");
        assert_eq!(for_display_multiline("a\nb\tc\r\n"), "a\nb\tc\\r\n");
        assert_eq!(for_display_multiline("1. x\n2. \x1b[1my"), "1. x\n2. \\x1b[1my");
    }

    #[test]
    fn the_output_never_holds_an_unsafe_character() {
        let all: String = (0u32..0x3000)
            .chain(0xE0000..0xE0080)
            .chain(0xFE00..0xFF00)
            .filter_map(char::from_u32)
            .collect();
        assert!(!for_display(&all).chars().any(is_unsafe));
        assert!(
            !for_display_multiline(&all)
                .chars()
                .any(|c| is_unsafe(c) && c != '\n' && c != '\t')
        );
    }
}
