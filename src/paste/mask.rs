//! Taking the secrets out of a paste, at once: every API key, password, token, Basic credential
//! and proxy or URL password found becomes a [`Secret`] with its facts, and every text kept (the
//! requests, the answers, the paste itself) is redacted with one [`Redactor`] in all the forms it
//! knows (raw, JSON-, URL- and HTML-escaped, base64 inside `Basic …`).

use super::fields::{self, secret_field, secret_header};
use super::{
    FoundSecret, InputKind, Paste, PastedAnswer, PastedRequest, Place, RawPaste, SecretFacts, SecretKind, vars,
};
use crate::secret::{Redactor, Secret};
use base64::Engine;

pub(crate) fn mask(kind: InputKind, raw: RawPaste, text: &str) -> Paste {
    let mut found: Vec<FoundSecret> = Vec::new();
    let mut add = |kind: SecretKind, place: Place, request: Option<usize>, value: &str| {
        if value.trim().is_empty() || found.iter().any(|f| f.secret.expose() == value && f.place == place) {
            return;
        }
        found.push(FoundSecret {
            kind,
            place,
            request,
            secret: Secret::new(value),
            facts: SecretFacts::of(value),
        });
    };
    for (i, r) in raw.requests.iter().enumerate() {
        let at = Some(i);
        if let Some(b) = &r.body {
            for (k, v) in fields::fields(b) {
                if let Some(kind) = secret_field(&k) {
                    let kind = match kind {
                        SecretKind::TokenPlace if crate::jwt::looks_like_jwt(&v) => SecretKind::Token,
                        k => k,
                    };
                    add(kind, Place::Body(k), at, &v);
                }
            }
        }
        for (k, v) in &r.headers {
            if !secret_header(k) {
                continue;
            }
            for (kind, value) in header_secrets(k, v) {
                add(kind, Place::Header(k.clone()), at, &value);
            }
        }
        for (k, v) in query_pairs(&r.url) {
            if let Some(kind) = secret_field(&k) {
                let kind = match kind {
                    SecretKind::TokenPlace if crate::jwt::looks_like_jwt(&v) => SecretKind::Token,
                    k => k,
                };
                add(kind, Place::Query(k), at, &v);
            }
        }
        if let Some((_, p)) = &r.basic {
            add(SecretKind::Basic, Place::BasicAuth, at, p);
        }
        if let Some(p) = userinfo_password(&r.url) {
            add(SecretKind::Userinfo, Place::Url, at, &p);
        }
        if let Some(p) = r.proxy.as_deref().and_then(userinfo_password) {
            add(SecretKind::Userinfo, Place::Proxy, at, &p);
        }
        for (kind, v) in &r.secrets {
            add(*kind, Place::Defined, at, v);
        }
    }
    for (kind, v) in &raw.secrets {
        add(*kind, Place::Defined, None, v);
    }
    for (_, a) in &raw.answers {
        if let Some(tok) = serde_json::from_str::<serde_json::Value>(a.body.trim())
            .ok()
            .and_then(|v| v.get("token").and_then(|t| t.as_str()).map(str::to_string))
        {
            add(SecretKind::Token, Place::Answer, None, &tok);
        }
    }
    // Any other token in the text (a log line, a cookie, an answer echoing one).
    for tok in jwts(text) {
        add(SecretKind::Token, Place::Answer, None, &tok);
    }
    let redactor = redactor_for(&found);
    let requests = raw
        .requests
        .iter()
        .map(|r| PastedRequest {
            origin: redactor.redact(&r.origin),
            method: r.method.as_deref().map(|m| redactor.redact(m)),
            url: redactor.redact(&r.url),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| (redactor.redact(k), redactor.redact(v)))
                .collect(),
            body: r.body.as_deref().map(|b| redactor.redact(b)),
            implied_content_type: r.implied_content_type.clone(),
            basic_user: r.basic.as_ref().map(|(u, _)| redactor.redact(u)),
            proxy: r.proxy.as_deref().map(|p| redactor.redact(p)),
            unresolved: if r.unresolved.is_empty() {
                // Formats without variables of their own (curl, HTTP) may still carry `{{baseUrl}}`.
                let mut all = vars::names(&redactor.redact(&r.url));
                for t in r.headers.iter().map(|(_, v)| v).chain(r.body.iter()) {
                    for n in vars::names(&redactor.redact(t)) {
                        if !all.contains(&n) {
                            all.push(n);
                        }
                    }
                }
                all.retain(|n| !n.starts_with('$'));
                all
            } else {
                r.unresolved.iter().map(|n| redactor.redact(n)).collect()
            },
        })
        .collect::<Vec<_>>();
    let answers = raw
        .answers
        .iter()
        .map(|(i, a)| PastedAnswer {
            origin: a.origin.clone(),
            request: i.filter(|i| *i < requests.len()),
            status: a.status,
            reason: redactor.redact(&a.reason),
            headers: a.headers.iter().map(|(k, v)| (k.clone(), redactor.redact(v))).collect(),
            body: redactor.redact(&a.body),
        })
        .collect();
    let mut unresolved: Vec<String> = Vec::new();
    for r in &requests {
        for u in &r.unresolved {
            if !unresolved.contains(u) {
                unresolved.push(u.clone());
            }
        }
    }
    Paste {
        kind,
        requests,
        answers,
        masked_text: redactor.redact(text),
        secrets: found,
        unresolved,
    }
}

/// One redactor for every secret of a paste (references to variables are not secrets).
pub(crate) fn redactor_for(found: &[FoundSecret]) -> Redactor {
    let mut r = Redactor::new();
    for f in found {
        if f.facts.reference {
            continue;
        }
        let v = f.secret.expose();
        if f.kind == SecretKind::Token || f.facts.jwt {
            r.add_token(v.trim());
        } else {
            r.add_secret(v);
        }
    }
    r
}

/// The secrets of one credential header: `X-Authorization: <token>`, `Authorization: Bearer <x>`,
/// `Authorization: Basic <base64 of user:password>`, a cookie, another key header.
fn header_secrets(name: &str, value: &str) -> Vec<(SecretKind, String)> {
    let v = value.trim();
    let n = fields::normalised(name);
    let token_kind = |t: &str| {
        if crate::jwt::looks_like_jwt(t) {
            SecretKind::Token
        } else {
            SecretKind::TokenPlace
        }
    };
    if n == "authorization" || n == "xauthorization" || n == "proxyauthorization" {
        let (scheme, rest) = v.split_once(' ').unwrap_or(("", v));
        match scheme.to_ascii_lowercase().as_str() {
            "basic" => {
                let rest = rest.trim();
                let mut out = vec![(SecretKind::Basic, rest.to_string())];
                if let Some((_, p)) = base64::engine::general_purpose::STANDARD
                    .decode(rest)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|s| s.split_once(':').map(|(u, p)| (u.to_string(), p.to_string())))
                {
                    out.push((SecretKind::Basic, p));
                }
                out
            }
            "bearer" | "token" => vec![(token_kind(rest.trim()), rest.trim().to_string())],
            _ => vec![(token_kind(v), v.to_string())],
        }
    } else {
        vec![(SecretKind::Other, v.to_string())]
    }
}

/// The query's `key=value` pairs, also of a URL that does not parse (`{{baseUrl}}/…?token=…`).
pub(crate) fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Some((_, q)) = url.split_once('?') else {
        return Vec::new();
    };
    let q = q.split('#').next().unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(64)
        .collect()
}

/// The password of `scheme://user:password@host…`.
fn userinfo_password(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|x| x.1).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, pass) = userinfo.split_once(':')?;
    let decoded = url::form_urlencoded::parse(format!("p={pass}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| pass.to_string());
    (!decoded.is_empty() && !vars::is_reference(&decoded)).then_some(decoded)
}

/// JWT-shaped runs (`eyJ…` with two dots) in a text.
fn jwts(text: &str) -> Vec<String> {
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find("eyJ") {
        let cand = &rest[pos..];
        let end = cand.find(|c: char| !(is_b64(c) || c == '.')).unwrap_or(cand.len());
        let tok = cand[..end].trim_end_matches('.');
        if crate::jwt::looks_like_jwt(tok) && tok.len() > 20 && !out.iter().any(|t: &String| t == tok) {
            out.push(tok.to_string());
        }
        rest = &cand[end.max(3)..];
        if out.len() >= 16 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_yields_the_password() {
        let b = base64::engine::general_purpose::STANDARD.encode("svc:pa ss");
        let s = header_secrets("Authorization", &format!("Basic {b}"));
        assert!(s.iter().any(|(_, v)| v == "pa ss"));
        assert_eq!(userinfo_password("http://u:p%40ss@proxy:3128").as_deref(), Some("p@ss"));
        assert_eq!(userinfo_password("https://host/path@x"), None);
        assert_eq!(jwts("a eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig b").len(), 1);
    }
}
