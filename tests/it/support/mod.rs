//! Shared test helpers.
#![allow(dead_code)]

pub mod field;
pub mod leaky;
pub mod scripted;
pub mod secret_forms;
pub mod tls;

use aa_conntest::plan::{AuthMode, CheckOptions, Plan, Target};
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
    let options = CheckOptions {
        timeout_secs: 5.0,
        ..Default::default()
    };
    Plan::new(Target::new(url, AuthMode::ApiKey, user, options), Secret::new(key))
}

pub fn write_temp(contents: &str) -> tempfile::NamedTempFile {
    use std::io::Write;
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(contents.as_bytes()).unwrap();
    f
}

/// A wall-clock limit for a test on a shared, loaded machine: at least 1 s, multiplied by
/// `AA_CONNTEST_TEST_TIME_SCALE` (e.g. `3` on a slow CI machine). Speed targets (such as "cancel
/// within 200 ms") are measured by `scripts/bench.sh`, not by tests.
pub fn time_limit(wanted: std::time::Duration) -> std::time::Duration {
    let scale: f64 = std::env::var("AA_CONNTEST_TEST_TIME_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s: &f64| s.is_finite() && *s >= 1.0)
        .unwrap_or(1.0);
    wanted.max(std::time::Duration::from_secs(1)).mul_f64(scale)
}
