//! One test per real-world situation, named after it, with where the case comes from
//! ("docs/control-room-api.md §7.N" = its §7 item N; "forum" = the forum thread quoted at the top of that page).
//! Plans and transcripts are built by hand, in the shape the engine records.

use super::*;
use crate::plan::{AuthMode, CheckOptions, Plan, Target};
use crate::secret::Secret;
use crate::transcript::*;

const HOST: &str = "acme.my.automationanywhere.digital";
const URL: &str = "https://acme.my.automationanywhere.digital";
/// The reference's sample key (40 characters after JSON unescaping).
const KEY40: &str = "Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO";
const PASSWORD: &str = "Correct-Horse-77";
/// The check's clock: 2026-11-27 14:00:00 UTC.
const NOW: i64 = 1_795_788_000;
/// A JWT as a Control Room issues it (header RS512, iat NOW, exp NOW+1200); used to test redaction.
fn jwt(iat: i64, exp: i64) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B;
    let h = B.encode(br#"{"alg":"RS512"}"#);
    let c = B.encode(format!(
        r#"{{"sub":"7","clientType":"WEB","iat":{iat},"exp":{exp},"iss":"AutomationAnywhere"}}"#
    ));
    format!("{h}.{c}.c2lnbmF0dXJlLXBhcnQtdGhhdC1pcy1sb25n")
}

// ---------------------------------------------------------------------------------------------
// Builders

fn key_plan(key: &str) -> Plan {
    Plan::new(
        Target::new(URL, AuthMode::ApiKey, "svc_api", CheckOptions::default()),
        Secret::new(key),
    )
}

fn password_plan(pw: &str) -> Plan {
    Plan {
        target: Target {
            auth: AuthMode::Password,
            username: "jdoe".into(),
            ..key_plan("").target
        },
        secret: Secret::new(pw),
    }
}

fn resp(status: u16, content_type: &str, body: &str) -> RecordedResponse {
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "",
    };
    let mut headers = Vec::new();
    if !content_type.is_empty() {
        headers.push(("content-type".to_string(), content_type.to_string()));
    }
    RecordedResponse {
        status,
        reason: reason.into(),
        http_version: "HTTP/1.1".into(),
        headers,
        body: body.into(),
        truncated: false,
        body_bytes: body.len(),
        invalid_utf8: false,
    }
}

fn json(status: u16, body: &str) -> RecordedResponse {
    resp(status, "application/json", body)
}

fn with_header(mut r: RecordedResponse, k: &str, v: &str) -> RecordedResponse {
    r.headers.push((k.into(), v.into()));
    r
}

fn login_request(plan: &Plan) -> RecordedRequest {
    RecordedRequest {
        method: "POST".into(),
        url: format!("{URL}/v2/authentication"),
        headers: vec![("content-type".into(), "application/json".into())],
        body: Some(format!(
            r#"{{"username":"{}","{}":"{}"}}"#,
            plan.target.username,
            plan.target.auth.body_field(),
            plan.secret.marker()
        )),
    }
}

fn token_request(step: StepName) -> RecordedRequest {
    let marker = crate::secret::token_marker(&jwt(NOW, NOW + 1200));
    RecordedRequest {
        method: if step == StepName::Validate { "GET" } else { "POST" }.into(),
        url: format!(
            "{URL}/v1/authentication/{}",
            if step == StepName::Validate {
                "token?token=…"
            } else {
                "logout"
            }
        ),
        headers: vec![("X-Authorization".into(), marker)],
        body: None,
    }
}

/// A TLS failure as the engine records it: the words of `engine::tls::explain`, the library's text
/// as the technical detail.
fn tls_err(kind: TlsFailure, detail: &str) -> StepError {
    let reason = match kind {
        TlsFailure::Untrusted => {
            "the certificate is not trusted: it was issued by an authority this computer does not trust"
        }
        TlsFailure::Expired => "the certificate has expired",
        TlsFailure::NameMismatch => "the certificate is for another host name",
        TlsFailure::PinMismatch => {
            "the certificate is not the one that was trusted: its SHA-256 fingerprint differs from the pinned one"
        }
        TlsFailure::Handshake => {
            "the secure connection could not be set up: the server answered with something that is not TLS"
        }
    };
    StepError::Tls {
        kind,
        reason: reason.into(),
        detail: detail.into(),
    }
}

/// A transcript where nothing ran yet.
fn blank(plan: &Plan) -> Transcript {
    Transcript {
        started_at: time::OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
        input_url: plan.target.url.clone(),
        base_url: crate::target_url::normalise(&plan.target.url).ok().map(|u| u.base),
        steps: StepName::ALL.iter().map(|n| StepRecord::skipped(*n)).collect(),
        outcome: Outcome::Ok,
        connect: None,
        token: None,
        account: None,
        login_attempts: 0,
        token_valid: None,
        token_received_at: None,
        probes: Vec::new(),
    }
}

fn set(t: &mut Transcript, name: StepName, f: impl FnOnce(&mut StepRecord)) {
    let s = t.steps.iter_mut().find(|s| s.name == name).unwrap();
    f(s);
}

fn ok(t: &mut Transcript, name: StepName) {
    set(t, name, |s| s.status = StepStatus::Ok);
}

fn connected(plan: &Plan) -> Transcript {
    let mut t = blank(plan);
    ok(&mut t, StepName::Preflight);
    ok(&mut t, StepName::Connect);
    let host = t
        .base_url
        .as_deref()
        .and_then(|b| b.split("://").nth(1))
        .unwrap_or(HOST)
        .to_string();
    t.connect = Some(ConnectInfo {
        host: host.split(':').next().unwrap_or(HOST).to_string(),
        port: 443,
        addresses: vec!["52.1.2.3:443".into()],
        tls_version: Some("TLSv1.3".into()),
        ..Default::default()
    });
    t
}

/// The ladder stopped at `step` with `error` (preflight and connect failures).
fn failed_at(plan: &Plan, step: StepName, error: StepError) -> Transcript {
    let mut t = blank(plan);
    for n in StepName::ALL {
        if n == step {
            break;
        }
        ok(&mut t, n);
    }
    set(&mut t, step, |s| {
        s.status = StepStatus::Failed;
        s.error = Some(error);
    });
    t.outcome = if step == StepName::Preflight {
        Outcome::InvalidInput
    } else {
        Outcome::Unreachable
    };
    if step != StepName::Preflight {
        t.connect = Some(ConnectInfo {
            host: HOST.into(),
            port: 443,
            ..Default::default()
        });
    }
    t
}

/// The login was sent and answered with `r`, which failed the step.
fn login_failed(plan: &Plan, r: RecordedResponse) -> Transcript {
    let mut t = connected(plan);
    t.login_attempts = 1;
    let status = r.status;
    set(&mut t, StepName::Authenticate, |s| {
        s.status = StepStatus::Failed;
        s.request = Some(login_request(plan));
        s.error = Some(StepError::Answer {
            detail: format!("HTTP {status}"),
        });
        s.response = Some(r);
    });
    t.outcome = if status == 401 || status == 403 {
        Outcome::Rejected
    } else {
        Outcome::Unreachable
    };
    t
}

/// Login worked; `iat`/`exp` of the token and when it arrived.
fn logged_in(plan: &Plan, iat: i64, exp: i64, received: i64) -> Transcript {
    let mut t = connected(plan);
    t.login_attempts = 1;
    let token = jwt(iat, exp);
    set(&mut t, StepName::Authenticate, |s| {
        s.status = StepStatus::Ok;
        s.request = Some(login_request(plan));
        s.response = Some(json(
            200,
            &format!(
                r#"{{"token":"{}","user":{{"id":7,"username":"{}"}}}}"#,
                crate::secret::token_marker(&token),
                plan.target.username
            ),
        ));
    });
    t.token = Some(TokenInfo {
        is_jwt: true,
        length: token.len(),
        alg: Some("RS512".into()),
        claims: crate::jwt::decode(&token).map(|d| d.claims),
        iat: Some(iat),
        exp: Some(exp),
    });
    t.token_received_at = Some(received);
    t.account = Some(AccountSummary {
        username: Some(plan.target.username.clone()),
        ..Default::default()
    });
    t
}

/// A whole healthy check: login, `{"valid": true}`, logout 204.
fn healthy(plan: &Plan) -> Transcript {
    let mut t = logged_in(plan, NOW, NOW + 1200, NOW);
    set(&mut t, StepName::Validate, |s| {
        s.status = StepStatus::Ok;
        s.request = Some(token_request(StepName::Validate));
        s.response = Some(json(200, r#"{"valid": true}"#));
    });
    t.token_valid = Some(true);
    set(&mut t, StepName::Logout, |s| {
        s.status = StepStatus::Ok;
        s.request = Some(token_request(StepName::Logout));
        s.response = Some(resp(204, "", ""));
    });
    t
}

fn validate_answered(plan: &Plan, r: RecordedResponse, valid: Option<bool>) -> Transcript {
    let mut t = healthy(plan);
    let failed = valid != Some(true);
    set(&mut t, StepName::Validate, |s| {
        s.status = if failed { StepStatus::Failed } else { StepStatus::Ok };
        s.response = Some(r);
    });
    t.token_valid = valid;
    if failed {
        t.outcome = Outcome::Rejected;
    }
    t
}

fn ids(h: &[Hint]) -> Vec<HintId> {
    h.iter().map(|h| h.id).collect()
}

fn find(h: &[Hint], id: HintId) -> &Hint {
    h.iter()
        .find(|x| x.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(h)))
}

fn text(h: &Hint) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        h.title,
        h.detail,
        h.fix,
        h.evidence.as_deref().unwrap_or("")
    )
}

/// Every hint is well-formed, and nothing secret is in any of them.
fn check_hygiene(plan: &Plan, hints: &[Hint]) {
    let secret = plan.secret.expose().trim();
    for h in hints {
        assert!(
            h.id.severities().contains(&h.severity),
            "{} as {:?}: not a severity the catalogue lists for it",
            h.id,
            h.severity
        );
        assert!(
            !h.title.is_empty() && !h.detail.is_empty() && !h.fix.is_empty(),
            "{} is incomplete",
            h.id
        );
        assert!(!h.title.contains('\n'), "{}: title must be one line", h.id);
        let all = text(h);
        if secret.len() >= 3 {
            assert!(!all.contains(secret), "{} repeats the secret: {all}", h.id);
        }
        assert!(!all.contains("c2lnbmF0dXJl"), "{} repeats a token: {all}", h.id);
        for code in ["UM1110", "UM1117", "generic.server.exception"] {
            assert!(
                !h.title.contains(code),
                "{}: codes belong in the evidence, not the title",
                h.id
            );
        }
        for bad in ["retry until", "try again until", "keep trying"] {
            assert!(
                !all.to_ascii_lowercase().contains(bad),
                "{}: suggests a retry loop",
                h.id
            );
        }
    }
}

fn run(plan: &Plan, t: &Transcript) -> Vec<Hint> {
    let h = diagnose(plan, t);
    check_hygiene(plan, &h);
    h
}

fn first(h: &[Hint]) -> HintId {
    h.first().map(|h| h.id).unwrap_or_else(|| panic!("no hint at all"))
}

// ---------------------------------------------------------------------------------------------
// The case table: one transcript per hint id (used for coverage, hygiene and fuzz-ish checks).

const UM1110: &str = r#"{"code": "UM1110", "details": "This may be due to a misspelling or because your Caps Lock is on. To continue, please retype your username and password.", "message": "Either your username or your password is incorrect"}"#;
const GENERIC: &str =
    r#"{"code": "generic.server.exception", "details": null, "message": "An unexpected problem occurred"}"#;
const UM1117: &str =
    r#"{"code": "UM1117", "details": null, "message": "Access token expected in the 'X-Authorization' header"}"#;
const ZSCALER_PAGE: &str = "<!DOCTYPE html><html><head><title>Website blocked</title></head><body><h1>Website blocked</h1><p>Not allowed to browse Uncategorized category. Your organization has selected Zscaler to protect you from internet threats.</p></body></html>";
const WEB_UI: &str = "<!doctype html><html><head><title>Automation 360</title></head><body><app-root></app-root><script src=\"main.js\"></script></body></html>";

const PINNED: &str = "3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A:3F:2A";
const MAINTENANCE_PAGE: &str = "<!DOCTYPE html><html><head><title>Automation 360 - Scheduled maintenance</title></head><body><h1>We'll be back soon</h1><p>Your Control Room is undergoing scheduled maintenance.</p></body></html>";
const FIRST_LOGIN: &str = r#"{"code": "UM1119", "details": "Sign in to the Control Room web interface and change your temporary password before using the API.", "message": "Password change required"}"#;
const SPRING_404: &str =
    r#"{"timestamp": "2026-11-27T14:00:00Z", "status": 404, "error": "Not Found", "path": "/v2/authentication"}"#;

/// The certificate a server presents after a renewal (not the pinned one).
fn renewed_cert() -> CertificateInfo {
    CertificateInfo {
        subject: "CN=acme.my.automationanywhere.digital".into(),
        issuer: "CN=Acme Issuing CA".into(),
        sha256: "9C:41".repeat(16).trim_end_matches(':').to_string(),
        not_before: Some("Fri, 20 Nov 2026 00:00:00 +0000".into()),
        not_after: Some("Sun, 20 Nov 2027 00:00:00 +0000".into()),
        ..Default::default()
    }
}

/// `/v2/authentication` is 404 (Spring's body) and the v1 probe got the Control Room's own error.
fn enterprise_11(plan: &Plan) -> Transcript {
    let mut t = login_failed(plan, json(404, SPRING_404));
    t.outcome = Outcome::Unreachable;
    t.probes.push(Probe {
        purpose: ProbePurpose::V1Login,
        request: RecordedRequest {
            method: "POST".into(),
            url: format!("{URL}/v1/authentication"),
            headers: Vec::new(),
            body: Some("{}".into()),
        },
        response: Some(json(500, GENERIC)),
        error: None,
    });
    t
}

/// Login fine, validate failed with the Control Room's own error; the licence details read when `read`.
fn license_fail_safe(plan: &Plan, read: bool) -> Transcript {
    let mut t = validate_answered(plan, json(500, GENERIC), None);
    if read {
        t.probes.push(Probe {
            purpose: ProbePurpose::LicenseDetails,
            request: token_request(StepName::Validate),
            response: Some(json(
                200,
                r#"{"type": "PURCHASED", "failSafeStatus": 1, "controlRoomLicenseServerSyncStatus": false, "licenseMode": "CloudLicense"}"#,
            )),
            error: None,
        });
    }
    t
}

fn cases() -> Vec<(HintId, Plan, Transcript)> {
    let k = key_plan(KEY40);
    let p = password_plan(PASSWORD);
    let mut v: Vec<(HintId, Plan, Transcript)> = Vec::new();
    let mut add = |id: HintId, plan: Plan, t: Transcript| v.push((id, plan, t));

    let pl = Plan {
        target: Target {
            url: "".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(
        HintId::UrlMissing,
        pl.clone(),
        failed_at(
            &pl,
            StepName::Preflight,
            StepError::Input {
                reason: "no URL".into(),
            },
        ),
    );
    let pl = Plan {
        target: Target {
            url: "https://cr example.com".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(
        HintId::UrlInvalid,
        pl.clone(),
        failed_at(
            &pl,
            StepName::Preflight,
            StepError::Input {
                reason: "bad URL".into(),
            },
        ),
    );
    let pl = Plan {
        target: Target {
            url: HOST.into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::UrlNoScheme, pl.clone(), healthy(&pl));
    let pl = Plan {
        target: Target {
            url: "http://cr.acme.local".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::UrlHttp, pl.clone(), healthy(&pl));
    let pl = Plan {
        target: Target {
            url: format!("{URL}/#/login?next=/home"),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::UrlPathDropped, pl.clone(), healthy(&pl));
    let pl = Plan {
        target: Target {
            url: format!("{URL}/v1/authentication"),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::UrlV1Endpoint, pl.clone(), healthy(&pl));
    let pl = Plan {
        target: Target {
            username: " ".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(
        HintId::InputUsernameMissing,
        pl.clone(),
        failed_at(
            &pl,
            StepName::Preflight,
            StepError::Input {
                reason: "no username".into(),
            },
        ),
    );
    let pl = key_plan("");
    add(
        HintId::InputSecretMissing,
        pl.clone(),
        failed_at(
            &pl,
            StepName::Preflight,
            StepError::Input {
                reason: "no key".into(),
            },
        ),
    );
    let pl = key_plan(&format!(" {KEY40}\n"));
    add(HintId::InputWhitespace, pl.clone(), healthy(&pl));
    let pl = Plan {
        target: Target {
            username: "“svc_api”".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(
        HintId::InputSmartQuotes,
        pl.clone(),
        login_failed(&pl, json(401, UM1110)),
    );
    let pl = key_plan(&jwt(NOW, NOW + 1200));
    add(
        HintId::InputKeyIsToken,
        pl.clone(),
        failed_at(
            &pl,
            StepName::Preflight,
            StepError::Input {
                reason: "key is a token".into(),
            },
        ),
    );
    let pl = key_plan(&KEY40[..39]);
    add(HintId::InputKeyLength, pl.clone(), login_failed(&pl, json(401, UM1110)));
    let pl = Plan {
        target: Target {
            username: "ACME\\svc_api".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::InputDomainUser, pl.clone(), healthy(&pl));
    let mut pl = k.clone();
    pl.target.options.insecure = true;
    add(HintId::InputInsecure, pl.clone(), healthy(&pl));
    add(
        HintId::NetDns,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            StepError::Dns {
                host: HOST.into(),
                detail: "no such host".into(),
            },
        ),
    );
    add(
        HintId::NetRefused,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            StepError::Refused {
                addr: "52.1.2.3:443".into(),
            },
        ),
    );
    add(
        HintId::NetTimeout,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            StepError::Timeout {
                phase: "connect".into(),
                secs: 15.0,
            },
        ),
    );
    add(
        HintId::NetReset,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            StepError::Reset {
                phase: ResetPhase::AfterRequest,
                orderly: false,
                detail: "connection reset by peer".into(),
            },
        ),
    );
    add(
        HintId::NetProxy,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            StepError::Proxy {
                detail: "407 Proxy Authentication Required".into(),
            },
        ),
    );
    add(
        HintId::TlsUntrusted,
        k.clone(),
        failed_at(&k, StepName::Connect, tls_err(TlsFailure::Untrusted, "UnknownIssuer")),
    );
    add(
        HintId::TlsExpired,
        k.clone(),
        failed_at(&k, StepName::Connect, tls_err(TlsFailure::Expired, "Expired")),
    );
    add(
        HintId::TlsNameMismatch,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            tls_err(TlsFailure::NameMismatch, "NotValidForName"),
        ),
    );
    add(
        HintId::TlsHandshake,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            tls_err(TlsFailure::Handshake, "InvalidContentType"),
        ),
    );
    add(
        HintId::HttpRedirect,
        k.clone(),
        login_failed(
            &k,
            with_header(
                resp(302, "", ""),
                "location",
                "https://idp.acme.com/adfs/ls/?SAMLRequest=abc",
            ),
        ),
    );
    add(
        HintId::HttpNotApi,
        k.clone(),
        login_failed(&k, resp(200, "text/html", WEB_UI)),
    );
    add(
        HintId::HttpBlocked,
        k.clone(),
        login_failed(&k, resp(403, "text/html", ZSCALER_PAGE)),
    );
    add(
        HintId::HttpNotFound,
        k.clone(),
        login_failed(&k, resp(404, "text/plain", "Not Found")),
    );
    add(HintId::HttpMethod, k.clone(), login_failed(&k, resp(405, "", "")));
    add(
        HintId::HttpRateLimited,
        k.clone(),
        login_failed(&k, with_header(resp(429, "", ""), "retry-after", "30")),
    );
    add(
        HintId::HttpServerError,
        k.clone(),
        login_failed(
            &k,
            resp(
                502,
                "text/html",
                "<html><title>502 Bad Gateway</title><body>nginx</body></html>",
            ),
        ),
    );
    add(
        HintId::AuthBadCredentials,
        k.clone(),
        login_failed(&k, json(401, UM1110)),
    );
    add(
        HintId::AuthServerException,
        k.clone(),
        login_failed(&k, json(500, GENERIC)),
    );
    add(
        HintId::AuthForbidden,
        k.clone(),
        login_failed(
            &k,
            json(
                403,
                r#"{"code":"UM1150","details":null,"message":"You are not authorized to perform this action"}"#,
            ),
        ),
    );
    add(
        HintId::AuthDisabled,
        k.clone(),
        login_failed(
            &k,
            json(
                401,
                r#"{"code":"UM1111","details":null,"message":"User is disabled. Contact your Control Room administrator."}"#,
            ),
        ),
    );
    add(
        HintId::AuthNoToken,
        k.clone(),
        login_failed(&k, json(200, r#"{"status":"ok"}"#)),
    );
    add(HintId::AuthRetryWarning, k.clone(), login_failed(&k, json(401, UM1110)));
    add(HintId::AuthSessionReplaced, p.clone(), healthy(&p));
    let pl = Plan {
        target: Target {
            url: "https://community.cloud.automationanywhere.digital".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::AuthCommunityEdition, pl.clone(), healthy(&pl));
    let mut t = healthy(&k);
    if let Some(tok) = t.token.as_mut() {
        tok.is_jwt = false;
        tok.length = 36;
    }
    add(HintId::TokenNotJwt, k.clone(), t);
    add(HintId::TokenTooLong, k.clone(), token_too_long(&k));
    add(HintId::TokenExpiry, k.clone(), healthy(&k));
    let mut t = logged_in(&k, NOW - 3600, NOW - 2400, NOW);
    t.token_valid = Some(true);
    add(HintId::TokenClockSkew, k.clone(), t);
    add(
        HintId::TokenInvalid,
        p.clone(),
        validate_answered(&p, json(200, r#"{"valid": false}"#), Some(false)),
    );
    add(
        HintId::TokenHeaderMissing,
        k.clone(),
        validate_answered(&k, json(401, UM1117), None),
    );
    let mut t = healthy(&k);
    set(&mut t, StepName::Logout, |s| {
        s.status = StepStatus::Failed;
        s.response = Some(json(
            401,
            r#"{"code":"UM1000","details":null,"message":"Session expired"}"#,
        ));
    });
    add(HintId::LogoutFailed, k.clone(), t);
    add(
        HintId::NetUnreachable,
        k.clone(),
        failed_at(
            &k,
            StepName::Connect,
            StepError::Unreachable {
                addr: "52.1.2.3:443".into(),
                reason: "the network is unreachable".into(),
                detail: "Network is unreachable (os error 101)".into(),
            },
        ),
    );
    let mut pl = k.clone();
    pl.target.options.ca_file = Some("/tmp/missing-ca.pem".into());
    add(
        HintId::InputCaFile,
        pl.clone(),
        failed_at(
            &pl,
            StepName::Connect,
            StepError::CaFile {
                detail: "No such file or directory".into(),
            },
        ),
    );
    let mut t = failed_at(&k, StepName::Authenticate, StepError::Cancelled);
    t.outcome = Outcome::Cancelled;
    add(HintId::CheckCancelled, k.clone(), t);
    // A password written into the address, pasted from a script (issue 12, "Why" 5).
    let pl = Plan {
        target: Target {
            url: "https://svc_api:S3cr3t-In-Url@acme.my.automationanywhere.digital".into(),
            ..k.target.clone()
        },
        ..k.clone()
    };
    add(HintId::UrlCredentials, pl.clone(), healthy(&pl));
    // A pinned certificate that changed.
    let mut pl = k.clone();
    pl.target.options.pin_sha256 = vec![PINNED.into()];
    add(
        HintId::TlsPinMismatch,
        pl.clone(),
        with_cert(
            failed_at(&pl, StepName::Connect, tls_err(TlsFailure::PinMismatch, "fingerprint")),
            renewed_cert(),
        ),
    );
    add(
        HintId::HttpMaintenance,
        k.clone(),
        login_failed(
            &k,
            with_header(resp(503, "text/html", MAINTENANCE_PAGE), "retry-after", "1800"),
        ),
    );
    add(HintId::HttpEnterprise11, p.clone(), enterprise_11(&p));
    add(
        HintId::AuthFirstLogin,
        p.clone(),
        login_failed(&p, json(401, FIRST_LOGIN)),
    );
    add(HintId::AuthLicenseFailSafe, k.clone(), license_fail_safe(&k, true));
    // The key's expiry kept with the profile: 8 days after the check.
    let mut pl = k.clone();
    pl.target.key_expires = Some("2026-12-06".into());
    add(HintId::InputKeyExpiring, pl.clone(), healthy(&pl));
    // A required capability the login answer lists no permission for; the engine then sets the outcome.
    add(
        HintId::AccountMissingPermission,
        missing_permission_plan(&k),
        missing_permission(&missing_permission_plan(&k)),
    );
    add(
        HintId::CheckUnexplained,
        k.clone(),
        failed_at(
            &k,
            StepName::Authenticate,
            StepError::Answer {
                detail: "something new".into(),
            },
        ),
    );
    v
}

fn missing_permission_plan(k: &Plan) -> Plan {
    let mut pl = k.clone();
    pl.target.require = vec![crate::capabilities::Capability::DeployBots];
    pl
}

/// A healthy check whose login answer lists permissions, not the required one: the engine fails it.
fn missing_permission(pl: &Plan) -> Transcript {
    let mut t = healthy(pl);
    if let Some(a) = t.account.as_mut() {
        a.roles = vec!["API_Key_Generation".into()];
        a.permissions.insert("api".into(), vec!["generateapikey".into()]);
    }
    t.outcome = Outcome::Rejected;
    t
}

#[test]
fn a_missing_required_permission_names_it_and_the_role_screen() {
    let k = key_plan(KEY40);
    let pl = missing_permission_plan(&k);
    let h = run(&pl, &missing_permission(&pl));
    assert_eq!(first(&h), HintId::AccountMissingPermission, "{:?}", ids(&h));
    let m = find(&h, HintId::AccountMissingPermission);
    assert_eq!(m.severity, Severity::Error);
    assert_eq!(
        m.title,
        "`svc_api` cannot deploy bots: its roles (API_Key_Generation) lack the permission"
    );
    assert!(
        m.fix.contains("*Administration > Roles*") && m.fix.contains("**Run my bots**"),
        "{}",
        m.fix
    );
    assert!(m.detail.contains("The credentials work"), "{}", m.detail);
    assert_eq!(
        m.evidence.as_deref(),
        Some("deploy-bots: the login answer lists 1 permission, not repositorymanager: run or repositorymanager: all")
    );
    let v = crate::verdict::verdict(Outcome::Rejected, &h);
    assert_eq!(v.kind, crate::verdict::VerdictKind::MissingPermission);
    assert_eq!(v.credentials, crate::verdict::Credentials::Accepted);
    // Met: nothing said. Not known (no permissions listed, no probe): a warning; the check passes.
    let mut t = healthy(&pl);
    if let Some(a) = t.account.as_mut() {
        a.permissions.insert("repositorymanager".into(), vec!["run".into()]);
    }
    assert!(!ids(&run(&pl, &t)).contains(&HintId::AccountMissingPermission));
    let mut read = k.clone();
    read.target.require = vec![crate::capabilities::Capability::ReadRepository];
    let h = run(&read, &healthy(&read));
    let w = find(&h, HintId::AccountMissingPermission);
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.detail.contains("capability probes were off"), "{}", w.detail);
    // Nothing required: nothing said.
    assert!(!ids(&run(&k, &healthy(&k))).contains(&HintId::AccountMissingPermission));
}

#[test]
fn the_key_expiry_kept_with_a_profile() {
    let k = key_plan(KEY40);
    let with = |date: &str| {
        let mut pl = k.clone();
        pl.target.key_expires = Some(date.into());
        pl
    };
    // NOW is 2026-11-27 14:00 UTC.
    let pl = with("2026-12-06");
    let h = run(&pl, &healthy(&pl));
    let e = find(&h, HintId::InputKeyExpiring);
    assert_eq!(
        (e.severity, e.title.as_str()),
        (Severity::Warning, "The API key expires in 8 days (2026-12-06)")
    );
    assert!(
        e.fix.contains("Generate API-Key") && e.fix.contains("set-secret"),
        "{}",
        e.fix
    );
    // Beyond the window: information; the window is the profile's.
    let pl = with("2027-01-30");
    let e = find(&run(&pl, &healthy(&pl)), HintId::InputKeyExpiring).clone();
    assert_eq!(e.severity, Severity::Info, "{}", e.title);
    let mut wide = pl.clone();
    wide.target.key_warn_days = Some(90);
    assert_eq!(
        find(&run(&wide, &healthy(&wide)), HintId::InputKeyExpiring).severity,
        Severity::Warning
    );
    // Past, and the Control Room refused the login: the most likely cause.
    let pl = with("2026-11-01");
    let h = run(&pl, &login_failed(&pl, json(401, UM1110)));
    assert_eq!(first(&h), HintId::InputKeyExpiring, "{:?}", ids(&h));
    assert_eq!(h[0].severity, Severity::Error);
    assert!(
        h[0].title.contains("expired 26 days ago (2026-11-01)"),
        "{}",
        h[0].title
    );
    // Past, but the login worked: the date is out of date.
    let e = find(&run(&pl, &healthy(&pl)), HintId::InputKeyExpiring).clone();
    assert_eq!(e.severity, Severity::Warning);
    assert!(e.title.contains("has passed"), "{}", e.title);
    // Unreadable; and nothing for a password.
    let pl = with("next tuesday");
    assert!(
        find(&run(&pl, &healthy(&pl)), HintId::InputKeyExpiring)
            .title
            .contains("cannot be read")
    );
    let mut pw = password_plan(PASSWORD);
    pw.target.key_expires = Some("2026-12-06".into());
    assert!(!ids(&run(&pw, &healthy(&pw))).contains(&HintId::InputKeyExpiring));
}

#[test]
fn every_catalogue_id_is_produced_by_its_case() {
    let cases = cases();
    // `request.*` ids come from explaining a paste, never from a check: `crate::paste`'s tests.
    for id in HintId::ALL.iter().filter(|id| !id.from_paste_only()) {
        let Some((_, plan, t)) = cases.iter().find(|(i, _, _)| i == id) else {
            panic!("no case for {id}");
        };
        let h = run(plan, t);
        assert!(ids(&h).contains(id), "{id} not produced; got {:?}", ids(&h));
    }
    // One case per id: the table is the catalogue's list of examples.
    assert_eq!(
        cases.len(),
        HintId::ALL.iter().filter(|id| !id.from_paste_only()).count()
    );
}

#[test]
fn every_failed_case_leads_with_an_error_and_sets_a_step() {
    for (id, plan, t) in cases() {
        let h = run(&plan, &t);
        let failed = t
            .steps
            .iter()
            .any(|s| s.status == StepStatus::Failed && s.name != StepName::Logout);
        if failed && t.outcome != Outcome::Cancelled {
            assert_eq!(h[0].severity, Severity::Error, "{id}: first hint {:?}", ids(&h));
            assert!(h[0].step.is_some(), "{id}: the lead hint names its step");
            assert!(h[0].evidence.is_some(), "{id}: the lead hint quotes its evidence");
        }
        // Severities are sorted.
        assert!(
            h.windows(2).all(|w| w[0].severity <= w[1].severity),
            "{id}: {:?}",
            ids(&h)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Healthy checks

#[test]
fn healthy_api_key_check_has_only_info() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &healthy(&plan));
    assert!(h.iter().all(|h| h.severity == Severity::Info), "{:?}", ids(&h));
    assert_eq!(ids(&h), vec![HintId::TokenExpiry]);
    let e = find(&h, HintId::TokenExpiry);
    assert!(e.title.contains("2026-11-27 14:20:00 UTC"), "{}", e.title);
    assert!(e.detail.contains("20 minutes"), "{}", e.detail);
}

#[test]
fn healthy_password_check_has_only_info() {
    // docs/control-room-api.md §7.13 / [F3]: a password login without multi-login may end other sessions; said as info.
    let plan = password_plan(PASSWORD);
    let h = run(&plan, &healthy(&plan));
    assert!(h.iter().all(|h| h.severity == Severity::Info), "{:?}", ids(&h));
    assert!(ids(&h).contains(&HintId::AuthSessionReplaced));
}

#[test]
fn healthy_password_check_with_multiple_login_does_not_mention_sessions() {
    let mut plan = password_plan(PASSWORD);
    plan.target.options.multiple_login = true;
    let h = run(&plan, &healthy(&plan));
    assert!(!ids(&h).contains(&HintId::AuthSessionReplaced));
}

// ---------------------------------------------------------------------------------------------
// URL

#[test]
fn url_field_left_empty() {
    let plan = Plan {
        target: Target {
            url: "  ".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Preflight,
            StepError::Input {
                reason: "no URL".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::UrlMissing);
}

#[test]
fn url_with_ftp_scheme_cannot_be_used() {
    let plan = Plan {
        target: Target {
            url: "ftp://cr.acme.local".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Preflight,
            StepError::Input {
                reason: "bad URL".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::UrlInvalid);
    assert!(find(&h, HintId::UrlInvalid).detail.contains("ftp://"));
}

#[test]
fn url_host_only_gets_https() {
    // docs/control-room-api.md §6.3: [C7] adds https:// when the scheme is missing.
    let plan = Plan {
        target: Target {
            url: HOST.into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &healthy(&plan));
    let n = find(&h, HintId::UrlNoScheme);
    assert_eq!(n.severity, Severity::Info);
    assert!(n.detail.contains(URL));
}

#[test]
fn url_host_only_and_tls_fails_suspects_the_assumption() {
    let plan = Plan {
        target: Target {
            url: "cr.acme.local:8080".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let t = failed_at(
        &plan,
        StepName::Connect,
        tls_err(TlsFailure::Handshake, "InvalidContentType"),
    );
    let h = run(&plan, &t);
    assert_eq!(first(&h), HintId::TlsHandshake);
    assert_eq!(find(&h, HintId::UrlNoScheme).severity, Severity::Warning);
}

#[test]
fn url_copied_from_the_browser_login_page() {
    // docs/control-room-api.md §6.2: `.../#/login?next=/home` copied from the address bar.
    let plan = Plan {
        target: Target {
            url: format!("{URL}/#/login?next=/home"),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &healthy(&plan));
    let n = find(&h, HintId::UrlPathDropped);
    assert!(n.evidence.as_deref().unwrap().contains("#/login"));
    assert!(n.detail.contains("web interface"));
}

#[test]
fn url_of_swagger_page() {
    // forum: "Go to https://yourcontrolroom/swagger/"; people paste that as the base URL.
    let plan = Plan {
        target: Target {
            url: format!("{URL}/swagger/"),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &healthy(&plan));
    assert!(find(&h, HintId::UrlPathDropped).detail.contains("Swagger"));
}

#[test]
fn url_of_deprecated_v1_authentication() {
    // forum + docs/control-room-api.md §7.4: "v1/authentication is deprecated and will always return a failure message".
    let plan = Plan {
        target: Target {
            url: format!("{URL}/v1/authentication"),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &healthy(&plan));
    let n = find(&h, HintId::UrlV1Endpoint);
    assert_eq!(n.severity, Severity::Warning);
    assert!(n.fix.contains("/v2/authentication"));
    assert!(
        !ids(&h).contains(&HintId::UrlPathDropped),
        "the v1 hint says it all: {:?}",
        ids(&h)
    );
}

#[test]
fn url_plain_http_redirected_to_https() {
    // docs/control-room-api.md §7.17: on-prem "Force HTTP traffic to HTTPS"; the redirected POST is not followed.
    let plan = Plan {
        target: Target {
            url: "http://cr.acme.local".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let r = with_header(resp(301, "", ""), "location", "https://cr.acme.local/v2/authentication");
    let h = run(&plan, &login_failed(&plan, r));
    assert_eq!(first(&h), HintId::HttpRedirect);
    let red = find(&h, HintId::HttpRedirect);
    assert!(red.title.contains("https"));
    assert!(red.fix.contains("https://cr.acme.local"));
    assert!(
        red.fix.contains("Generate API-Key"),
        "the key crossed the network unencrypted: {}",
        red.fix
    );
    assert_eq!(find(&h, HintId::UrlHttp).weight, super::rank::LIKELY);
    assert!(
        !ids(&h).contains(&HintId::AuthRetryWarning),
        "a redirect is not a rejected login"
    );
}

// ---------------------------------------------------------------------------------------------
// Input fields

#[test]
fn username_left_empty() {
    let plan = Plan {
        target: Target {
            username: "".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Preflight,
            StepError::Input {
                reason: "no username".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::InputUsernameMissing);
}

#[test]
fn password_field_holds_only_spaces() {
    let plan = password_plan("   ");
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Preflight,
            StepError::Input {
                reason: "no password".into(),
            },
        ),
    );
    let m = find(&h, HintId::InputSecretMissing);
    assert!(m.title.contains("password"));
    assert!(m.detail.contains("only holds spaces"));
}

#[test]
fn api_key_pasted_with_a_trailing_newline() {
    // docs/control-room-api.md §7.11: whitespace around a pasted key; the engine trims it, other tools do not.
    let plan = key_plan(&format!("{KEY40}\r\n"));
    let h = run(&plan, &healthy(&plan));
    let w = find(&h, HintId::InputWhitespace);
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.detail.contains("removed"), "{}", w.detail);
    assert!(w.detail.contains("other tools"), "{}", w.detail);
    assert!(!ids(&h).contains(&HintId::InputKeyLength), "40 after trimming");
}

#[test]
fn password_with_trailing_space_and_rejected() {
    // docs/control-room-api.md §7.11: passwords are not trimmed; the space is a likely cause of UM1110.
    let plan = password_plan("Correct-Horse-77 ");
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    assert_eq!(first(&h), HintId::AuthBadCredentials);
    let b = find(&h, HintId::AuthBadCredentials);
    assert!(
        b.detail.contains("(1) the password was sent with a space"),
        "{}",
        b.detail
    );
    assert_eq!(find(&h, HintId::InputWhitespace).weight, super::rank::LIKELY);
}

#[test]
fn api_key_broken_over_two_lines() {
    let plan = key_plan(&format!("{}\n{}", &KEY40[..20], &KEY40[20..]));
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    assert!(find(&h, HintId::InputWhitespace).detail.contains("line break inside"));
    assert_eq!(
        first(&h),
        HintId::InputKeyLength,
        "41 characters with the line break: {:?}",
        ids(&h)
    );
}

#[test]
fn username_pasted_with_curly_quotes_from_a_forum_post() {
    // docs/control-room-api.md §7.6 / [F2]: forum answers render `{“username”:”abc”}` with curly quotes.
    let plan = Plan {
        target: Target {
            username: "“svc_api”".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    assert_eq!(first(&h), HintId::InputSmartQuotes);
    assert_eq!(find(&h, HintId::InputSmartQuotes).severity, Severity::Error);
}

#[test]
fn url_with_curly_quotes_only_warns() {
    let plan = Plan {
        target: Target {
            url: format!("“{URL}”"),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &healthy(&plan));
    assert_eq!(find(&h, HintId::InputSmartQuotes).severity, Severity::Warning);
}

#[test]
fn token_pasted_into_the_api_key_field() {
    // forum: "It says false but that's the token I got"; docs/control-room-api.md §7.1: a token is NOT the API key.
    let plan = key_plan(&jwt(NOW, NOW + 1200));
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Preflight,
            StepError::Input {
                reason: "looks like a token".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::InputKeyIsToken);
    let k = find(&h, HintId::InputKeyIsToken);
    assert!(k.detail.contains("without sending a login"));
    assert!(!ids(&h).contains(&HintId::InputKeyLength), "the token hint says it all");
}

#[test]
fn key_with_39_characters_rejected_leads_with_the_length() {
    // Ordering choice: the length is evidence, UM1110 is the symptom. `input.key-length` becomes an error
    // with the LEAD weight and comes first; `auth.bad-credentials` follows and names the length as cause (1).
    let plan = key_plan(&KEY40[..39]);
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    assert_eq!(
        ids(&h)[..3],
        [
            HintId::InputKeyLength,
            HintId::AuthBadCredentials,
            HintId::AuthRetryWarning
        ]
    );
    let l = find(&h, HintId::InputKeyLength);
    assert_eq!(l.severity, Severity::Error);
    assert!(l.title.contains("39"));
    assert!(l.detail.contains("one character is missing"));
    assert!(
        find(&h, HintId::AuthBadCredentials)
            .detail
            .contains("(1) the key entered has 39 characters")
    );
}

#[test]
fn key_with_39_characters_before_any_login_only_warns() {
    let plan = key_plan(&KEY40[..39]);
    let h = run(&plan, &healthy(&plan));
    assert_eq!(find(&h, HintId::InputKeyLength).severity, Severity::Warning);
}

#[test]
fn key_with_backslash_doubled_by_hand() {
    // docs/control-room-api.md §3.2 / §7.12: ".24 or previous versions, you must replace any escape character '\' with '\\'".
    let plan = key_plan(&KEY40.replace('\\', "\\\\"));
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    let l = find(&h, HintId::InputKeyLength);
    assert!(l.detail.contains("two backslashes"), "{}", l.detail);
}

#[test]
fn domain_user_with_one_backslash_is_fine() {
    // docs/control-room-api.md §1.2 / [D1-pt-BR]: `"your-domain\\jdoe"` in JSON.
    let plan = Plan {
        target: Target {
            username: "ACME\\jdoe".into(),
            ..password_plan(PASSWORD).target
        },
        ..password_plan(PASSWORD)
    };
    let h = run(&plan, &healthy(&plan));
    assert_eq!(find(&h, HintId::InputDomainUser).severity, Severity::Info);
}

#[test]
fn domain_user_typed_with_two_backslashes() {
    let plan = Plan {
        target: Target {
            username: "ACME\\\\jdoe".into(),
            ..password_plan(PASSWORD).target
        },
        ..password_plan(PASSWORD)
    };
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    let d = find(&h, HintId::InputDomainUser);
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.fix.contains("single backslash"));
}

#[test]
fn certificate_checks_turned_off() {
    let mut plan = key_plan(KEY40);
    plan.target.options.insecure = true;
    let h = run(&plan, &healthy(&plan));
    let i = find(&h, HintId::InputInsecure);
    assert_eq!(i.severity, Severity::Warning);
    assert!(i.fix.contains("CA file"));
}

#[test]
fn insecure_switch_hides_an_untrusted_certificate() {
    let mut plan = key_plan(KEY40);
    plan.target.options.insecure = true;
    let mut t = healthy(&plan);
    if let Some(c) = t.connect.as_mut() {
        c.trusted = Some(false);
        c.trust_error = Some("invalid peer certificate: UnknownIssuer".into());
    }
    let h = run(&plan, &t);
    let i = find(&h, HintId::InputInsecure);
    assert!(i.detail.contains("would NOT have been accepted"), "{}", i.detail);
    assert!(i.evidence.as_deref().unwrap().contains("UnknownIssuer"));
}

#[test]
fn ca_file_that_does_not_exist() {
    let mut plan = key_plan(KEY40);
    plan.target.options.ca_file = Some("/nope/ca.pem".into());
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::CaFile {
                detail: "No such file".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::InputCaFile);
    assert!(find(&h, HintId::InputCaFile).detail.contains("/nope/ca.pem"));
}

// ---------------------------------------------------------------------------------------------
// Network

#[test]
fn tenant_name_misspelt_does_not_resolve() {
    let plan = Plan {
        target: Target {
            url: "https://acmee.my.automationanywhere.digital".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let t = failed_at(
        &plan,
        StepName::Connect,
        StepError::Dns {
            host: "acmee.my.automationanywhere.digital".into(),
            detail: "no such host".into(),
        },
    );
    let h = run(&plan, &t);
    assert_eq!(first(&h), HintId::NetDns);
    assert!(find(&h, HintId::NetDns).detail.contains("tenant name `acmee`"));
}

#[test]
fn internal_short_name_without_vpn() {
    let plan = Plan {
        target: Target {
            url: "https://crprod".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let t = failed_at(
        &plan,
        StepName::Connect,
        StepError::Dns {
            host: "crprod".into(),
            detail: "failed to lookup".into(),
        },
    );
    let h = run(&plan, &t);
    assert!(find(&h, HintId::NetDns).detail.contains("short name"));
}

#[test]
fn nothing_listens_on_the_port() {
    let plan = Plan {
        target: Target {
            url: "https://cr.acme.local:8443".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::Refused {
                addr: "10.0.0.5:8443".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::NetRefused);
    assert!(find(&h, HintId::NetRefused).detail.contains("port 8443"));
}

#[test]
fn firewall_drops_the_connection_silently() {
    // docs/control-room-api.md §7.19: corporate firewalls time out rather than refuse.
    let plan = key_plan(KEY40);
    let mut t = failed_at(
        &plan,
        StepName::Connect,
        StepError::Timeout {
            phase: "connect".into(),
            secs: 15.0,
        },
    );
    t.connect = Some(ConnectInfo {
        host: "cr.acme.local".into(),
        port: 443,
        addresses: vec!["10.1.2.3:443".into()],
        ..Default::default()
    });
    let h = run(&plan, &t);
    let n = find(&h, HintId::NetTimeout);
    assert!(n.title.contains("15 s"));
    assert!(n.detail.contains("private address"), "{}", n.detail);
}

#[test]
fn control_room_slow_to_answer_the_login() {
    let plan = key_plan(KEY40);
    let mut t = connected(&plan);
    t.login_attempts = 1;
    set(&mut t, StepName::Authenticate, |s| {
        s.status = StepStatus::Failed;
        s.error = Some(StepError::Timeout {
            phase: "authenticate".into(),
            secs: 15.0,
        });
    });
    t.outcome = Outcome::Unreachable;
    let h = run(&plan, &t);
    assert_eq!(first(&h), HintId::NetTimeout);
    assert!(find(&h, HintId::NetTimeout).detail.contains("counts as one attempt"));
    assert!(
        !find(&h, HintId::NetTimeout).fix.contains("loop")
            || find(&h, HintId::NetTimeout).fix.contains("do not rerun it in a loop")
    );
}

#[test]
fn connection_cut_by_tls_inspection() {
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::Reset {
                phase: ResetPhase::AfterRequest,
                orderly: false,
                detail: "connection reset by peer".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::NetReset);
}

#[test]
fn proxy_wants_a_password() {
    // docs/control-room-api.md §7.19: corporate proxies answer 407.
    let mut plan = key_plan(KEY40);
    plan.target.options.proxy = Some("http://jdoe:S3cretProxyPw@proxy.acme.local:8080".into());
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::Proxy {
                detail: "407 Proxy Authentication Required".into(),
            },
        ),
    );
    let p = find(&h, HintId::NetProxy);
    assert!(p.detail.contains("407"));
    assert!(!text(p).contains("S3cretProxyPw"), "proxy passwords are secrets too");
    assert!(text(p).contains("proxy.acme.local:8080"));
}

#[test]
fn proxy_address_unreachable() {
    let mut plan = key_plan(KEY40);
    plan.target.options.proxy = Some("http://proxy.acme.local:3128".into());
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::Proxy {
                detail: "proxy unreachable: connection refused".into(),
            },
        ),
    );
    assert_eq!(find(&h, HintId::NetProxy).title, "The proxy could not be used");
}

#[test]
fn network_unreachable_off_vpn() {
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::Unreachable {
                addr: "52.1.2.3:443".into(),
                reason: "the network is unreachable".into(),
                detail: "Network is unreachable".into(),
            },
        ),
    );
    assert_eq!(first(&h), HintId::NetUnreachable);
}

// ---------------------------------------------------------------------------------------------
// TLS

fn with_cert(mut t: Transcript, c: CertificateInfo) -> Transcript {
    if let Some(ci) = t.connect.as_mut() {
        ci.certificates = vec![c];
    }
    t
}

#[test]
fn corporate_tls_inspection_by_zscaler() {
    // docs/control-room-api.md §7.18/19: corporate TLS inspection re-signs certificates.
    let plan = key_plan(KEY40);
    let t = with_cert(
        failed_at(
            &plan,
            StepName::Connect,
            tls_err(TlsFailure::Untrusted, "invalid peer certificate: UnknownIssuer"),
        ),
        CertificateInfo {
            subject: "CN=acme.my.automationanywhere.digital".into(),
            issuer: "CN=Zscaler Intermediate Root CA, O=Zscaler Inc.".into(),
            ..Default::default()
        },
    );
    let h = run(&plan, &t);
    let u = find(&h, HintId::TlsUntrusted);
    assert!(u.detail.contains("TLS-inspecting"), "{}", u.detail);
    assert!(u.fix.starts_with("1. Ask"), "CA file first: {}", u.fix);
    assert!(u.evidence.as_deref().unwrap().contains("Zscaler"));
}

#[test]
fn on_prem_self_signed_certificate() {
    // docs/control-room-api.md §7.18 / [D15]: the installer's self-signed option.
    let plan = Plan {
        target: Target {
            url: "https://cr.acme.local".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let t = with_cert(
        failed_at(
            &plan,
            StepName::Connect,
            tls_err(TlsFailure::Untrusted, "UnknownIssuer"),
        ),
        CertificateInfo {
            subject: "CN=cr.acme.local".into(),
            issuer: "CN=cr.acme.local".into(),
            self_signed: true,
            ..Default::default()
        },
    );
    let h = run(&plan, &t);
    assert!(find(&h, HintId::TlsUntrusted).detail.contains("self-signed"));
}

#[test]
fn certificate_expired_three_days_ago() {
    let plan = key_plan(KEY40);
    let t = with_cert(
        failed_at(
            &plan,
            StepName::Connect,
            tls_err(TlsFailure::Expired, "certificate expired"),
        ),
        CertificateInfo {
            subject: "CN=acme.my.automationanywhere.digital".into(),
            issuer: "CN=R11, O=Let's Encrypt".into(),
            not_before: Some("2026-08-26T00:00:00Z".into()),
            not_after: Some("2026-11-24T14:00:00Z".into()),
            ..Default::default()
        },
    );
    let h = run(&plan, &t);
    let e = find(&h, HintId::TlsExpired);
    assert!(e.title.contains("expired 3 days ago"), "{}", e.title);
    assert!(e.detail.contains("Let's Encrypt"));
}

#[test]
fn certificate_not_yet_valid_because_the_clock_is_wrong() {
    let plan = key_plan(KEY40);
    let t = with_cert(
        failed_at(&plan, StepName::Connect, tls_err(TlsFailure::Expired, "not valid yet")),
        CertificateInfo {
            not_before: Some("Dec  2 00:00:00 2026 GMT".into()),
            not_after: Some("Mar  2 00:00:00 2027 GMT".into()),
            ..Default::default()
        },
    );
    let h = run(&plan, &t);
    assert!(find(&h, HintId::TlsExpired).title.contains("not valid yet"));
}

#[test]
fn certificate_for_another_name_when_using_the_ip() {
    let plan = Plan {
        target: Target {
            url: "https://10.0.0.5".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let mut t = failed_at(
        &plan,
        StepName::Connect,
        tls_err(TlsFailure::NameMismatch, "NotValidForName"),
    );
    t.connect = Some(ConnectInfo {
        host: "10.0.0.5".into(),
        port: 443,
        certificates: vec![CertificateInfo {
            subject: "CN=cr.acme.local".into(),
            sans: vec!["cr.acme.local".into()],
            ..Default::default()
        }],
        ..Default::default()
    });
    let h = run(&plan, &t);
    let n = find(&h, HintId::TlsNameMismatch);
    assert!(n.detail.contains("IP addresses"));
    assert!(n.fix.contains("https://cr.acme.local"));
}

#[test]
fn plain_http_server_on_the_https_port() {
    let plan = Plan {
        target: Target {
            url: "https://cr.acme.local:80".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(
        &plan,
        &failed_at(
            &plan,
            StepName::Connect,
            StepError::Protocol {
                detail: "received corrupt message of type InvalidContentType".into(),
            },
        ),
    );
    let t = find(&h, HintId::TlsHandshake);
    assert!(t.detail.contains("plain http"), "{}", t.detail);
}

// ---------------------------------------------------------------------------------------------
// HTTP answers that are not the API

#[test]
fn firewall_block_page_instead_of_the_api() {
    // forum resolution: "It was probably an issue with our firewall".
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, resp(403, "text/html", ZSCALER_PAGE)));
    assert_eq!(first(&h), HintId::HttpBlocked);
    let b = find(&h, HintId::HttpBlocked);
    assert!(b.fix.contains(&format!("allow HTTPS to `{HOST}`")), "{}", b.fix);
    assert!(b.evidence.as_deref().unwrap().contains("Website blocked"));
    assert!(
        !ids(&h).contains(&HintId::AuthForbidden),
        "a proxy's 403 is not the Control Room's"
    );
    assert!(
        !ids(&h).contains(&HintId::AuthRetryWarning),
        "the credentials were never checked"
    );
}

#[test]
fn access_denied_page_from_a_web_gateway_with_status_200() {
    let plan = key_plan(KEY40);
    let page = "<html><head><title>Access Denied</title></head><body>Your request was blocked by the web security policy (Forcepoint).</body></html>";
    let h = run(&plan, &login_failed(&plan, resp(200, "text/html", page)));
    assert_eq!(first(&h), HintId::HttpBlocked);
}

#[test]
fn plain_403_without_the_control_room_error_shape() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, resp(403, "text/plain", "Forbidden")));
    assert_eq!(first(&h), HintId::HttpBlocked);
}

#[test]
fn web_interface_answered_instead_of_the_api() {
    // docs/control-room-api.md §7.16: the base URL pointed at the web UI; the POST got the HTML app.
    let plan = Plan {
        target: Target {
            url: format!("{URL}/#/home"),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(
        &plan,
        &login_failed(&plan, resp(200, "text/html; charset=utf-8", WEB_UI)),
    );
    assert_eq!(first(&h), HintId::HttpNotApi);
    let n = find(&h, HintId::HttpNotApi);
    assert!(n.title.contains("web page"));
    assert!(n.detail.contains("Automation 360"));
    assert!(
        !ids(&h).contains(&HintId::HttpBlocked),
        "the web UI is not a block page"
    );
}

#[test]
fn nothing_at_v2_authentication() {
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &login_failed(
            &plan,
            resp(404, "text/html", "<html><title>404 Not Found</title></html>"),
        ),
    );
    assert_eq!(first(&h), HintId::HttpNotFound);
}

#[test]
fn method_not_allowed() {
    // docs/control-room-api.md §7.17: a redirected POST becomes GET → 405.
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &login_failed(&plan, with_header(resp(405, "", ""), "allow", "GET, HEAD")),
    );
    let m = find(&h, HintId::HttpMethod);
    assert!(m.evidence.as_deref().unwrap().contains("Allow: GET, HEAD"));
}

#[test]
fn login_redirected_to_single_sign_on() {
    // docs/control-room-api.md §7.15 / [D1]: SSO users use an API key.
    let plan = password_plan(PASSWORD);
    let r = with_header(
        resp(302, "", ""),
        "location",
        "https://login.microsoftonline.com/common/saml2?SAMLRequest=x",
    );
    let h = run(&plan, &login_failed(&plan, r));
    let red = find(&h, HintId::HttpRedirect);
    assert!(red.title.contains("single sign-on"));
    assert!(red.fix.contains("API key"));
}

#[test]
fn login_redirected_to_another_host() {
    let plan = key_plan(KEY40);
    let r = with_header(
        resp(307, "", ""),
        "location",
        "https://newcr.acme.com/v2/authentication",
    );
    let h = run(&plan, &login_failed(&plan, r));
    let red = find(&h, HintId::HttpRedirect);
    assert!(red.fix.contains("https://newcr.acme.com"));
}

#[test]
fn too_many_requests() {
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &login_failed(&plan, with_header(resp(429, "", ""), "Retry-After", "120")),
    );
    let r = find(&h, HintId::HttpRateLimited);
    assert!(r.fix.contains("120 seconds"));
}

#[test]
fn gateway_answers_502() {
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &login_failed(
            &plan,
            resp(
                502,
                "text/html",
                "<html><title>502 Bad Gateway</title><body>nginx</body></html>",
            ),
        ),
    );
    assert_eq!(first(&h), HintId::HttpServerError);
    assert!(
        find(&h, HintId::HttpServerError)
            .detail
            .contains("not caused by your credentials")
    );
}

// ---------------------------------------------------------------------------------------------
// The Control Room's verdict

#[test]
fn um1110_with_an_api_key_from_the_forum() {
    // forum: UM1110 verbatim, with a key login; the message mentions a password.
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    assert_eq!(ids(&h), vec![HintId::AuthBadCredentials, HintId::AuthRetryWarning]);
    let b = find(&h, HintId::AuthBadCredentials);
    assert!(b.title.contains("svc_api") && b.title.contains("API key"));
    assert!(
        b.detail.contains("(1) the key was generated by another user"),
        "{}",
        b.detail
    );
    assert!(
        b.detail
            .contains("talks about a password even though an API key was sent")
    );
    assert!(b.fix.contains("*My settings > Generate API-Key*"));
    assert!(b.evidence.as_deref().unwrap().contains("UM1110"));
    assert!(
        b.evidence
            .as_deref()
            .unwrap()
            .contains("Either your username or your password is incorrect")
    );
    let r = find(&h, HintId::AuthRetryWarning);
    assert!(r.detail.contains("three failed logins"));
}

#[test]
fn um1110_with_a_password() {
    // docs/control-room-api.md §7.15: SSO users have no Control Room password.
    let plan = password_plan(PASSWORD);
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    let b = find(&h, HintId::AuthBadCredentials);
    assert!(b.detail.contains("(1) the password is wrong"), "{}", b.detail);
    assert!(b.detail.contains("single sign-on"));
    assert!(b.detail.contains("Caps Lock"));
    assert!(!b.detail.contains("talks about a password even though"));
    assert!(ids(&h).contains(&HintId::AuthRetryWarning));
}

#[test]
fn empty_401_is_still_a_rejection() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, resp(401, "", "")));
    assert_eq!(first(&h), HintId::AuthBadCredentials);
}

#[test]
fn generic_server_exception_from_the_forum() {
    // forum: `{"code": "generic.server.exception", ...}` on /v2/authentication; resolved as "our firewall".
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, json(500, GENERIC)));
    assert_eq!(first(&h), HintId::AuthServerException);
    let s = find(&h, HintId::AuthServerException);
    assert!(s.detail.contains("well-formed"));
    assert!(s.detail.contains("firewall"));
    assert!(s.detail.contains("v2"));
    assert!(
        s.evidence
            .as_deref()
            .unwrap()
            .contains(r#""apiKey":"<redacted: 40 chars>""#),
        "{:?}",
        s.evidence
    );
    assert!(
        !ids(&h).contains(&HintId::HttpServerError),
        "it is the Control Room's own body"
    );
}

#[test]
fn control_room_refuses_api_use_with_403() {
    let plan = key_plan(KEY40);
    let body = r#"{"code":"UM1150","details":null,"message":"You are not authorized to perform this action"}"#;
    let h = run(&plan, &login_failed(&plan, json(403, body)));
    assert_eq!(first(&h), HintId::AuthForbidden);
    assert!(find(&h, HintId::AuthForbidden).fix.contains("*Administration > Roles*"));
}

#[test]
fn account_disabled_after_three_failed_logins() {
    // docs/control-room-api.md §7.14 / [F5]: 3 failures → "Disabled".
    let plan = key_plan(KEY40);
    let body =
        r#"{"code":"UM1111","details":null,"message":"User is disabled. Contact your Control Room administrator."}"#;
    let h = run(&plan, &login_failed(&plan, json(401, body)));
    assert_eq!(first(&h), HintId::AuthDisabled);
    assert!(!ids(&h).contains(&HintId::AuthBadCredentials));
    assert!(find(&h, HintId::AuthRetryWarning).detail.contains("already disabled"));
}

#[test]
fn caps_lock_in_um1110_details_is_not_a_locked_account() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    assert!(!ids(&h).contains(&HintId::AuthDisabled));
}

#[test]
fn login_answered_200_without_a_token() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, json(200, r#"{"user":{"id":1}}"#)));
    assert_eq!(first(&h), HintId::AuthNoToken);
    assert!(find(&h, HintId::AuthNoToken).detail.contains("`user`"));
}

#[test]
fn community_edition_host() {
    // docs/control-room-api.md §6.2 / [D2]: "API functionality is limited" on community*.…automationanywhere.digital.
    let plan = Plan {
        target: Target {
            url: "https://community2.cloud-2.automationanywhere.digital".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    let h = run(&plan, &healthy(&plan));
    assert_eq!(find(&h, HintId::AuthCommunityEdition).severity, Severity::Info);
    let h = run(
        &plan,
        &login_failed(&plan, json(403, r#"{"code":"X1","message":"Not licensed"}"#)),
    );
    assert_eq!(find(&h, HintId::AuthCommunityEdition).severity, Severity::Warning);
    assert!(find(&h, HintId::AuthForbidden).detail.contains("Community Edition"));
    let other = Plan {
        target: Target {
            url: "https://communityx.my.automationanywhere.digital".into(),
            ..key_plan(KEY40).target
        },
        ..key_plan(KEY40)
    };
    assert!(!ids(&run(&other, &healthy(&other))).contains(&HintId::AuthCommunityEdition));
}

// ---------------------------------------------------------------------------------------------
// Token, validate, logout

#[test]
fn valid_false_right_after_a_password_login() {
    // docs/control-room-api.md §7.13 / [F3]: a new login for a non-multi-login user voids the old token.
    let plan = password_plan(PASSWORD);
    let h = run(
        &plan,
        &validate_answered(&plan, json(200, r#"{"valid": false}"#), Some(false)),
    );
    assert_eq!(first(&h), HintId::TokenInvalid);
    let i = find(&h, HintId::TokenInvalid);
    assert!(i.detail.contains("(1) another login of `jdoe`"), "{}", i.detail);
    assert!(i.detail.contains("load balancer"));
    assert_eq!(find(&h, HintId::AuthSessionReplaced).severity, Severity::Warning);
}

#[test]
fn valid_false_with_load_balancer_cookie() {
    let plan = key_plan(KEY40);
    let mut t = validate_answered(
        &plan,
        with_header(json(200, r#"{"valid": false}"#), "Set-Cookie", "AWSALB=abc; Path=/"),
        Some(false),
    );
    t.outcome = Outcome::Rejected;
    let h = run(&plan, &t);
    let i = find(&h, HintId::TokenInvalid);
    assert!(
        i.detail.contains("(1) the Control Room runs on several servers"),
        "{}",
        i.detail
    );
    assert!(i.detail.contains("awsalb"), "{}", i.detail);
}

#[test]
fn valid_false_because_the_clock_is_an_hour_off() {
    let plan = key_plan(KEY40);
    let mut t = validate_answered(&plan, json(200, r#"{"valid": false}"#), Some(false));
    // The token says issued an hour ago by this computer's clock.
    t.token = Some(TokenInfo {
        is_jwt: true,
        length: 300,
        iat: Some(NOW - 3600),
        exp: Some(NOW - 2400),
        ..Default::default()
    });
    set(&mut t, StepName::Authenticate, |s| {
        if let Some(r) = s.response.as_mut() {
            r.headers.push(("Date".into(), "Fri, 27 Nov 2026 13:00:05 GMT".into()));
        }
    });
    let h = run(&plan, &t);
    assert_eq!(ids(&h)[..2], [HintId::TokenClockSkew, HintId::TokenInvalid]);
    let c = find(&h, HintId::TokenClockSkew);
    assert!(
        c.title.contains("1 hour") || c.title.contains("60 minutes"),
        "{}",
        c.title
    );
    assert!(
        c.detail.contains("this computer's clock is the one that is off"),
        "{}",
        c.detail
    );
    assert!(c.detail.contains("already expired"));
    assert!(find(&h, HintId::TokenInvalid).fix.starts_with("1. Fix the clock"));
}

#[test]
fn clock_skew_on_a_healthy_check_is_a_warning() {
    let plan = key_plan(KEY40);
    let mut t = healthy(&plan);
    t.token_received_at = Some(NOW + 600);
    let h = run(&plan, &t);
    assert_eq!(find(&h, HintId::TokenClockSkew).severity, Severity::Warning);
}

#[test]
fn small_clock_difference_is_ignored() {
    let plan = key_plan(KEY40);
    let mut t = healthy(&plan);
    t.token_received_at = Some(NOW + 299);
    assert!(!ids(&run(&plan, &t)).contains(&HintId::TokenClockSkew));
}

#[test]
fn um1117_although_the_header_was_sent() {
    // [F2] verbatim UM1117; we did send X-Authorization, so something in between stripped it.
    let plan = key_plan(KEY40);
    let h = run(&plan, &validate_answered(&plan, json(401, UM1117), None));
    assert_eq!(first(&h), HintId::TokenHeaderMissing);
    let m = find(&h, HintId::TokenHeaderMissing);
    assert!(m.detail.contains("removed the header"));
    assert!(m.evidence.as_deref().unwrap().contains("X-Authorization was sent"));
    assert!(!ids(&h).contains(&HintId::TokenInvalid));
}

#[test]
fn validate_answered_by_a_block_page() {
    let plan = key_plan(KEY40);
    let h = run(
        &plan,
        &validate_answered(&plan, resp(403, "text/html", ZSCALER_PAGE), None),
    );
    assert_eq!(first(&h), HintId::HttpBlocked);
    assert_eq!(find(&h, HintId::HttpBlocked).step, Some(StepName::Validate));
}

#[test]
fn token_that_is_not_a_jwt() {
    let plan = key_plan(KEY40);
    let mut t = healthy(&plan);
    t.token = Some(TokenInfo {
        is_jwt: false,
        length: 36,
        ..Default::default()
    });
    let h = run(&plan, &t);
    assert_eq!(find(&h, HintId::TokenNotJwt).severity, Severity::Warning);
    assert!(!ids(&h).contains(&HintId::TokenExpiry));
}

/// The login answered a token too long to be sent back: the engine did not send the validate call.
fn token_too_long(plan: &Plan) -> Transcript {
    let mut t = logged_in(plan, NOW, NOW + 1200, NOW);
    if let Some(tok) = t.token.as_mut() {
        tok.is_jwt = false;
        tok.length = 71_680;
    }
    set(&mut t, StepName::Validate, |s| {
        s.status = StepStatus::Failed;
        s.error = Some(StepError::Answer {
            detail: "the token the login returned is 71680 characters long, too long to be sent back for validation"
                .into(),
        });
    });
    set(&mut t, StepName::Logout, |s| s.status = StepStatus::Skipped);
    t.outcome = Outcome::Unreachable;
    t
}

#[test]
fn token_too_long_for_a_url_has_its_own_words() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &token_too_long(&plan));
    assert_eq!(first(&h), HintId::TokenTooLong, "{:?}", ids(&h));
    let top = find(&h, HintId::TokenTooLong);
    assert_eq!(top.step, Some(StepName::Validate));
    assert!(top.detail.contains("71680 characters"), "{}", top.detail);
    assert!(!ids(&h).contains(&HintId::CheckUnexplained));
    // Not without the unsent validate call: a token validated normally is not "too long".
    let h = run(&plan, &healthy(&plan));
    assert!(!ids(&h).contains(&HintId::TokenTooLong));
    let v = crate::verdict::verdict(Outcome::Unreachable, &run(&plan, &token_too_long(&plan)));
    assert_eq!(v.kind, crate::verdict::VerdictKind::Incomplete);
    assert_eq!(v.headline, "The token that came back is too long to be used");
}

#[test]
fn logout_not_answering_204() {
    let plan = key_plan(KEY40);
    let mut t = healthy(&plan);
    set(&mut t, StepName::Logout, |s| {
        s.status = StepStatus::Failed;
        s.response = Some(json(401, UM1117));
    });
    let h = run(&plan, &t);
    assert!(h.iter().all(|h| h.severity != Severity::Error), "{:?}", ids(&h));
    assert!(find(&h, HintId::LogoutFailed).detail.contains("X-Authorization"));
    assert_eq!(find(&h, HintId::TokenHeaderMissing).step, Some(StepName::Logout));
}

#[test]
fn logout_timed_out() {
    let plan = key_plan(KEY40);
    let mut t = healthy(&plan);
    set(&mut t, StepName::Logout, |s| {
        s.status = StepStatus::Failed;
        s.response = None;
        s.error = Some(StepError::Timeout {
            phase: "logout".into(),
            secs: 15.0,
        });
    });
    let h = run(&plan, &t);
    assert!(
        !ids(&h).contains(&HintId::NetTimeout),
        "logout problems are only logout.failed"
    );
    assert!(
        find(&h, HintId::LogoutFailed)
            .evidence
            .as_deref()
            .unwrap()
            .contains("15")
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness: never a panic, never a secret

#[test]
fn cancelled_check_is_not_an_error() {
    let plan = key_plan(KEY40);
    let mut t = failed_at(&plan, StepName::Connect, StepError::Cancelled);
    t.outcome = Outcome::Cancelled;
    let h = run(&plan, &t);
    assert_eq!(ids(&h), vec![HintId::CheckCancelled]);
}

#[test]
fn unknown_failure_still_gets_an_error_hint() {
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, json(418, r#"{"teapot":true}"#)));
    assert_eq!(h[0].severity, Severity::Error, "{:?}", ids(&h));
}

#[test]
fn secret_echoed_by_a_server_is_redacted() {
    let plan = key_plan(KEY40);
    let body = format!(
        r#"{{"code":"UM1110","message":"bad key {}","details":"token eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl"}}"#,
        KEY40.replace('\\', "\\\\")
    );
    let h = run(&plan, &login_failed(&plan, json(401, &body)));
    for x in &h {
        assert!(!text(x).contains("1RAD[SWl"), "{}", text(x));
    }
}

#[test]
fn hostile_answers_do_not_panic() {
    let plan = key_plan(KEY40);
    let weird = [
        resp(0, "", ""),
        resp(999, "x/y", "\u{0}\u{fffd}"),
        resp(200, "text/html", &"<".repeat(100_000)),
        resp(200, "text/html", "<title>"),
        resp(200, "text/html", "<title></title"),
        resp(200, "", "<html><script>never closed"),
        resp(
            401,
            "application/json",
            r#"{"code":12,"message":[1,2],"details":{"a":1}}"#,
        ),
        resp(401, "application/json", "[]"),
        resp(302, "", ""),
        with_header(resp(302, "", ""), "location", "://@@[::"),
        with_header(resp(302, "", ""), "location", "https://[::1"),
        with_header(resp(429, "", ""), "retry-after", "-1"),
        resp(
            500,
            "application/json",
            r#"{"status":500,"error":"Internal","path":"/v2/authentication"}"#,
        ),
        resp(200, "application/json", "\"just a string\""),
        resp(503, "", &"é".repeat(300)),
    ];
    for r in weird {
        for step in [StepName::Authenticate, StepName::Validate, StepName::Logout] {
            let mut t = healthy(&plan);
            set(&mut t, step, |s| {
                s.status = StepStatus::Failed;
                s.response = Some(r.clone());
            });
            let _ = run(&plan, &t);
        }
        let _ = run(&plan, &login_failed(&plan, r.clone()));
    }
    // Odd plans and transcripts.
    let mut t = blank(&plan);
    t.steps.clear();
    let _ = run(&plan, &t);
    let mut t = healthy(&plan);
    t.token = Some(TokenInfo {
        iat: Some(i64::MIN),
        exp: Some(i64::MAX),
        is_jwt: true,
        ..Default::default()
    });
    t.token_received_at = Some(i64::MAX);
    let _ = run(&plan, &t);
    let odd = Plan {
        target: Target {
            url: "\u{202e}https://x\u{0}".into(),
            username: "\\\\\\".into(),
            ..key_plan("\u{201c}\n").target
        },
        ..key_plan("\u{201c}\n")
    };
    let _ = run(&odd, &blank(&odd));
    let mut t = failed_at(
        &plan,
        StepName::Connect,
        StepError::Timeout {
            phase: "".into(),
            secs: f64::NAN,
        },
    );
    let _ = run(&plan, &t);
    t.connect = Some(ConnectInfo {
        certificates: vec![CertificateInfo {
            not_after: Some("99999-99-99".into()),
            not_before: Some("Feb 30 25:61:61 2026".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    set(&mut t, StepName::Connect, |s| {
        s.error = Some(tls_err(TlsFailure::Expired, ""))
    });
    let _ = run(&plan, &t);
}

/// A value of the same shape as `secret` (length, punctuation, spaces, a JWT's header and claims)
/// with every letter and digit replaced at random: the facts the hints use stay, the value is new.
fn look_alike(secret: &str, seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = |n: u8| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % u64::from(n)) as u8
    };
    // In a JWT only the signature changes, so it still decodes as one.
    let keep = if secret.starts_with("eyJ") {
        secret.rfind('.').map_or(0, |i| i + 1)
    } else {
        0
    };
    secret
        .char_indices()
        .map(|(i, c)| match c {
            _ if i < keep => c,
            'a'..='z' => (b'a' + next(26)) as char,
            'A'..='Z' => (b'A' + next(26)) as char,
            '0'..='9' => (b'0' + next(10)) as char,
            _ => c,
        })
        .collect()
}

/// Every form in which `secret` could show in a text: as typed, trimmed, JSON-escaped, and
/// URL-encoded both ways (`+` and `%20` for a space).
fn secret_forms(secret: &str) -> Vec<String> {
    let json = |v: &str| serde_json::to_string(v).unwrap().trim_matches('"').to_string();
    let form = |v: &str| ::url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let mut forms = Vec::new();
    for v in [secret, secret.trim()] {
        forms.extend([v.to_string(), json(v), form(v), form(v).replace('+', "%20")]);
    }
    forms.retain(|f| f.trim().len() >= 3);
    forms.sort();
    forms.dedup();
    forms
}

/// A hostile server and network that echo `secret` wherever a hint quotes evidence: the Control
/// Room's error details, the text of other answers, redirect targets, error details and the
/// certificate. (What the check sends is recorded with a marker already, so only echoes carry it.)
fn echo_secret(t: &mut Transcript, secret: &str) {
    let encoded: String = ::url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    for s in &mut t.steps {
        if let Some(r) = &mut s.response {
            let body = match serde_json::from_str::<serde_json::Value>(&r.body) {
                Ok(serde_json::Value::Object(mut o)) if o.contains_key("code") || o.contains_key("message") => {
                    let old = o.get("details").and_then(|d| d.as_str()).unwrap_or("").to_string();
                    o.insert("details".into(), format!("{secret} {old}").into());
                    serde_json::Value::Object(o).to_string()
                }
                Ok(_) => r.body.clone(),
                Err(_) if r.body.contains("<title>") => r.body.replacen("<title>", &format!("<title>{secret} "), 1),
                Err(_) if !r.body.trim().is_empty() && !r.looks_like_html() => format!("{secret} {}", r.body),
                Err(_) => r.body.clone(),
            };
            r.body = body;
            for (k, v) in &mut r.headers {
                if k.eq_ignore_ascii_case("location") {
                    let sep = if v.contains('?') { '&' } else { '?' };
                    *v = format!("{v}{sep}next={encoded}");
                }
            }
        }
        if let Some(
            StepError::Dns { detail, .. }
            | StepError::Reset { detail, .. }
            | StepError::Tls { detail, .. }
            | StepError::Proxy { detail }
            | StepError::Protocol { detail }
            | StepError::Network { detail, .. }
            | StepError::Unreachable { detail, .. }
            | StepError::CaFile { detail }
            | StepError::Answer { detail },
        ) = &mut s.error
        {
            *detail = format!("{secret} {detail}");
        }
        // The words a hint may quote, too.
        if let Some(
            StepError::Tls { reason, .. } | StepError::Unreachable { reason, .. } | StepError::Network { reason, .. },
        ) = &mut s.error
        {
            *reason = format!("{secret} {reason}");
        }
    }
    if let Some(c) = &mut t.connect {
        if let Some(e) = &mut c.trust_error {
            *e = format!("{secret} {e}");
        }
        for cert in &mut c.certificates {
            cert.subject = format!("CN={secret}, {}", cert.subject);
        }
    }
}

#[test]
fn no_secret_in_any_hint_of_any_case() {
    let mut echoed = 0;
    for (n, (id, mut plan, mut t)) in cases().into_iter().enumerate() {
        let old = plan.secret.expose().to_string();
        if old.trim().is_empty() {
            continue; // nothing to hide
        }
        let new = look_alike(&old, n as u64 + 1);
        assert_ne!(new, old, "{id}: the secret must change");
        assert_eq!(
            new.chars().count(),
            old.chars().count(),
            "{id}: same length, same facts"
        );
        plan.secret = Secret::new(new.clone());
        echo_secret(&mut t, &new);
        let h = run(&plan, &t);
        // Still the same situation: the hint of the case, now with evidence that repeats the secret.
        assert!(
            ids(&h).contains(&id),
            "{id} no longer produced with the echoed secret: {:?}",
            ids(&h)
        );
        for x in &h {
            let all = text(x);
            for form in secret_forms(&new) {
                assert!(!all.contains(&form), "{} repeats the secret as {form:?}: {all}", x.id);
            }
            echoed += usize::from(all.contains("<redacted"));
        }
    }
    // The echo reached the texts (and was redacted there) in many cases, not in none.
    assert!(echoed >= 20, "the secret reached only {echoed} hint texts");
    // A key that is also a token: only the marker may appear.
    let tok = jwt(NOW, NOW + 1200);
    let plan = key_plan(&tok);
    let h = run(
        &plan,
        &failed_at(&plan, StepName::Preflight, StepError::Input { reason: "token".into() }),
    );
    for x in &h {
        assert!(!text(x).contains(&tok[..40]), "{}", text(x));
    }
}

// ---------------------------------------------------------------------------------------------
// The catalogue in docs/hints.md: generated from `HintId` and the texts of the case table, and read
// back to check it against the enum in both directions.

const HINTS_MD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/hints.md");

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// docs/hints.md as it must be: one row per id in catalogue order, with the severities it may have,
/// its situation, and the title its case in [`cases`] produces.
fn render_catalogue() -> String {
    let cases = cases();
    let mut rows = String::new();
    for id in HintId::ALL {
        let title = match crate::paste::catalogue_example(*id) {
            Some(title) => title,
            None => {
                let (_, plan, t) = cases
                    .iter()
                    .find(|(i, _, _)| i == id)
                    .unwrap_or_else(|| panic!("no case for {id}"));
                find(&run(plan, t), *id).title.clone()
            }
        };
        let severities: Vec<&str> = id.severities().iter().map(|s| s.as_str()).collect();
        let exits: Vec<String> = id.exit_codes().iter().map(|c| c.to_string()).collect();
        rows.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            id.as_str(),
            severities.join(", "),
            if exits.is_empty() {
                "—".to_string()
            } else {
                exits.join(", ")
            },
            md_cell(id.situation()),
            md_cell(&title)
        ));
    }
    format!(
        "# Hint catalogue\n\
         \n\
         <!-- Generated from `HintId` (src/diagnose/id.rs) and the hint texts by the test \
         `diagnose::tests::catalogue_in_docs_is_generated_from_the_enum`; do not edit by hand. \
         Regenerate with `UPDATE_DOCS=1 cargo test --lib catalogue_in_docs`. -->\n\
         \n\
         Every hint has a stable **id**: a contract, written in the JSON report (`hints[].id`), at the end of \
         each hint in the CLI text, and in the profiles' history. The texts (title, why, fix) are ours to \
         improve; an id is never renamed or reused. The order below is the declaration order of `HintId`, \
         which also breaks ties when hints are ranked (errors first, then the strongest evidence).\n\
         \n\
         - **severity**: the severities the hint can have (the tests check every hint they see against \
         this list); where there are several, the evidence decides (see `docs/architecture.md`).\n\
         - **exit**: the exit codes of `check` when the hint is the most likely cause of a failed check, by \
         who answered (`docs/cli.md`): `1` only when the Control Room itself answered (its own error body, or \
         a token it then refused), `2` when nothing or something else answered (a gateway, a proxy, a block or \
         maintenance page), `3` for unusable input, `130` when cancelled; `—` for hints that never explain a \
         failure on their own. `tests/it/hints_real.rs` checks every real run against this column.\n\
         - **example title**: the title the hint has in its case of `src/diagnose/tests.rs` (titles name \
         the host, the key length, the time span… of the check at hand); for `request.*`, in its example paste \
         of `src/paste/examples.rs` (those come only from explaining a paste: `aa-conntest explain`, the \
         window's paste box).\n\
         - How a hint is written: `docs/hint-style.md`. How each id is provoked for real: \
         `tests/it/hints_real.rs`.\n\
         \n\
         | id | severity | exit | situation | example title |\n\
         |---|---|---|---|---|\n\
         {rows}\n\
         {} ids.\n",
        HintId::ALL.len()
    )
}

/// The ids of the table rows of a catalogue in Markdown, in file order.
fn catalogue_rows(md: &str) -> Vec<String> {
    md.lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_string))
        .collect()
}

#[test]
fn catalogue_in_docs_is_generated_from_the_enum() {
    let want = render_catalogue();
    let have = std::fs::read_to_string(HINTS_MD).unwrap_or_default();
    if have == want {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(HINTS_MD, &want).expect("write docs/hints.md");
        return;
    }
    panic!(
        "docs/hints.md is missing or out of date; regenerate it with \
         `UPDATE_DOCS=1 cargo test --lib catalogue_in_docs`. It should read:\n{want}"
    );
}

#[test]
fn catalogue_in_docs_lists_every_id_both_ways() {
    let md = std::fs::read_to_string(HINTS_MD).unwrap_or_else(|e| panic!("{HINTS_MD}: {e}"));
    let rows = catalogue_rows(&md);
    assert!(!rows.is_empty(), "docs/hints.md has no catalogue rows");
    // docs -> enum: every row is an id the code has, once.
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        assert!(
            HintId::from_id(r).is_some(),
            "docs/hints.md lists `{r}`, which is not a HintId"
        );
        assert!(seen.insert(r.as_str()), "docs/hints.md lists `{r}` twice");
    }
    // enum -> docs: every id has its row, in catalogue order.
    for id in HintId::ALL {
        assert!(
            rows.iter().any(|r| id == r.as_str()),
            "docs/hints.md has no row for `{id}`"
        );
    }
    let order: Vec<&str> = HintId::ALL.iter().map(|i| i.as_str()).collect();
    assert_eq!(rows, order, "docs/hints.md lists the ids in another order than HintId");
}

#[test]
fn catalogue_rows_are_read_as_written() {
    // The reader above must not pass an empty or foreign table.
    assert!(catalogue_rows("# Hint catalogue\n\n| id | severity |\n|---|---|\n").is_empty());
    assert_eq!(
        catalogue_rows("| `url.missing` | error | x | y |\n| `no.such` | info | x | y |\n"),
        vec!["url.missing", "no.such"]
    );
    assert_eq!(catalogue_rows(&render_catalogue()).len(), HintId::ALL.len());
}

// ---------------------------------------------------------------------------------------------
// Field truth (issue 12)

#[test]
fn ip_allow_list_is_a_cause_only_for_a_well_formed_key() {
    // A right-looking key refused: the allow-list is among the causes.
    let plan = key_plan(KEY40);
    let h = run(&plan, &login_failed(&plan, json(401, UM1110)));
    let b = find(&h, HintId::AuthBadCredentials);
    assert!(b.detail.contains("allow-list"), "{}", b.detail);
    // A 39-character key explains itself: no allow-list talk.
    let short = key_plan(&KEY40[..KEY40.len() - 1]);
    let h = run(&short, &login_failed(&short, json(401, UM1110)));
    assert!(!find(&h, HintId::AuthBadCredentials).detail.contains("allow-list"));
    // Nor for a password.
    let p = password_plan(PASSWORD);
    let h = run(&p, &login_failed(&p, json(401, UM1110)));
    assert!(!find(&h, HintId::AuthBadCredentials).detail.contains("allow-list"));
}

#[test]
fn first_sign_in_not_finished_from_the_login_answers_flags() {
    let p = password_plan(PASSWORD);
    let mut t = healthy(&p);
    if let Some(a) = t.account.as_mut() {
        a.password_set = Some(false);
        a.questions_set = Some(false);
    }
    let h = run(&p, &t);
    let f = find(&h, HintId::AuthFirstLogin);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.evidence.as_deref().unwrap_or("").contains("passwordSet: false"));
    // An API-key service account has no password at all: not a first sign-in.
    let k = key_plan(KEY40);
    let mut t = healthy(&k);
    if let Some(a) = t.account.as_mut() {
        a.password_set = Some(false);
    }
    assert!(!ids(&run(&k, &t)).contains(&HintId::AuthFirstLogin));
    // Refused with the Control Room's words: an error, before bad credentials.
    let h = run(&p, &login_failed(&p, json(401, FIRST_LOGIN)));
    assert_eq!(first(&h), HintId::AuthFirstLogin);
    assert!(!ids(&h).contains(&HintId::AuthBadCredentials), "{:?}", ids(&h));
}

#[test]
fn licence_in_fail_safe_read_or_only_suspected() {
    let k = key_plan(KEY40);
    let h = run(&k, &license_fail_safe(&k, true));
    let l = find(&h, HintId::AuthLicenseFailSafe);
    assert_eq!((l.severity, first(&h)), (Severity::Error, HintId::AuthLicenseFailSafe));
    // Not read (the account may not view licences): a warning that says who can look.
    let h = run(&k, &license_fail_safe(&k, false));
    let l = find(&h, HintId::AuthLicenseFailSafe);
    assert_eq!(l.severity, Severity::Warning);
    assert!(l.fix.contains("Administration > Licenses"), "{}", l.fix);
}

#[test]
fn a_password_in_the_address_never_reaches_a_hint() {
    let mut plan = key_plan(KEY40);
    plan.target.url = "https://svc_api:S3cr3t-In-Url@cr example.com".into();
    let t = failed_at(
        &plan,
        StepName::Preflight,
        StepError::Input {
            reason: "bad URL".into(),
        },
    );
    let h = run(&plan, &t);
    assert!(!text_all(&h).contains("S3cr3t"), "{}", text_all(&h));
    let mut plan = key_plan(KEY40);
    plan.target.url = "https://svc_api:S3cr3t-In-Url@acme.my.automationanywhere.digital".into();
    let h = run(&plan, &healthy(&plan));
    assert!(ids(&h).contains(&HintId::UrlCredentials));
    assert!(!text_all(&h).contains("S3cr3t"), "{}", text_all(&h));
}

#[test]
fn proxy_407_on_a_plain_http_login_is_the_proxy() {
    let mut plan = key_plan(KEY40);
    plan.target.url = "http://cr.acme.local".into();
    let h = run(
        &plan,
        &login_failed(
            &plan,
            with_header(
                resp(407, "text/html", "<html>auth</html>"),
                "proxy-authenticate",
                "NTLM",
            ),
        ),
    );
    assert_eq!(first(&h), HintId::NetProxy);
    assert!(!ids(&h).contains(&HintId::HttpNotApi), "{:?}", ids(&h));
}

fn text_all(h: &[Hint]) -> String {
    h.iter().map(text).collect::<Vec<_>>().join("\n")
}
