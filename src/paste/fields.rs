//! Reading the fields of a body that may not be JSON: hand-typed JSON with curly quotes or a
//! trailing comma, form-encoded `username=…&apiKey=…`, single quotes. Strict JSON first; this
//! lenient reading only finds the fields (to mask their secrets and to name what is wrong).

use super::SecretKind;

/// Curly quotes that documents and forum posts put in place of `"` and `'`.
pub(crate) const SMART_QUOTES: &[char] = &[
    '\u{201C}', '\u{201D}', '\u{201E}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{00AB}', '\u{00BB}', '\u{2032}',
    '\u{2033}',
];

fn is_quote(c: char) -> bool {
    c == '"' || c == '\'' || SMART_QUOTES.contains(&c)
}

/// The body's top-level JSON object, if the body is one.
pub(crate) fn json_object(body: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str::<serde_json::Value>(body.trim()) {
        Ok(serde_json::Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// `key: value` and `key=value` pairs found in any body, strict JSON or not, in order. Values of
/// strict JSON objects are their strings (other values as JSON text).
pub(crate) fn fields(body: &str) -> Vec<(String, String)> {
    if let Some(m) = json_object(body) {
        return m
            .into_iter()
            .map(|(k, v)| {
                let s = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, s)
            })
            .collect();
    }
    let t = body.trim();
    if looks_form_encoded(t) {
        return url::form_urlencoded::parse(t.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .take(64)
            .collect();
    }
    lenient(t)
}

/// `a=b&c=d` (no braces, no quotes around the keys).
pub(crate) fn looks_form_encoded(t: &str) -> bool {
    !t.starts_with(['{', '[']) && t.contains('=') && !t.contains(['\n', '{']) && !t.contains(SMART_QUOTES)
}

/// Pairs of a JSON-like text read leniently: keys and values in any quotes (or none), `:` or `=`.
fn lenient(t: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = t.chars().take(64 * 1024).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() && out.len() < 64 {
        // A key: a quoted run or a bare word.
        let c = chars[i];
        let (key, after_key) = if is_quote(c) {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && !is_quote(chars[j]) && chars[j] != '\n' {
                j += 1;
            }
            (chars[start..j.min(chars.len())].iter().collect::<String>(), j + 1)
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-') {
                j += 1;
            }
            (chars[start..j].iter().collect::<String>(), j)
        } else {
            i += 1;
            continue;
        };
        let mut j = after_key;
        while j < chars.len() && chars[j].is_whitespace() && chars[j] != '\n' {
            j += 1;
        }
        if j >= chars.len() || !(chars[j] == ':' || chars[j] == '=') || key.is_empty() {
            i = after_key.max(i + 1);
            continue;
        }
        j += 1;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        let (value, end) = if j < chars.len() && is_quote(chars[j]) {
            let start = j + 1;
            let mut k = start;
            while k < chars.len() && !is_quote(chars[k]) {
                if chars[k] == '\\' {
                    k += 1;
                }
                k += 1;
            }
            let k = k.min(chars.len());
            (chars[start..k].iter().collect::<String>(), k + 1)
        } else {
            let start = j;
            let mut k = j;
            while k < chars.len() && !matches!(chars[k], ',' | '&' | '}' | '\n' | ';') {
                k += 1;
            }
            (chars[start..k].iter().collect::<String>().trim().to_string(), k)
        };
        out.push((key, value));
        i = end.max(i + 1);
    }
    out
}

/// The field names of a body that carry a secret, with what they hold; `None` for others.
/// Misspellings count (they are what people paste).
pub(crate) fn secret_field(key: &str) -> Option<SecretKind> {
    match normalised(key).as_str() {
        "apikey" | "key" => Some(SecretKind::ApiKey),
        "password" | "pwd" | "pass" | "passwd" => Some(SecretKind::Password),
        "token" | "accesstoken" | "authtoken" | "xauthorization" | "authorization" | "jwt" => {
            Some(SecretKind::TokenPlace)
        }
        "clientsecret" | "secret" => Some(SecretKind::Other),
        _ => None,
    }
}

/// `API_Key`, `api-key`, `apiKey` → `apikey`.
pub(crate) fn normalised(key: &str) -> String {
    key.trim()
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Header names that carry a credential (their values are secrets).
pub(crate) fn secret_header(name: &str) -> bool {
    let n = normalised(name);
    n == "xauthorization"
        || n == "authorization"
        || n == "cookie"
        || n == "proxyauthorization"
        || n.contains("token")
        || n.contains("apikey")
        || n.contains("secret")
        || n.contains("password")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_reads_curly_quotes_forms_and_trailing_commas() {
        let f = fields("{\u{201C}apiKey\u{201D}:\u{201D}asdfasdfasdfasdf\u{201D}}");
        assert_eq!(f, vec![("apiKey".to_string(), "asdfasdfasdfasdf".to_string())]);
        let f = fields("username=svc_api&apiKey=a%2Bb");
        assert_eq!(f[1], ("apiKey".to_string(), "a+b".to_string()));
        let f = fields("{\"username\": \"svc\", \"apiKey\": \"k\",}");
        assert_eq!(f.len(), 2, "{f:?}");
        let f = fields("{'username': 'svc', 'password': 'p w'}");
        assert_eq!(f[1].1, "p w");
        assert!(fields("").is_empty());
        assert!(fields("\"").is_empty());
    }

    #[test]
    fn secret_fields_and_headers() {
        assert_eq!(secret_field("apiKey"), Some(SecretKind::ApiKey));
        assert_eq!(secret_field("API_KEY"), Some(SecretKind::ApiKey));
        assert_eq!(secret_field("Password"), Some(SecretKind::Password));
        assert_eq!(secret_field("username"), None);
        assert!(secret_header("X-Authorization"));
        assert!(!secret_header("Content-Type"));
    }
}
