//! The corrected requests every hint ends with: the same call written right, as a curl line that
//! takes the secret from an environment variable, so the fix can be copied without pasting a
//! secret anywhere.

use super::endpoint::{Endpoint, base_of, endpoint};
use crate::paste::PastedRequest;
use crate::paste::fields;
use crate::plan::AuthMode;
use crate::transcript::RecordedRequest;

/// The corrected login, as curl with `$AA_API_KEY` / `$AA_PASSWORD`.
pub(super) fn corrected_login(base: &str, username: Option<&str>, mode: AuthMode) -> String {
    let body = serde_json::json!({
        "username": username.unwrap_or("YOUR_USERNAME"),
        mode.body_field(): "<redacted: secret>",
    });
    crate::snippets::curl(&RecordedRequest {
        method: "POST".into(),
        url: format!("{base}/v2/authentication"),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: Some(body.to_string()),
    })
}

/// The corrected validate call, as curl with `$AA_TOKEN`.
pub(super) fn corrected_validate(base: &str) -> String {
    crate::snippets::curl(&RecordedRequest {
        method: "GET".into(),
        url: format!("{base}/v1/authentication/token?token=<redacted token>"),
        headers: vec![("X-Authorization".into(), "<redacted token>".into())],
        body: None,
    })
}

/// The same call with the bare token in `X-Authorization` and no `Authorization` header, no
/// token in the body or query.
pub(super) fn corrected_call(r: &PastedRequest, method: &str) -> String {
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| {
            !k.eq_ignore_ascii_case("authorization")
                && !k.eq_ignore_ascii_case("x-authorization")
                && !k.eq_ignore_ascii_case("cookie")
        })
        .cloned()
        .collect();
    headers.push(("X-Authorization".into(), "<redacted token>".into()));
    let url = match endpoint(r) {
        Endpoint::Validate => format!("{}/v1/authentication/token?token=<redacted token>", base_of(&r.url)),
        _ => r.url.split('?').next().unwrap_or("").to_string(),
    };
    let body = r.body.as_ref().and_then(|b| {
        let mut m = fields::json_object(b)?;
        m.retain(|k, _| fields::secret_field(k).is_none());
        (!m.is_empty()).then(|| serde_json::Value::Object(m).to_string())
    });
    crate::snippets::curl(&RecordedRequest {
        method: method.into(),
        url,
        headers,
        body,
    })
}

pub(super) fn with_corrected(fix: &str, curl: &str) -> String {
    format!("{fix}\n\nThe request, corrected (curl; the secret comes from an environment variable):\n{curl}")
}
