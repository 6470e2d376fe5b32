//! The hint ids: one enum, declared in catalogue order (`docs/hints.md` is generated from it).
//!
//! The string of each id ([`HintId::as_str`]) is a contract: reports, the CLI text and the profiles'
//! history carry it. A misspelt id does not compile, and [`HintId::ALL`] comes from the same list, so
//! there is no second list to keep in step.

use super::Severity;
use std::fmt;

macro_rules! hint_ids {
    ($($variant:ident = $id:literal, [$($sev:ident),+], exit [$($exit:literal),*], $situation:literal;)+) => {
        /// A hint's stable id. Declaration order is the catalogue order, which also breaks ties when
        /// hints are ranked.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum HintId {
            $(#[doc = $situation] $variant,)+
        }

        impl HintId {
            /// Every id, in catalogue order.
            pub const ALL: &'static [HintId] = &[$(HintId::$variant,)+];

            /// The stable id written in reports, e.g. `auth.bad-credentials`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(HintId::$variant => $id,)+
                }
            }

            /// The situation that produces this hint, in one line (the catalogue's second column).
            pub const fn situation(self) -> &'static str {
                match self {
                    $(HintId::$variant => $situation,)+
                }
            }

            /// The severities this hint can have; the tests check every hint they see against it.
            pub const fn severities(self) -> &'static [Severity] {
                match self {
                    $(HintId::$variant => &[$(Severity::$sev),+],)+
                }
            }

            /// The exit codes of `check` when this hint is the most likely cause of a failed check
            /// (the first hint), following "who answered" (`docs/cli.md`): `1` only when the
            /// Control Room itself answered, `2` when nothing or something else did, `3` for unusable
            /// input, `130` when cancelled. Empty for hints that never explain a failure on their own.
            /// `tests/it/hints_real.rs` checks every real run against it.
            pub const fn exit_codes(self) -> &'static [i32] {
                match self {
                    $(HintId::$variant => &[$($exit),*],)+
                }
            }
        }
    };
}

hint_ids! {
    UrlMissing = "url.missing", [Error], exit [3], "no Control Room URL was given";
    UrlInvalid = "url.invalid", [Error], exit [3], "the URL cannot be parsed";
    UrlNoScheme = "url.no-scheme", [Error, Warning, Info], exit [2], "no `https://`; https was assumed (an error when the port then answered plain http)";
    UrlHttp = "url.http", [Warning, Info], exit [], "plain `http://`: secrets travel unencrypted, and a redirect to https breaks the POST (info only on this computer)";
    UrlPathDropped = "url.path-dropped", [Info], exit [], "the URL carried a path, query or fragment (`/#/login`, `/swagger/`, a copied page) that was dropped";
    UrlV1Endpoint = "url.v1-endpoint", [Warning], exit [], "the URL pointed at `/v1/authentication` (discontinued since A360 v.33); the check uses v2";
    UrlCredentials = "url.credentials", [Warning], exit [], "the URL carried `user:password@` before the host: that part was dropped, and is never sent, shown or stored";
    InputUsernameMissing = "input.username-missing", [Error], exit [3], "the username field is empty";
    InputSecretMissing = "input.secret-missing", [Error], exit [3], "the API key or password field is empty (or only whitespace)";
    InputWhitespace = "input.whitespace", [Warning], exit [], "leading/trailing spaces or a line break in a field";
    InputSmartQuotes = "input.smart-quotes", [Error, Warning], exit [1, 2], "curly quotes in a field (pasted from a document or a forum post); an error when the login was then refused";
    InputKeyIsToken = "input.key-is-token", [Error], exit [3], "the \"API key\" is a JWT (`eyJ…`, three dot-separated parts): a token was pasted, not a key";
    InputKeyLength = "input.key-length", [Error, Warning], exit [1, 2], "the API key is not 40 characters; an error when the login was then refused";
    InputDomainUser = "input.domain-user", [Warning, Info], exit [], "the username has a `DOMAIN\\user` backslash (fine: it is escaped for JSON); a warning when it was typed twice";
    InputInsecure = "input.insecure", [Warning], exit [], "certificate checks are turned off for this check";
    InputKeyExpiring = "input.key-expiring", [Error, Warning, Info], exit [1], "the API key's expiry date kept with the profile is within its warning window (default 14 days: a warning; `--fail-on-expiring DAYS` then exits 4), later (info) or past (a warning, an error when the login was then refused)";
    NetDns = "net.dns", [Error], exit [2], "the host name does not resolve (typo, VPN, internal DNS)";
    NetRefused = "net.refused", [Error], exit [2], "connection refused (wrong host or port, service down)";
    NetTimeout = "net.timeout", [Error], exit [2], "no answer in time (firewall dropping, VPN or proxy needed)";
    NetReset = "net.reset", [Error], exit [2], "the connection was cut (firewall, proxy, TLS inspection)";
    NetProxy = "net.proxy", [Error], exit [2, 3], "the proxy refused, needs authentication (407), or is unreachable";
    TlsUntrusted = "tls.untrusted", [Error], exit [2], "certificate not trusted (self-signed, private CA, corporate TLS inspection)";
    TlsExpired = "tls.expired", [Error], exit [2], "certificate expired or not yet valid";
    TlsNameMismatch = "tls.name-mismatch", [Error], exit [2], "certificate is for another host name";
    TlsHandshake = "tls.handshake", [Error], exit [2], "any other TLS failure (e.g. plain HTTP on the TLS port)";
    TlsPinMismatch = "tls.pin-mismatch", [Error], exit [2], "the certificate is not the one trusted by its SHA-256 fingerprint (`--pin-sha256`): it changed since it was trusted";
    HttpRedirect = "http.redirect", [Error], exit [2], "the server redirected the login (to https, to an SSO page, elsewhere); not followed";
    HttpNotApi = "http.not-api", [Error], exit [2], "the answer is HTML or other non-JSON where the API answers JSON (the web UI, a wrong URL, not HTTP at all)";
    HttpBlocked = "http.blocked", [Error], exit [2], "the answer looks like a firewall or proxy block page, or a 403 that is not the Control Room's";
    HttpNotFound = "http.not-found", [Error], exit [2], "404: no Control Room API at this address";
    HttpMethod = "http.method", [Error], exit [2], "405: the request arrived with another method (often after a redirect)";
    HttpRateLimited = "http.rate-limited", [Error], exit [1, 2], "429: too many requests";
    HttpServerError = "http.server-error", [Error], exit [2], "5xx that is not the Control Room's own error body";
    HttpMaintenance = "http.maintenance", [Error], exit [2], "503 with an Automation Anywhere maintenance page: the Control Room is in its maintenance window";
    HttpEnterprise11 = "http.enterprise-11", [Error], exit [2], "an Enterprise 11.x Control Room: `/v2/authentication` is 404 and `/v1/authentication` answers";
    AuthBadCredentials = "auth.bad-credentials", [Error], exit [1, 2], "the Control Room rejected the username with this key or password (e.g. `UM1110`); causes differ for key and password";
    AuthServerException = "auth.server-exception", [Error], exit [1], "`generic.server.exception`: the Control Room could not process the login request";
    AuthForbidden = "auth.forbidden", [Error], exit [1], "403 from the Control Room itself: permission or licence";
    AuthDisabled = "auth.disabled", [Error], exit [1], "the account is disabled or locked";
    AuthNoToken = "auth.no-token", [Error], exit [2], "a 2xx answer without a token";
    AuthFirstLogin = "auth.first-login", [Error, Warning], exit [1], "the account has not finished its first sign-in (a temporary password to change first); an error when a call then failed";
    AuthLicenseFailSafe = "auth.license-fail-safe", [Error, Warning], exit [1], "the login worked and later calls failed: the Control Room's licence is in fail-safe (`GET /v2/license/details`)";
    AuthRetryWarning = "auth.retry-warning", [Warning], exit [], "after any rejected login: repeated failures disable the account; no automatic retry";
    AuthSessionReplaced = "auth.session-replaced", [Warning, Info], exit [], "password login without multi-login may end the same user's other sessions";
    AuthCommunityEdition = "auth.community-edition", [Warning, Info], exit [], "the host is a Community Edition Control Room: API use is limited";
    AccountMissingPermission = "account.missing-permission", [Error, Warning], exit [1], "the credentials work, but the account lacks a capability the profile requires (`--require`): the login answer's permissions or a probe's 403 say so (a warning when neither can tell)";
    TokenNotJwt = "token.not-jwt", [Warning], exit [], "the token that came back is not a JWT";
    TokenExpiry = "token.expiry", [Info], exit [], "when the token expires (from its `exp` claim)";
    TokenClockSkew = "token.clock-skew", [Error, Warning], exit [1], "the token's `iat`/`exp` disagree with this computer's clock by more than 5 minutes";
    TokenInvalid = "token.invalid", [Error], exit [1], "validate answered `{\"valid\": false}` for a token just issued";
    TokenHeaderMissing = "token.header-missing", [Error, Warning], exit [1], "`UM1117`: the token must travel in the `X-Authorization` header (a warning when only the logout got it)";
    TokenTooLong = "token.too-long", [Error], exit [2], "the token that came back is too long to be sent back (over 64 KB): the validate call was not sent";
    LogoutFailed = "logout.failed", [Warning], exit [], "the logout call did not answer 204";
    // `request.*`: mistakes a pasted request shows before anything is sent (`src/paste`, `aa-conntest explain`).
    RequestV1Login = "request.v1-login", [Error, Warning], exit [1], "a pasted request logs in (or refreshes a token) at the discontinued `/v1/authentication`; a warning for an \"Access Denied\" answer pasted alone";
    RequestKeyAsToken = "request.key-as-token", [Error], exit [1], "a pasted request sends an API key (not a JWT) where the token goes: `X-Authorization` or `/v1/authentication/token?token=`";
    RequestTokenInBody = "request.token-in-body", [Error], exit [1], "a pasted call after the login carries the token or key in its body or query instead of the `X-Authorization` header";
    RequestAuthorizationHeader = "request.authorization-header", [Error], exit [1], "a pasted request uses `Authorization:` (Bearer, Basic) or `X-Authorization: Bearer …` instead of the bare token in `X-Authorization`";
    RequestBothSecrets = "request.both-secrets", [Error], exit [1], "a pasted login body has both `apiKey` and `password`, or neither";
    RequestUsernameMissing = "request.username-missing", [Error], exit [1], "a pasted login body has no `username`";
    RequestFieldName = "request.field-name", [Error], exit [1], "a pasted login body misspells a field name (`apikey`, `Username`, `api_key`); the names are case-sensitive";
    RequestNotJson = "request.not-json", [Error], exit [1], "a pasted login body is missing or not JSON (form-encoded, single quotes, a trailing comma, an unescaped backslash)";
    RequestSmartQuotes = "request.smart-quotes", [Error, Warning], exit [1], "a pasted body has curly quotes (“ ” ‘ ’) from a document or a forum post; an error when they break the JSON";
    RequestContentType = "request.content-type", [Warning], exit [], "a pasted login does not say `Content-Type: application/json` (none, or another type)";
    RequestHttp = "request.http", [Warning], exit [], "a pasted request uses plain `http://`: the key or password travels unencrypted";
    RequestKeyWhitespace = "request.key-whitespace", [Error], exit [1], "the API key in a pasted request has a space or a line break in or around it";
    RequestWebUrl = "request.web-url", [Error], exit [2], "a pasted request goes to the web interface or the Swagger page (`/#/login`, `/swagger/`), not the API";
    RequestMethod = "request.method", [Error], exit [1], "a pasted request uses the wrong method (`GET` for the login, `POST` for validate, …)";
    RequestUnresolved = "request.unresolved", [Warning], exit [], "a pasted request uses `{{variables}}` that nothing in the paste defines";
    NetUnreachable = "net.unreachable", [Error], exit [2], "no network path to the address (no route, network down, VPN off)";
    InputCaFile = "input.ca-file", [Error], exit [3], "the trust options cannot be used: the CA file cannot be read or holds no certificate, or a pinned fingerprint is not a SHA-256 fingerprint";
    CheckCancelled = "check.cancelled", [Info], exit [130], "the check was cancelled before it finished";
    CheckUnexplained = "check.unexplained", [Error], exit [1, 2, 3], "the check failed in a way no rule recognises (the fallback, so a failure always has an error hint)";
}

impl HintId {
    /// Only explaining a paste gives this hint (`request.*`), never a check: its examples and
    /// coverage come from `src/paste` and tests/it/paste_corpus.rs.
    pub fn from_paste_only(self) -> bool {
        self.as_str().starts_with("request.")
    }

    /// The id whose [`as_str`](Self::as_str) is `s`.
    pub fn from_id(s: &str) -> Option<HintId> {
        Self::ALL.iter().copied().find(|id| id.as_str() == s)
    }
}

impl fmt::Display for HintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for HintId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for HintId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<HintId> for &str {
    fn eq(&self, other: &HintId) -> bool {
        *self == other.as_str()
    }
}

impl serde::Serialize for HintId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_well_formed_and_named_after_their_variant() {
        let mut seen = std::collections::HashSet::new();
        for id in HintId::ALL {
            let s = id.as_str();
            assert!(seen.insert(s), "{s} twice");
            let (area, name) = s.split_once('.').unwrap_or_else(|| panic!("{s}: no area"));
            assert!(
                !area.is_empty() && area.chars().all(|c| c.is_ascii_lowercase()),
                "{s}: area"
            );
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{s}: name"
            );
            // `auth.bad-credentials` is `AuthBadCredentials`: a reader finds one from the other.
            let pascal: String = s
                .split(['.', '-'])
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(format!("{id:?}"), pascal);
            assert_eq!(HintId::from_id(s), Some(*id));
            assert!(!id.severities().is_empty() && !id.situation().is_empty());
        }
        assert_eq!(HintId::from_id("auth.bad-credential"), None);
    }

    #[test]
    fn compares_and_serialises_as_its_string() {
        let id = HintId::AuthBadCredentials;
        assert!(id == "auth.bad-credentials");
        assert!("auth.bad-credentials" == id);
        assert_eq!(id.to_string(), "auth.bad-credentials");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"auth.bad-credentials\"");
        // Declaration order is the catalogue order.
        assert!(HintId::UrlMissing < HintId::CheckUnexplained);
        assert_eq!(HintId::ALL.first(), Some(&HintId::UrlMissing));
    }
}
