//! Who the account is and what the token says: from the login answer and the token's claims.

use crate::jwt;
use crate::transcript::{AccountSummary, TokenInfo};
use serde_json::Value;

pub fn token_info(token: &str) -> TokenInfo {
    let decoded = jwt::decode(token);
    TokenInfo {
        is_jwt: decoded.is_some(),
        length: token.chars().count(),
        alg: decoded.as_ref().and_then(|d| d.alg()),
        iat: decoded.as_ref().and_then(|d| d.number("iat")),
        exp: decoded.as_ref().and_then(|d| d.number("exp")),
        claims: decoded.map(|d| strip_sensitive_claims(d.claims)),
    }
}

/// `csrfToken` is a credential of its own (11.x tokens carry it); keep it out of every view.
fn strip_sensitive_claims(mut claims: Value) -> Value {
    if let Some(obj) = claims.as_object_mut() {
        for key in ["csrfToken", "csrf_token"] {
            if obj.contains_key(key) {
                obj.insert(key.to_string(), Value::String("<redacted>".into()));
            }
        }
    }
    claims
}

/// Permissions as the login answer lists them: strings, or objects named by `action`/`name`
/// (INFERRED shape; the 11.x sample has an empty list).
fn permission_names(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| match p {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => ["action", "name", "permission"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .map(str::to_string),
                    _ => None,
                })
                .take(100)
                .collect()
        })
        .unwrap_or_default()
}

pub fn account_summary(login_answer: &Value, token: &TokenInfo) -> AccountSummary {
    let user = login_answer.get("user").cloned().unwrap_or(Value::Null);
    let s = |v: &Value, k: &str| match v.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let claims = token.claims.clone().unwrap_or(Value::Null);
    let names = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| match r {
                        Value::String(s) => Some(s.clone()),
                        Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut licenses = names(user.get("licenseFeatures"));
    if licenses.is_empty() {
        licenses = names(claims.get("licenses"));
    }
    AccountSummary {
        username: s(&user, "username"),
        id: s(&user, "id").or_else(|| s(&claims, "sub")),
        email: s(&user, "email"),
        domain: s(&user, "domain"),
        first_name: s(&user, "firstName"),
        last_name: s(&user, "lastName"),
        roles: names(user.get("roles")),
        license_features: licenses,
        disabled: user.get("disabled").and_then(Value::as_bool),
        tenant: s(&claims, "tenantUuid"),
        multiple_login: claims.get("multipleLogin").and_then(Value::as_bool),
        password_set: user.get("passwordSet").and_then(Value::as_bool),
        questions_set: user.get("questionsSet").and_then(Value::as_bool),
        email_verified: user.get("emailVerified").and_then(Value::as_bool),
        permissions: permission_names(user.get("permissions")),
        token_expires_at: token
            .exp
            .and_then(|e| time::OffsetDateTime::from_unix_timestamp(e).ok())
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
    }
}
