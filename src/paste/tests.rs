//! Unit tests of the paste module: each kind of input, the masking, the rules' corrected requests,
//! and that random input never panics.

use super::*;
use proptest::prelude::*;

const KEY: &str = "f3Vq9Lx2Rt7Wm4Zp8Kc1Nb6Hd5Jy0Ug3Se7Ao2Xi";

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/it/data/pastes/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ids(e: &Explanation) -> Vec<&'static str> {
    e.hints.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn every_request_id_is_produced_by_its_example() {
    for id in HintId::ALL.iter().filter(|id| id.from_paste_only()) {
        let text = examples::example(*id).unwrap_or_else(|| panic!("{id}: no example"));
        let e = explain(&text).unwrap_or_else(|err| panic!("{id}: {err}"));
        assert!(
            e.hints.iter().any(|h| h.id == *id),
            "{id} not produced by its example: {:?}",
            ids(&e)
        );
        assert!(catalogue_example(*id).is_some());
    }
    assert_eq!(catalogue_example(HintId::AuthBadCredentials), None);
}

#[test]
fn each_kind_of_input_is_read() {
    let cases = [
        ("curl-v1-login.sh", InputKind::Curl),
        ("curl-cmd-chrome-copy.cmd", InputKind::CurlCmd),
        ("curl-cmd-escaped-quotes.cmd", InputKind::CurlCmd),
        ("powershell-good.ps1", InputKind::PowerShell),
        ("forum-1-postman-v1-access-denied.http", InputKind::RawHttp),
        ("har-login-um1110.har", InputKind::Har),
        ("postman-collection-with-environment.json", InputKind::Postman),
        ("bruno-with-environment.bru", InputKind::Bruno),
        ("insomnia-export.json", InputKind::Insomnia),
        ("forum-4b-um1110-after-the-body-with-curly-quotes.txt", InputKind::Body),
        ("forum-4-um1110.json", InputKind::Answer),
    ];
    for (file, kind) in cases {
        let p = Paste::read(&corpus(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(p.kind, kind, "{file}");
    }
}

#[test]
fn windows_cmd_quoting_gives_the_same_request_as_posix() {
    let cmd = Paste::read(&corpus("curl-cmd-chrome-copy.cmd")).unwrap();
    let r = &cmd.requests[0];
    assert_eq!(r.url, "https://acme.my.automationanywhere.digital/v1/authentication");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["username"], "svc_api");
    assert_eq!(
        body["apiKey"], "<redacted: 40 chars>",
        "the key is masked in the request"
    );
    assert_eq!(cmd.login_secret().map(|s| s.secret.expose()), Some(KEY));
    let escaped = Paste::read(&corpus("curl-cmd-escaped-quotes.cmd")).unwrap();
    assert_eq!(escaped.login_secret().map(|s| s.secret.expose()), Some(KEY));
    assert_eq!(escaped.requests[0].method.as_deref(), Some("POST"));
}

#[test]
fn a_postman_collection_with_its_environment_resolves_and_fills() {
    let e = explain(&corpus("postman-collection-with-environment.json")).unwrap();
    let r = &e.paste.requests[0];
    assert_eq!(r.origin, "Postman: Auth / Get token");
    assert_eq!(r.url, "https://acme.my.automationanywhere.digital/v2/authentication");
    assert!(e.paste.unresolved.is_empty());
    let f = e.fill.as_ref().unwrap();
    assert_eq!(
        (f.url.as_str(), f.username.as_str()),
        ("https://acme.my.automationanywhere.digital", "svc_api")
    );
    assert_eq!(f.secret.as_ref().map(|s| s.expose()), Some(KEY));
    // Without the environment the variables are named, and nothing can be tested.
    let alone = explain(&corpus("postman-collection-without-environment.json")).unwrap();
    assert_eq!(alone.paste.unresolved, vec!["baseUrl", "username", "apiKey"]);
    assert!(alone.fill.is_err());
}

#[test]
fn secrets_are_masked_in_every_text_kept() {
    let text = format!(
        "curl -u 'svc_api:Winter-2025!pw' -x http://jdoe:Pr0xy-S3cret@proxy:3128 'https://cr.example.com/v2/authentication?apiKey={KEY}'"
    );
    let p = Paste::read(&text).unwrap();
    let all = format!("{:?} {} {:?}", p.requests, p.masked_text, p.secrets);
    for s in ["Winter-2025!pw", "Pr0xy-S3cret", KEY] {
        assert!(!all.contains(s), "{s} in {all}");
    }
    assert_eq!(p.secrets.len(), 3, "{:?}", p.secrets);
    assert!(p.requests[0].proxy.as_deref().unwrap().contains("<redacted"));
}

#[test]
fn corrected_requests_take_secrets_from_variables() {
    let e = explain(&corpus("forum-2-validate-with-the-key.http")).unwrap();
    let fix = &e.hints[0].fix;
    assert!(
        fix.contains("${AA_API_KEY}") && fix.contains("token=${AA_TOKEN}"),
        "{fix}"
    );
    assert!(!fix.contains(KEY));
}

#[test]
fn unreadable_input_says_why() {
    assert_eq!(Paste::read("   ").unwrap_err(), Unreadable::Empty);
    assert!(matches!(Paste::read("hello there"), Err(Unreadable::NotRecognised(_))));
    let big = "a".repeat(MAX_PASTE_BYTES + 1);
    assert_eq!(Paste::read(&big).unwrap_err(), Unreadable::TooLarge);
}

#[test]
fn exit_codes_follow_the_first_hint() {
    assert_eq!(explain(&corpus("curl-good-login.sh")).unwrap().exit_code(), 0);
    assert_eq!(explain(&corpus("curl-v1-login.sh")).unwrap().exit_code(), 1);
    assert_eq!(
        explain(&corpus("answer-zscaler-block-page.html")).unwrap().exit_code(),
        2
    );
}

/// Pieces that make random input look like the formats, so the parsers go deep.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("curl ".to_string()),
        Just("curl.exe ".to_string()),
        Just(" -H 'X-Authorization: ".to_string()),
        Just(" -d '{\"username\":\"a\",\"apiKey\":\"".to_string()),
        Just("^\n".to_string()),
        Just("\\\n".to_string()),
        Just("`\n".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("^\"".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("{{baseUrl}}".to_string()),
        Just("$body = @{ apiKey = ".to_string()),
        Just("Invoke-RestMethod -Uri ".to_string()),
        Just(" | ConvertTo-Json".to_string()),
        Just("@\"\n".to_string()),
        Just("\n\"@".to_string()),
        Just("POST /v2/authentication HTTP/1.1\nHost: x\n\n".to_string()),
        Just("HTTP/1.1 401 Unauthorized\n".to_string()),
        Just("{\"log\":{\"entries\":[{\"request\":".to_string()),
        Just("{\"info\":{\"schema\":\"getpostman.com\"},\"item\":[{\"item\":[".to_string()),
        Just("{\"_type\":\"export\",\"resources\":[".to_string()),
        Just("post {\n  url: ".to_string()),
        Just("body:json {\n".to_string()),
        Just("eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln".to_string()),
        Just("“".to_string()),
        Just("é\u{202e}\u{0}".to_string()),
        "[ -~]{0,12}".prop_map(|s| s),
        any::<String>().prop_map(|s| s.chars().take(16).collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Random input never panics, and nothing longer than a marker of a found secret survives.
    #[test]
    fn random_input_never_panics(parts in proptest::collection::vec(fragment(), 0..24)) {
        let text: String = parts.concat();
        if let Ok(e) = explain(&text) {
            let _ = e.exit_code();
            let _ = e.to_json_value();
            let out = crate::cli::render_explanation(&e);
            for s in &e.paste.secrets {
                let v = s.secret.expose().trim();
                if !s.facts.reference && v.chars().count() >= 8 {
                    prop_assert!(!out.contains(v), "secret {v:?} in the text");
                    prop_assert!(!e.paste.masked_text.contains(v), "secret {v:?} in the masked paste");
                }
            }
        }
    }
}

// A pasted URL, header or answer carrying terminal escapes or bidi overrides: the hints (which the
// window, the text output and the JSON show) and the request lines hold them escaped only.
#[test]
fn pasted_control_and_bidi_characters_reach_the_hints_escaped() {
    let text = "curl -X POST \"https://cr.example.com/v1/authentication\u{1b}[2J\u{202E}\" \
                -H \"Content-Type: application/json\" \
                -d '{\"username\":\"bob\u{9b}1A\",\"apiKey\":\"abc\"}'";
    let e = explain(text).unwrap();
    assert!(!e.hints.is_empty());
    let unsafe_in = |s: &str| {
        s.chars()
            .filter(|c| crate::sanitize::is_unsafe(*c) && *c != '\n' && *c != '\t')
            .count()
    };
    for h in &e.hints {
        for (field, s) in [("title", h.title.as_str()), ("detail", &h.detail), ("fix", &h.fix)] {
            assert_eq!(unsafe_in(s), 0, "{} {field}: {s:?}", h.id);
        }
        assert_eq!(unsafe_in(h.evidence.as_deref().unwrap_or("")), 0, "{} evidence", h.id);
    }
    let line = e.paste.requests[0].line();
    assert_eq!(unsafe_in(&line), 0, "{line:?}");
    assert!(line.contains("\\x1b[2JU+202E"), "{line}");
    assert!(
        e.hints
            .iter()
            .any(|h| h.fix.contains("\\x1b[2JU+202E") || h.evidence.as_deref().is_some_and(|v| v.contains("\\x1b[2J"))),
        "the URL is quoted somewhere, escaped: {:#?}",
        e.hints
    );
}
