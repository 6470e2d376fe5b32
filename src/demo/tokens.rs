//! Issuing and checking tokens.
//!
//! Tokens look like the reference's samples (§3.1, §8): `base64url({"alg":"RS512"})`, a claims part,
//! and a signature part. The demo does not sign anything: the third part is 256 random bytes, the
//! size of an RS512 signature with a 2048-bit key. A token is valid when this server issued it, it is
//! not past its expiry and it was not invalidated (logout, refresh, a newer single-session login).

use super::clock;
use super::users::DemoUser;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use std::collections::HashMap;

/// Token lifetime: "By default, a token is valid for 20 minutes" ([D1][D3], reference §3.1).
pub(crate) const LIFETIME_SECS: i64 = 1200;

/// How far the `clock-skew` scenario's server clock lags behind the client's.
pub(crate) const SKEW_SECS: i64 = 2 * 3600;

/// The tenant of the demo Control Room (the `tenantUuid` claim of A360 tokens, reference §1.4).
const TENANT_UUID: &str = "5e0b9c4d-7a21-4f3e-8d6c-1b2a3c4d5e6f";

/// What kind of token a login hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenStyle {
    /// A JWT with the server's (correct) clock.
    Jwt,
    /// A JWT whose `iat`/`exp` come from a clock [`SKEW_SECS`] behind: already expired for the client.
    /// The server itself honours it for 20 minutes, as a server with a wrong clock would.
    SkewedJwt,
    /// An opaque 32-character hex string.
    Opaque,
}

#[derive(Serialize)]
struct Analytics {
    #[serde(rename = "AnalyticsClient")]
    client: bool,
    #[serde(rename = "AnalyticsAPI")]
    api: bool,
}

/// Claims in the order of the reference's samples.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Claims {
    sub: String,
    client_type: &'static str,
    licenses: Vec<&'static str>,
    analytics_licenses_purchased: Analytics,
    tenant_uuid: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    multiple_login: Option<bool>,
    iat: i64,
    exp: i64,
    iss: &'static str,
    nano_time: u64,
}

fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// Make the text of a new token.
pub(crate) fn mint(user: &DemoUser, multi: bool, style: TokenStyle) -> Result<String, getrandom::Error> {
    if style == TokenStyle::Opaque {
        let bytes = random_bytes::<16>()?;
        return Ok(bytes.iter().map(|b| format!("{b:02x}")).collect());
    }
    let now = clock::now_unix();
    let iat = if style == TokenStyle::SkewedJwt {
        now - SKEW_SECS
    } else {
        now
    };
    let claims = Claims {
        sub: user.id.to_string(),
        client_type: "WEB",
        licenses: user.license_features.to_vec(),
        analytics_licenses_purchased: Analytics {
            client: true,
            api: true,
        },
        tenant_uuid: TENANT_UUID,
        multiple_login: multi.then_some(true),
        iat,
        exp: iat + LIFETIME_SECS,
        iss: "AutomationAnywhere",
        nano_time: clock::nano_time(),
    };
    // Serialising a plain struct of strings and numbers cannot fail.
    let claims = serde_json::to_vec(&claims).unwrap_or_default();
    let signature = random_bytes::<256>()?;
    Ok(format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS512"}"#),
        URL_SAFE_NO_PAD.encode(claims),
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

#[derive(Debug, Clone)]
struct TokenRecord {
    user_id: u64,
    /// Server-side expiry (Unix seconds).
    expires: i64,
    multi: bool,
    revoked: bool,
}

/// Every token this server issued.
#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    tokens: HashMap<String, TokenRecord>,
}

impl TokenStore {
    /// Remember a token issued now. A login that is not multi-session ends the user's earlier
    /// single-session tokens: "a new login invalidates the user's earlier token" ([F3], reference
    /// §3.3). Multi-session tokens (API key or `multipleLogin: true`, [D6]) survive, and a
    /// multi-session login ends nothing.
    pub fn issue(&mut self, token: &str, user: &DemoUser, multi: bool) {
        if !multi {
            for rec in self.tokens.values_mut() {
                if rec.user_id == user.id && !rec.multi {
                    rec.revoked = true;
                }
            }
        }
        self.tokens.insert(
            token.to_string(),
            TokenRecord {
                user_id: user.id,
                expires: clock::now_unix() + LIFETIME_SECS,
                multi,
                revoked: false,
            },
        );
    }

    pub fn is_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|r| !r.revoked && r.expires > clock::now_unix())
    }

    /// The user id and multi-session flag of a valid token.
    pub fn owner(&self, token: &str) -> Option<(u64, bool)> {
        if !self.is_valid(token) {
            return None;
        }
        self.tokens.get(token).map(|r| (r.user_id, r.multi))
    }

    pub fn revoke(&mut self, token: &str) {
        if let Some(r) = self.tokens.get_mut(token) {
            r.revoked = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::users::USERS;

    #[test]
    fn minted_jwt_decodes_with_a_20_minute_life() {
        let token = mint(&USERS[0], true, TokenStyle::Jwt).expect("random bytes");
        let d = crate::jwt::decode(&token).expect("decodable");
        assert_eq!(d.alg().as_deref(), Some("RS512"));
        assert_eq!(d.number("exp").unwrap_or(0) - d.number("iat").unwrap_or(0), 1200);
        assert_eq!(d.string("sub").as_deref(), Some("27"));
        assert_eq!(d.claims["multipleLogin"], serde_json::json!(true));
        assert!(token.starts_with("eyJhbGciOiJSUzUxMiJ9."));
    }

    #[test]
    fn opaque_tokens_are_32_hex_chars() {
        let token = mint(&USERS[0], false, TokenStyle::Opaque).expect("random bytes");
        assert_eq!(token.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn single_session_login_replaces_only_single_session_tokens() {
        let mut store = TokenStore::default();
        let u = &USERS[1];
        store.issue("a", u, false);
        store.issue("m", u, true);
        store.issue("b", u, false);
        assert!(!store.is_valid("a"));
        assert!(store.is_valid("m"));
        assert!(store.is_valid("b"));
        store.revoke("b");
        assert!(!store.is_valid("b"));
        assert!(!store.is_valid("unknown"));
    }
}
