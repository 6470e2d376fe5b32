//! Property tests (issue 7): whatever a user pastes or a server sends, parsing never panics, and
//! URL normalisation is idempotent.

use aa_conntest::jwt;
use aa_conntest::target_url::{UrlNote, normalise};
use aa_conntest::transcript::RecordedResponse;
use proptest::prelude::*;

fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just(""),
        Just("https://"),
        Just("http://"),
        Just("HTTPS://"),
        Just("ftp://"),
        Just("//")
    ];
    let host = prop_oneof![
        Just("acme.my.automationanywhere.digital".to_string()),
        Just("10.0.0.5".to_string()),
        Just("[::1]".to_string()),
        "[a-z0-9.-]{0,20}",
        any::<String>(),
    ];
    let port = prop_oneof![Just(String::new()), (0u32..99999).prop_map(|p| format!(":{p}"))];
    let path = prop_oneof![
        Just(String::new()),
        Just("/".to_string()),
        Just("/#/login?next=/home".to_string()),
        Just("/v1/authentication".to_string()),
        Just("/swagger/".to_string()),
        "[ -~]{0,30}",
    ];
    let ws = prop_oneof![Just(""), Just(" "), Just("\n"), Just("\u{201C}")];
    (ws.clone(), scheme, host, port, path, ws).prop_map(|(a, s, h, p, pa, b)| format!("{a}{s}{h}{p}{pa}{b}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    // Whatever was pasted: either a clear error, or a base that normalises to itself with nothing
    // left to drop or add.
    #[test]
    fn url_normalisation_never_panics_and_is_idempotent(input in url_like()) {
        match normalise(&input) {
            Ok(n) => {
                let again = normalise(&n.base);
                prop_assert!(again.is_ok(), "{:?} normalised to {:?}, which fails: {:?}", input, n.base, again);
                let again = again.unwrap();
                prop_assert_eq!(&again.base, &n.base);
                prop_assert!(again.notes.iter().all(|x| matches!(x, UrlNote::Http)), "{:?}", again.notes);
            }
            Err(e) => prop_assert!(e.to_string().len() > 10, "an error says why: {:?}", e),
        }
    }

    // A well-formed address, however it is dressed (no scheme, spaces, quotes, a path), always
    // normalises, to exactly its scheme, host and port.
    #[test]
    fn valid_urls_always_normalise_to_scheme_host_and_port(
        scheme in prop_oneof![Just(""), Just("https://"), Just("http://"), Just("HTTPS://")],
        host in "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6})?(\\.[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6})?){0,3}",
        port in prop_oneof![Just(None), (1u16..=65535).prop_map(Some)],
        path in prop_oneof![Just(""), Just("/"), Just("/#/login?next=/home"), Just("/swagger/"), Just("/v2/authentication")],
        ws in prop_oneof![Just(""), Just(" "), Just("\n"), Just("\u{201C}")],
    ) {
        let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
        let input = format!("{ws}{scheme}{host}{port_text}{path}{ws}");
        let n = normalise(&input);
        prop_assert!(n.is_ok(), "{:?}: {:?}", input, n);
        let n = n.unwrap();
        let https = scheme.is_empty() || scheme.eq_ignore_ascii_case("https://");
        let default = if https { 443 } else { 80 };
        let shown_port = port.filter(|p| *p != default).map(|p| format!(":{p}")).unwrap_or_default();
        let want = format!("{}://{host}{shown_port}", if https { "https" } else { "http" });
        prop_assert_eq!(&n.base, &want);
        prop_assert_eq!(n.port, port.unwrap_or(default));
        prop_assert_eq!(&normalise(&n.base).unwrap().base, &want);
    }

    #[test]
    fn url_normalisation_of_any_text_never_panics(input in any::<String>()) {
        let _ = normalise(&input);
    }

    #[test]
    fn jwt_decoding_never_panics(input in any::<String>()) {
        let _ = jwt::decode(&input);
        let _ = jwt::looks_like_jwt(&input);
    }

    #[test]
    fn jwt_decoding_of_dotted_base64_never_panics(a in "[A-Za-z0-9_=-]{0,40}", b in "[A-Za-z0-9_=-]{0,80}", c in "[A-Za-z0-9_.-]{0,20}") {
        let _ = jwt::decode(&format!("eyJ{a}.{b}.{c}"));
    }

    #[test]
    fn error_body_parsing_never_panics(body in any::<String>(), ct in prop_oneof![Just("application/json"), Just("text/html"), Just("")]) {
        let r = RecordedResponse {
            status: 401,
            headers: vec![("content-type".into(), ct.to_string())],
            body,
            ..Default::default()
        };
        let _ = r.control_room_error();
        let _ = r.looks_like_html();
        let _ = r.json();
    }

    #[test]
    fn error_body_parsing_of_json_shapes_never_panics(
        code in prop_oneof![Just(serde_json::Value::Null), any::<i64>().prop_map(serde_json::Value::from), "[ -~]{0,10}".prop_map(serde_json::Value::from)],
        details in prop_oneof![Just(serde_json::Value::Null), Just(serde_json::json!([1, "x"])), "[ -~]{0,10}".prop_map(serde_json::Value::from)],
    ) {
        let body = serde_json::json!({"code": code, "details": details, "message": "m"}).to_string();
        let r = RecordedResponse { status: 500, body, ..Default::default() };
        let _ = r.control_room_error();
    }
}

mod diagnosis {
    use crate::support::secret_forms::{LeakScanner, forms, without_markers};
    use aa_conntest::diagnose::diagnose;
    use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
    use aa_conntest::secret::Secret;
    use aa_conntest::transcript::*;
    use proptest::prelude::*;

    /// A login that failed, whose recorded request and answer hold the secret (as a server that
    /// echoes it would send it, before any redaction), with a validate step as given.
    fn transcript(
        status: u16,
        content_type: String,
        body: String,
        echo: &str,
        secret: &str,
        valid: Option<bool>,
    ) -> Transcript {
        let mut login = StepRecord::new(StepName::Authenticate);
        login.status = StepStatus::Failed;
        login.request = Some(RecordedRequest {
            method: "POST".into(),
            url: "https://cr.example.test/v2/authentication".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(serde_json::json!({"username": "svc", "apiKey": secret}).to_string()),
        });
        login.response = Some(RecordedResponse {
            status,
            headers: vec![
                ("content-type".into(), content_type),
                ("location".into(), "https://idp.example/saml".into()),
                ("set-cookie".into(), format!("echo={echo}; Path=/")),
                ("www-authenticate".into(), format!("Basic realm=\"{echo}\"")),
            ],
            body,
            ..Default::default()
        });
        login.error = Some(StepError::Answer {
            detail: format!("x {echo}"),
        });
        let mut validate = StepRecord::new(StepName::Validate);
        validate.status = if valid.is_some() {
            StepStatus::Failed
        } else {
            StepStatus::Skipped
        };
        Transcript {
            started_at: time::OffsetDateTime::now_utc(),
            input_url: "https://cr.example.test".into(),
            base_url: Some("https://cr.example.test".into()),
            steps: vec![
                StepRecord::new(StepName::Preflight),
                StepRecord::new(StepName::Connect),
                login,
                validate,
            ],
            outcome: Outcome::Rejected,
            connect: None,
            token: None,
            account: None,
            login_attempts: 1,
            token_valid: valid,
            token_received_at: None,
            probes: Vec::new(),
        }
    }

    /// Bodies a server might send, each with the secret (in the form `echo`) somewhere a hint may
    /// quote from: the Control Room's error fields, an HTML title, plain text.
    fn body_with(kind: usize, echo: &str, noise: &str) -> String {
        match kind {
            0 => serde_json::json!({"code": "UM1110", "details": echo, "message": format!("Either your username or your password is incorrect {echo}")}).to_string(),
            1 => format!(r#"{{"code":"{echo}","details":null,"message":"{echo}"}}"#),
            2 => format!("<html><title>Access Denied {echo}</title>Zscaler blocked {echo}</html>"),
            3 => format!("{noise}{echo}{noise}"),
            _ => serde_json::json!({"code": "generic.server.exception", "details": [echo, noise], "message": noise}).to_string(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        // Whatever a server answers and whatever was typed: no panic, and the secret, in whichever
        // form the server echoed it, is in no hint (searched in every form in the hints as they are
        // serialised for the report, not in their `{:?}` form).
        #[test]
        fn diagnosis_never_panics_nor_leaks(
            status in 100u16..600,
            ct in prop_oneof![Just("application/json".to_string()), Just("text/html".to_string()), any::<String>()],
            kind in 0usize..5,
            form in 0usize..18,
            noise in any::<String>(),
            url in any::<String>(),
            user in any::<String>(),
            secret in "[!-~]{12,50}",
            password in any::<bool>(),
            valid in prop_oneof![Just(None), Just(Some(false))],
        ) {
            let all = forms(&secret);
            let echo = &all[form % all.len()].1;
            let auth = if password { AuthMode::Password } else { AuthMode::ApiKey };
            let plan = Plan::new(Target::new(url, auth, user, CheckOptions::default()), Secret::new(secret.clone()));
            let body = body_with(kind, echo, &noise);
            let hints = diagnose(&plan, &transcript(status, ct, body, echo, &secret, valid));
            prop_assert!(!hints.is_empty());
            let text = serde_json::to_string(&hints).unwrap();
            let hits = LeakScanner::new([("the secret", secret.as_str())]).scan_str("the hints", &without_markers(&text));
            prop_assert!(hits.is_empty(), "{:?}\n{}", hits, text);
        }
    }
}

/// The redactor against every form of random secrets (issue 13 item 3): raw, JSON-escaped (also
/// with `\/`, `\uXXXX` and twice), URL-encoded (form and RFC 3986, upper and lower, twice),
/// HTML-escaped (named and numeric), base64 (4 alphabets/paddings, and inside a longer base64
/// text), in a JSON body, an HTML page, a header and an error message. Secrets hold the
/// characters that break naive escaping and text that looks like an escape itself.
pub(crate) mod redaction {
    use crate::support::secret_forms::{FORM_NAMES, LeakScanner, forms, without_markers};
    use aa_conntest::secret::Redactor;
    use base64::Engine;
    use proptest::prelude::*;

    pub fn secret() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            8 => "[a-zA-Z0-9]",
            4 => "[\\\\\"%&<> /+=;:~!@#{}()\\[\\]'?,.*^$|-]",
            1 => "[é漢😀\u{a0}]",
            1 => prop_oneof![Just("%41"), Just("&amp;"), Just("\\u0041"), Just("\\\""), Just("%2F"), Just("&#60;"), Just("+")].prop_map(str::to_string),
        ];
        prop::collection::vec(piece, 3..40)
            .prop_map(|v| v.concat())
            .prop_filter("at least 3 visible characters", |s| s.trim().chars().count() >= 3)
    }

    /// The contexts a form is found in.
    pub fn contexts(form: &str) -> Vec<(&'static str, String)> {
        vec![
            (
                "a JSON body",
                format!(r#"{{"code":"UM1110","message":"{form}","details":null}}"#),
            ),
            (
                "an HTML page",
                format!("<html><title>Blocked</title><p>Your input {form} was refused</p></html>"),
            ),
            ("a header", format!("AA_SESSION={form}; Path=/; HttpOnly")),
            (
                "an error message",
                format!("error sending request for url (http://cr.example.test/?k={form}): connection closed"),
            ),
            ("the whole text", form.to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn no_form_of_a_random_secret_survives_redaction(secret in secret()) {
            let mut r = Redactor::new();
            r.add_secret(&secret);
            let scanner = LeakScanner::new([("the secret", secret.as_str())]);
            let all = forms(&secret);
            prop_assert!(all.len() >= FORM_NAMES.len() - 2);
            for (form_name, form) in &all {
                for (context, text) in contexts(form) {
                    let out = r.redact(&text);
                    let hits = scanner.scan_str(context, &without_markers(&out));
                    prop_assert!(hits.is_empty(), "{} in {}: {:?}\n{}\n-> {}", form_name, context, hits, text, out);
                    prop_assert!(out.contains("<redacted: "), "{} in {}: nothing redacted: {}", form_name, context, out);
                }
            }
            // Inside a longer base64 text, at every alignment (HTTP Basic `user:secret`).
            for prefix in ["", "u:", "us:", "usr:"] {
                let b = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{secret}"));
                let out = r.redact(&format!("Authorization: Basic {b}"));
                let hits = scanner.scan_str("a Basic header", &without_markers(&out));
                prop_assert!(hits.is_empty(), "{:?}: {:?} -> {}", prefix, hits, out);
            }
        }

    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

        // A token: every form, and its payload or signature alone.
        #[test]
        fn no_form_of_a_random_token_survives_redaction(sig in prop::collection::vec(any::<u8>(), 16..64), sub in any::<u64>()) {
            let b = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let token = format!("{}.{}.{}", b.encode(r#"{"alg":"RS512"}"#), b.encode(format!(r#"{{"sub":"{sub}"}}"#)), b.encode(&sig));
            let mut r = Redactor::new();
            r.add_token(&token);
            let signature = token.rsplit('.').next().unwrap().to_string();
            let scanner = LeakScanner::new([("the token", token.as_str()), ("its signature", signature.as_str())]);
            let (a, b) = (forms(&token), forms(&signature));
            for (form_name, form) in a.iter().chain(b.iter()) {
                for (context, text) in contexts(form) {
                    let out = r.redact(&text);
                    let hits = scanner.scan_str(context, &without_markers(&out));
                    prop_assert!(hits.is_empty(), "{} in {}: {:?}\n-> {}", form_name, context, hits, out);
                }
            }
        }

        // Whatever its length, a secret sent in the login body is masked there.
        #[test]
        fn a_secret_of_any_length_is_masked_in_the_login_body(secret in "[ -~é]{1,6}", password in any::<bool>()) {
            prop_assume!(!secret.is_empty());
            let mut r = Redactor::new();
            r.add_secret(&secret);
            let field = if password { "password" } else { "apiKey" };
            let body = serde_json::json!({"username": "svc_api", field: secret}).to_string();
            let out = r.redact(&body);
            let v: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
            let marker = aa_conntest::secret::secret_marker(&secret);
            prop_assert_eq!(v[field].as_str(), Some(marker.as_str()), "{}", out);
        }
    }
}
