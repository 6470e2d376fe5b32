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

    #[test]
    fn url_normalisation_never_panics_and_is_idempotent(input in url_like()) {
        if let Ok(n) = normalise(&input) {
            let again = normalise(&n.base).expect("a normalised URL must normalise again");
            prop_assert_eq!(&again.base, &n.base);
            // Nothing left to drop or add the second time.
            prop_assert!(again.notes.iter().all(|x| matches!(x, UrlNote::Http)), "{:?}", again.notes);
        }
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
    use aa_conntest::diagnose::diagnose;
    use aa_conntest::plan::{AuthMode, CheckOptions, Plan};
    use aa_conntest::secret::Secret;
    use aa_conntest::transcript::*;
    use proptest::prelude::*;

    fn transcript(status: u16, content_type: String, body: String, valid: Option<bool>) -> Transcript {
        let mut login = StepRecord::new(StepName::Authenticate);
        login.status = StepStatus::Failed;
        login.response = Some(RecordedResponse {
            status,
            headers: vec![
                ("content-type".into(), content_type),
                ("location".into(), "https://idp.example/saml".into()),
            ],
            body,
            ..Default::default()
        });
        login.error = Some(StepError::Answer { detail: "x".into() });
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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        // Whatever a server answers and whatever was typed: no panic, and never the secret in a hint.
        #[test]
        fn diagnosis_never_panics_nor_leaks(
            status in 100u16..600,
            ct in prop_oneof![Just("application/json".to_string()), Just("text/html".to_string()), any::<String>()],
            body in prop_oneof![
                any::<String>(),
                Just(r#"{"code":"UM1110","details":null,"message":"Either your username or your password is incorrect"}"#.to_string()),
                Just("<html><title>Access Denied</title>Zscaler</html>".to_string()),
            ],
            url in any::<String>(),
            user in any::<String>(),
            secret in "[!-~]{12,50}",
            password in any::<bool>(),
            valid in prop_oneof![Just(None), Just(Some(false))],
        ) {
            let plan = Plan {
                input_url: url,
                username: user,
                auth: if password { AuthMode::Password } else { AuthMode::ApiKey },
                secret: Secret::new(secret.clone()),
                options: CheckOptions::default(),
            };
            let hints = diagnose(&plan, &transcript(status, ct, body, valid));
            prop_assert!(!hints.is_empty());
            for h in &hints {
                let text = format!("{} {} {} {:?}", h.title, h.detail, h.fix, h.evidence);
                prop_assert!(!text.contains(&secret), "{}: {}", h.id, text);
            }
        }
    }
}
