//! Issue 13, D5: the Markdown report is inert. Every string a server, a certificate or a file
//! chose is put in every field of a report (and sent by a real local server through a real
//! check); the report is parsed with a CommonMark parser (pulldown-cmark, every extension on);
//! no payload may produce HTML, a link or image to a server-chosen URL, or any heading, table,
//! quote, footnote or code block the same report without the payload does not have.

use crate::support::scripted::{self, Scripted};
use aa_conntest::diagnose::{Hint, HintId, Severity};
use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
use aa_conntest::report_markdown::render;
use aa_conntest::secret::Secret;
use aa_conntest::transcript::*;
use pulldown_cmark::{Event, Options, Parser, Tag};

/// The payload kinds: each would render live in a Markdown viewer if written raw.
const PAYLOADS: [(&str, &str); 15] = [
    ("script", "<script>alert('PWNED')</script>"),
    ("img onerror", "<img src=x onerror=\"alert('PWNED')\">"),
    ("ATX heading", "\n# PWNED heading\n"),
    ("setext heading", "PWNED\n===\n"),
    ("phishing link", "[Click here to fix PWNED](https://evil.example/phish)"),
    (
        "reference link",
        "[PWNED][fix]\n\n[fix]: https://evil.example/ref \"title\"",
    ),
    ("autolink", "<https://evil.example/auto> <PWNED@evil.example>"),
    (
        "bare URL",
        "https://evil.example/bare www.evil.example PWNED@evil.example",
    ),
    ("HTML comment", "<!-- PWNED --> hidden"),
    ("table", "| PWNED | x |\n|---|---|\n| a | b |"),
    (
        "backtick breakout",
        "`` ` ``</code><script>PWNED</script>``` \n```\n<b>PWNED</b>",
    ),
    ("image", "![PWNED](https://evil.example/pixel.png)"),
    ("entities", "&lt;script&gt;PWNED&#60;/script&#62; &amp;"),
    ("quote and footnote", "\n> PWNED quote\n\n[^1]: PWNED footnote\n"),
    ("wiki link and fence", "[[PWNED]]\n~~~\nPWNED\n~~~"),
];

/// What a report's structure is made of, counted.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    headings: usize,
    tables: usize,
    quotes: usize,
    footnotes: usize,
    code_blocks: usize,
    links: Vec<String>,
    images: Vec<String>,
    html: Vec<String>,
}

fn shape(markdown: &str) -> Shape {
    let mut s = Shape::default();
    for ev in Parser::new_ext(markdown, Options::all()) {
        match ev {
            Event::Start(Tag::Heading { .. }) => s.headings += 1,
            Event::Start(Tag::Table(_)) => s.tables += 1,
            Event::Start(Tag::BlockQuote(_)) => s.quotes += 1,
            Event::Start(Tag::FootnoteDefinition(_)) => s.footnotes += 1,
            Event::Start(Tag::CodeBlock(_)) => s.code_blocks += 1,
            Event::Start(Tag::Link { dest_url, .. }) => s.links.push(dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => s.images.push(dest_url.to_string()),
            Event::Start(Tag::HtmlBlock) => s.html.push("<html block>".into()),
            Event::Html(h) | Event::InlineHtml(h) => s.html.push(h.to_string()),
            _ => {}
        }
    }
    s
}

fn assert_inert(kind: &str, markdown: &str, baseline: &Shape) {
    let got = shape(markdown);
    assert!(got.html.is_empty(), "{kind}: raw HTML {:?}\n{markdown}", got.html);
    for url in got.links.iter().chain(&got.images) {
        assert!(
            url.starts_with("https://docs.automationanywhere.com/"),
            "{kind}: a link to {url:?}\n{markdown}"
        );
    }
    assert_eq!(
        got, *baseline,
        "{kind}: the payload changed the report's structure\n{markdown}"
    );
}

/// A report with `p` in every field an outsider controls.
fn hostile_report(p: &str) -> aa_conntest::report::Report {
    let one_line = p.replace('\n', " ");
    let response = RecordedResponse {
        status: 401,
        reason: "Unauthorized".into(),
        http_version: "HTTP/1.1".into(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-hostile".into(), one_line.clone()),
        ],
        body: serde_json::json!({"code": p, "message": p, "details": p}).to_string(),
        ..Default::default()
    };
    let mut login = StepRecord::new(StepName::Authenticate);
    login.status = StepStatus::Failed;
    login.request = Some(RecordedRequest {
        method: "POST".into(),
        url: format!("https://cr.example.com/v2/authentication?{one_line}"),
        headers: vec![("x-echo".into(), one_line.clone())],
        body: Some(p.to_string()),
    });
    login.response = Some(response);
    login.error = Some(StepError::Answer { detail: p.to_string() });
    login.notes = vec![p.to_string(), format!("token expires {p}")];
    let mut connect = StepRecord::new(StepName::Connect);
    connect.status = StepStatus::Ok;
    connect.error = Some(StepError::Proxy { detail: p.to_string() });
    let t = Transcript {
        started_at: time::OffsetDateTime::now_utc(),
        input_url: format!("https://cr.example.com/{p}"),
        base_url: Some(format!("https://cr.example.com/{one_line}")),
        steps: vec![connect, login],
        outcome: Outcome::Rejected,
        connect: Some(ConnectInfo {
            host: p.into(),
            port: 443,
            addresses: vec![p.into()],
            connected_to: Some(p.into()),
            proxy: Some(p.into()),
            tls_version: Some(p.into()),
            cipher: Some(p.into()),
            certificates: vec![CertificateInfo {
                subject: p.into(),
                issuer: p.into(),
                sans: vec![p.into(), p.into()],
                not_before: Some(p.into()),
                not_after: Some(p.into()),
                self_signed: true,
                is_ca: true,
                sha256: p.into(),
            }],
            ..Default::default()
        }),
        token: Some(TokenInfo {
            is_jwt: true,
            length: 900,
            alg: Some(p.into()),
            claims: None,
            iat: None,
            exp: None,
        }),
        account: Some(AccountSummary {
            username: Some(p.into()),
            id: Some(p.into()),
            email: Some(p.into()),
            domain: Some(p.into()),
            first_name: Some(p.into()),
            last_name: Some(p.into()),
            roles: vec![p.into(), p.into()],
            license_features: vec![p.into()],
            disabled: Some(false),
            tenant: Some(p.into()),
            multiple_login: Some(true),
            token_expires_at: Some(p.into()),
            permissions: [(p.to_string(), vec![p.to_string()])].into_iter().collect(),
            ..Default::default()
        }),
        login_attempts: 1,
        token_valid: None,
        token_received_at: None,
        probes: Vec::new(),
    };
    let plan = Plan::new(
        Target::new(t.input_url.clone(), AuthMode::ApiKey, p, CheckOptions::default()),
        Secret::new("k"),
    );
    let hint = Hint::new(HintId::CheckUnexplained, Severity::Error, format!("Title {p}"))
        .detail(format!("Detail {p} and `DOMAIN\\user` *My settings*"))
        .fix(format!("1. Step {p}\n2. Other"))
        .evidence(p)
        .link("https://docs.automationanywhere.com/bundle/x.html");
    aa_conntest::report::build(&plan, &t, &[hint])
}

#[test]
fn d5_every_payload_in_every_field_renders_inert() {
    let baseline = shape(&render(&hostile_report("benign text")));
    assert!(baseline.html.is_empty() && baseline.tables == 2, "{baseline:?}");
    for (kind, payload) in PAYLOADS {
        let md = render(&hostile_report(payload));
        assert!(md.contains("PWNED"), "{kind}: the payload is shown");
        assert_inert(kind, &md, &baseline);
    }
    eprintln!("D5: {} payload kinds in every field, all inert", PAYLOADS.len());
}

/// Our own formatting survives: emphasis, code spans and the numbered steps of a fix.
#[test]
fn d5_our_own_markdown_still_renders() {
    let md = render(&hostile_report("benign text"));
    let events: Vec<Event> = Parser::new_ext(&md, Options::all()).collect();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Code(c) if c.as_ref() == "DOMAIN\\user")),
        "{md}"
    );
    assert!(events.iter().any(|e| matches!(e, Event::Start(Tag::Emphasis))), "{md}");
    assert!(
        events.iter().any(|e| matches!(e, Event::Start(Tag::List(Some(1))))),
        "{md}"
    );
}

/// The same payloads sent by a real local server to a real check, then rendered: once in the
/// Control Room's error (a refused login), once in the account of a login that worked.
#[tokio::test]
async fn d5_a_real_check_against_a_hostile_server_renders_inert() {
    for refused in [true, false] {
        let mut baseline = None;
        for (kind, payload) in [("benign", "benign text")].into_iter().chain(PAYLOADS) {
            let p = payload.to_string();
            let server = Scripted::start(move |r| {
                let header = p.replace('\n', " ");
                let headers = [("Content-Type", "application/json"), ("X-Info", header.as_str())];
                let body = if r.path.starts_with("/v2/authentication") && refused {
                    return scripted::response(
                        401,
                        "Unauthorized",
                        &headers,
                        &serde_json::json!({"code": "UM1110", "message": p, "details": p}).to_string(),
                    );
                } else if r.path.starts_with("/v2/authentication") {
                    serde_json::json!({
                        "token": crate::support::jwt_for_tests(),
                        "user": {"id": p, "username": p, "email": p, "domain": p, "firstName": p,
                                 "lastName": p, "roles": [{"name": p}], "tenantUuid": p,
                                 "licenseFeatures": [p]}
                    })
                    .to_string()
                } else if r.path.starts_with("/v1/authentication/token") {
                    serde_json::json!({"valid": true}).to_string()
                } else {
                    return scripted::response(204, "No Content", &headers, "");
                };
                scripted::response(200, "OK", &headers, &body)
            });
            let plan = crate::support::api_key_plan(&server.url(), "svc", "0123456789012345678901234567890123456789");
            let result = aa_conntest::worker::check(&plan, aa_conntest::engine::CancelToken::never()).await;
            let report = aa_conntest::report::build(&plan, &result.transcript, &result.hints);
            let md = render(&report);
            match &baseline {
                None => baseline = Some(shape(&md)),
                Some(b) => {
                    assert!(md.contains("PWNED"), "{kind}: the payload is in the report\n{md}");
                    assert_inert(&format!("{kind} (refused: {refused})"), &md, b);
                }
            }
        }
    }
}

#[test]
fn d5_the_markdown_holds_no_control_character() {
    let md = render(&hostile_report("\u{1b}[2K\u{9b}31m\u{202E}"));
    assert!(
        !md.chars()
            .any(|c| aa_conntest::sanitize::is_unsafe(c) && c != '\n' && c != '\t'),
        "{md}"
    );
}
