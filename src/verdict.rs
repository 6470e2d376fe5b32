//! The verdict: one mapping from a check's outcome and its most likely cause to the words a person
//! reads first. The window's verdict card and status line, the response pane, `check`'s text
//! output and the Markdown report all take their words from here, so they cannot disagree.
//!
//! The kind comes from the top hint's id (an exhaustive `match`: a new [`HintId`] must be
//! classified here to compile), falling back on the transcript's [`Outcome`] for ids that say
//! nothing about who is at fault (a warning about plain http, a path dropped from the URL). The
//! headline is the top hint's title, the first step is the first item of its fix. A rate limit,
//! a gateway's error page, a proxy that strips the token or a fresh token reported invalid are
//! never worded as refused credentials.

use crate::diagnose::{Hint, HintId, Severity};
use crate::transcript::{Outcome, StepError, StepName, StepRecord, StepStatus, TlsFailure};

/// What happened, in one word or three: the verdict card's outcome word and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerdictKind {
    /// The Control Room accepted the credentials and confirmed the token.
    Works,
    /// The Control Room itself answered and did not accept this sign-in.
    CredentialsRefused,
    /// No connection to the Control Room (name, network, proxy, certificate).
    Unreachable,
    /// Something other than the Control Room's API answered (a web page, a block page, a redirect).
    SomethingElse,
    /// The server failed (5xx, an exception while processing the login).
    ServerProblem,
    /// The check could not finish for a reason that is not the credentials (a rate limit, a token
    /// that did not reach the Control Room after a good login).
    Incomplete,
    /// The credentials work, but the account lacks a capability the profile requires
    /// (`account.missing-permission`): a role needs a permission, not a new key.
    MissingPermission,
    Cancelled,
    /// The form cannot be used as it is; nothing was sent.
    CannotTest,
}

/// The colour class of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    /// Neither works nor failed: incomplete, cancelled, or the form needs a change.
    Caution,
}

impl VerdictKind {
    pub const ALL: [VerdictKind; 9] = [
        VerdictKind::Works,
        VerdictKind::CredentialsRefused,
        VerdictKind::Unreachable,
        VerdictKind::SomethingElse,
        VerdictKind::ServerProblem,
        VerdictKind::Incomplete,
        VerdictKind::MissingPermission,
        VerdictKind::Cancelled,
        VerdictKind::CannotTest,
    ];

    /// The outcome word of the verdict card.
    pub fn word(self) -> &'static str {
        match self {
            VerdictKind::Works => "It works",
            VerdictKind::CredentialsRefused => "Credentials refused",
            VerdictKind::Unreachable => "Could not reach the Control Room",
            VerdictKind::SomethingElse => "Something else answered",
            VerdictKind::ServerProblem => "Server problem",
            VerdictKind::Incomplete => "Check incomplete",
            VerdictKind::MissingPermission => "Missing permission",
            VerdictKind::Cancelled => "Cancelled",
            VerdictKind::CannotTest => "Cannot test",
        }
    }

    /// A short word for titles (the Markdown report) and, in capitals, the first word of
    /// `check`'s verdict line.
    pub fn short(self) -> &'static str {
        match self {
            VerdictKind::Works => "OK",
            VerdictKind::CredentialsRefused => "Refused",
            VerdictKind::Unreachable => "Unreachable",
            VerdictKind::SomethingElse => "Something else answered",
            VerdictKind::ServerProblem => "Server problem",
            VerdictKind::Incomplete => "Incomplete",
            VerdictKind::MissingPermission => "Missing permission",
            VerdictKind::Cancelled => "Cancelled",
            VerdictKind::CannotTest => "Cannot test",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            VerdictKind::Works => Tone::Good,
            VerdictKind::CredentialsRefused
            | VerdictKind::Unreachable
            | VerdictKind::SomethingElse
            | VerdictKind::ServerProblem
            | VerdictKind::MissingPermission => Tone::Bad,
            VerdictKind::Incomplete | VerdictKind::Cancelled | VerdictKind::CannotTest => Tone::Caution,
        }
    }
}

/// What the check can say about the credentials themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// The login succeeded: they are right.
    Accepted,
    /// The Control Room did not accept them (or this account).
    Refused,
    /// They were sent, or would have been, but nothing judged them.
    NotChecked,
    /// Nothing was sent.
    NotSent,
    /// Nothing to say (cancelled).
    Unknown,
}

impl Credentials {
    /// One sentence, or nothing when the headline already says it.
    pub fn sentence(self) -> Option<&'static str> {
        match self {
            Credentials::Accepted => Some("The sign-in itself worked, so the credentials are fine."),
            Credentials::NotChecked => Some("The credentials were not checked."),
            Credentials::NotSent => Some("Nothing was sent, so the credentials were not tried."),
            Credentials::Refused | Credentials::Unknown => None,
        }
    }
}

/// The verdict on a check.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub kind: VerdictKind,
    /// The most likely cause in plain words (the top hint's title; Markdown code spans kept).
    pub headline: String,
    /// The first thing to do (the first item of the top hint's fix), if there is one.
    pub first_step: Option<String>,
    /// On a check that works: the warning that comes with it ("but …").
    pub caveat: Option<String>,
    pub credentials: Credentials,
    /// The hint the words come from.
    pub hint: Option<HintId>,
}

impl Verdict {
    /// What the verdict says about the credentials, when the headline does not already say it
    /// (a check that works needs no such line).
    pub fn credentials_note(&self) -> Option<&'static str> {
        match self.kind {
            VerdictKind::Works => None,
            _ => self.credentials.sentence(),
        }
    }

    /// "Check incomplete: the server is limiting …" in one line, without Markdown: the status line.
    pub fn one_line(&self) -> String {
        let mut s = format!("{}: {}", self.kind.word(), plain(&self.headline));
        if let Some(c) = &self.caveat {
            s.push_str(&format!(" But: {}", plain(c)));
        }
        s
    }
}

/// The kind and what it says about the credentials, from a hint id; `None` for ids that say
/// nothing about who is at fault (the outcome decides then).
pub fn classify(id: HintId) -> Option<(VerdictKind, Credentials)> {
    use Credentials as C;
    use HintId as H;
    use VerdictKind as K;
    Some(match id {
        H::UrlMissing | H::UrlInvalid | H::InputUsernameMissing | H::InputSecretMissing | H::InputCaFile => {
            (K::CannotTest, C::NotSent)
        }
        // Rejected before sending: a token in the key field is caught by the preflight.
        H::InputKeyIsToken => (K::CannotTest, C::NotSent),
        // https assumed, and the port speaks plain http: no secure connection.
        H::UrlNoScheme => (K::Unreachable, C::NotChecked),
        H::UrlHttp | H::UrlPathDropped | H::UrlV1Endpoint | H::UrlCredentials => return None,
        H::InputWhitespace | H::InputDomainUser | H::InputInsecure => return None,
        // An error only when the Control Room refused the login and the key's date has passed.
        H::InputKeyExpiring => (K::CredentialsRefused, C::Refused),
        // The credentials work (the token was issued and confirmed); a role lacks a permission the
        // profile requires. Not "refused" (a new key would not help) and not "incomplete" (the check
        // finished and found it): its own words, so the admin looks at the roles.
        H::AccountMissingPermission => (K::MissingPermission, C::Accepted),
        // Errors only when the login was then refused: they explain the refusal.
        H::InputSmartQuotes | H::InputKeyLength => (K::CredentialsRefused, C::Refused),
        H::NetDns | H::NetRefused | H::NetTimeout | H::NetReset | H::NetProxy | H::NetUnreachable => {
            (K::Unreachable, C::NotChecked)
        }
        H::TlsUntrusted | H::TlsExpired | H::TlsNameMismatch | H::TlsHandshake | H::TlsPinMismatch => {
            (K::Unreachable, C::NotChecked)
        }
        H::HttpRedirect | H::HttpNotApi | H::HttpBlocked | H::HttpNotFound | H::HttpMethod => {
            (K::SomethingElse, C::NotChecked)
        }
        H::HttpRateLimited => (K::Incomplete, C::NotChecked),
        H::HttpServerError | H::AuthServerException | H::HttpMaintenance => (K::ServerProblem, C::NotChecked),
        // An Enterprise 11 server: the A360 API is not there, another product answered.
        H::HttpEnterprise11 => (K::SomethingElse, C::NotChecked),
        // The login worked; the Control Room's licence stops what comes after it.
        H::AuthLicenseFailSafe => (K::ServerProblem, C::Accepted),
        // The Control Room refused the login until the account's first sign-in is finished.
        H::AuthFirstLogin => (K::CredentialsRefused, C::Refused),
        H::AuthBadCredentials | H::AuthForbidden | H::AuthDisabled => (K::CredentialsRefused, C::Refused),
        // A success status without a token is not the Control Room's login answer.
        H::AuthNoToken => (K::SomethingElse, C::NotChecked),
        H::AuthRetryWarning | H::AuthSessionReplaced | H::AuthCommunityEdition => return None,
        H::TokenNotJwt | H::TokenExpiry | H::LogoutFailed => return None,
        // The login worked; what failed came after it.
        H::TokenInvalid | H::TokenHeaderMissing | H::TokenClockSkew => (K::Incomplete, C::Accepted),
        // A token too long to be sent back: not validated, and perhaps not the Control Room's.
        H::TokenTooLong => (K::Incomplete, C::NotChecked),
        H::CheckCancelled => (K::Cancelled, C::Unknown),
        H::CheckUnexplained => return None,
        // A pasted request's mistakes (`aa-conntest explain`): no check ran, the outcome decides.
        H::RequestV1Login
        | H::RequestKeyAsToken
        | H::RequestTokenInBody
        | H::RequestAuthorizationHeader
        | H::RequestBothSecrets
        | H::RequestUsernameMissing
        | H::RequestFieldName
        | H::RequestNotJson
        | H::RequestSmartQuotes
        | H::RequestContentType
        | H::RequestHttp
        | H::RequestKeyWhitespace
        | H::RequestWebUrl
        | H::RequestMethod
        | H::RequestUnresolved => return None,
    })
}

/// The kind an outcome gives when no hint decides.
fn from_outcome(outcome: Outcome) -> (VerdictKind, Credentials) {
    match outcome {
        Outcome::Ok => (VerdictKind::Works, Credentials::Accepted),
        Outcome::Rejected => (VerdictKind::CredentialsRefused, Credentials::Refused),
        Outcome::Unreachable => (VerdictKind::Unreachable, Credentials::NotChecked),
        Outcome::InvalidInput => (VerdictKind::CannotTest, Credentials::NotSent),
        Outcome::Cancelled => (VerdictKind::Cancelled, Credentials::Unknown),
    }
}

/// The headline when no hint gives one.
fn outcome_headline(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => WORKS_HEADLINE,
        Outcome::Rejected => "The Control Room did not accept these credentials.",
        Outcome::Unreachable => "The Control Room could not be reached.",
        Outcome::InvalidInput => "Something in the form needs a change before a test can run.",
        Outcome::Cancelled => "The check was stopped before it finished.",
    }
}

const WORKS_HEADLINE: &str = "The Control Room accepted these credentials and confirmed the token.";

/// The outcome a report's string stands for (`"ok"`, `"rejected"`, …).
pub fn outcome_from_str(s: &str) -> Option<Outcome> {
    [
        Outcome::Ok,
        Outcome::Rejected,
        Outcome::Unreachable,
        Outcome::InvalidInput,
        Outcome::Cancelled,
    ]
    .into_iter()
    .find(|o| o.as_str() == s)
}

/// The most likely cause: the first hint that is not merely informative (hints come ranked).
pub fn top_hint(hints: &[Hint]) -> Option<&Hint> {
    hints.iter().find(|h| h.severity != Severity::Info)
}

/// The verdict on a check that ended with `outcome` and these (ranked) hints.
pub fn verdict(outcome: Outcome, hints: &[Hint]) -> Verdict {
    let top = top_hint(hints);
    let step = |h: &Hint| first_step(&h.fix);
    match outcome {
        Outcome::Ok => Verdict {
            kind: VerdictKind::Works,
            headline: WORKS_HEADLINE.into(),
            first_step: top.and_then(step),
            caveat: top.map(|h| h.title.clone()),
            credentials: Credentials::Accepted,
            hint: top.map(|h| h.id),
        },
        Outcome::Cancelled => {
            let h = hints.iter().find(|h| h.id == HintId::CheckCancelled);
            Verdict {
                kind: VerdictKind::Cancelled,
                headline: outcome_headline(outcome).into(),
                first_step: h.and_then(step),
                caveat: None,
                credentials: Credentials::Unknown,
                hint: h.map(|h| h.id),
            }
        }
        _ => {
            let (kind, credentials) = match (outcome, top.and_then(|h| classify(h.id))) {
                // Nothing was sent: whatever the hint, the form is what must change.
                (Outcome::InvalidInput, _) => from_outcome(outcome),
                (_, Some(c)) => c,
                (_, None) => from_outcome(outcome),
            };
            Verdict {
                kind,
                headline: top.map_or_else(|| outcome_headline(outcome).into(), |h| h.title.clone()),
                first_step: top.and_then(step),
                caveat: None,
                credentials,
                hint: top.map(|h| h.id),
            }
        }
    }
}

/// Whether the verdict is about this step: the first step that failed, or, when none failed, the
/// step its hint points at (a check that works is about no step).
pub fn is_about_step(v: &Verdict, hints: &[Hint], step: StepName, first_failed: Option<StepName>) -> bool {
    if v.kind == VerdictKind::Works {
        return false;
    }
    match first_failed {
        Some(f) => f == step,
        None => {
            v.hint
                .and_then(|id| hints.iter().find(|h| h.id == id))
                .and_then(|h| h.step)
                == Some(step)
        }
    }
}

/// The first thing to do: the first numbered item of a fix, else its first paragraph.
pub fn first_step(fix: &str) -> Option<String> {
    let fix = fix.trim();
    if fix.is_empty() {
        return None;
    }
    let text = match fix.strip_prefix("1.") {
        Some(rest) => {
            let end = rest.find("\n2.").unwrap_or(rest.len());
            &rest[..end]
        }
        None => fix.split("\n\n").next().unwrap_or(fix),
    };
    let one: Vec<&str> = text.split_whitespace().collect();
    (!one.is_empty()).then(|| one.join(" "))
}

/// Text without inline Markdown markers (code spans, emphasis) for places that show plain text:
/// the status line, a terminal. Underscores stay: they are part of usernames.
pub fn plain(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '`' | '*')).collect()
}

/// What went wrong in a step, in words a person reads (no library or operating-system text).
/// `None` when the step has no problem. The raw error stays in the report and under "Technical
/// details".
pub fn step_problem(rec: &StepRecord) -> Option<String> {
    let e = rec.error.as_ref()?;
    Some(match e {
        StepError::Input { .. } => "The form cannot be used as it is; nothing was sent.".into(),
        StepError::Dns { host, .. } => format!("The name {host} could not be found (DNS)."),
        StepError::Refused { addr } => format!("Nothing accepted the connection at {addr}."),
        StepError::Timeout { secs, .. } => format!("No answer within {} s.", trim_secs(*secs)),
        StepError::Reset { .. } => "The connection was cut before an answer came back.".into(),
        StepError::Unreachable { addr, .. } if !addr.is_empty() => format!("There is no network path to {addr}."),
        StepError::Unreachable { .. } => "There is no network path to the server.".into(),
        StepError::Tls { kind, .. } => match kind {
            TlsFailure::Untrusted => "The certificate is not trusted by this computer.".into(),
            TlsFailure::Expired => "The certificate has expired or is not valid yet.".into(),
            TlsFailure::NameMismatch => "The certificate is for another host name.".into(),
            TlsFailure::Handshake => "The secure connection could not be set up.".into(),
            TlsFailure::PinMismatch => "The certificate is not the one trusted for this address: it changed.".into(),
        },
        StepError::Proxy { .. } => "The proxy did not pass the request on.".into(),
        StepError::Protocol { .. } => "The server did not answer in HTTP.".into(),
        StepError::Network { .. } => "The network connection failed.".into(),
        StepError::CaFile { .. } => "The CA file could not be used.".into(),
        StepError::Cancelled => "Cancelled before an answer came back.".into(),
        StepError::Answer { .. } => match &rec.response {
            Some(r) => {
                let what = match rec.status {
                    StepStatus::Ok => "Unexpected answer",
                    _ => "The step did not get the answer it needs",
                };
                format!("{what}: HTTP {} {}.", r.status, r.reason).replace(" .", ".")
            }
            None => "No answer came back.".into(),
        },
    })
}

fn trim_secs(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phrases that put the failure on the credentials.
    const BLAME: &[&str] = &[
        "refused",
        "did not accept",
        "not accepted",
        "incorrect",
        "wrong key",
        "wrong password",
        "invalid credentials",
    ];

    fn blames(text: &str) -> bool {
        let t = text.to_lowercase();
        BLAME.iter().any(|b| t.contains(b))
    }

    /// The ids whose failure is about the credentials or the account.
    fn about_credentials(id: HintId) -> bool {
        matches!(
            id,
            HintId::AuthBadCredentials
                | HintId::AuthForbidden
                | HintId::AuthDisabled
                | HintId::AuthFirstLogin
                | HintId::InputSmartQuotes
                | HintId::InputKeyLength
                | HintId::InputKeyExpiring
        )
    }

    fn hint(id: HintId, severity: Severity) -> Hint {
        Hint::new(id, severity, format!("Title of {id}"))
            .fix(format!("1. First thing for {id}.\n2. Second thing."))
            .detail("Why.")
    }

    /// The outcomes a hint of this id can come with.
    fn outcomes(id: HintId) -> Vec<Outcome> {
        let mut v = vec![Outcome::Rejected, Outcome::Unreachable, Outcome::Ok];
        if matches!(classify(id), Some((VerdictKind::CannotTest, _))) {
            v.push(Outcome::InvalidInput);
        }
        v
    }

    #[test]
    fn every_hint_id_yields_a_verdict_that_agrees_with_it() {
        for &id in HintId::ALL {
            for &sev in id.severities() {
                for outcome in outcomes(id) {
                    let h = hint(id, sev);
                    let v = verdict(outcome, std::slice::from_ref(&h));
                    let ctx = format!("{id} ({sev:?}) with outcome {outcome:?}: {v:?}");
                    if sev == Severity::Info {
                        // Not a cause: the outcome speaks.
                        assert_eq!(v.kind, from_outcome(outcome).0, "{ctx}");
                        assert_eq!(v.hint, None, "{ctx}");
                        continue;
                    }
                    match outcome {
                        Outcome::Ok => {
                            assert_eq!(v.kind, VerdictKind::Works, "{ctx}");
                            assert_eq!(v.caveat.as_deref(), Some(h.title.as_str()), "{ctx}");
                        }
                        _ => {
                            // The headline is the hint's own title, the first step its first item.
                            assert_eq!(v.headline, h.title, "{ctx}");
                            assert_eq!(v.first_step.as_deref(), Some(format!("First thing for {id}.").as_str()));
                            let expected = classify(id).map_or(from_outcome(outcome).0, |c| c.0);
                            assert_eq!(v.kind, expected, "{ctx}");
                        }
                    }
                    assert_eq!(v.hint, Some(id), "{ctx}");
                    // Our own words never blame the credentials unless the hint does.
                    // (An id that leaves it to the outcome may say "refused" when the outcome is.)
                    if !about_credentials(id) && (classify(id).is_some() || outcome != Outcome::Rejected) {
                        let ours = format!(
                            "{} {} {}",
                            v.kind.word(),
                            v.kind.short(),
                            v.credentials.sentence().unwrap_or("")
                        );
                        assert!(!blames(&ours), "{ctx}: {ours}");
                    }
                    if !about_credentials(id) && classify(id).is_some() {
                        assert_ne!(v.kind, VerdictKind::CredentialsRefused, "{ctx}");
                        assert_ne!(v.credentials, Credentials::Refused, "{ctx}");
                    }
                }
            }
        }
    }

    #[test]
    fn what_the_issue_lists_is_never_worded_as_refused_credentials() {
        // A 429, a proxy stripping X-Authorization after a good login, a fresh token reported
        // invalid, a 5xx, a gateway's 403: all come with outcome "rejected" or "unreachable".
        for (id, kind) in [
            (HintId::HttpRateLimited, VerdictKind::Incomplete),
            (HintId::TokenHeaderMissing, VerdictKind::Incomplete),
            (HintId::TokenInvalid, VerdictKind::Incomplete),
            (HintId::HttpServerError, VerdictKind::ServerProblem),
            (HintId::AuthServerException, VerdictKind::ServerProblem),
            (HintId::HttpBlocked, VerdictKind::SomethingElse),
        ] {
            for outcome in [Outcome::Rejected, Outcome::Unreachable] {
                let v = verdict(outcome, &[hint(id, Severity::Error)]);
                assert_eq!(v.kind, kind, "{id}");
                assert!(
                    !blames(&v.one_line().replace(&v.headline, "")),
                    "{id}: {}",
                    v.one_line()
                );
                assert_ne!(v.credentials, Credentials::Refused);
            }
        }
        // A permission the profile requires: the credentials work, a role lacks it.
        let v = verdict(
            Outcome::Rejected,
            &[hint(HintId::AccountMissingPermission, Severity::Error)],
        );
        assert_eq!(v.kind, VerdictKind::MissingPermission);
        assert_eq!(v.kind.tone(), Tone::Bad);
        assert_eq!(
            v.credentials_note(),
            Some("The sign-in itself worked, so the credentials are fine.")
        );
        let v = verdict(Outcome::Rejected, &[hint(HintId::TokenInvalid, Severity::Error)]);
        assert_eq!(
            v.credentials.sentence(),
            Some("The sign-in itself worked, so the credentials are fine.")
        );
    }

    #[test]
    fn a_refused_login_says_so_and_the_warning_behind_it_does_not_lead() {
        let hints = [
            hint(HintId::AuthBadCredentials, Severity::Error),
            hint(HintId::AuthRetryWarning, Severity::Warning),
        ];
        let v = verdict(Outcome::Rejected, &hints);
        assert_eq!(v.kind, VerdictKind::CredentialsRefused);
        assert_eq!(v.kind.tone(), Tone::Bad);
        assert_eq!(v.headline, "Title of auth.bad-credentials");
    }

    #[test]
    fn nothing_sent_is_cannot_test_whatever_the_hint() {
        let v = verdict(
            Outcome::InvalidInput,
            &[hint(HintId::InputSmartQuotes, Severity::Error)],
        );
        assert_eq!(v.kind, VerdictKind::CannotTest);
        assert_eq!(v.credentials, Credentials::NotSent);
    }

    #[test]
    fn without_hints_the_outcome_speaks() {
        for (o, k) in [
            (Outcome::Ok, VerdictKind::Works),
            (Outcome::Rejected, VerdictKind::CredentialsRefused),
            (Outcome::Unreachable, VerdictKind::Unreachable),
            (Outcome::InvalidInput, VerdictKind::CannotTest),
            (Outcome::Cancelled, VerdictKind::Cancelled),
        ] {
            let v = verdict(o, &[]);
            assert_eq!(v.kind, k);
            assert!(!v.headline.is_empty());
            assert_eq!(v.caveat, None);
            assert_eq!(outcome_from_str(o.as_str()), Some(o));
        }
        // Information only: a check that works, nothing to add.
        let v = verdict(Outcome::Ok, &[hint(HintId::TokenExpiry, Severity::Info)]);
        assert_eq!((v.caveat, v.first_step), (None, None));
    }

    #[test]
    fn first_step_is_the_first_item_or_paragraph() {
        assert_eq!(
            first_step("1. Open *My settings*\n   and look.\n2. Then this.").as_deref(),
            Some("Open *My settings* and look.")
        );
        assert_eq!(
            first_step("Ask the admin.\n\nLater: more.").as_deref(),
            Some("Ask the admin.")
        );
        assert_eq!(first_step("  "), None);
        assert_eq!(
            plain("The account `svc_api` is *disabled*"),
            "The account svc_api is disabled"
        );
    }

    #[test]
    fn step_problems_carry_no_library_text() {
        let mut rec = StepRecord::new(crate::transcript::StepName::Connect);
        rec.status = StepStatus::Failed;
        for e in [
            StepError::Reset {
                phase: crate::transcript::ResetPhase::AfterRequest,
                orderly: false,
                detail: "client error (SendRequest): connection error: Connection reset by peer (os error 104)".into(),
            },
            StepError::Tls {
                kind: TlsFailure::Untrusted,
                reason: "the certificate is not trusted".into(),
                detail: "invalid peer certificate: UnknownIssuer".into(),
            },
            StepError::Dns {
                host: "cr.invalid".into(),
                detail: "failed to lookup address information: Name or service not known".into(),
            },
            StepError::Protocol {
                detail: "client error (SendRequest): invalid HTTP version parsed".into(),
            },
        ] {
            rec.error = Some(e.clone());
            let words = step_problem(&rec).unwrap_or_default();
            for raw in [
                "os error",
                "SendRequest",
                "UnknownIssuer",
                "client error",
                "lookup address",
            ] {
                assert!(!words.contains(raw), "{e:?}: {words}");
            }
        }
        rec.error = Some(StepError::Answer {
            detail: "the login was refused (HTTP 502)".into(),
        });
        rec.response = Some(crate::transcript::RecordedResponse {
            status: 502,
            reason: "Bad Gateway".into(),
            ..Default::default()
        });
        let words = step_problem(&rec).unwrap_or_default();
        assert!(words.contains("HTTP 502 Bad Gateway") && !blames(&words), "{words}");
    }
}
