//! Local JWT decoding (no signature check): enough to show who the token is for and when it expires.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: serde_json::Value,
    pub claims: serde_json::Value,
}

/// True when the text has the shape of a JWT: `eyJ…`, three dot-separated base64url parts.
pub fn looks_like_jwt(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("eyJ") && t.split('.').count() == 3 && t.split('.').take(2).all(|p| !p.is_empty())
}

/// Decode header and claims. Returns `None` when either part is not base64url JSON.
pub fn decode(token: &str) -> Option<DecodedJwt> {
    let mut parts = token.trim().split('.');
    let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || s.is_empty() && c.is_empty() {
        return None;
    }
    let header = decode_part(h)?;
    let claims = decode_part(c)?;
    if !header.is_object() || !claims.is_object() {
        return None;
    }
    Some(DecodedJwt { header, claims })
}

fn decode_part(part: &str) -> Option<serde_json::Value> {
    // Be lenient about padding, which some issuers leave in.
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

impl DecodedJwt {
    pub fn alg(&self) -> Option<String> {
        self.header.get("alg").and_then(|v| v.as_str()).map(str::to_string)
    }

    pub fn number(&self, claim: &str) -> Option<i64> {
        let v = self.claims.get(claim)?;
        v.as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .or_else(|| v.as_str()?.parse().ok())
    }

    pub fn string(&self, claim: &str) -> Option<String> {
        match self.claims.get(claim)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The token of the reference's 11.3 sample (docs/control-room-api.md §8), signature shortened.
    const SAMPLE: &str = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIiwiY2xpZW50VHlwZSI6IldFQiIsImxpY2Vuc2VzIjpbXSwiYW5hbHl0aWNzTGljZW5zZXNQdXJjaGFzZWQiOnsiQW5hbHl0aWNzQ2xpZW50Ijp0cnVlLCJBbmFseXRpY3NBUEkiOnRydWV9LCJpYXQiOjE1NzMxMDc4NzMsImV4cCI6MTU3MzEwOTA3MywiaXNzIjoiQXV0b21hdGlvbkFueXdoZXJlIiwibmFub1RpbWUiOjM2NTc1NjI0OTQ2MzE2MDAsImNzcmZUb2tlbiI6ImNiZjgwZWNkZmU5YmUwYzViOGI2MDk3NmU0ZTI2MTNiIn0.rGYxbS5kKUTx";

    #[test]
    fn decodes_the_reference_sample() {
        let d = decode(SAMPLE).unwrap();
        assert_eq!(d.alg().as_deref(), Some("RS512"));
        assert_eq!(d.number("iat"), Some(1573107873));
        assert_eq!(d.number("exp").unwrap() - d.number("iat").unwrap(), 1200);
        assert!(looks_like_jwt(SAMPLE));
    }

    #[test]
    fn api_keys_are_not_jwts() {
        assert!(!looks_like_jwt("Vie;Z:IvtAhY0\\1RAD[SWl{NU7baRLYEeIYUJSKO"));
        assert!(decode("a.b.c").is_none());
        assert!(decode("").is_none());
    }
}
