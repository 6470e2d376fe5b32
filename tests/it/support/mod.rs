//! Shared test helpers.
#![allow(dead_code)]

pub mod field;
pub mod tls;

use aa_conntest::plan::{AuthMode, CheckOptions, Plan};
use aa_conntest::secret::Secret;
use base64::Engine;

/// A JWT shaped like the Control Room's (RS512 header, 20-minute lifetime).
pub fn jwt_for_tests() -> String {
    let e = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    format!(
        "{}.{}.c2lnbmF0dXJl",
        e(serde_json::json!({"alg": "RS512"})),
        e(serde_json::json!({"sub": "12", "iat": now, "exp": now + 1200, "iss": "AutomationAnywhere"}))
    )
}

pub fn api_key_plan(url: &str, user: &str, key: &str) -> Plan {
    Plan {
        input_url: url.to_string(),
        username: user.to_string(),
        auth: AuthMode::ApiKey,
        secret: Secret::new(key),
        options: CheckOptions {
            timeout_secs: 5.0,
            ..Default::default()
        },
    }
}

pub fn write_temp(contents: &str) -> tempfile::NamedTempFile {
    use std::io::Write;
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(contents.as_bytes()).unwrap();
    f
}
