//! No developer text in front of a person: texts that carry a library's or the operating system's
//! error (`zbus error: …`, `(os error 2)`, `client error (SendRequest)`, `UnknownIssuer`) are shown
//! as a sentence, with the raw text kept under a "Technical details" fold.
//!
//! The engine's own failures get their words from [`crate::verdict`]; this is for every other text
//! that reaches the status line or the sidebar (the keyring, files, the demo servers), whoever
//! wrote it.

use eframe::egui;

use egui::{CollapsingHeader, RichText, Ui};

/// Where raw text starts in a message, and the sentence for it.
struct Raw {
    marker: &'static str,
    words: &'static str,
}

/// Markers of raw text, most specific first. The words continue a sentence ("…: <words>").
const RAW: &[Raw] = &[
    // The keyring (Secret Service over D-Bus, keyring-core's errors).
    Raw {
        marker: "No default store",
        words: "no keyring service is running on this computer",
    },
    Raw {
        marker: "Failed to connect to address",
        words: "no keyring service is running on this computer",
    },
    Raw {
        marker: "org.freedesktop.DBus.Error.ServiceUnknown",
        words: "no keyring service is running on this computer",
    },
    Raw {
        marker: "prompt dismissed",
        words: "the keyring is locked and was not unlocked",
    },
    Raw {
        marker: "Couldn't access platform storage",
        words: "the keyring is locked or refused access",
    },
    Raw {
        marker: "Platform failure",
        words: "the keyring service did not answer as expected",
    },
    Raw {
        marker: "zbus",
        words: "the keyring service did not answer as expected",
    },
    Raw {
        marker: "org.freedesktop",
        words: "the keyring service did not answer as expected",
    },
    // Files and sockets.
    Raw {
        marker: "(os error 2)",
        words: "the file or folder does not exist",
    },
    Raw {
        marker: "(os error 13)",
        words: "this computer does not allow access there (permission denied)",
    },
    Raw {
        marker: "(os error 28)",
        words: "the disk is full",
    },
    Raw {
        marker: "(os error 30)",
        words: "the disk is read-only",
    },
    Raw {
        marker: "(os error 21)",
        words: "that is a folder, not a file",
    },
    Raw {
        marker: "(os error 104)",
        words: "the connection was cut",
    },
    Raw {
        marker: "(os error 111)",
        words: "nothing accepted the connection",
    },
    Raw {
        marker: "(os error 98)",
        words: "the port is already in use",
    },
    Raw {
        marker: "os error",
        words: "the operating system reported an error",
    },
    // HTTP and TLS libraries.
    Raw {
        marker: "UnknownIssuer",
        words: "the certificate is not trusted by this computer",
    },
    Raw {
        marker: "invalid peer certificate",
        words: "the certificate was not accepted",
    },
    Raw {
        marker: "client error (",
        words: "the request could not be completed",
    },
    Raw {
        marker: "error sending request",
        words: "the request could not be completed",
    },
    Raw {
        marker: "connection error:",
        words: "the connection failed",
    },
    Raw {
        marker: "hyper::",
        words: "the request could not be completed",
    },
    Raw {
        marker: "reqwest::",
        words: "the request could not be completed",
    },
    // Rust's debug notation.
    Raw {
        marker: "Other(",
        words: "an unexpected error occurred",
    },
    Raw {
        marker: "DnsName(",
        words: "an unexpected error occurred",
    },
    Raw {
        marker: "(UNIX)",
        words: "an unexpected error occurred",
    },
];

/// A message split into what a person reads and the raw text behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub words: String,
    /// The message as it came, when it had raw text.
    pub technical: Option<String>,
}

/// Split `text` into plain words and technical details. A text with no raw part comes back as is.
pub fn split(text: &str) -> Split {
    let found = RAW
        .iter()
        .filter_map(|r| text.find(r.marker).map(|at| (at, r)))
        .min_by_key(|(at, r)| (*at, RAW.iter().position(|x| std::ptr::eq(x, *r))));
    let Some((at, first)) = found else {
        return Split {
            words: text.to_string(),
            technical: None,
        };
    };
    // The most specific sentence among the markers present (the list is ordered that way).
    let words = RAW
        .iter()
        .find(|r| text.contains(r.marker))
        .map_or(first.words, |r| r.words);
    if words == "no keyring service is running on this computer" && text.contains("session only") {
        return Split {
            words: "No keyring service is running on this computer, so secrets are kept for this session only \
                    and not saved."
                .into(),
            technical: Some(text.to_string()),
        };
    }
    // Raw text in parentheses: drop the parentheses, keep the sentence around them.
    if let Some(open) = text[..at].rfind('(')
        && let Some(close) = matching_paren(text, open)
        && close > at
    {
        let rest = format!("{}{}", text[..open].trim_end(), &text[close + 1..]);
        let rest = rest.trim();
        if !rest.is_empty() && !RAW.iter().any(|r| rest.contains(r.marker)) {
            return Split {
                words: format!("{} ({words}).", capitalise(rest.trim_end_matches(['.', ';', ':']))),
                technical: Some(text.to_string()),
            };
        }
    }
    // Otherwise cut where the raw text starts, at the colon before it.
    let head = text[..at].trim_end();
    let head = head.rfind(": ").map_or(head, |c| &text[..c]);
    let head = head.trim_end_matches([':', ' ', '(', ';', ',']).trim();
    let sentence = if head.is_empty() {
        capitalise(words)
    } else {
        format!("{head}: {words}")
    };
    Split {
        words: format!("{sentence}."),
        technical: Some(text.to_string()),
    }
}

fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The fold with raw text (closed by default). `id` keeps each fold's open state apart.
pub fn technical_details(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug, show: impl FnOnce(&mut Ui)) {
    CollapsingHeader::new(RichText::new("Technical details").small())
        .id_salt(("technical_details", id))
        .default_open(false)
        .show(ui, show);
}

/// Raw text in the fold: monospace, selectable, wrapped.
pub fn raw_text(ui: &mut Ui, text: &str) {
    ui.add(
        egui::Label::new(RichText::new(text).monospace().small())
            .selectable(true)
            .wrap(),
    );
}

/// A message in plain words, coloured, with its raw text in a fold when it had any.
pub fn message(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    text: &str,
    color: Option<egui::Color32>,
    small: bool,
) {
    let s = split(text);
    let mut rt = RichText::new(&s.words);
    if let Some(c) = color {
        rt = rt.color(c);
    }
    if small {
        rt = rt.small();
    }
    ui.add(egui::Label::new(rt).wrap());
    if let Some(raw) = &s.technical {
        technical_details(ui, id, |ui| raw_text(ui, raw));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The raw texts the issue quotes, and what the verdict sweep looks for.
    const FORBIDDEN: &[&str] = &[
        "os error",
        "Other(",
        "OtherError",
        "UnknownIssuer",
        "SendRequest",
        "client error (",
        "connection error:",
        "DnsName(",
        "(UNIX)",
        "zbus",
        "hyper::",
        "reqwest::",
    ];

    fn clean(words: &str) {
        for f in FORBIDDEN {
            assert!(!words.contains(f), "{f} in {words:?}");
        }
    }

    #[test]
    fn keyring_failures_read_as_sentences() {
        let s = split(
            "No system keyring is available (Platform failure: zbus error: Failed to connect to address \
             `unix:path=/run/user/0/bus`: No such file or directory (os error 2)); the secret is kept for this \
             session only and not saved.",
        );
        assert_eq!(
            s.words,
            "No keyring service is running on this computer, so secrets are kept for this session only and not saved."
        );
        assert!(s.technical.is_some_and(|t| t.contains("zbus")));

        let s = split(
            "The saved secret could not be read: the system keyring failed: Platform failure: zbus error: \
             org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided",
        );
        clean(&s.words);
        assert_eq!(
            s.words,
            "The saved secret could not be read: no keyring service is running on this computer."
        );
        let s = split("Platform failure: zbus error: something new");
        clean(&s.words);
        assert_eq!(s.words, "The keyring service did not answer as expected.");
    }

    #[test]
    fn file_and_network_failures_read_as_sentences() {
        let s = split("The report could not be saved: Permission denied (os error 13)");
        assert_eq!(
            s.words,
            "The report could not be saved: this computer does not allow access there (permission denied)."
        );
        clean(&s.words);
        let s = split(
            "the connection was reset or closed (error sending request for url (http://x/): client error (SendRequest): connection error: Connection reset by peer (os error 104))",
        );
        clean(&s.words);
        assert!(s.words.starts_with("The connection was reset or closed"), "{}", s.words);
        let s = split("TLS failure (Untrusted): invalid peer certificate: UnknownIssuer");
        clean(&s.words);
        assert_eq!(
            s.words,
            "TLS failure (Untrusted): the certificate is not trusted by this computer."
        );
    }

    #[test]
    fn plain_text_is_left_alone() {
        let s = split("Profile \"Prod\" saved.");
        assert_eq!(s.words, "Profile \"Prod\" saved.");
        assert_eq!(s.technical, None);
    }
}
