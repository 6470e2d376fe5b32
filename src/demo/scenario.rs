//! The catalogue of server behaviours. A scenario is one way a real Control Room (or whatever sits
//! in front of it) can answer; the demo server switches between them at run time.

use serde::{Deserialize, Serialize};

/// How the demo Control Room behaves. `Normal` is a faithful Control Room; every other variant
/// reproduces one failure a user meets in the field (docs/hints.md lists the hints they provoke).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// A healthy Control Room.
    #[default]
    Normal,
    /// A corporate web filter answers 403 with its own HTML block page.
    BlockPage,
    /// Every path answers 200 with the web UI's HTML (the URL points at a web front end).
    SpaHtml,
    /// 301 to the same path on `https://`.
    RedirectHttps,
    /// 302 to an identity provider's SAML login page.
    RedirectSso,
    /// 302 to another host.
    RedirectElsewhere,
    /// 429 with `Retry-After`.
    RateLimited,
    /// 502 page of an nginx reverse proxy.
    BadGateway,
    /// 504 page of an nginx reverse proxy.
    GatewayTimeout,
    /// The login answers only after 30 s.
    Slow,
    /// The TCP connection is reset once the request has arrived.
    Reset,
    /// The answer is not HTTP at all (another service listens on the port).
    Garbage,
    /// A proxy strips `X-Authorization`: login works, validate and logout answer UM1117.
    HeaderStripped,
    /// Login works, validate answers `{"valid": false}`.
    ValidFalse,
    /// The server's clock is 2 hours behind: the token's `iat`/`exp` lie in the client's past.
    ClockSkew,
    /// The token is an opaque hex string, not a JWT.
    NotJwt,
    /// The account is disabled: every login of a known user is refused.
    Disabled,
    /// 403 in the Control Room's JSON error shape: no API permission or licence.
    Forbidden,
    /// Every login answers `generic.server.exception`.
    ServerException,
    /// 200 with a `user` object but no `token`.
    NoToken,
    /// 404 for everything, from something that is not a Control Room.
    NotFound,
    /// 405 for the login POST.
    MethodNotAllowed,
    /// Logout answers 500.
    LogoutFails,
    /// An old 11.x server: `/v2/authentication` is 404, `/v1/authentication` works.
    V1Only,
    /// TLS server only: the certificate has expired.
    TlsExpired,
    /// TLS server only: the certificate is issued for another host name.
    TlsWrongName,
    /// The account has not finished its first sign-in (temporary password): a correct login is
    /// refused until the password is changed in the web interface.
    FirstLogin,
    /// An IP allow-list on the Control Room: a correct key is refused exactly like a wrong one.
    IpAllowList,
    /// The licence is in fail-safe: the login works, every other call fails; the licence details
    /// say `failSafeStatus: 1`.
    LicenseFailSafe,
    /// The Control Room is in its maintenance window: 503 with a maintenance page for everything.
    Maintenance,
    /// The list calls of the capability probes are not on this Control Room (404); the login and the
    /// licence details work.
    ListApisMissing,
}

impl Scenario {
    pub const ALL: &'static [Scenario] = &[
        Scenario::Normal,
        Scenario::BlockPage,
        Scenario::SpaHtml,
        Scenario::RedirectHttps,
        Scenario::RedirectSso,
        Scenario::RedirectElsewhere,
        Scenario::RateLimited,
        Scenario::BadGateway,
        Scenario::GatewayTimeout,
        Scenario::Slow,
        Scenario::Reset,
        Scenario::Garbage,
        Scenario::HeaderStripped,
        Scenario::ValidFalse,
        Scenario::ClockSkew,
        Scenario::NotJwt,
        Scenario::Disabled,
        Scenario::Forbidden,
        Scenario::ServerException,
        Scenario::NoToken,
        Scenario::NotFound,
        Scenario::MethodNotAllowed,
        Scenario::LogoutFails,
        Scenario::V1Only,
        Scenario::TlsExpired,
        Scenario::TlsWrongName,
        Scenario::FirstLogin,
        Scenario::IpAllowList,
        Scenario::LicenseFailSafe,
        Scenario::Maintenance,
        Scenario::ListApisMissing,
    ];

    /// Stable kebab-case id (the serde name), for the command line and saved settings.
    pub fn id(self) -> &'static str {
        match self {
            Scenario::Normal => "normal",
            Scenario::BlockPage => "block-page",
            Scenario::SpaHtml => "spa-html",
            Scenario::RedirectHttps => "redirect-https",
            Scenario::RedirectSso => "redirect-sso",
            Scenario::RedirectElsewhere => "redirect-elsewhere",
            Scenario::RateLimited => "rate-limited",
            Scenario::BadGateway => "bad-gateway",
            Scenario::GatewayTimeout => "gateway-timeout",
            Scenario::Slow => "slow",
            Scenario::Reset => "reset",
            Scenario::Garbage => "garbage",
            Scenario::HeaderStripped => "header-stripped",
            Scenario::ValidFalse => "valid-false",
            Scenario::ClockSkew => "clock-skew",
            Scenario::NotJwt => "not-jwt",
            Scenario::Disabled => "disabled",
            Scenario::Forbidden => "forbidden",
            Scenario::ServerException => "server-exception",
            Scenario::NoToken => "no-token",
            Scenario::NotFound => "not-found",
            Scenario::MethodNotAllowed => "method-not-allowed",
            Scenario::LogoutFails => "logout-fails",
            Scenario::V1Only => "v1-only",
            Scenario::TlsExpired => "tls-expired",
            Scenario::TlsWrongName => "tls-wrong-name",
            Scenario::FirstLogin => "first-login",
            Scenario::IpAllowList => "ip-allow-list",
            Scenario::LicenseFailSafe => "license-fail-safe",
            Scenario::Maintenance => "maintenance",
            Scenario::ListApisMissing => "list-apis-missing",
        }
    }

    pub fn from_id(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.iter().copied().find(|sc| sc.id().eq_ignore_ascii_case(s))
    }

    /// Short words for a picker.
    pub fn title(self) -> &'static str {
        match self {
            Scenario::Normal => "A healthy Control Room",
            Scenario::BlockPage => "A firewall block page answers",
            Scenario::SpaHtml => "The web UI answers instead of the API",
            Scenario::RedirectHttps => "The server redirects to https",
            Scenario::RedirectSso => "The server redirects to a single sign-on page",
            Scenario::RedirectElsewhere => "The server redirects to another host",
            Scenario::RateLimited => "Too many requests (429)",
            Scenario::BadGateway => "A proxy answers 502 Bad Gateway",
            Scenario::GatewayTimeout => "A proxy answers 504 Gateway Timeout",
            Scenario::Slow => "The login never answers in time",
            Scenario::Reset => "The connection is cut",
            Scenario::Garbage => "Something that is not a web server answers",
            Scenario::HeaderStripped => "A proxy strips the X-Authorization header",
            Scenario::ValidFalse => "A fresh token is reported invalid",
            Scenario::ClockSkew => "The server's clock is 2 hours off",
            Scenario::NotJwt => "The token is not a JWT",
            Scenario::Disabled => "The account is disabled",
            Scenario::Forbidden => "The user lacks API permission or licence",
            Scenario::ServerException => "The Control Room cannot process the login",
            Scenario::NoToken => "The login answers without a token",
            Scenario::NotFound => "Nothing is found at this address (404)",
            Scenario::MethodNotAllowed => "The login POST is not allowed (405)",
            Scenario::LogoutFails => "Logout fails",
            Scenario::V1Only => "An Enterprise 11.x server (v1 login only)",
            Scenario::TlsExpired => "The certificate has expired (TLS only)",
            Scenario::TlsWrongName => "The certificate is for another name (TLS only)",
            Scenario::FirstLogin => "The first sign-in is not finished (temporary password)",
            Scenario::IpAllowList => "An IP allow-list refuses this computer",
            Scenario::LicenseFailSafe => "The licence is in fail-safe",
            Scenario::Maintenance => "The Control Room is in maintenance",
            Scenario::ListApisMissing => "The list APIs are not on this Control Room (404)",
        }
    }

    /// True for scenarios that only show on the TLS server (on plain HTTP they act as `Normal`).
    pub fn needs_tls(self) -> bool {
        matches!(self, Scenario::TlsExpired | Scenario::TlsWrongName)
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for &s in Scenario::ALL {
            assert_eq!(Scenario::from_id(s.id()), Some(s));
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.id()));
            assert!(!s.title().is_empty());
        }
        assert_eq!(Scenario::from_id("nope"), None);
    }

    #[test]
    fn all_is_complete_and_unique() {
        let mut ids: Vec<_> = Scenario::ALL.iter().map(|s| s.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Scenario::ALL.len());
    }
}
