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
        permissions: permissions(user.get("permissions")),
        disabled: user.get("disabled").and_then(Value::as_bool),
        tenant: s(&claims, "tenantUuid"),
        multiple_login: claims.get("multipleLogin").and_then(Value::as_bool),
        password_set: user.get("passwordSet").and_then(Value::as_bool),
        questions_set: user.get("questionsSet").and_then(Value::as_bool),
        email_verified: user.get("emailVerified").and_then(Value::as_bool),
        token_expires_at: token
            .exp
            .and_then(|e| time::OffsetDateTime::from_unix_timestamp(e).ok())
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
    }
}

/// At most this many permission entries are read (a hostile answer may list millions).
const MAX_PERMISSIONS: usize = 500;
/// Longer names are not permission names.
const MAX_NAME: usize = 80;

/// The login answer's `permissions` grouped by resource type. Entries are objects with `action`
/// and `resourceType` (the shape of the Control Room's role permissions, e.g. `generateapikey` on
/// `api`), or `"resource:action"` strings; anything else is skipped.
fn permissions(v: Option<&Value>) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let Some(list) = v.and_then(Value::as_array) else {
        return out;
    };
    let name = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.chars().count() <= MAX_NAME && !s.chars().any(char::is_control)).then(|| s.to_string())
    };
    for p in list.iter().take(MAX_PERMISSIONS) {
        let (resource, action) = match p {
            Value::Object(o) => {
                let get = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .and_then(name)
                };
                (
                    get(&["resourceType", "resource_type", "resource"]),
                    get(&["action", "name", "permission"]),
                )
            }
            Value::String(s) => match s.split_once(':') {
                Some((r, a)) => (name(r), name(a)),
                None => (None, name(s)),
            },
            _ => (None, None),
        };
        let Some(action) = action else { continue };
        let actions = out.entry(resource.unwrap_or_else(|| "other".into())).or_default();
        if !actions.contains(&action) {
            actions.push(action);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_grouped_by_resource_and_bounded() {
        let answer = serde_json::json!({"user": {"username": "svc", "permissions": [
            {"id": 1, "action": "generateapikey", "resourceId": null, "resourceType": "api"},
            {"id": 2, "action": "run", "resourceType": "bots"},
            {"id": 3, "action": "run", "resourceType": "bots"},
            "devices:view",
            {"action": "x".repeat(500), "resourceType": "api"},
            42
        ]}});
        let a = account_summary(&answer, &TokenInfo::default());
        assert_eq!(a.permissions["api"], vec!["generateapikey"]);
        assert_eq!(a.permissions["bots"], vec!["run"]);
        assert_eq!(a.permissions["devices"], vec!["view"]);
        assert_eq!(a.permissions.len(), 3);
        let none = account_summary(&serde_json::json!({"user": {"permissions": []}}), &TokenInfo::default());
        assert!(none.permissions.is_empty());
        // Not in the report when there are none (the report's shape is unchanged then).
        assert!(!serde_json::to_string(&none).unwrap().contains("permissions"));
    }
}
