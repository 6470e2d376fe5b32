//! "Try a common mistake": demo cases for the window's picker and for tests. Each case is a
//! scenario of the server plus a form filled in the way the mistake fills it. All secrets are
//! demo values.

use super::scenario::Scenario;
use super::{API_KEY, API_KEY_USER, DemoServer, PASSWORD, PASSWORD_USER};
use crate::plan::{AuthMode, CheckOptions, Plan, Target};
use crate::secret::Secret;

/// How the case writes the URL, from the server's base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlForm {
    /// The base URL as is.
    Base,
    /// The base URL plus a suffix (a path, a fragment).
    Suffix(&'static str),
    /// The TLS server's URL with `http://` instead of `https://`.
    PlainHttp,
}

/// What goes in the secret field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretForm {
    /// The right secret for the auth mode ([`API_KEY`] or [`PASSWORD`]).
    Right,
    /// A given text.
    Text(&'static str),
    /// The API key with a suffix (a trailing space or newline).
    KeyWithSuffix(&'static str),
    /// The API key without its last character (39 characters).
    KeyTruncated,
}

/// One mistake to try against the demo server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoCase {
    /// Stable id (kebab-case). Cases for a server-side scenario use the scenario's id.
    pub id: &'static str,
    /// Short words for the picker.
    pub title: &'static str,
    /// One sentence: what the user learns.
    pub lesson: &'static str,
    pub scenario: Scenario,
    /// Needs the TLS demo server.
    pub tls: bool,
    /// The check should trust the demo CA (set `options.ca_file` to [`DemoServer::ca_file`]);
    /// [`DemoCase::plan_for`] does it.
    pub trust_ca: bool,
    url: UrlForm,
    username: &'static str,
    auth: AuthMode,
    secret: SecretForm,
    /// Per-step timeout, when the case needs a short one (the `slow` case).
    timeout_secs: Option<f64>,
    /// Turn on the capability probes (docs/capabilities.md).
    probes: bool,
}

/// A JWT-shaped demo string (header `{"alg":"RS512"}`, made-up claims, no real signature): what a
/// user pastes when they copy a token instead of the key.
const PASTED_TOKEN: &str = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIyNyIsImNsaWVudFR5cGUiOiJXRUIiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMTIwMCwiaXNzIjoiQXV0b21hdGlvbkFueXdoZXJlIn0.ZGVtby1zaWduYXR1cmUtbm90LXJlYWwtZGVtby1zaWduYXR1cmUtbm90LXJlYWw";

/// A wrong key: the demo key with two characters changed (still 40 characters).
const WRONG_KEY: &str = "Kq7;Tz:Rw2]Lp8{Hd4!Vx9@Nc3(Fb6)Gj1#Ys5Xo";

const fn key_case(id: &'static str, title: &'static str, lesson: &'static str, scenario: Scenario) -> DemoCase {
    DemoCase {
        id,
        title,
        lesson,
        scenario,
        tls: false,
        trust_ca: false,
        url: UrlForm::Base,
        username: API_KEY_USER,
        auth: AuthMode::ApiKey,
        secret: SecretForm::Right,
        timeout_secs: None,
        probes: false,
    }
}

const fn with_probes(mut c: DemoCase) -> DemoCase {
    c.probes = true;
    c
}

const fn with_secret(mut c: DemoCase, s: SecretForm) -> DemoCase {
    c.secret = s;
    c
}

const fn with_url(mut c: DemoCase, u: UrlForm) -> DemoCase {
    c.url = u;
    c
}

const fn with_tls(mut c: DemoCase, trust_ca: bool) -> DemoCase {
    c.tls = true;
    c.trust_ca = trust_ca;
    c
}

const fn password_case(id: &'static str, title: &'static str, lesson: &'static str, scenario: Scenario) -> DemoCase {
    let mut c = key_case(id, title, lesson, scenario);
    c.username = PASSWORD_USER;
    c.auth = AuthMode::Password;
    c
}

static CASES: &[DemoCase] = &[
    // --- credentials that work
    key_case(
        "working-api-key",
        "A working API key",
        "A username with its own 40-character API key gets a token that validates.",
        Scenario::Normal,
    ),
    password_case(
        "working-password",
        "A working password",
        "A password login works too, but without multi-login it ends the user's other sessions.",
        Scenario::Normal,
    ),
    with_probes(key_case(
        "working-api-key-probes",
        "What the service account may do (capability probes)",
        "With the capability probes on, the check asks the Control Room what the account may do: this service \
         account may view the licence, list devices, read the repository and view schedules.",
        Scenario::Normal,
    )),
    with_probes(password_case(
        "working-password-probes",
        "What a user with the basic role may do (capability probes)",
        "The same questions for a user whose roles give less: the Control Room answers 403 (not allowed) for the \
         licence, the repository and the schedules.",
        Scenario::Normal,
    )),
    // --- mistakes in the form
    with_secret(
        key_case(
            "wrong-api-key",
            "A wrong API key",
            "UM1110 talks about a password even for a key: the key does not match this username.",
            Scenario::Normal,
        ),
        SecretForm::Text(WRONG_KEY),
    ),
    {
        let mut c = key_case(
            "key-of-another-user",
            "The API key of another user",
            "An API key only works with the username of the user who generated it.",
            Scenario::Normal,
        );
        c.username = PASSWORD_USER;
        c
    },
    with_secret(
        key_case(
            "token-as-key",
            "A token pasted as the API key",
            "A token (eyJ…) is what the login returns; the API key is a different, 40-character secret.",
            Scenario::Normal,
        ),
        SecretForm::Text(PASTED_TOKEN),
    ),
    with_secret(
        key_case(
            "key-trailing-newline",
            "An API key with a trailing newline",
            "A space or line break copied with a key is not part of the key; sent as is, the key no longer matches.",
            Scenario::Normal,
        ),
        SecretForm::KeyWithSuffix("\n"),
    ),
    with_secret(
        key_case(
            "key-trailing-space",
            "An API key with a trailing space",
            "A space or line break copied with a key is not part of the key; sent as is, the key no longer matches.",
            Scenario::Normal,
        ),
        SecretForm::KeyWithSuffix(" "),
    ),
    with_secret(
        key_case(
            "key-39-chars",
            "An API key missing its last character",
            "An API key is exactly 40 characters; a shorter one was cut off while copying.",
            Scenario::Normal,
        ),
        SecretForm::KeyTruncated,
    ),
    // --- mistakes in the URL
    with_url(
        key_case(
            "url-from-browser",
            "The URL copied from the browser",
            "Only scheme, host and port matter: a page address such as /#/login is not part of the API URL.",
            Scenario::Normal,
        ),
        UrlForm::Suffix("/#/login?next=/home"),
    ),
    with_url(
        key_case(
            "url-v1-endpoint",
            "A URL ending in /v1/authentication",
            "v1/authentication was discontinued in A360 v.33; the login is POST /v2/authentication.",
            Scenario::Normal,
        ),
        UrlForm::Suffix("/v1/authentication"),
    ),
    with_url(
        with_tls(
            key_case(
                "http-on-https-server",
                "http:// for an HTTPS server",
                "A server that only speaks HTTPS cannot answer a plain http:// request.",
                Scenario::Normal,
            ),
            true,
        ),
        UrlForm::PlainHttp,
    ),
    // --- TLS
    with_tls(
        key_case(
            "tls-untrusted",
            "A self-signed certificate",
            "A certificate from a private CA is refused until that CA is trusted (a CA file).",
            Scenario::Normal,
        ),
        false,
    ),
    with_tls(
        key_case(
            "tls-trusted",
            "A private CA, trusted",
            "With its CA trusted, an on-premises Control Room's certificate is accepted.",
            Scenario::Normal,
        ),
        true,
    ),
    with_tls(
        key_case(
            "tls-expired",
            "An expired certificate",
            "An expired certificate is refused even from a trusted CA; the server's certificate must be renewed.",
            Scenario::TlsExpired,
        ),
        true,
    ),
    with_tls(
        key_case(
            "tls-wrong-name",
            "A certificate for another name",
            "The certificate must name the host in the URL; use the name the certificate was issued for.",
            Scenario::TlsWrongName,
        ),
        true,
    ),
    // --- one per server-side scenario
    key_case(
        "block-page",
        "A firewall block page answers",
        "An HTML 'Access Denied' page comes from a web filter, not from the Control Room: ask IT to allow the host.",
        Scenario::BlockPage,
    ),
    key_case(
        "spa-html",
        "The web UI answers instead of the API",
        "A 200 with an HTML page means the URL reached a web front end, not the API.",
        Scenario::SpaHtml,
    ),
    key_case(
        "redirect-https",
        "The server redirects to https",
        "A redirect to https:// means the URL should start with https://.",
        Scenario::RedirectHttps,
    ),
    key_case(
        "redirect-sso",
        "The server redirects to a single sign-on page",
        "A redirect to an identity provider means a sign-on gateway sits in front of the API; scripts need a route around it.",
        Scenario::RedirectSso,
    ),
    key_case(
        "redirect-elsewhere",
        "The server redirects to another host",
        "A redirect to another host usually means the Control Room moved: use the new address.",
        Scenario::RedirectElsewhere,
    ),
    key_case(
        "rate-limited",
        "Too many requests (429)",
        "429 means slow down: wait for the Retry-After time before trying again.",
        Scenario::RateLimited,
    ),
    key_case(
        "bad-gateway",
        "A proxy answers 502 Bad Gateway",
        "A 502 page comes from a proxy that could not reach the Control Room behind it.",
        Scenario::BadGateway,
    ),
    key_case(
        "gateway-timeout",
        "A proxy answers 504 Gateway Timeout",
        "A 504 page comes from a proxy that waited too long for the Control Room behind it.",
        Scenario::GatewayTimeout,
    ),
    {
        let mut c = key_case(
            "slow",
            "The login never answers in time",
            "When nothing answers before the timeout, the problem is on the way (firewall, proxy) or the server is overloaded.",
            Scenario::Slow,
        );
        c.timeout_secs = Some(5.0);
        c
    },
    key_case(
        "reset",
        "The connection is cut",
        "A connection cut after the request is sent often means a firewall or TLS inspection in the way.",
        Scenario::Reset,
    ),
    key_case(
        "garbage",
        "Something that is not a web server answers",
        "An answer that is not HTTP means another service listens on this host and port.",
        Scenario::Garbage,
    ),
    key_case(
        "header-stripped",
        "A proxy strips the X-Authorization header",
        "UM1117 on the logout although the header was sent means something on the way removed it; the token \
         check still passed, with the token in its query.",
        Scenario::HeaderStripped,
    ),
    key_case(
        "valid-false",
        "A fresh token is reported invalid",
        "{\"valid\": false} is an answer, not a network error: the token was ended or is not known to this server.",
        Scenario::ValidFalse,
    ),
    key_case(
        "clock-skew",
        "The server's clock is 2 hours off",
        "When the token's issue and expiry times disagree with this computer's clock, one of the two clocks is wrong.",
        Scenario::ClockSkew,
    ),
    key_case(
        "not-jwt",
        "The token is not a JWT",
        "A Control Room token is a JWT (eyJ…); anything else did not come from a Control Room's login.",
        Scenario::NotJwt,
    ),
    key_case(
        "disabled",
        "The account is disabled",
        "A disabled account must be re-enabled by an administrator; retrying only adds failures.",
        Scenario::Disabled,
    ),
    key_case(
        "forbidden",
        "The user lacks API permission or licence",
        "A 403 from the Control Room itself is about the user's role or licence, not the password.",
        Scenario::Forbidden,
    ),
    key_case(
        "server-exception",
        "The Control Room cannot process the login",
        "generic.server.exception says the server could not handle the request; the body or a proxy may have mangled it.",
        Scenario::ServerException,
    ),
    key_case(
        "no-token",
        "The login answers without a token",
        "A success without a token is not a usable login: check what sits between you and the Control Room.",
        Scenario::NoToken,
    ),
    key_case(
        "not-found",
        "Nothing is found at this address (404)",
        "A bare 404 for the login means no Control Room API lives at this address.",
        Scenario::NotFound,
    ),
    key_case(
        "method-not-allowed",
        "The login POST is not allowed (405)",
        "A 405 for the login means the POST reached a plain web server, often after a redirect or with a wrong URL.",
        Scenario::MethodNotAllowed,
    ),
    key_case(
        "logout-fails",
        "Logout fails",
        "A failed logout leaves the session open until the token expires; the login itself worked.",
        Scenario::LogoutFails,
    ),
    password_case(
        "v1-only",
        "An Enterprise 11.x server (v1 login only)",
        "A 404 for /v2/authentication with a working /v1 is an Enterprise 11 server, not Automation 360.",
        Scenario::V1Only,
    ),
    password_case(
        "first-login",
        "A new user who has not finished the first sign-in",
        "A new account signs in once in the browser and changes its temporary password before the API accepts it.",
        Scenario::FirstLogin,
    ),
    key_case(
        "ip-allow-list",
        "A right key from an address that is not allowed",
        "An IP allow-list answers like a wrong key: when a well-formed key is refused, ask whether API logins are \
         limited to allowed addresses.",
        Scenario::IpAllowList,
    ),
    key_case(
        "license-fail-safe",
        "The licence is in fail-safe",
        "When the login works and every other call fails, the Control Room's licence may be in fail-safe; an \
         account that may view licences can read it.",
        Scenario::LicenseFailSafe,
    ),
    with_probes(key_case(
        "list-apis-missing",
        "A Control Room without the list APIs (capability probes)",
        "A probe answered 404 says the call is not on this Control Room, which says nothing of the permission: \
         the login answer's permissions decide then.",
        Scenario::ListApisMissing,
    )),
    key_case(
        "maintenance",
        "The Control Room is in its maintenance window",
        "A 503 with a maintenance page means: wait for the end of the window; nothing is wrong with the credentials.",
        Scenario::Maintenance,
    ),
];

/// The catalogue.
pub fn cases() -> &'static [DemoCase] {
    CASES
}

/// The case with this id.
pub fn find_case(id: &str) -> Option<&'static DemoCase> {
    CASES.iter().find(|c| c.id == id)
}

impl DemoCase {
    /// The plan the mistake makes, against a demo server whose base URL is `server_url`
    /// ([`DemoServer::url`]). Does not set the CA file; see [`DemoCase::plan_for`].
    pub fn plan(&self, server_url: &str) -> Plan {
        let base = server_url.trim_end_matches('/');
        let input_url = match self.url {
            UrlForm::Base => base.to_string(),
            UrlForm::Suffix(s) => format!("{base}{s}"),
            UrlForm::PlainHttp => match base.strip_prefix("https://") {
                Some(rest) => format!("http://{rest}"),
                None => base.to_string(),
            },
        };
        let right = match self.auth {
            AuthMode::ApiKey => API_KEY,
            AuthMode::Password => PASSWORD,
        };
        let secret = match self.secret {
            SecretForm::Right => right.to_string(),
            SecretForm::Text(t) => t.to_string(),
            SecretForm::KeyWithSuffix(s) => format!("{API_KEY}{s}"),
            SecretForm::KeyTruncated => API_KEY.chars().take(API_KEY.chars().count() - 1).collect(),
        };
        let mut options = CheckOptions::default();
        if let Some(t) = self.timeout_secs {
            options.timeout_secs = t;
        }
        options.probes = self.probes;
        Plan::new(
            Target::new(input_url, self.auth, self.username, options),
            Secret::new(secret),
        )
    }

    /// [`DemoCase::plan`] for this server, trusting its CA when the case says so.
    pub fn plan_for(&self, server: &DemoServer) -> Plan {
        let mut plan = self.plan(&server.url());
        if self.trust_ca {
            plan.target.options.ca_file = server.ca_file().map(|p| p.to_path_buf());
        }
        plan
    }

    /// True if this case can run on a server started with `tls`.
    pub fn fits(&self, tls: bool) -> bool {
        self.tls == tls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_failure_scenario_has_a_case() {
        let mut ids: Vec<_> = CASES.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CASES.len());
        for &s in Scenario::ALL {
            assert!(CASES.iter().any(|c| c.scenario == s), "no case for {s}");
        }
        for c in CASES.iter().filter(|c| c.scenario.needs_tls()) {
            assert!(c.tls, "{} needs the TLS server", c.id);
        }
    }

    #[test]
    fn plans_fill_the_form_as_the_mistake_does() {
        let url = "http://127.0.0.1:5000";
        let p = find_case("key-39-chars").map(|c| c.plan(url)).unwrap_or_default();
        assert_eq!(p.secret.char_len(), 39);
        let p = find_case("key-trailing-newline")
            .map(|c| c.plan(url))
            .unwrap_or_default();
        assert!(p.secret.expose().ends_with('\n'));
        let p = find_case("url-from-browser").map(|c| c.plan(url)).unwrap_or_default();
        assert_eq!(p.target.url, "http://127.0.0.1:5000/#/login?next=/home");
        let p = find_case("key-of-another-user")
            .map(|c| c.plan(url))
            .unwrap_or_default();
        assert_eq!(
            (p.target.username.as_str(), p.secret.expose()),
            (PASSWORD_USER, API_KEY)
        );
        let p = find_case("http-on-https-server")
            .map(|c| c.plan("https://localhost:5001"))
            .unwrap_or_default();
        assert_eq!(p.target.url, "http://localhost:5001");
        let p = find_case("token-as-key").map(|c| c.plan(url)).unwrap_or_default();
        assert!(crate::jwt::looks_like_jwt(p.secret.expose()));
        assert_eq!(WRONG_KEY.chars().count(), 40);
        assert_eq!(API_KEY.chars().count(), 40);
    }
}
