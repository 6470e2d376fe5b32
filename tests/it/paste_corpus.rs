//! The corpus of real-looking pastes (tests/it/data/pastes/, written from the public documentation
//! and the forum's patterns; no real secret): each file is explained and held to its sidecar
//! `.expect` (what it is read as, its first hint, other hints, the exit code, the corrected
//! request, what a check would be filled with), and no secret of it is in any output, in any form.
//! The corpus must cover every `request.*` hint id (they only come from pastes; `hints_real.rs`
//! leaves them to this file).
//!
//! `.expect` lines: `kind: curl`, `first: id`, `has: id, id`, `not: id`, `none` (no error or
//! warning), `exit: n`, `corrected: text` (in the first hint's fix), `detail: text` (in the first
//! hint's title or detail), `fill: url=… user=… auth=…`, `cannot-test`, `secret: value` (also
//! scanned for).

use crate::support::secret_forms::{LeakScanner, without_markers};
use aa_conntest::diagnose::{HintId, Severity};
use aa_conntest::paste;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/pastes")
}

/// The pastes, sorted, with their expectations.
pub fn corpus() -> Vec<(PathBuf, String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(corpus_dir()).expect("corpus dir") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "expect") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("paste");
        let expect = std::fs::read_to_string(format!("{}.expect", p.display()))
            .unwrap_or_else(|_| panic!("{} has no .expect", p.display()));
        out.push((p, text, expect));
    }
    out.sort();
    out
}

fn check_one(name: &str, text: &str, expect: &str, covered: &mut BTreeSet<HintId>) -> Result<(), String> {
    let e = paste::explain(text).map_err(|err| format!("unreadable: {err}"))?;
    let ids: Vec<HintId> = e.hints.iter().map(|h| h.id).collect();
    let show = || {
        e.hints
            .iter()
            .map(|h| format!("{} [{}] {}", h.id, h.severity.as_str(), h.title))
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    let mut fails = Vec::new();
    for h in &e.hints {
        if !h.id.severities().contains(&h.severity) {
            fails.push(format!(
                "{} has severity {:?}, not one of its catalogue's",
                h.id, h.severity
            ));
        }
    }
    let mut first_ok = true;
    for line in expect.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (key, value) = line
            .split_once(':')
            .map(|(k, v)| (k.trim(), v.trim()))
            .unwrap_or((line, ""));
        match key {
            "kind" => {
                let kind = serde_json::to_value(e.paste.kind).unwrap_or_default();
                if kind != value {
                    fails.push(format!("read as {kind}, expected {value}"));
                }
            }
            "first" => {
                let want = HintId::from_id(value).ok_or(format!("unknown id {value}"))?;
                if ids.first() != Some(&want) {
                    first_ok = false;
                    fails.push(format!(
                        "first hint {:?}, expected {value}",
                        ids.first().map(|i| i.as_str())
                    ));
                }
            }
            "has" => {
                for v in value.split(',').map(str::trim) {
                    let want = HintId::from_id(v).ok_or(format!("unknown id {v}"))?;
                    if ids.contains(&want) {
                        covered.insert(want);
                    } else {
                        fails.push(format!("no {v}"));
                    }
                }
            }
            "not" => {
                let id = HintId::from_id(value).ok_or(format!("unknown id {value}"))?;
                if ids.contains(&id) {
                    fails.push(format!("{value} should not be there"));
                }
            }
            "none" => {
                if e.hints.iter().any(|h| h.severity != Severity::Info) {
                    fails.push("expected no error or warning".into());
                }
            }
            "exit" => {
                if e.exit_code().to_string() != value {
                    fails.push(format!("exit code {}, expected {value}", e.exit_code()));
                }
            }
            "corrected" | "detail" => {
                let h = e.hints.first().ok_or("no hint")?;
                let hay = if key == "corrected" {
                    h.fix.clone()
                } else {
                    format!("{} {}", h.title, h.detail)
                };
                if !hay.contains(value) {
                    fails.push(format!("{key} does not contain {value:?}:\n{hay}"));
                }
            }
            "fill" => match &e.fill {
                Err(why) => fails.push(format!("cannot fill: {why}")),
                Ok(f) => {
                    for kv in value.split_whitespace() {
                        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                        let have = match k {
                            "url" => f.url.clone(),
                            "user" => f.username.clone(),
                            "auth" => serde_json::to_value(f.auth)
                                .unwrap_or_default()
                                .as_str()
                                .unwrap_or("")
                                .to_string(),
                            _ => return Err(format!("unknown fill key {k}")),
                        };
                        if have != v {
                            fails.push(format!("fill {k} = {have:?}, expected {v:?}"));
                        }
                    }
                    if f.secret.is_none() {
                        fails.push("fill has no secret".into());
                    }
                }
            },
            "cannot-test" => {
                if e.fill.is_ok() {
                    fails.push("expected no fill".into());
                }
            }
            "secret" => {}
            other => return Err(format!("unknown expectation {other}")),
        }
    }
    if first_ok && let Some(h) = e.hints.first() {
        covered.insert(h.id);
    }
    // No secret of the paste in any output, in any form.
    let mut scanner = LeakScanner::new(
        e.paste
            .secrets
            .iter()
            .filter(|s| !s.facts.reference && s.secret.expose().trim().chars().count() >= 6)
            .map(|s| ("pasted secret", s.secret.expose())),
    );
    for line in expect.lines() {
        if let Some(v) = line.trim().strip_prefix("secret:") {
            scanner.add("expected secret", v.trim());
        }
    }
    let outputs = [
        ("text", aa_conntest::cli::render_explanation(&e)),
        ("json", e.to_json_value().to_string()),
        ("masked paste", e.paste.masked_text.clone()),
    ];
    for (channel, out) in outputs {
        let hits = scanner.scan_str(channel, &without_markers(&out));
        if !hits.is_empty() {
            fails.push(format!("leak: {}", hits.join("; ")));
        }
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}:\n  {}\n  hints:\n  {}", fails.join("\n  "), show()))
    }
}

#[test]
fn every_paste_of_the_corpus_is_explained_as_expected() {
    let corpus = corpus();
    assert!(
        corpus.len() >= 40,
        "the corpus has {} pastes, fewer than 40",
        corpus.len()
    );
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for (path, text, expect) in &corpus {
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if let Err(f) = check_one(&name, text, expect, &mut covered) {
            failures.push(f);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} pastes failed:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n\n")
    );
    let missing: Vec<&str> = HintId::ALL
        .iter()
        .filter(|id| id.from_paste_only() && !covered.contains(id))
        .map(|id| id.as_str())
        .collect();
    assert!(missing.is_empty(), "no paste of the corpus produces {missing:?}");
}

#[test]
fn the_forum_thread_s_four_stages_each_get_the_right_first_hint() {
    // The thread the project started from (docs/control-room-api.md), one stage per paste.
    let stages = [
        ("forum-1-postman-v1-access-denied.http", HintId::RequestV1Login),
        ("forum-2-validate-with-the-key.http", HintId::RequestKeyAsToken),
        ("forum-3-v2-generic-server-exception.json", HintId::AuthServerException),
        ("forum-4-um1110.json", HintId::AuthBadCredentials),
    ];
    for (file, want) in stages {
        let text = std::fs::read_to_string(corpus_dir().join(file)).expect(file);
        let e = paste::explain(&text).expect(file);
        assert_eq!(e.hints.first().map(|h| h.id), Some(want), "{file}: {:#?}", e.hints);
        assert_eq!(e.hints[0].severity, Severity::Error, "{file}");
    }
}
